package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The routes operators use besides refactoring and recovery (orchestrator-api.md §4.1–§4.5):
 * tags, pools, cluster-osc-replicas, snapshot-topologies, restart-replica-statements,
 * skip-query, resolve, the bulk lists; and the routes orcha refuses on purpose, each with its
 * reason. Sent as orchestrator-client sends them (encoded values ending in {@code %0A}).
 */
class OperatorRoutesTest extends ApiTestBase {

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("OperatorRoutesTest", API, "");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetApi() {
    API.reset();
    API.snapshot = ApiRoutesTest.twoClusters();
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  static List<String> printKeys(JsonNode keys) {
    List<String> out = new ArrayList<>();
    keys.forEach(k -> out.add(printKey(k)));
    return out;
  }

  // ---- tags -----------------------------------------------------------------------------------

  @Test
  void tagsAreSetReadSelectedAndRemoved() {
    JsonNode tagged = ok("/api/tag/127.0.0.1/10112?tag=role%3Dbackup%0A");
    assertEquals("127.0.0.1:10112 tagged with role=backup", tagged.get("Message").asText());
    assertEquals("127.0.0.1:10112", printKey(tagged.get("Details")));
    ok("/api/tag/127.0.0.1/10113/role/serving");
    ok("/api/tag/127.0.0.1/10112?tag=maintenance%0A"); // a tag without a value
    assertEquals(List.of("tag 127.0.0.1:10112 role=backup", "tag 127.0.0.1:10113 role=serving",
        "tag 127.0.0.1:10112 maintenance="), API.calls);

    assertEquals("[\"maintenance=\",\"role=backup\"]", bare("/api/tags/127.0.0.1/10112").toString());
    assertEquals("[]", bare("/api/tags/127.0.0.1/10114").toString());
    assertEquals("\"backup\"", get("/api/tag-value/127.0.0.1/10112?tag=role%0A").body());
    assertEquals("\"serving\"", get("/api/tag-value/127.0.0.1/10113/role").body());
    assertEquals("tag dc not found for 127.0.0.1:10112",
        error("/api/tag-value/127.0.0.1/10112?tag=dc"));

    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113"),
        printKeys(bare("/api/tagged?tag=role%0A")));
    assertEquals(List.of("127.0.0.1:10112"), printKeys(bare("/api/tagged/?tag=role%3Dbackup")));
    assertEquals(List.of("127.0.0.1:10113"), printKeys(bare("/api/tagged?tag=role,~maintenance")));
    assertEquals(List.of("127.0.0.1:10111", "127.0.0.1:10114", "127.0.0.1:10211",
        "127.0.0.1:10212", "127.0.0.1:10213"), printKeys(bare("/api/tagged?tag=!role")));
    assertEquals("Unable to parse tag: ", error("/api/tagged?tag="));

    // topology-tags prints them after each line
    String topology = ok("/api/topology-tags/ci").get("Details").asText();
    assertTrue(topology.lines().anyMatch(l -> l.contains("127.0.0.1:10112")
        && l.endsWith(" [maintenance=,role=backup]")), topology);
    assertTrue(topology.lines().anyMatch(l -> l.contains("127.0.0.1:10114") && l.endsWith(" []")),
        topology);

    JsonNode untagged = ok("/api/untag/127.0.0.1/10112?tag=role%0A");
    assertEquals("role removed from 1 instances", untagged.get("Message").asText());
    assertEquals(List.of("127.0.0.1:10112"), printKeys(untagged.get("Details")));
    assertEquals("Untag: either indicate an instance or a tag value. Will not delete on-valued"
        + " tag across instances", error("/api/untag-all?tag=role"));
    JsonNode all = ok("/api/untag-all?tag=role%3Dserving%0A");
    assertEquals(List.of("127.0.0.1:10113"), printKeys(all.get("Details")));
    assertEquals("role removed from 0 instances",
        ok("/api/untag-all/role/serving").get("Message").asText());
    assertEquals("[\"maintenance=\"]", bare("/api/tags/127.0.0.1/10112").toString());

    // every change is audited with the command, like downtimes
    assertTrue(API.audits.stream().anyMatch(a -> a.startsWith("tag 127.0.0.1:10112 ")), API.audits.toString());
    assertTrue(API.audits.stream().anyMatch(a -> a.startsWith("untag-all ")), API.audits.toString());
  }

