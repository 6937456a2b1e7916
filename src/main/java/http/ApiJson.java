package http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import topology.BinlogCoordinates;
import topology.Instance;
import topology.InstanceKey;
import topology.InstanceView;
import topology.PromotionRule;
import topology.ReplicationCluster;
import topology.ReplicationStatus;
import topology.SemiSync;
import topology.ThreadState;
import topology.TopologySnapshot;

/**
 * orchestrator-shaped JSON, built with Jackson's tree model so that field order is the
 * contract's order (orchestrator-api.md §5, §8.1, §1.2, §6.3). Everything here is pure.
 */
public final class ApiJson {

  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private ApiJson() {}

  // ---- small types -------------------------------------------------------------------------

  /** KEY: {@code {"Hostname": s, "Port": n}}. */
  public static ObjectNode key(InstanceKey key) {
    InstanceKey k = key == null ? InstanceKey.NONE : key;
    ObjectNode n = F.objectNode();
    n.put("Hostname", k.hostname());
    n.put("Port", k.port());
    return n;
  }

  /** KEYLIST: keys sorted by host name then port, without duplicates. */
  public static ArrayNode keyList(Collection<InstanceKey> keys) {
    ArrayNode a = F.arrayNode();
    keys.stream().distinct().sorted().forEach(k -> a.add(key(k)));
    return a;
  }

  /** COORD with the given Type (0 = binary log, 1 = relay log). */
  public static ObjectNode coordinates(BinlogCoordinates c, BinlogCoordinates.Type type) {
    BinlogCoordinates v = c == null ? BinlogCoordinates.EMPTY : c;
    ObjectNode n = F.objectNode();
    n.put("LogFile", v.logFile());
    n.put("LogPos", v.logPos());
    n.put("Type", type == BinlogCoordinates.Type.RELAY ? 1 : 0);
    return n;
  }

  /** NULLINT: {@code {"Int64": n, "Valid": b}}; null is {@code {"Int64":0,"Valid":false}}. */
  public static ObjectNode nullInt(Long value) {
    ObjectNode n = F.objectNode();
    n.put("Int64", value == null ? 0L : value);
    n.put("Valid", value != null);
    return n;
  }

  /** {@code YYYY-MM-DD hh:mm:ss} in UTC, or "" for an unknown time. */
  public static String timestamp(Instant at) {
    return at == null ? "" : TIMESTAMP.format(at);
  }

  /** DURATION: integer nanoseconds. */
  public static long nanos(Duration d) {
    return d == null ? 0L : d.toNanos();
  }

