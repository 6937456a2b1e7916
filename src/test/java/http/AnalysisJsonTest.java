package http;

import static http.Fixtures.NOW;
import static http.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import topology.AnalysisContext;
import topology.AnalysisSettings;
import topology.Analyzer;
import topology.Downtime;
import topology.Instance;
import topology.InstanceKey;
import topology.ObservedInstance;
import topology.ReplicationAnalysis;
import topology.SemiSync;
import topology.TopologySnapshot;

class AnalysisJsonTest {

  /** orchestrator-api.md §7.1, every field in the listed order. */
  static final List<String> FIELDS = List.of(
      "AnalyzedInstanceKey", "AnalyzedInstanceMasterKey", "ClusterDetails",
      "AnalyzedInstanceDataCenter", "AnalyzedInstanceRegion",
      "AnalyzedInstancePhysicalEnvironment", "AnalyzedInstanceBinlogCoordinates", "IsMaster",
      "IsReplicationGroupMember", "IsCoMaster", "LastCheckValid", "LastCheckPartialSuccess",
      "CountReplicas", "CountValidReplicas", "CountValidReplicatingReplicas",
      "CountReplicasFailingToConnectToMaster", "CountDowntimedReplicas", "ReplicationDepth",
      "Replicas", "SlaveHosts", "IsFailingToConnectToMaster", "Analysis", "Description",
      "StructureAnalysis", "IsDowntimed", "IsReplicasDowntimed", "DowntimeEndTimestamp",
      "DowntimeRemainingSeconds", "IsBinlogServer", "PseudoGTIDImmediateTopology",
      "OracleGTIDImmediateTopology", "MariaDBGTIDImmediateTopology",
      "BinlogServerImmediateTopology", "SemiSyncMasterEnabled", "SemiSyncMasterStatus",
      "SemiSyncMasterWaitForReplicaCount", "SemiSyncMasterClients",
      "CountSemiSyncReplicasEnabled", "CountLoggingReplicas",
      "CountStatementBasedLoggingReplicas", "CountMixedBasedLoggingReplicas",
      "CountRowBasedLoggingReplicas", "CountDistinctMajorVersionsLoggingReplicas",
      "CountDelayedReplicas", "CountLaggingReplicas", "IsActionableRecovery",
      "ProcessingNodeHostname", "ProcessingNodeToken", "CountAdditionalAgreeingNodes",
      "StartActivePeriod", "SkippableDueToDowntime", "GTIDMode", "MinReplicaGTIDMode",
      "MaxReplicaGTIDMode", "MaxReplicaGTIDErrant", "CommandHint", "IsReadOnly");

  /** §8.1 ClusterInfo. */
  static final List<String> CLUSTER_FIELDS = List.of("ClusterName", "ClusterAlias",
      "ClusterDomain", "CountInstances", "HeuristicLag", "HasAutomatedMasterRecovery",
      "HasAutomatedIntermediateMasterRecovery");

  /** The abridged example entry of §7.1, verbatim. */
  static final String EXAMPLE = """
      {"AnalyzedInstanceKey":{"Hostname":"127.0.0.1","Port":10111},"AnalyzedInstanceMasterKey":{"Hostname":"","Port":0},
       "ClusterDetails":{"ClusterName":"127.0.0.1:10111","ClusterAlias":"ci","ClusterDomain":"","CountInstances":0,
        "HeuristicLag":0,"HasAutomatedMasterRecovery":true,"HasAutomatedIntermediateMasterRecovery":true},
       "AnalyzedInstanceDataCenter":"dc-east-1","AnalyzedInstanceRegion":"rgn-east","IsMaster":true,"IsCoMaster":false,
       "LastCheckValid":true,"CountReplicas":3,"CountValidReplicas":3,"CountValidReplicatingReplicas":3,
       "Replicas":[{"Hostname":"127.0.0.1","Port":10112},{"Hostname":"127.0.0.1","Port":10113},{"Hostname":"127.0.0.1","Port":10114}],
       "Analysis":"LockedSemiSyncMaster","Description":"Semi sync master is locked since it doesn't get enough replica acknowledgements",
       "StructureAnalysis":null,"IsDowntimed":false,"SemiSyncMasterEnabled":true,"SemiSyncMasterStatus":true,
       "SemiSyncMasterWaitForReplicaCount":1,"SemiSyncMasterClients":0,"CommandHint":"","IsReadOnly":false}
      """;

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The CI star with a semi-sync master that gets no acknowledgement and whose binlog is still. */
  static TopologySnapshot lockedStar() {
    List<Instance> star = new ArrayList<>(Fixtures.star());
    star.set(0, star.get(0).toBuilder()
        .semiSync(new SemiSync(true, true, false, 10000, 1, true, 0, false)).build());
    return Fixtures.snapshot(star.stream().map(Fixtures::reached).toList());
  }