  @Test
  void badTagRequestsSayWhatIsWrong() {
    assertEquals("No tag given: use ?tag=name[=value]", error("/api/tag/127.0.0.1/10112"));
    assertEquals("Tag: a negated tag (~role) can only be asked for with tagged",
        error("/api/tag/127.0.0.1/10112?tag=~role"));
    assertEquals("Untag: does not support negation", error("/api/untag/127.0.0.1/10112?tag=!role"));
    assertEquals("Invalid port: abc", error("/api/tag/127.0.0.1/abc?tag=x"));
    assertEquals("Unable to parse tag: =x", error("/api/tag/127.0.0.1/10112?tag=%3Dx"));
    assertTrue(error("/api/tag/127.0.0.1/10112?tag=" + "n".repeat(129))
        .startsWith("Tag name longer than 128 characters"));
    assertTrue(API.calls.isEmpty(), API.calls.toString());
  }

  @Test
  void tagChangesAreLeaderWritesAndReadOnlyUsersMayOnlyRead() {
    for (String c : List.of("tag", "untag", "untag-all", "submit-pool-instances", "skip-query")) {
      assertTrue(LeaderForwarding.WRITES.contains(c), c);
    }
    API.settings = InMemoryNodeApi.defaultSettings().withAuth(new ApiAuth(ApiAuth.Method.NONE,
        "", "", List.of("*"), "X-Forwarded-User", true));
    assertEquals("Unauthorized", error("/api/tag/127.0.0.1/10112?tag=role"));
    assertEquals("Unauthorized", error("/api/untag-all?tag=role%3Dx"));
    assertEquals("[]", bare("/api/tags/127.0.0.1/10112").toString());
    assertTrue(API.calls.isEmpty());
  }

  // ---- pools ----------------------------------------------------------------------------------

  @Test
  void poolsAreSubmittedAndReadPerCluster() {
    JsonNode applied = ok("/api/submit-pool-instances/lb?instances="
        + "127.0.0.1%3A10112%2C127.0.0.1%3A10113%2C127.0.0.1%3A10213%0A");
    assertEquals("Applied lb pool instances", applied.get("Message").asText());
    assertEquals("lb", applied.get("Details").asText());
    ok("/api/submit-pool-instances/batch?instances=127.0.0.1:10114");
    assertEquals("Invalid instance 127.0.0.1:x in pool lb: Invalid port: x",
        error("/api/submit-pool-instances/lb?instances=127.0.0.1:x"));

    JsonNode map = ok("/api/cluster-pool-instances/ci").get("Details");
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113"), printKeys(map.get("lb")));
    assertEquals(List.of("127.0.0.1:10114"), printKeys(map.get("batch")));
    assertFalse(ok("/api/cluster-pool-instances/ci/lb").get("Details").has("batch"));

    JsonNode heuristic = ok("/api/heuristic-cluster-pool-instances/127.0.0.1:10111/lb%0A");
    assertEquals("Heuristic pool instances for cluster 127.0.0.1:10111",
        heuristic.get("Message").asText());
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113"), keys(heuristic.get("Details")));
    // the client sends an empty pool as a trailing slash: every pool
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"),
        keys(ok("/api/heuristic-cluster-pool-instances/ci/").get("Details")));
    assertEquals(30, ok("/api/heuristic-cluster-pool-lag/127.0.0.1:10211").get("Details").asInt(),
        "10213 lags 30 s");
    assertEquals("No instances found in GetInstancesMaxLag",
        error("/api/heuristic-cluster-pool-lag/ci/nosuchpool"));
    assertEquals("Unable to determine cluster name. clusterHint=nosuchcluster",
        error("/api/heuristic-cluster-pool-instances/nosuchcluster/lb"));

