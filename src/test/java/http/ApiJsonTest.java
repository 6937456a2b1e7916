package http;

import static http.Fixtures.key;
import static http.Fixtures.labels;
import static http.Fixtures.master;
import static http.Fixtures.replica;
import static http.Fixtures.uuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import topology.InstanceKey;
import topology.InstanceView;
import topology.ReplicationCluster;
import topology.TopologySnapshot;

class ApiJsonTest {

  /** orchestrator-api.md §5, in the listed order. */
  static final List<String> INSTANCE_FIELDS = List.of(
      "Key", "InstanceAlias", "Uptime", "ServerID", "ServerUUID", "Version", "VersionComment",
      "FlavorName", "ReadOnly", "Binlog_format", "BinlogRowImage", "LogBinEnabled",
      "LogSlaveUpdatesEnabled", "LogReplicationUpdatesEnabled", "SelfBinlogCoordinates",
      "MasterKey", "MasterUUID", "AncestryUUID", "IsDetachedMaster", "Slave_SQL_Running",
      "ReplicationSQLThreadRuning", "Slave_IO_Running", "ReplicationIOThreadRuning",
      "ReplicationSQLThreadState", "ReplicationIOThreadState", "HasReplicationFilters",
      "GTIDMode", "SupportsOracleGTID", "UsingOracleGTID", "UsingMariaDBGTID", "UsingPseudoGTID",
      "ReadBinlogCoordinates", "ExecBinlogCoordinates", "IsDetached", "RelaylogCoordinates",
      "LastSQLError", "LastIOError", "SecondsBehindMaster", "SQLDelay", "ExecutedGtidSet",
      "GtidPurged", "GtidErrant", "SlaveLagSeconds", "ReplicationLagSeconds", "SlaveHosts",
      "Replicas", "ClusterName", "SuggestedClusterAlias", "DataCenter", "Region",
      "PhysicalEnvironment", "ReplicationDepth", "IsCoMaster", "HasReplicationCredentials",
      "ReplicationCredentialsAvailable", "SemiSyncAvailable", "SemiSyncPriority",
      "SemiSyncMasterEnabled", "SemiSyncReplicaEnabled", "SemiSyncMasterTimeout",
      "SemiSyncMasterWaitForReplicaCount", "SemiSyncMasterStatus", "SemiSyncMasterClients",
      "SemiSyncReplicaStatus", "LastSeenTimestamp", "IsLastCheckValid", "IsUpToDate",
      "IsRecentlyChecked", "SecondsSinceLastSeen", "CountMySQLSnapshots", "IsCandidate",
      "PromotionRule", "IsDowntimed", "DowntimeReason", "DowntimeOwner", "DowntimeEndTimestamp",
      "ElapsedDowntime", "UnresolvedHostname", "AllowTLS", "Problems", "LastDiscoveryLatency",
      "ReplicationGroupName", "ReplicationGroupIsSinglePrimary", "ReplicationGroupMemberState",
      "ReplicationGroupMemberRole", "ReplicationGroupMembers",
      "ReplicationGroupPrimaryInstanceKey");

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static final TopologySnapshot STAR = Fixtures.snapshot(
      Fixtures.star().stream().map(Fixtures::reached).toList());

  static ObjectNode json(TopologySnapshot s, int port) {
    InstanceView v = s.instance(key(port)).orElseThrow();
    return ApiJson.instance(v, s);
  }

  @Test
  void instanceHasEveryFieldInContractOrder() {
    assertEquals(INSTANCE_FIELDS, fieldNames(json(STAR, 10112)));
    assertEquals(INSTANCE_FIELDS, fieldNames(json(STAR, 10111)));
  }

