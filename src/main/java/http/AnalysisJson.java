package http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import topology.AnalysisInput;
import topology.BinlogCoordinates;
import topology.ReplicationAnalysis;
import topology.ReplicationCluster;
import topology.StructureWarning;

/**
 * ReplicationAnalysis JSON (orchestrator-api.md §7.1): every field, in the contract's order,
 * with the grouped parts of {@link ReplicationAnalysis} emitted flat. Pure.
 */
public final class AnalysisJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AnalysisJson() {}

  /** The entries of {@code replication-analysis} Details: always an array, possibly empty. */
  public static ArrayNode analyses(List<ReplicationAnalysis> entries) {
    ArrayNode a = F.arrayNode();
    entries.forEach(e -> a.add(analysis(e)));
    return a;
  }

  public static ObjectNode analysis(ReplicationAnalysis a) {
    AnalysisInput in = a.input();
    ReplicationAnalysis.DowntimeStatus d = a.downtime();
    ReplicationAnalysis.Processing p = a.processing();

    ObjectNode n = F.objectNode();
    n.set("AnalyzedInstanceKey", ApiJson.key(in.key()));
    n.set("AnalyzedInstanceMasterKey", ApiJson.key(in.masterKey()));
    n.set("ClusterDetails", clusterDetails(a.clusterDetails()));
    n.put("AnalyzedInstanceDataCenter", in.dataCenter());
    n.put("AnalyzedInstanceRegion", in.region());
    n.put("AnalyzedInstancePhysicalEnvironment", in.physicalEnvironment());
    n.set("AnalyzedInstanceBinlogCoordinates",
        ApiJson.coordinates(in.binlogCoordinates(), BinlogCoordinates.Type.BINARY));
    n.put("IsMaster", in.isMaster());
    n.put("IsReplicationGroupMember", in.isReplicationGroupMember());
    n.put("IsCoMaster", in.isCoMaster());
    n.put("LastCheckValid", in.lastCheckValid());
    n.put("LastCheckPartialSuccess", in.lastCheckPartialSuccess());
    n.put("CountReplicas", in.countReplicas());
    n.put("CountValidReplicas", in.countValidReplicas());
    n.put("CountValidReplicatingReplicas", in.countValidReplicatingReplicas());
    n.put("CountReplicasFailingToConnectToMaster", in.countReplicasFailingToConnectToMaster());
    n.put("CountDowntimedReplicas", in.countDowntimedReplicas());
    n.put("ReplicationDepth", in.replicationDepth());
    n.set("Replicas", ApiJson.keyList(in.replicas()));
    n.set("SlaveHosts", ApiJson.keyList(in.replicas()));
    n.put("IsFailingToConnectToMaster", in.isFailingToConnectToMaster());
    n.put("Analysis", a.analysis().name());
    n.put("Description", a.description());
    n.set("StructureAnalysis", structureAnalysis(a.structureAnalysis()));
    n.put("IsDowntimed", d.isDowntimed());
    n.put("IsReplicasDowntimed", d.isReplicasDowntimed());
    n.put("DowntimeEndTimestamp", ApiJson.timestamp(d.endsAt()));
    n.put("DowntimeRemainingSeconds", d.remainingSeconds());
    n.put("IsBinlogServer", in.isBinlogServer());
    n.put("PseudoGTIDImmediateTopology", in.pseudoGtidImmediateTopology());
    n.put("OracleGTIDImmediateTopology", in.oracleGtidImmediateTopology());
    n.put("MariaDBGTIDImmediateTopology", in.mariaDbGtidImmediateTopology());
    n.put("BinlogServerImmediateTopology", in.binlogServerImmediateTopology());
    n.put("SemiSyncMasterEnabled", in.semiSyncMasterEnabled());
    n.put("SemiSyncMasterStatus", in.semiSyncMasterStatus());
    n.put("SemiSyncMasterWaitForReplicaCount", in.semiSyncMasterWaitForReplicaCount());
    n.put("SemiSyncMasterClients", in.semiSyncMasterClients());
    n.put("CountSemiSyncReplicasEnabled", in.countSemiSyncReplicasEnabled());
    n.put("CountLoggingReplicas", in.countLoggingReplicas());
    n.put("CountStatementBasedLoggingReplicas", in.countStatementBasedLoggingReplicas());
    n.put("CountMixedBasedLoggingReplicas", in.countMixedBasedLoggingReplicas());
    n.put("CountRowBasedLoggingReplicas", in.countRowBasedLoggingReplicas());
    n.put("CountDistinctMajorVersionsLoggingReplicas",
        in.countDistinctMajorVersionsLoggingReplicas());
    n.put("CountDelayedReplicas", in.countDelayedReplicas());
    n.put("CountLaggingReplicas", in.countLaggingReplicas());
    n.put("IsActionableRecovery", p.isActionableRecovery());
    n.put("ProcessingNodeHostname", p.processingNodeHostname());
    n.put("ProcessingNodeToken", p.processingNodeToken());
    n.put("CountAdditionalAgreeingNodes", p.countAdditionalAgreeingNodes());
    n.put("StartActivePeriod", p.startActivePeriod());
    n.put("SkippableDueToDowntime", a.skippableDueToDowntime());
    n.put("GTIDMode", in.gtidMode());
    n.put("MinReplicaGTIDMode", in.minReplicaGtidMode());
    n.put("MaxReplicaGTIDMode", in.maxReplicaGtidMode());
    n.put("MaxReplicaGTIDErrant", in.maxReplicaGtidErrant());
    n.put("CommandHint", p.commandHint());
    n.put("IsReadOnly", in.isReadOnly());
    return n;
  }

  /** ClusterInfo (§8.1) as analysis shows it: CountInstances 0, recovery flags from filters. */
  static ObjectNode clusterDetails(ReplicationAnalysis.ClusterDetails c) {
    // an empty member list gives CountInstances 0, as orchestrator's analysis reports it
    ObjectNode n = ApiJson.clusterInfo(new ReplicationCluster(c.clusterName(), c.clusterAlias(),
        c.clusterDomain(), null, List.of()));
    n.put("CountInstances", 0);
    n.put("HasAutomatedMasterRecovery", c.hasAutomatedMasterRecovery());
    n.put("HasAutomatedIntermediateMasterRecovery", c.hasAutomatedIntermediateMasterRecovery());
    return n;
  }

  /** The warning codes in §7.3 order; {@code null} when there are none (as upstream). */
  private static com.fasterxml.jackson.databind.JsonNode structureAnalysis(
      List<StructureWarning> warnings) {
    if (warnings.isEmpty()) {
      return NullNode.getInstance();
    }
    ArrayNode a = F.arrayNode();
    warnings.forEach(w -> a.add(w.name()));
    return a;
  }
}
