package topology;

/**
 * The emergency operation an analysis code asks for, so that a suspected failure is confirmed
 * (or dismissed) within a couple of poll cycles (orchestrator's {@code runEmergentOperations}).
 * These are requests: the analysis executes nothing.
 */
public enum EmergentProbe {
  NONE,
  /** re-probe the analysed instance and each of its direct replicas now */
  REPROBE_REPLICAS,
  /** re-probe the analysed instance's own master (AnalyzedInstanceMasterKey) now */
  REPROBE_MASTER,
  /** re-probe the analysed instance now */
  REPROBE_INSTANCE,
  /**
   * restart replication (STOP/START SLAVE IO_THREAD) on the analysed instance's replicas, so that
   * they re-authenticate and notice a master that only looks alive; orchestrator skips replicas
   * using MariaDB GTID (restarting their IO thread discards relay logs) and starts the ~5 s
   * emergency grace period for the instance
   */
  RESTART_REPLICAS_IO
}