  @Test
  void replicaFieldsHaveTheContractTypes() {
    JsonNode n = json(STAR, 10112);
    assertEquals("{\"Hostname\":\"127.0.0.1\",\"Port\":10112}", n.get("Key").toString());
    assertEquals(10111, n.get("MasterKey").get("Port").asInt());
    assertEquals("127.0.0.1:10111", n.get("ClusterName").asText());
    assertEquals(1, n.get("ReplicationDepth").asInt());
    assertTrue(n.get("ReadOnly").asBoolean());
    // COORD: binary logs are Type 0, the relay log Type 1
    assertEquals(0, n.get("SelfBinlogCoordinates").get("Type").asInt());
    assertEquals(0, n.get("ReadBinlogCoordinates").get("Type").asInt());
    assertEquals(0, n.get("ExecBinlogCoordinates").get("Type").asInt());
    assertEquals(1, n.get("RelaylogCoordinates").get("Type").asInt());
    assertEquals("relay-bin.000002", n.get("RelaylogCoordinates").get("LogFile").asText());
    assertEquals(456, n.get("RelaylogCoordinates").get("LogPos").asLong());
    // NULLINT
    assertEquals("{\"Int64\":0,\"Valid\":true}", n.get("SecondsBehindMaster").toString());
    assertEquals(n.get("ReplicationLagSeconds"), n.get("SlaveLagSeconds"));
    // THREADSTATE ints and the upstream misspellings with their legacy aliases
    assertEquals(1, n.get("ReplicationSQLThreadState").asInt());
    assertEquals(1, n.get("ReplicationIOThreadState").asInt());
    assertTrue(n.get("ReplicationSQLThreadRuning").isBoolean());
    assertTrue(n.get("ReplicationSQLThreadRuning").asBoolean());
    assertEquals(n.get("ReplicationSQLThreadRuning"), n.get("Slave_SQL_Running"));
    assertEquals(n.get("ReplicationIOThreadRuning"), n.get("Slave_IO_Running"));
    assertEquals(n.get("LogReplicationUpdatesEnabled"), n.get("LogSlaveUpdatesEnabled"));
    assertTrue(n.get("UsingOracleGTID").asBoolean());
    assertTrue(n.get("HasReplicationCredentials").asBoolean());
    // liveness
    assertEquals("2026-03-01 11:59:59", n.get("LastSeenTimestamp").asText());
    assertEquals(7_000_000L, n.get("LastDiscoveryLatency").asLong());
    assertEquals("{\"Int64\":1,\"Valid\":true}", n.get("SecondsSinceLastSeen").toString());
    assertTrue(n.get("IsLastCheckValid").asBoolean());
    assertTrue(n.get("IsRecentlyChecked").asBoolean());
    // neutral values for what orcha does not track yet
    assertEquals("neutral", n.get("PromotionRule").asText());
    assertFalse(n.get("IsDowntimed").asBoolean());
    assertEquals("", n.get("DowntimeEndTimestamp").asText());
    assertEquals(0, n.get("ElapsedDowntime").asLong());
    assertTrue(n.get("Problems").isArray());
    assertEquals(0, n.get("Problems").size());
    assertTrue(n.get("ReplicationGroupMembers").isArray());
    assertEquals("{\"Hostname\":\"\",\"Port\":0}",
        n.get("ReplicationGroupPrimaryInstanceKey").toString());
    assertEquals(uuid(10111) + "," + uuid(10112), n.get("AncestryUUID").asText());
  }

  @Test
  void masterHasNoMasterKeyAndSortedReplicaLists() {
    JsonNode n = json(STAR, 10111);
    assertEquals("{\"Hostname\":\"\",\"Port\":0}", n.get("MasterKey").toString());
    assertEquals(-1, n.get("ReplicationSQLThreadState").asInt());
    assertEquals(-1, n.get("ReplicationIOThreadState").asInt());
    assertFalse(n.get("ReplicationSQLThreadRuning").asBoolean());
    assertEquals("{\"Int64\":0,\"Valid\":false}", n.get("SecondsBehindMaster").toString());
    assertEquals("127.0.0.1:10111", n.get("ClusterName").asText());
    assertEquals("ci", n.get("SuggestedClusterAlias").asText());
    assertEquals(0, n.get("ReplicationDepth").asInt());
    assertEquals(uuid(10111), n.get("AncestryUUID").asText());
    assertEquals("[{\"Hostname\":\"127.0.0.1\",\"Port\":10112},"
        + "{\"Hostname\":\"127.0.0.1\",\"Port\":10113},"
        + "{\"Hostname\":\"127.0.0.1\",\"Port\":10114}]", n.get("Replicas").toString());
    assertEquals(n.get("Replicas"), n.get("SlaveHosts"));
  }

  @Test
  void keyListIsSortedByHostThenPort() {
    JsonNode a = ApiJson.keyList(List.of(new InstanceKey("b", 1), new InstanceKey("a", 20),
        new InstanceKey("a", 3), new InstanceKey("a", 3)));
    assertEquals("[{\"Hostname\":\"a\",\"Port\":3},{\"Hostname\":\"a\",\"Port\":20},"
        + "{\"Hostname\":\"b\",\"Port\":1}]", a.toString());
  }