  static AnalysisContext context(Map<InstanceKey, Downtime> downtimes) {
    AnalysisSettings s = AnalysisSettings.DEFAULTS.withClusterFilters(List.of("alias=ci"),
        List.of("*"));
    return new AnalysisContext(downtimes, Map.of(key(10111), NOW.minusSeconds(60)), s, NOW,
        "orcha-1", "f00d");
  }

  static ObjectNode lockedMasterJson() {
    List<ReplicationAnalysis> all = Analyzer.analyze(lockedStar(), context(Map.of()));
    assertEquals(1, all.size(), all.toString());
    return AnalysisJson.analysis(all.get(0));
  }

  @Test
  void everyFieldInContractOrder() {
    ObjectNode n = lockedMasterJson();
    assertEquals(FIELDS, fieldNames(n));
    assertEquals(CLUSTER_FIELDS, fieldNames(n.get("ClusterDetails")));
    assertEquals(List.of("Hostname", "Port"), fieldNames(n.get("AnalyzedInstanceKey")));
    assertEquals(List.of("LogFile", "LogPos", "Type"),
        fieldNames(n.get("AnalyzedInstanceBinlogCoordinates")));
    assertEquals(n.get("Replicas"), n.get("SlaveHosts"));
  }

  @Test
  void matchesTheContractExample() throws Exception {
    // through the wire, so that numbers compare as the client reads them
    JsonNode n = ApiJson.MAPPER.readTree(ApiJson.bytes(lockedMasterJson()));
    JsonNode example = ApiJson.MAPPER.readTree(EXAMPLE);
    example.fieldNames().forEachRemaining(f ->
        assertEquals(example.get(f), n.get(f), "field " + f));
    // and the rest of what orcha knows about this entry
    assertEquals("prod", n.get("AnalyzedInstancePhysicalEnvironment").asText());
    assertEquals("mysql-bin.000003", n.get("AnalyzedInstanceBinlogCoordinates").get("LogFile")
        .asText());
    assertEquals("orcha-1", n.get("ProcessingNodeHostname").asText());
    assertEquals("f00d", n.get("ProcessingNodeToken").asText());
    assertEquals("", n.get("DowntimeEndTimestamp").asText());
    assertEquals(0, n.get("DowntimeRemainingSeconds").asInt());
    assertEquals(false, n.get("SkippableDueToDowntime").asBoolean());
    assertEquals(true, n.get("OracleGTIDImmediateTopology").asBoolean());
    assertEquals("ON", n.get("GTIDMode").asText());
    assertEquals("ON", n.get("MinReplicaGTIDMode").asText());
    assertEquals("", n.get("MaxReplicaGTIDErrant").asText());
    assertEquals(3, n.get("CountLoggingReplicas").asInt());
    assertEquals(1, n.get("CountDistinctMajorVersionsLoggingReplicas").asInt());
  }