    ok("/api/submit-pool-instances/lb?instances="); // empties it
    assertFalse(ok("/api/cluster-pool-instances/ci").get("Details").has("lb"));
  }

  // ---- cluster reads ----------------------------------------------------------------------------

  @Test
  void oscReplicasAndTopologySnapshots() {
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113"), keys(bare("/api/cluster-osc-replicas/ci")));
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113"),
        keys(bare("/api/cluster-osc-slaves/127.0.0.1:10111")), "the legacy name");
    assertEquals("Unable to determine cluster name by empty hint", error("/api/cluster-osc-replicas/"));

    JsonNode snap = ok("/api/snapshot-topologies");
    assertTrue(snap.get("Details").asText().matches("Took [0-9.]+(ns|µs|ms|s)"),
        snap.get("Details").asText());
    assertTrue(snap.get("Message").asText().contains("persists its picture as it changes"));

    assertEquals(ok("/api/topology/ci").get("Details"), ok("/api/topology/127.0.0.1/10113")
        .get("Details"), "a server names its cluster");
    assertEquals(List.of("127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113",
        "127.0.0.1:10114", "127.0.0.1:10211", "127.0.0.1:10212", "127.0.0.1:10213"),
        printKeys(bare("/api/bulk-instances")));
    assertEquals("[]", bare("/api/bulk-promotion-rules").toString());
    JsonNode cache = ok("/api/hostname-resolve-cache");
    assertEquals("{}", cache.get("Details").toString());
    assertEquals("Hostname cache cleared", ok("/api/reset-hostname-resolve-cache").get("Message").asText());
    assertEquals("This API call has been retired", error("/api/reload-cluster-alias"));
  }

  @Test
  void resolveConnectsOverTcp() {
    JsonNode r = ok("/api/resolve/127.0.0.1/" + server.port());
    assertEquals("Instance resolved", r.get("Message").asText());
    assertEquals("127.0.0.1:" + server.port(), printKey(r.get("Details")));
    String refused = error("/api/resolve/127.0.0.1/1");
    assertTrue(refused.startsWith("127.0.0.1:1: "), refused);
  }

  // ---- replication ------------------------------------------------------------------------------

  @Test
  void restartReplicaStatementsWrapTheQueryInTheServersDialect() {
    JsonNode r = ok("/api/restart-replica-statements/127.0.0.1/10112"
        + "?q=set+global+rpl_semi_sync_slave_enabled%3D1%0A");
    assertEquals("statements for: 127.0.0.1:10112", r.get("Message").asText());
    assertEquals("[\"STOP REPLICA IO_THREAD;\",\"STOP REPLICA SQL_THREAD;\","
        + "\"set global rpl_semi_sync_slave_enabled=1;\",\"START REPLICA SQL_THREAD;\","
        + "\"START REPLICA IO_THREAD;\"]", r.get("Details").toString());
    assertEquals("[\"select 1;\"]", ok("/api/restart-slave-statements/127.0.0.1/10212?q=select%201")
        .get("Details").toString(), "stopped replica: the query alone (legacy name)");
    assertEquals("Cannot read instance: 127.0.0.1:9", error("/api/restart-replica-statements/127.0.0.1/9?q=x"));
    assertTrue(API.calls.isEmpty(), "nothing runs: " + API.calls);
  }

  @Test
  void skipQueryIsAServerOperationLikeStopReplica() {
    assertEquals("operations need real servers", error("/api/skip-query/127.0.0.1/10212"));
    assertEquals(List.of("operate skip-query 127.0.0.1:10212"), API.calls);
    assertEquals(1, API.audits.size());
    assertTrue(API.audits.get(0).startsWith("skip-query 127.0.0.1:10212 "), API.audits.get(0));
  }

  @Test
  void locateGtidErrantNamesTheBinaryLogsHoldingTheErrantTransactions() {
    assertEquals("locate-gtid-errant: no errant GTID on 127.0.0.1:10112",
        error("/api/locate-gtid-errant/127.0.0.1/10112"));
    String own = Fixtures.uuid(10114);
    String master = Fixtures.uuid(10111);
    topology.Instance errant = Fixtures.server(10114).readOnly(true)
        .replication(Fixtures.replicating(10111, topology.ThreadState.RUNNING,
            topology.ThreadState.RUNNING, 0L, ""))
        .gtid(new topology.GtidState("ON", master + ":1-100," + own + ":1-3", "", true, "", "",
            "", 0, false)).build();
    List<topology.ObservedInstance> observed = new ArrayList<>();
    Fixtures.star().stream().filter(i -> i.key().port() != 10114)
        .forEach(i -> observed.add(Fixtures.reached(i)));
    observed.add(Fixtures.reached(errant));
    API.snapshot = Fixtures.snapshot(observed);
    assertEquals(own + ":1-3", bare("/api/instance/127.0.0.1/10114").get("GtidErrant").asText());
    assertEquals("127.0.0.1:10114: connection refused",
        error("/api/locate-gtid-errant/127.0.0.1/10114"));
    API.binlogs = new mysql.Operations.BinlogHistory(List.of(
        new topology.ErrantBinlogs.Binlog("mysql-bin.000001", ""),
        new topology.ErrantBinlogs.Binlog("mysql-bin.000002", master + ":1-50"),
        new topology.ErrantBinlogs.Binlog("mysql-bin.000003", master + ":1-100," + own + ":1-3")),
        master + ":1-100," + own + ":1-3");
    JsonNode r = ok("/api/locate-gtid-errant/127.0.0.1/10114");
    assertEquals("located errant GTID", r.get("Message").asText());
    assertEquals("[\"mysql-bin.000002\"]", r.get("Details").toString());
    assertTrue(API.audits.isEmpty(), "a read: " + API.audits);
  }

  @Test
  void gtidVariantsOfPseudoGtidMovesAreRefactorings() {
    for (String path : List.of("/api/move-equivalent/127.0.0.1/10113/127.0.0.1/10112",
        "/api/match-replicas/127.0.0.1/10111/127.0.0.1/10112",
        "/api/match-slaves/127.0.0.1/10111/127.0.0.1/10112",
        "/api/regroup-replicas-gtid/127.0.0.1/10111")) {
      API.calls.clear();
      ApiClient.Answer a = get(path);
      assertFalse(a.json().get("Message").asText().startsWith("Unknown API path"), path);
      assertTrue(API.calls.stream().anyMatch(c -> c.startsWith("refactor ")), path + " " + API.calls);
    }
  }

  // ---- refused on purpose -------------------------------------------------------------------

  @Test
  void everyRouteRefusedOnPurposeSaysWhyAndChangesNothing() {
    assertTrue(UnsupportedRoutes.commands().containsAll(List.of("last-pseudo-gtid",
        "register-hostname-unresolve", "deregister-hostname-unresolve", "agents", "seeds")));
    for (Map.Entry<String, String> e : UnsupportedRoutes.reasons().entrySet()) {
      for (String path : List.of("/api/" + e.getKey(), "/api/" + e.getKey() + "/127.0.0.1/10111",
          "/api/" + e.getKey() + "/127.0.0.1/10111/x/")) {
        assertEquals(e.getKey() + ": " + e.getValue(), error(path), path);
      }
    }
    assertEquals("last-pseudo-gtid: Pseudo-GTID is not supported by orcha (use GTID)",
        error("/api/last-pseudo-gtid/127.0.0.1/10112"));
    assertTrue(API.calls.isEmpty(), API.calls.toString());
    assertTrue(API.audits.isEmpty(), "refusals are not audited: " + API.audits);
    // none is also served
    List<String> served = new ApiRouter(API).patterns();
    for (String c : UnsupportedRoutes.commands()) {
      assertFalse(served.stream().anyMatch(p -> p.equals(c) || p.startsWith(c + "/")), c);
    }
  }

  /** The static listing (used without a node by the contract tests) is the router's own. */
  @Test
  void servedPatternsWithoutANodeAreTheRoutersPatterns() {
    List<String> listed = ApiRouter.servedPatterns();
    assertEquals(new ApiRouter(API).patterns(), listed);
    assertTrue(listed.contains("instance/:host/:port") && listed.contains("tags/:host/:port"),
        listed.toString());
  }

  /**
   * Every API path bin/orcha-client names literally (orchestrator-client's command table) is
   * served or refused on purpose: none answers "Unknown API path".
   */
  @Test
  void everyPathTheClientUsesIsServedOrRefusedOnPurpose() throws IOException {
    String script = Files.readString(Path.of(System.getProperty("user.dir"), "bin", "orcha-client"));
    Matcher m = Pattern.compile("api \"([a-z][a-z0-9-]*)").matcher(script);
    TreeSet<String> commands = new TreeSet<>();
    while (m.find()) {
      commands.add(m.group(1));
    }
    assertTrue(commands.size() > 30, commands.toString());
    assertTrue(commands.containsAll(List.of("tags", "tagged", "submit-pool-instances",
        "cluster-osc-replicas", "snapshot-topologies", "restart-replica-statements")), commands.toString());
    for (String c : commands) {
      boolean known = false;
      for (String path : List.of(c, c + "/x", c + "/ci/lb", c + "/127.0.0.1/10111",
          c + "/127.0.0.1/10111/x", c + "/127.0.0.1/10111/x/y")) {
        ApiClient.Answer a = client().get("/api/" + path);
        known |= !(a.status() == 404 && a.body().contains("Unknown API path"));
      }
      assertTrue(known, c + " is neither served nor refused on purpose");
    }
  }
}
