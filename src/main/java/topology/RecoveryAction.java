package topology;

/** What automated recovery would do for an analysis code (orchestrator-api.md §7.2, §7.5). */
public enum RecoveryAction {
  /** nothing: detection only */
  NONE,
  /** regroup the dead master's replicas and promote one (DeadMaster, DeadMasterAndSomeReplicas) */
  MASTER_FAILOVER,
  /** like master failover, preferring the other co-master */
  CO_MASTER_FAILOVER,
  /** relocate the dead intermediate master's replicas */
  INTERMEDIATE_MASTER_RECOVERY,
  /** set the read-only master writable (RecoverNonWriteableMaster) */
  SET_WRITEABLE,
  /** enable or disable semi-sync on replicas to match the wait count */
  SEMI_SYNC,
  /** relocate a dead group member's replicas to another member */
  GROUP_MEMBER
}