  @Test
  void downtimeAndStructureAnalysis() {
    Instant begun = NOW.minus(Duration.ofMinutes(5));
    Downtime d = new Downtime(key(10111), "ops", "maintenance", begun,
        Instant.parse("2026-03-01T13:00:00Z"));
    List<Instance> star = new ArrayList<>(Fixtures.star());
    star.set(0, star.get(0).toBuilder().readOnly(true).build());
    TopologySnapshot s = Fixtures.snapshot(star.stream().map(Fixtures::reached).toList());
    ObjectNode n = AnalysisJson.analysis(
        Analyzer.analyze(s, context(Map.of(key(10111), d))).get(0));
    assertEquals("NoProblem", n.get("Analysis").asText());
    assertEquals("", n.get("Description").asText());
    assertEquals(List.of("NoWriteableMasterStructureWarning"),
        ApiJson.MAPPER.convertValue(n.get("StructureAnalysis"), List.class));
    assertEquals(true, n.get("IsDowntimed").asBoolean());
    assertEquals(true, n.get("SkippableDueToDowntime").asBoolean());
    assertEquals("2026-03-01 13:00:00", n.get("DowntimeEndTimestamp").asText());
    assertEquals(3600, n.get("DowntimeRemainingSeconds").asInt());
    assertEquals(true, n.get("IsReadOnly").asBoolean());
  }

  // ---- orchestrator-client's text rendering ---------------------------------------------------

  /**
   * {@code orchestrator-client -c replication-analysis}: jq over Details,
   * {@code .[] | host:port (cluster ClusterName): Analysis}, or the first StructureAnalysis when
   * Analysis is NoProblem.
   */
  static List<String> clientText(JsonNode details) {
    List<String> lines = new ArrayList<>();
    for (JsonNode e : details) {
      JsonNode k = e.get("AnalyzedInstanceKey");
      String head = k.get("Hostname").asText() + ":" + k.get("Port").asText() + " (cluster "
          + e.get("ClusterDetails").get("ClusterName").asText() + "): ";
      lines.add(head + ("NoProblem".equals(e.get("Analysis").asText())
          ? e.get("StructureAnalysis").get(0).asText() : e.get("Analysis").asText()));
    }
    return lines;
  }

  record ClientCase(String name, TopologySnapshot snapshot, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ClientCase> clientCases() {
    List<Instance> readOnly = new ArrayList<>(Fixtures.star());
    readOnly.set(0, readOnly.get(0).toBuilder().readOnly(true).build());
    List<ObservedInstance> dead = new ArrayList<>();
    dead.add(Fixtures.unreachable(Fixtures.star().get(0)));
    for (int port : new int[] {10112, 10113, 10114}) {
      dead.add(Fixtures.reached(Fixtures.connectingReplica(port, 10111)));
    }
    return Stream.of(
        new ClientCase("healthy: nothing printed",
            Fixtures.snapshot(Fixtures.star().stream().map(Fixtures::reached).toList()),
            List.of()),
        new ClientCase("locked semi-sync master", lockedStar(),
            List.of("127.0.0.1:10111 (cluster 127.0.0.1:10111): LockedSemiSyncMaster")),
        new ClientCase("no problem but a structure warning",
            Fixtures.snapshot(readOnly.stream().map(Fixtures::reached).toList()),
            List.of("127.0.0.1:10111 (cluster 127.0.0.1:10111): "
                + "NoWriteableMasterStructureWarning")),
        new ClientCase("dead master and its failing first-tier replicas",
            Fixtures.snapshot(dead),
            List.of("127.0.0.1:10111 (cluster 127.0.0.1:10111): DeadMaster",
                "127.0.0.1:10112 (cluster 127.0.0.1:10111): FirstTierReplicaFailingToConnectToMaster",
                "127.0.0.1:10113 (cluster 127.0.0.1:10111): FirstTierReplicaFailingToConnectToMaster",
                "127.0.0.1:10114 (cluster 127.0.0.1:10111): FirstTierReplicaFailingToConnectToMaster")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clientCases")
  void clientRendering(ClientCase c) throws Exception {
    ArrayNode details = AnalysisJson.analyses(Analyzer.analyze(c.snapshot(), context(Map.of())));
    // through the wire, as the client sees it
    JsonNode parsed = ApiJson.MAPPER.readTree(ApiJson.bytes(details));
    assertTrue(parsed.isArray());
    assertEquals(c.expected(), clientText(parsed));
  }
}
