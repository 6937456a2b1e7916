package topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One entry of orchestrator's replication analysis (orchestrator-api.md §7.1): a server, what is
 * wrong with it and its direct replicas, and the context recovery needs. The JSON renderer
 * ({@code http.AnalysisJson}) emits the groups flat in the contract's field order.
 *
 * @param input the per-instance aggregate (keys, location, counts, semi-sync, logging, GTID)
 * @param clusterDetails the cluster as §8.1 ClusterInfo, with the recovery filters applied
 * @param analysis the first matching code ({@link AnalysisCode#NoProblem} when none)
 * @param structureAnalysis warnings in §7.3 order; empty when none (rendered as null)
 */
public record ReplicationAnalysis(
    AnalysisInput input,
    ClusterDetails clusterDetails,
    AnalysisCode analysis,
    List<StructureWarning> structureAnalysis,
    DowntimeStatus downtime,
    Processing processing) {

  /**
   * ClusterDetails (§8.1): CountInstances and HeuristicLag are 0 in analysis entries.
   *
   * @param clusterAlias the alias, or the name when the cluster has none
   */
  public record ClusterDetails(
      String clusterName,
      String clusterAlias,
      String clusterDomain,
      boolean hasAutomatedMasterRecovery,
      boolean hasAutomatedIntermediateMasterRecovery) {

    public ClusterDetails {
      clusterName = clusterName == null ? "" : clusterName;
      clusterAlias = clusterAlias == null || clusterAlias.isEmpty() ? clusterName : clusterAlias;
      clusterDomain = clusterDomain == null ? "" : clusterDomain;
    }

    public String name() {
      return clusterName;
    }

    public String alias() {
      return clusterAlias;
    }

    /** The cluster with RecoverMasterClusterFilters / RecoverIntermediateMasterClusterFilters. */
    public static ClusterDetails of(String name, String alias, String domain,
        AnalysisSettings s) {
      String a = alias == null || alias.isEmpty() ? name : alias;
      return new ClusterDetails(name, a, domain,
          ClusterFilters.matches(s.masterClusterFilters(), name, a),
          ClusterFilters.matches(s.intermediateMasterClusterFilters(), name, a));
    }
  }

  /**
   * Downtime as the entry shows it.
   *
   * @param isReplicasDowntimed every replica is downtimed and the code is about replicas
   * @param endsAt the active downtime's end; null when not downtimed
   * @param remainingSeconds seconds until {@code endsAt}; 0 when not downtimed
   */
  public record DowntimeStatus(
      boolean isDowntimed,
      boolean isReplicasDowntimed,
      Instant endsAt,
      long remainingSeconds) {

    public static final DowntimeStatus NONE = new DowntimeStatus(false, false, null, 0);

    /** orchestrator's SkippableDueToDowntime: automated recovery leaves the entry alone. */
    public boolean skippable() {
      return isDowntimed || isReplicasDowntimed;
    }

    static DowntimeStatus of(Downtime active, boolean replicasDowntimed, Instant now) {
      if (active == null) {
        return new DowntimeStatus(false, replicasDowntimed, null, 0);
      }
      Duration left = active.remainingAt(now);
      return new DowntimeStatus(true, replicasDowntimed, active.endsAt(), left.getSeconds());
    }
  }

  /**
   * What recovery processing adds to an entry. Analysis fills the node; recovery fills the rest.
   *
   * @param commandHint {@code ""}, {@code graceful-master-takeover}, {@code force-master-failover}
   *     or {@code force-master-takeover}
   */
  public record Processing(
      boolean isActionableRecovery,
      String processingNodeHostname,
      String processingNodeToken,
      int countAdditionalAgreeingNodes,
      String startActivePeriod,
      String commandHint) {

    public Processing {
      processingNodeHostname = processingNodeHostname == null ? "" : processingNodeHostname;
      processingNodeToken = processingNodeToken == null ? "" : processingNodeToken;
      startActivePeriod = startActivePeriod == null ? "" : startActivePeriod;
      commandHint = commandHint == null ? "" : commandHint;
    }

    public static Processing byNode(String hostname, String token) {
      return new Processing(false, hostname, token, 0, "", "");
    }
  }

  public ReplicationAnalysis {
    structureAnalysis = structureAnalysis == null ? List.of() : List.copyOf(structureAnalysis);
    downtime = downtime == null ? DowntimeStatus.NONE : downtime;
    processing = processing == null ? Processing.byNode("", "") : processing;
  }

  /** AnalyzedInstanceKey. */
  public InstanceKey key() {
    return input.key();
  }

  /** AnalyzedInstanceKey (orchestrator's name). */
  public InstanceKey analyzedInstanceKey() {
    return input.key();
  }

  /** The direct replicas, sorted. */
  public List<InstanceKey> replicas() {
    return input.replicas();
  }

  public InstanceKey masterKey() {
    return input.masterKey();
  }

  public String description() {
    return analysis.description();
  }

  public boolean skippableDueToDowntime() {
    return downtime.skippable();
  }

  /** Worth listing: a problem, or at least one structure warning. */
  public boolean relevant() {
    return analysis != AnalysisCode.NoProblem || !structureAnalysis.isEmpty();
  }

  /** The same entry marked with how recovery processes it (IsActionableRecovery etc.). */
  public ReplicationAnalysis withProcessing(Processing p) {
    return new ReplicationAnalysis(input, clusterDetails, analysis, structureAnalysis, downtime,
        p);
  }

  /** The same entry with another code: forced recoveries (graceful takeover, force-failover). */
  public ReplicationAnalysis withAnalysis(AnalysisCode code, String commandHint) {
    Processing p = new Processing(processing.isActionableRecovery(),
        processing.processingNodeHostname(), processing.processingNodeToken(),
        processing.countAdditionalAgreeingNodes(), processing.startActivePeriod(), commandHint);
    return new ReplicationAnalysis(input, clusterDetails, code, structureAnalysis, downtime, p);
  }
}
