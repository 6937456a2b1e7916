package topology;

/**
 * The kind of a recovery, orchestrator's TopologyRecovery {@code Type} (orchestrator-api.md
 * §7.4). Setting a read-only master writable and semi-sync repairs have no type upstream: their
 * {@link #apiName()} is {@code ""}.
 */
public enum RecoveryType {
  MasterRecovery("MasterRecovery"),
  CoMasterRecovery("CoMasterRecovery"),
  IntermediateMasterRecovery("IntermediateMasterRecovery"),
  ReplicationGroupMemberRecovery("ReplicationGroupMemberRecovery"),
  /** RecoverNonWriteableMaster: {@code read_only=0} on the master. */
  SetWriteable(""),
  /** LockedSemiSyncMaster / MasterWithTooManySemiSyncReplicas: semi-sync on enough replicas. */
  SemiSync("");

  private final String apiName;

  RecoveryType(String apiName) {
    this.apiName = apiName;
  }

  /** The {@code Type} field of the TopologyRecovery JSON. */
  public String apiName() {
    return apiName;
  }

  /** The type of the recovery an action runs; null for {@link RecoveryAction#NONE}. */
  public static RecoveryType of(RecoveryAction action) {
    return switch (action) {
      case MASTER_FAILOVER -> MasterRecovery;
      case CO_MASTER_FAILOVER -> CoMasterRecovery;
      case INTERMEDIATE_MASTER_RECOVERY -> IntermediateMasterRecovery;
      case GROUP_MEMBER -> ReplicationGroupMemberRecovery;
      case SET_WRITEABLE -> SetWriteable;
      case SEMI_SYNC -> SemiSync;
      case NONE -> null;
    };
  }
}