  @Test
  void stoppedAndConnectingThreadsAreZeroAndTwo() {
    TopologySnapshot s = Fixtures.snapshotOf(master(10111, 10112, 10113),
        Fixtures.stoppedReplica(10112, 10111), Fixtures.connectingReplica(10113, 10111));
    JsonNode stopped = json(s, 10112);
    assertEquals(0, stopped.get("ReplicationSQLThreadState").asInt());
    assertEquals(0, stopped.get("ReplicationIOThreadState").asInt());
    assertEquals("Error 1062: Duplicate entry", stopped.get("LastSQLError").asText());
    assertEquals("[\"not_replicating\"]", stopped.get("Problems").toString());
    JsonNode connecting = json(s, 10113);
    assertEquals(2, connecting.get("ReplicationIOThreadState").asInt());
    assertFalse(connecting.get("ReplicationIOThreadRuning").asBoolean());
    assertTrue(connecting.get("LastIOError").asText().contains("error connecting to master"));
  }

  @Test
  void promotionRuleComesFromTheDetectedLabelWhenValid() {
    TopologySnapshot s = Fixtures.snapshotOf(
        master(10111, 10112, 10113),
        replica(10112, 10111).toBuilder().labels(labels("", "", "prefer")).build(),
        replica(10113, 10111).toBuilder().labels(labels("", "", "bogus")).build());
    assertEquals("prefer", json(s, 10112).get("PromotionRule").asText());
    assertTrue(json(s, 10112).get("IsCandidate").asBoolean());
    assertEquals("neutral", json(s, 10113).get("PromotionRule").asText());
    assertFalse(json(s, 10113).get("IsCandidate").asBoolean());
  }

  @Test
  void ancestryFollowsTheChainTopFirst() {
    TopologySnapshot s = Fixtures.snapshotOf(Fixtures.chain().toArray(new topology.Instance[0]));
    assertEquals(String.join(",", uuid(10111), uuid(10112), uuid(10113), uuid(10114)),
        json(s, 10114).get("AncestryUUID").asText());
    // co-masters: the ring stops the walk
    TopologySnapshot co = Fixtures.snapshotOf(Fixtures.coMasters().toArray(new topology.Instance[0]));
    assertEquals(uuid(10113) + "," + uuid(10111), json(co, 10111).get("AncestryUUID").asText());
    assertTrue(json(co, 10111).get("IsCoMaster").asBoolean());
  }

  @Test
  void clusterInfoHasTheContractFieldsInOrder() {
    ReplicationCluster c = STAR.clusters().get("127.0.0.1:10111");
    JsonNode n = ApiJson.clusterInfo(c);
    assertEquals(List.of("ClusterName", "ClusterAlias", "ClusterDomain", "CountInstances",
        "HeuristicLag", "HasAutomatedMasterRecovery", "HasAutomatedIntermediateMasterRecovery"),
        fieldNames(n));
    assertEquals("ci", n.get("ClusterAlias").asText());
    assertEquals(4, n.get("CountInstances").asInt());
    assertFalse(n.get("HasAutomatedMasterRecovery").asBoolean());
  }

  @Test
  void envelopeIsCodeMessageDetails() {
    JsonNode ok = ApiJson.envelope(true, "Instance discovered: h:1", ApiJson.key(key(1)));
    assertEquals(List.of("Code", "Message", "Details"), fieldNames(ok));
    assertEquals("OK", ok.get("Code").asText());
    JsonNode err = ApiJson.envelope(false, "boom", null);
    assertEquals("ERROR", err.get("Code").asText());
    assertTrue(err.get("Details").isNull());
  }

  @Test
  void healthStatusHasTheContractFields() {
    JsonNode n = ApiJson.healthStatus(new NodeHealth(true, "orcha-1", "t", true, "sqlite", ""),
        Fixtures.NOW);
    assertEquals(List.of("Healthy", "Hostname", "Token", "IsActiveNode", "ActiveNode", "Error",
        "AvailableNodes", "RaftLeader", "IsRaftLeader", "RaftLeaderURI", "RaftAdvertise",
        "RaftHealthyMembers"), fieldNames(n));
    assertEquals(List.of("Hostname", "Token", "AppVersion", "FirstSeenActive", "LastSeenActive",
        "ExtraInfo", "Command", "DBBackend", "LastReported"), fieldNames(n.get("ActiveNode")));
    assertEquals("orcha-1", n.get("ActiveNode").get("Hostname").asText());
    assertEquals("2026-03-01T12:00:00Z", n.get("ActiveNode").get("LastReported").asText());
    assertTrue(n.get("Error").isNull());
    JsonNode sick = ApiJson.healthStatus(
        new NodeHealth(false, "orcha-2", "t", false, "sqlite", "backend down"), Fixtures.NOW);
    assertFalse(sick.get("Healthy").asBoolean());
    assertTrue(sick.get("Error").isObject());
    assertEquals("", sick.get("ActiveNode").get("Hostname").asText());
  }
}