  public static ArrayNode strings(Collection<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  // ---- envelope ------------------------------------------------------------------------------

  /** The APIResponse envelope: {@code {"Code": "OK"|"ERROR", "Message": s, "Details": any}}. */
  public static ObjectNode envelope(boolean ok, String message, JsonNode details) {
    ObjectNode n = F.objectNode();
    n.put("Code", ok ? "OK" : "ERROR");
    n.put("Message", message == null ? "" : message);
    n.set("Details", details == null ? NullNode.getInstance() : details);
    return n;
  }

  // ---- Instance ------------------------------------------------------------------------------

  /**
   * Instance JSON (§5): every field, in the contract's order. {@code snapshot} (may be null)
   * gives the ancestors for {@code AncestryUUID}. Facts orcha does not track yet (downtime,
   * candidate registration, group replication, unresolve names) take their neutral values.
   */
  public static ObjectNode instance(InstanceView view, TopologySnapshot snapshot) {
    Instance i = view.instance();
    ReplicationStatus r = i.replication();
    SemiSync s = i.semiSync();
    boolean sqlRunning = r.sqlThread() == ThreadState.RUNNING;
    boolean ioRunning = r.ioThread() == ThreadState.RUNNING;
    PromotionRule rule = view.promotionRule();
    Long lag = i.replicationLagSeconds();

    ObjectNode n = F.objectNode();
    n.set("Key", key(i.key()));
    n.put("InstanceAlias", i.labels().instanceAlias());
    n.put("Uptime", i.uptimeSeconds());
    n.put("ServerID", i.serverId());
    n.put("ServerUUID", i.serverUuid());
    n.put("Version", i.version());
    n.put("VersionComment", i.versionComment());
    n.put("FlavorName", i.flavor().apiName());
    n.put("ReadOnly", i.readOnly());
    n.put("Binlog_format", i.binlogFormat());
    n.put("BinlogRowImage", i.binlogRowImage());
    n.put("LogBinEnabled", i.logBinEnabled());
    n.put("LogSlaveUpdatesEnabled", i.logReplicationUpdatesEnabled());
    n.put("LogReplicationUpdatesEnabled", i.logReplicationUpdatesEnabled());
    n.set("SelfBinlogCoordinates", coordinates(i.selfCoordinates(), BinlogCoordinates.Type.BINARY));
    n.set("MasterKey", key(i.masterKey()));
    n.put("MasterUUID", r.masterUuid());
    n.put("AncestryUUID", ancestryUuid(view, snapshot));
    n.put("IsDetachedMaster", i.masterKey().isDetached());
    n.put("Slave_SQL_Running", sqlRunning);
    n.put("ReplicationSQLThreadRuning", sqlRunning);
    n.put("Slave_IO_Running", ioRunning);
    n.put("ReplicationIOThreadRuning", ioRunning);
    n.put("ReplicationSQLThreadState", r.sqlThread().code());
    n.put("ReplicationIOThreadState", r.ioThread().code());
    n.put("HasReplicationFilters", r.hasReplicationFilters());
    n.put("GTIDMode", i.gtid().gtidMode());
    n.put("SupportsOracleGTID", i.gtid().supportsOracleGtid());
    n.put("UsingOracleGTID", r.autoPosition());
    n.put("UsingMariaDBGTID", r.usingMariaDbGtidReplication());
    n.put("UsingPseudoGTID", false);
    n.set("ReadBinlogCoordinates", coordinates(r.readCoordinates(), BinlogCoordinates.Type.BINARY));
    n.set("ExecBinlogCoordinates", coordinates(r.execCoordinates(), BinlogCoordinates.Type.BINARY));
    n.put("IsDetached", isDetached(i));
    n.set("RelaylogCoordinates", coordinates(r.relayCoordinates(), BinlogCoordinates.Type.RELAY));
    n.put("LastSQLError", r.lastSqlError());
    n.put("LastIOError", r.lastIoError());
    n.set("SecondsBehindMaster", nullInt(r.secondsBehindMaster()));
    n.put("SQLDelay", r.sqlDelay());
    n.put("ExecutedGtidSet", i.executedGtids());
    n.put("GtidPurged", i.gtid().gtidPurged());
    n.put("GtidErrant", view.gtidErrant());
    n.set("SlaveLagSeconds", nullInt(lag));
    n.set("ReplicationLagSeconds", nullInt(lag));
    n.set("SlaveHosts", keyList(i.replicas()));
    n.set("Replicas", keyList(i.replicas()));
    n.put("ClusterName", view.clusterName());
    n.put("SuggestedClusterAlias", i.labels().suggestedClusterAlias());
    n.put("DataCenter", i.labels().dataCenter());
    n.put("Region", i.labels().region());
    n.put("PhysicalEnvironment", i.labels().physicalEnvironment());
    n.put("ReplicationDepth", view.replicationDepth());
    n.put("IsCoMaster", view.coMaster());
    n.put("HasReplicationCredentials", !r.masterUser().isEmpty());
    n.put("ReplicationCredentialsAvailable", false);
    n.put("SemiSyncAvailable", s.available());
    n.put("SemiSyncPriority", i.labels().semiSyncPriority());
    n.put("SemiSyncMasterEnabled", s.masterEnabled());
    n.put("SemiSyncReplicaEnabled", s.replicaEnabled());
    n.put("SemiSyncMasterTimeout", s.masterTimeoutMillis());
    n.put("SemiSyncMasterWaitForReplicaCount", s.masterWaitForReplicaCount());
    n.put("SemiSyncMasterStatus", s.masterStatus());
    n.put("SemiSyncMasterClients", s.masterClients());
    n.put("SemiSyncReplicaStatus", s.replicaStatus());
    n.put("LastSeenTimestamp", timestamp(view.liveness().lastSeen()));
    n.put("IsLastCheckValid", view.lastCheckValid());
    n.put("IsUpToDate", view.upToDate());
    n.put("IsRecentlyChecked", view.recentlyChecked());
    n.set("SecondsSinceLastSeen", nullInt(view.secondsSinceLastSeen()));
    n.put("CountMySQLSnapshots", 0);
    // a registration or a DetectPromotionRuleQuery result makes a candidate (upstream)
    n.put("IsCandidate", rule == PromotionRule.MUST || rule == PromotionRule.PREFER);
    n.put("PromotionRule", rule.apiName());
    topology.Downtime d = view.downtime();
    n.put("IsDowntimed", d != null);
    n.put("DowntimeReason", d == null ? "" : d.reason());
    n.put("DowntimeOwner", d == null ? "" : d.owner());
    n.put("DowntimeEndTimestamp", d == null ? "" : timestamp(d.endsAt()));
    n.put("ElapsedDowntime", d == null ? 0L
        : java.time.Duration.between(d.begunAt(), snapshot.builtAt()).toNanos());
    n.put("UnresolvedHostname", "");
    n.put("AllowTLS", r.sslAllowed());
    n.set("Problems", strings(view.problems()));
    n.put("LastDiscoveryLatency", nanos(view.liveness().lastLatency()));
    n.put("ReplicationGroupName", "");
    n.put("ReplicationGroupIsSinglePrimary", false);
    n.put("ReplicationGroupMemberState", "");
    n.put("ReplicationGroupMemberRole", "");
    n.set("ReplicationGroupMembers", F.arrayNode());
    n.set("ReplicationGroupPrimaryInstanceKey", key(InstanceKey.NONE));
    return n;
  }

  public static ArrayNode instances(List<InstanceView> views, TopologySnapshot snapshot) {
    ArrayNode a = F.arrayNode();
    views.forEach(v -> a.add(instance(v, snapshot)));
    return a;
  }

  /**
   * Detached replicas have their coordinates rewritten to {@code //file:pos} by
   * detach-replica (orchestrator's IsDetached).
   */
  public static boolean isDetached(Instance i) {
    return i.replication().execCoordinates().logFile().startsWith("//");
  }

  /**
   * The UUIDs of the instance's ancestors, top first, then its own (orchestrator builds it as
   * master's AncestryUUID + "," + own ServerUUID). Stops at a cycle (co-masters).
   */
  static String ancestryUuid(InstanceView view, TopologySnapshot snapshot) {
    List<String> chain = new ArrayList<>();
    Set<InstanceKey> seen = new HashSet<>();
    Instance cur = view.instance();
    while (cur != null && seen.add(cur.key())) {
      chain.add(0, cur.serverUuid());
      if (!cur.isReplica()) {
        break;
      }
      InstanceView up = snapshot == null ? null : snapshot.instances().get(cur.masterKey());
      if (up == null) {
        // the master is not known: its UUID as the replica saw it is all there is
        chain.add(0, cur.replication().masterUuid());
        break;
      }
      cur = up.instance();
    }
    Set<String> uuids = new LinkedHashSet<>();
    chain.stream().filter(u -> !u.isEmpty()).forEach(uuids::add);
    return String.join(",", uuids);
  }

  // ---- clusters ------------------------------------------------------------------------------

  /** ClusterInfo (§8.1); the recovery flags false (callers set them from the filters). */
  public static ObjectNode clusterInfo(ReplicationCluster c) {
    ObjectNode n = F.objectNode();
    n.put("ClusterName", c.name());
    n.put("ClusterAlias", c.alias());
    n.put("ClusterDomain", c.domain());
    n.put("CountInstances", c.countInstances());
    n.put("HeuristicLag", 0L);
    n.put("HasAutomatedMasterRecovery", false);
    n.put("HasAutomatedIntermediateMasterRecovery", false);
    return n;
  }

  // ---- health --------------------------------------------------------------------------------

  /** HealthStatus (§6.3) for this node; orcha knows no other node's report here. */
  public static ObjectNode healthStatus(NodeHealth h, Instant now) {
    ObjectNode self = F.objectNode();
    self.put("Hostname", h.hostname());
    self.put("Token", h.token());
    self.put("AppVersion", appVersion());
    self.put("FirstSeenActive", "");
    self.put("LastSeenActive", "");
    self.put("ExtraInfo", "");
    self.put("Command", "");
    self.put("DBBackend", h.backend());
    self.put("LastReported", DateTimeFormatter.ISO_INSTANT.format(now));

    ObjectNode n = F.objectNode();
    n.put("Healthy", h.healthy());
    n.put("Hostname", h.hostname());
    n.put("Token", h.token());
    n.put("IsActiveNode", h.leader());
    n.set("ActiveNode", h.leader() ? self.deepCopy() : emptyNode());
    // upstream marshals a Go error value, which has no exported fields: {}
    n.set("Error", h.healthy() ? NullNode.getInstance() : F.objectNode());
    n.set("AvailableNodes", F.arrayNode().add(self));
    n.put("RaftLeader", "");
    n.put("IsRaftLeader", h.leader());
    n.put("RaftLeaderURI", "");
    n.put("RaftAdvertise", "");
    n.set("RaftHealthyMembers", F.arrayNode());
    return n;
  }

  private static ObjectNode emptyNode() {
    ObjectNode n = F.objectNode();
    for (String f : List.of("Hostname", "Token", "AppVersion", "FirstSeenActive",
        "LastSeenActive", "ExtraInfo", "Command", "DBBackend")) {
      n.put(f, "");
    }
    n.put("LastReported", "0001-01-01T00:00:00Z");
    return n;
  }

  private static String appVersion() {
    String v = ApiJson.class.getPackage().getImplementationVersion();
    return v == null ? "" : v;
  }

  // ---- writing -------------------------------------------------------------------------------

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serialises
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  public static JsonNode text(String s) {
    return F.textNode(s);
  }
}
