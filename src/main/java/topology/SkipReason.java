package topology;

/**
 * Why automated recovery leaves an analysis entry alone (orchestrator-api.md §7.5, §7.7, §7.8).
 * {@link RecoveryDecision#reason()} carries the instance-specific sentence; this is the kind.
 */
public enum SkipReason {
  /** The code has no recovery function at all (NoProblem, UnreachableCoMaster, ...). */
  NO_HANDLER("no action plan for this analysis"),
  /**
   * The code has a handler but nothing to do: detection only (hooks, emergency re-probes), or the
   * repair is switched off (RecoverLockedSemiSyncMaster, RecoverNonWriteableMaster, ...).
   */
  NOT_ACTIONABLE("not actionable"),
  /** The server, or every replica for a replica problem, is downtimed (SkippableDueToDowntime). */
  DOWNTIMED("downtimed"),
  /** DeadMaster, DeadMasterAndSomeReplicas, LockedSemiSyncMaster just after an emergency operation. */
  EMERGENCY_GRACE("emergency operation grace period"),
  /** disable-global-recoveries. */
  RECOVERIES_DISABLED("global recoveries disabled"),
  /** RecoverMasterClusterFilters / RecoverIntermediateMasterClusterFilters do not match. */
  CLUSTER_FILTER("cluster does not match the recovery filters"),
  /** A recovery is running on the cluster: one at a time, forced or not. */
  ALREADY_RUNNING("a recovery is already running on the cluster"),
  /**
   * Anti-flapping: a recovery on the cluster is in its active period, or the failed server was
   * itself promoted by one, and it is not acknowledged.
   */
  ANTI_FLAPPING("blocked by a recent recovery (anti-flapping)");

  private final String description;

  SkipReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
