package topology;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether automated (or forced) recovery acts on an analysis entry: orchestrator's
 * executeCheckAndRecoverFunction gates (orchestrator-api.md §7.5 steps 1 to 6, §7.7, §7.8) as one
 * pure function. Detection is never gated here; this only decides the second, recovery step
 * (STYLE.md habit 10).
 *
 * <p>Checks, in order (the first that refuses is the reason):
 * <ol>
 *   <li>{@link SkipReason#DOWNTIMED}: SkippableDueToDowntime (orchestrator skips these before
 *       anything else);</li>
 *   <li>{@link SkipReason#NO_HANDLER}, {@link SkipReason#NOT_ACTIONABLE}: the code's action under
 *       the configuration ({@link AnalysisCode#actionUnder});</li>
 *   <li>{@link SkipReason#EMERGENCY_GRACE}: DeadMaster, DeadMasterAndSomeReplicas and
 *       LockedSemiSyncMaster shortly after an emergency operation on the server;</li>
 *   <li>{@link SkipReason#RECOVERIES_DISABLED}: the global switch;</li>
 *   <li>{@link SkipReason#CLUSTER_FILTER}: master and co-master recovery need
 *       RecoverMasterClusterFilters, intermediate-master and group-member recovery
 *       RecoverIntermediateMasterClusterFilters (set-writeable and semi-sync repairs have no
 *       filter, as upstream);</li>
 *   <li>{@link SkipReason#ALREADY_RUNNING}: one recovery per cluster at a time, held until it
 *       completes;</li>
 *   <li>{@link SkipReason#ANTI_FLAPPING}: the failed server was promoted by a recovery still in
 *       its active period, or the cluster had a recovery still in its active period; the period
 *       is RecoveryPeriodBlockSeconds from the recovery's end (orcha) and acknowledgement ends
 *       it.</li>
 * </ol>
 * A forced decision ({@link #decideForced}: the recover API, force-master-failover/-takeover,
 * graceful takeover) skips downtime, the grace period, the global switch, the filters and
 * anti-flapping, but never runs beside another recovery of the cluster; it acknowledges the
 * instance's completed recoveries (orchestrator's implicit acknowledgement).
 *
 * <p>Differences from orchestrator: the block counts from the end of a recovery; the global
 * switch also stops set-writeable (orchestrator's checkAndRecoverNonWriteableMaster ignores it);
 * forced recoveries ignore the emergency grace period (orchestrator turns a forced DeadMaster
 * within it into a no-op); a cluster is recognised by name, alias or failed server, since a
 * failover renames it.
 */
public final class RecoveryPolicy {

  private RecoveryPolicy() {}

  /** Automated recovery of a non-forced analysis entry. */
  public static RecoveryDecision decide(ReplicationAnalysis entry, RecoveryControl control,
      RecoverySettings settings, Instant now) {
    return decide(entry, control, settings, now, false);
  }

  /** A forced recovery: the recover API, force-master-failover/-takeover, graceful takeover. */
  public static RecoveryDecision decideForced(ReplicationAnalysis entry, RecoveryControl control,
      RecoverySettings settings, Instant now) {
    return decide(entry, control, settings, now, true);
  }

  private static RecoveryDecision decide(ReplicationAnalysis e, RecoveryControl control,
      RecoverySettings settings, Instant now, boolean forced) {
    AnalysisCode code = e.analysis();
    RecoveryAction action = code.actionUnder(settings.analysisSettings());
    InstanceKey key = e.key();
    String cluster = e.clusterDetails().name();
    String alias = e.clusterDetails().alias();
    String on = code + " on " + key + " (cluster " + cluster + ")";

    if (!forced && e.skippableDueToDowntime()) {
      String who = e.downtime().isDowntimed() ? key + " is downtimed"
          : "all replicas of " + key + " are downtimed";
      return RecoveryDecision.skip(e, action, false, SkipReason.DOWNTIMED,
          on + ": " + who + " (SkippableDueToDowntime)", List.of());
    }
    if (!code.hasHandler()) {
      return RecoveryDecision.skip(e, RecoveryAction.NONE, forced, SkipReason.NO_HANDLER,
          on + ": no action plan", List.of());
    }
    if (action == RecoveryAction.NONE) {
      String why = code.isActionable() ? switchedOff(code) : "detection only, nothing to recover";
      return RecoveryDecision.skip(e, action, forced, SkipReason.NOT_ACTIONABLE,
          on + ": " + why, List.of());
    }
    if (!forced && code.emergencyGracePeriod()) {
      Instant op = control.emergencyOperations().get(key);
      if (op != null && !now.isBefore(op) && now.isBefore(op.plus(settings.emergencyGracePeriod()))) {
        return RecoveryDecision.skip(e, action, false, SkipReason.EMERGENCY_GRACE,
            on + ": an emergency operation ran on " + key + " at " + op + "; waiting "
                + settings.emergencyGracePeriod().toSeconds() + "s for its outcome", List.of());
      }
    }
    if (!forced && control.recoveriesDisabled()) {
      return RecoveryDecision.skip(e, action, false, SkipReason.RECOVERIES_DISABLED,
          on + ": global recoveries disabled", List.of());
    }
    if (!forced) {
      Optional<String> filter = filterMismatch(action, cluster, alias, settings);
      if (filter.isPresent()) {
        return RecoveryDecision.skip(e, action, false, SkipReason.CLUSTER_FILTER,
            on + ": " + filter.get(), List.of());
      }
    }
    Optional<RecoveryRecord> running = control.runningOn(cluster, alias, key);
    if (running.isPresent()) {
      RecoveryRecord r = running.get();
      return RecoveryDecision.skip(e, action, forced, SkipReason.ALREADY_RUNNING,
          on + ": recovery " + r.uid() + " of " + r.failed() + " is still running on cluster "
              + r.clusterName() + " since " + r.startedAt() + "; one recovery per cluster at a time",
          List.of(r));
    }
    if (!forced) {
      Optional<RecoveryDecision> blocked = antiFlapping(e, control, settings, now, action, on);
      if (blocked.isPresent()) {
        return blocked.get();
      }
    }
    List<RecoveryRecord> acknowledge = forced
        ? control.recoveries().stream()
            .filter(r -> !r.running() && !r.acknowledged() && r.failed().equals(key))
            .toList()
        : List.of();
    return RecoveryDecision.act(e, action, forced,
        (forced ? "forced " : "") + RecoveryType.of(action) + " (" + action + ") for " + on,
        acknowledge);
  }

  private static String switchedOff(AnalysisCode code) {
    return switch (code) {
      case LockedSemiSyncMaster ->
          "RecoverLockedSemiSyncMaster and EnforceExactSemiSyncReplicas are off";
      case MasterWithTooManySemiSyncReplicas -> "EnforceExactSemiSyncReplicas is off";
      case NoWriteableMasterStructureWarning -> "RecoverNonWriteableMaster is off";
      default -> "switched off by configuration";
    };
  }

  private static Optional<String> filterMismatch(RecoveryAction action, String cluster,
      String alias, RecoverySettings s) {
    return switch (action) {
      case MASTER_FAILOVER, CO_MASTER_FAILOVER -> ClusterFilters.matches(
          s.masterClusterFilters(), cluster, alias) ? Optional.empty()
          : Optional.of("cluster " + cluster + " (alias " + alias
              + ") does not match RecoverMasterClusterFilters " + s.masterClusterFilters());
      case INTERMEDIATE_MASTER_RECOVERY, GROUP_MEMBER -> ClusterFilters.matches(
          s.intermediateMasterClusterFilters(), cluster, alias) ? Optional.empty()
          : Optional.of("cluster " + cluster + " (alias " + alias
              + ") does not match RecoverIntermediateMasterClusterFilters "
              + s.intermediateMasterClusterFilters());
      default -> Optional.empty();
    };
  }

  /**
   * orchestrator's AttemptRecoveryRegistration checks, with its texts: the failed server was
   * promoted by an active recovery; the cluster had an active recovery.
   */
  private static Optional<RecoveryDecision> antiFlapping(ReplicationAnalysis e,
      RecoveryControl control, RecoverySettings settings, Instant now, RecoveryAction action,
      String on) {
    InstanceKey key = e.key();
    String cluster = e.clusterDetails().name();
    String alias = e.clusterDetails().alias();
    List<RecoveryRecord> promoted = control.recoveries().stream()
        .filter(r -> r.successor().equals(key))
        .filter(r -> r.activeAt(now, settings.recoveryPeriodBlock()))
        .toList();
    if (!promoted.isEmpty()) {
      RecoveryRecord r = promoted.get(0);
      return Optional.of(RecoveryDecision.skip(e, action, false, SkipReason.ANTI_FLAPPING,
          on + ": instance " + key + " has recently been promoted (by failover of " + r.failed()
              + ") and is in active period until " + r.activeUntil(settings.recoveryPeriodBlock())
              + ". It will not be failed over. You may acknowledge the failure on " + r.failed()
              + " (-c ack-instance-recoveries) to remove this blockage", promoted));
    }
    List<RecoveryRecord> clusterActive = control.recoveries().stream()
        .filter(r -> r.sameClusterAs(cluster, alias, key))
        .filter(r -> r.activeAt(now, settings.recoveryPeriodBlock()))
        .toList();
    if (!clusterActive.isEmpty()) {
      RecoveryRecord r = clusterActive.get(0);
      return Optional.of(RecoveryDecision.skip(e, action, false, SkipReason.ANTI_FLAPPING,
          on + ": cluster " + cluster + " has recently experienced a failover (of " + r.failed()
              + ") and is in active period until " + r.activeUntil(settings.recoveryPeriodBlock())
              + ". It will not be failed over again. You may acknowledge the failure on this"
              + " cluster (-c ack-cluster-recoveries) or on " + r.failed()
              + " (-c ack-instance-recoveries) to remove this blockage", clusterActive));
    }
    return Optional.empty();
  }
}
