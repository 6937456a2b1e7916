package topology;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The configuration failure detection reads (orchestrator-api.md §10), built once from Settings.
 *
 * @param recoverNonWriteableMaster RecoverNonWriteableMaster: a read-only master with replicating
 *     replicas becomes the primary code {@code NoWriteableMasterStructureWarning}
 * @param enforceExactSemiSyncReplicas EnforceExactSemiSyncReplicas: enables
 *     {@code MasterWithTooManySemiSyncReplicas}
 * @param recoverLockedSemiSyncMaster RecoverLockedSemiSyncMaster
 * @param reasonableLockedSemiSyncMaster ReasonableLockedSemiSyncMasterSeconds; zero means the
 *     replication-lag threshold (ReasonableReplicationLagSeconds)
 * @param recoveryIgnoreHostnameFilters RecoveryIgnoreHostnameFilters: regexes found in a host name
 *     drop its analysis entry
 * @param masterClusterFilters RecoverMasterClusterFilters (see {@link ClusterFilters})
 * @param intermediateMasterClusterFilters RecoverIntermediateMasterClusterFilters
 */
public record AnalysisSettings(
    Thresholds thresholds,
    boolean recoverNonWriteableMaster,
    boolean enforceExactSemiSyncReplicas,
    boolean recoverLockedSemiSyncMaster,
    Duration reasonableLockedSemiSyncMaster,
    List<Pattern> recoveryIgnoreHostnameFilters,
    List<String> masterClusterFilters,
    List<String> intermediateMasterClusterFilters) {

  /** orchestrator's defaults: no automated recovery, no ignored hosts. */
  public static final AnalysisSettings DEFAULTS = new AnalysisSettings(Thresholds.DEFAULTS,
      false, false, false, Duration.ZERO, List.of(), List.of(), List.of());

  public AnalysisSettings {
    thresholds = thresholds == null ? Thresholds.DEFAULTS : thresholds;
    reasonableLockedSemiSyncMaster = reasonableLockedSemiSyncMaster == null
        || reasonableLockedSemiSyncMaster.isNegative() ? Duration.ZERO
        : reasonableLockedSemiSyncMaster;
    recoveryIgnoreHostnameFilters = recoveryIgnoreHostnameFilters == null ? List.of()
        : List.copyOf(recoveryIgnoreHostnameFilters);
    masterClusterFilters = masterClusterFilters == null ? List.of()
        : List.copyOf(masterClusterFilters);
    intermediateMasterClusterFilters = intermediateMasterClusterFilters == null ? List.of()
        : List.copyOf(intermediateMasterClusterFilters);
  }

  /**
   * How long a semi-sync master's binlog coordinates must stay put before a locked hypothesis
   * becomes {@code LockedSemiSyncMaster}.
   */
  public Duration lockedSemiSyncMasterWindow() {
    return reasonableLockedSemiSyncMaster.isZero()
        ? Duration.ofSeconds(thresholds.reasonableReplicationLagSeconds())
        : reasonableLockedSemiSyncMaster;
  }

  /** Whether RecoveryIgnoreHostnameFilters exclude this host (a regex found anywhere in it). */
  public boolean ignoresHost(String hostname) {
    return recoveryIgnoreHostnameFilters.stream().anyMatch(p -> p.matcher(hostname).find());
  }

  public AnalysisSettings withRecoverNonWriteableMaster(boolean v) {
    return new AnalysisSettings(thresholds, v, enforceExactSemiSyncReplicas,
        recoverLockedSemiSyncMaster, reasonableLockedSemiSyncMaster,
        recoveryIgnoreHostnameFilters, masterClusterFilters, intermediateMasterClusterFilters);
  }

  public AnalysisSettings withEnforceExactSemiSyncReplicas(boolean v) {
    return new AnalysisSettings(thresholds, recoverNonWriteableMaster, v,
        recoverLockedSemiSyncMaster, reasonableLockedSemiSyncMaster,
        recoveryIgnoreHostnameFilters, masterClusterFilters, intermediateMasterClusterFilters);
  }

  public AnalysisSettings withRecoverLockedSemiSyncMaster(boolean v) {
    return new AnalysisSettings(thresholds, recoverNonWriteableMaster,
        enforceExactSemiSyncReplicas, v, reasonableLockedSemiSyncMaster,
        recoveryIgnoreHostnameFilters, masterClusterFilters, intermediateMasterClusterFilters);
  }

  public AnalysisSettings withRecoveryIgnoreHostnameFilters(List<Pattern> v) {
    return new AnalysisSettings(thresholds, recoverNonWriteableMaster,
        enforceExactSemiSyncReplicas, recoverLockedSemiSyncMaster,
        reasonableLockedSemiSyncMaster, v, masterClusterFilters,
        intermediateMasterClusterFilters);
  }

  public AnalysisSettings withClusterFilters(List<String> master, List<String> intermediate) {
    return new AnalysisSettings(thresholds, recoverNonWriteableMaster,
        enforceExactSemiSyncReplicas, recoverLockedSemiSyncMaster,
        reasonableLockedSemiSyncMaster, recoveryIgnoreHostnameFilters, master, intermediate);
  }
}
