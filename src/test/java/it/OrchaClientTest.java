package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaClient;
import testkit.OrchaClient.Run;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * bin/orcha-client (orchestrator-client's drop-in, bash + curl + jq) run as a process against
 * an in-process orcha node and four real MariaDB servers: each command's output is what
 * orchestrator-client prints (keys as host:port lines, {@code key<master} for moves), errors
 * exit 1 with the API's Message on stderr, and with several API URLs the leader is used.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrchaClientTest {

  static final int M = 10971;
  static final int CLUSTER_BASE = 10981;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  static String key(int port) {
    return "127.0.0.1:" + port;
  }

  static Run run(String api, String... args) {
    return OrchaClient.run(api == null ? Map.of() : Map.of("ORCHA_API", api),
        Duration.ofSeconds(120), args);
  }

  /** Runs against the test node; must exit 0. */
  static Run ok(String... args) {
    Run r = run(orcha.apiUrl(), args);
    assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
    return r;
  }

  static String out(String... args) {
    return ok(args).out();
  }

  static Set<String> keys(int... ports) {
    Set<String> s = new TreeSet<>();
    for (int p : ports) {
      s.add(key(p));
    }
    return s;
  }

  static Set<String> lineSet(Run r) {
    return new TreeSet<>(r.lines());
  }

  static Map<Integer, Integer> topo(int... pairs) {
    return OrchaFixture.topo(pairs);
  }

  static final Map<Integer, Integer> STAR = topo(M, 0, M + 1, M, M + 2, M, M + 3, M);

  /** Every server replicating from whom it should (0 = none), threads running, no errors. */
  static void awaitTopology(Map<Integer, Integer> masters) {
    orcha.awaitTopology(masters, Duration.ofSeconds(30));
  }


  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("orcha-client", M, 4, "star");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("client.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.period-block = 3600s
        """);
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  @Order(0)
  void helpListsTheCommands() {
    for (String[] args : new String[][] {{}, {"-c", "help"}, {"--help"}}) {
      Run r = run(null, args);
      assertEquals(0, r.exit(), r.toString());
      for (String c : List.of("discover", "relocate", "which-cluster-master", "graceful-master-takeover-auto",
          "replication-analysis", "submit-masters-to-kv-stores", "begin-downtime")) {
        assertTrue(r.out().contains(c), c + " in help: " + r.out());
      }
    }
    Run none = run(null, "-i", key(M));
    assertEquals(1, none.exit(), none.toString());
    assertTrue(none.err().contains("No command given"), none.err());
    Run r = run(null, "-c", "no-such-command");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("unsupported command: no-such-command"), r.err());
    r = run(null, "-c", "which-master");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("instance (-i host[:port]) required"), r.err());
  }

  @Test
  @Order(1)
  void discoveryAndListing() throws IOException {
    assertEquals(key(M), out("-c", "discover", "-i", key(M)));
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);
    awaitTopology(STAR);
    assertEquals(keys(M, M + 1, M + 2, M + 3), lineSet(ok("-c", "all-instances")));
    assertEquals(key(M), out("-c", "which-cluster-master", "-alias", "sandbox"));
    assertEquals(key(M), out("-c", "which-cluster-master", "-i", key(M + 2)));
    assertEquals(key(M), out("--command", "which-master", "--instance", key(M + 1)));
    assertEquals(":0", out("-c", "which-master", "-i", key(M)));
    assertEquals(keys(M + 1, M + 2, M + 3), lineSet(ok("-c", "which-replicas", "-i", key(M))));
    assertEquals("", out("-c", "which-replicas", "-i", key(M + 1)));
    assertEquals(key(M), out("-c", "clusters"));
    assertEquals(key(M) + ",sandbox", out("-c", "clusters-alias"));
    assertEquals(key(M), out("-c", "all-clusters-masters"));
    assertEquals(keys(M, M + 1, M + 2, M + 3), lineSet(ok("-c", "which-cluster-instances", "-alias", "sandbox")));
    assertEquals(key(M), out("-c", "which-cluster", "-alias", "sandbox"));
    assertEquals("sandbox", out("-c", "which-cluster-alias", "-i", key(M + 3)));
    // -c api: the whole answer on one line
    Run api = ok("-c", "api", "-P", "instance/127.0.0.1/" + (M + 1));
    assertEquals(1, api.lines().size(), api.toString());
    assertTrue(api.out().contains("\"Port\": " + (M + 1)), api.out());
    assertTrue(OrchaFixture.JSON.readTree(api.out()).get("Key").get("Port").asInt() == M + 1);
    // less used listings
    assertTrue(lineSet(ok("-c", "search", "-i", "127.0.0.1")).containsAll(keys(M, M + 1, M + 2, M + 3)));
    assertEquals(key(M + 2), out("-c", "refresh", "-i", key(M + 2)));
  }

  @Test
  @Order(2)
  void mastersAreSubmittedToKvStores() {
    // scripts expect Key:Value lines, the first the alias's master
    for (String[] args : new String[][] {{"-c", "submit-masters-to-kv-stores"},
        {"-c", "submit-masters-to-kv-stores", "-alias", "sandbox"}}) {
      Run r = ok(args);
      assertTrue(r.lines().contains("mysql/master/sandbox:" + key(M)), r.toString());
      assertTrue(r.lines().contains("mysql/master/sandbox/hostname:127.0.0.1"), r.toString());
      assertTrue(r.lines().contains("mysql/master/sandbox/port:" + M), r.toString());
    }
  }

  @Test
  @Order(2)
  void instanceInformation() {
    assertEquals(key(M + 1), out("-c", "instance", "-i", key(M + 1)));
    assertEquals(key(M + 1), out("-c", "is-replicating", "-i", key(M + 1)));
    assertEquals("", out("-c", "is-replicating", "-i", key(M)), "a master does not replicate");
    assertEquals("", out("-c", "which-gtid-errant", "-i", key(M + 1)));
    assertEquals("", out("-c", "which-broken-replicas", "-i", key(M)));
    String table = out("-c", "topology-tabulated", "-alias", "sandbox");
    for (int p = M; p < M + 4; p++) {
      assertTrue(table.contains(key(p)), p + " in " + table);
    }
    assertTrue(table.lines().findFirst().orElseThrow().startsWith(key(M)), table);
    String topology = out("-c", "topology", "-i", key(M));
    assertTrue(topology.contains("+ " + key(M + 1)), topology);
    // replication-analysis: every line names an instance and its cluster
    for (String line : ok("-c", "replication-analysis").lines()) {
      assertTrue(line.matches("127\\.0\\.0\\.1:\\d+ \\(cluster 127\\.0\\.0\\.1:\\d+\\): \\S+"), line);
    }
  }

  @Test
  @Order(3)
  void downtimeMaintenanceAndCandidates() {
    // owner and reason are untrusted text: passed as data, never evaluated
    String reason = "disk swap; $(touch /tmp/orcha-client-pwned) 'quoted' \"double\" & `id`";
    assertEquals(key(M + 1), out("-c", "begin-downtime", "-i", key(M + 1), "-owner", "ops team",
        "-reason", reason, "-duration", "1h"));
    assertFalse(Files.exists(Path.of("/tmp/orcha-client-pwned")));
    JsonNode i = orcha.get("instance/127.0.0.1/" + (M + 1));
    assertTrue(i.get("IsDowntimed").asBoolean());
    assertEquals("ops team", i.get("DowntimeOwner").asText());
    assertEquals(reason, i.get("DowntimeReason").asText());
    assertEquals(key(M + 1), out("-c", "downtimed"));
    assertEquals(key(M + 1), out("-c", "downtimed", "-alias", "sandbox"));
    assertEquals(key(M + 1), out("-c", "end-downtime", "-i", key(M + 1)));
    assertEquals("", out("-c", "downtimed"));
    assertFalse(orcha.get("instance/127.0.0.1/" + (M + 1)).get("IsDowntimed").asBoolean());
    // a bad duration: the API's message on stderr, exit 1
    Run bad = run(orcha.apiUrl(), "-c", "begin-downtime", "-i", key(M + 1), "-reason", "x", "-duration", "5y");
    assertEquals(1, bad.exit(), bad.toString());
    assertEquals("Cannot parse simple time: 5y", bad.err());

    assertEquals(key(M + 2), out("-c", "begin-maintenance", "-i", key(M + 2), "-reason", "upgrade"));
    assertTrue(orcha.get("in-maintenance/127.0.0.1/" + (M + 2)).get("Message").asText().equals("true"));
    assertEquals(key(M + 2), out("-c", "end-maintenance", "-i", key(M + 2)));

    assertEquals(key(M + 1), out("-c", "register-candidate", "-i", key(M + 1), "-promotion-rule", "prefer"));
    assertEquals("prefer", orcha.get("instance/127.0.0.1/" + (M + 1)).get("PromotionRule").asText());
    Run must = run(orcha.apiUrl(), "-c", "register-candidate", "-i", key(M + 1), "-promotion-rule", "must");
    assertEquals(1, must.exit());
    assertEquals("CandidatePromotionRule: must not supported yet", must.err());
  }

  @Test
  @Order(4)
  void replicationControl() {
    int r = M + 1;
    assertEquals(key(r), out("-c", "stop-replica", "-i", key(r)));
    assertEquals("", out("-c", "is-replicating", "-i", key(r)));
    assertEquals(key(r), out("-c", "is-replication-stopped", "-i", key(r)));
    assertEquals(key(r), out("-c", "start-slave", "-i", key(r)), "legacy *-slave* names work");
    assertEquals(key(r), out("-c", "is-replicating", "-i", key(r)));
    assertEquals(key(r), out("-c", "restart-replica", "-i", key(r)));
    assertEquals(key(M), out("-c", "enable-semi-sync-master", "-i", key(M)));
    assertTrue(orcha.get("instance/127.0.0.1/" + M).get("SemiSyncMasterEnabled").asBoolean());
    assertEquals(key(M), out("-c", "disable-semi-sync-master", "-i", key(M)));
    assertEquals(key(r), out("-c", "enable-semi-sync-replica", "-i", key(r)));
    assertTrue(orcha.get("instance/127.0.0.1/" + r).get("SemiSyncReplicaEnabled").asBoolean());
    assertEquals(key(r), out("-c", "disable-semi-sync-replica", "-i", key(r)));
    String before = orcha.get("instance/127.0.0.1/" + M).get("SelfBinlogCoordinates").get("LogFile").asText();
    assertEquals(key(M), out("-c", "flush-binary-logs", "-i", key(M)));
    String after = orcha.get("instance/127.0.0.1/" + M).get("SelfBinlogCoordinates").get("LogFile").asText();
    assertTrue(after.compareTo(before) > 0, before + " → " + after);
    assertEquals(key(r), out("-c", "set-writeable", "-i", key(r)));
    assertEquals(key(r), out("-c", "set-read-only", "-i", key(r)));
    assertEquals(key(M + 2), out("-c", "can-replicate-from", "-i", key(r), "-d", key(M + 2)));
    assertEquals("7", out("-c", "delay-replication", "-i", key(r), "-seconds", "7"));
    assertEquals("0", out("-c", "delay-replication", "-i", key(r), "-seconds", "0"));
    awaitTopology(STAR);
  }

  @Test
  @Order(5)
  void refactoring() {
    assertEquals(key(M + 1) + "<" + key(M + 2), out("-c", "relocate", "-i", key(M + 1), "-d", key(M + 2)));
    awaitTopology(topo(M, 0, M + 1, M + 2, M + 2, M, M + 3, M));
    assertEquals(key(M + 1) + "<" + key(M), out("-c", "move-up", "-i", key(M + 1)));
    awaitTopology(STAR);
    assertEquals(key(M + 3) + "<" + key(M + 2), out("-c", "move-below", "-i", key(M + 3), "-d", key(M + 2)));
    assertEquals(key(M + 1) + "<" + key(M + 2), out("-c", "relocate", "-i", key(M + 1), "-d", key(M + 2)));
    awaitTopology(topo(M, 0, M + 1, M + 2, M + 2, M, M + 3, M + 2));
    assertEquals(keys(M + 1, M + 3),
        lineSet(ok("-c", "relocate-replicas", "-i", key(M + 2), "-d", key(M))));
    awaitTopology(STAR);
    // co-master and back: reset-replica on the master ends the master-master pair
    assertEquals(key(M + 1) + "<" + key(M), out("-c", "make-co-master", "-i", key(M + 1)));
    awaitTopology(topo(M, M + 1, M + 1, M, M + 2, M, M + 3, M));
    assertEquals(key(M), out("-c", "reset-replica", "-i", key(M)));
    awaitTopology(STAR);
  }

  @Test
  @Order(6)
  void aRefusedCommandExitsOneWithTheMessageOnStderr() {
    Run r = run(orcha.apiUrl(), "-c", "relocate", "-i", key(M), "-d", key(M + 1));
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("is a descendant of"), r.err());
    r = run(orcha.apiUrl(), "-c", "move-up", "-i", key(M));
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("is not a replica"), r.err());
    r = run(orcha.apiUrl(), "-c", "gtid-errant-reset-master", "-i", key(M + 1));
    assertEquals(1, r.exit(), r.toString());
    assertEquals("gtid-errant-reset-master will not operate on " + key(M + 1)
        + " because no errant GTID is found", r.err());
    r = run(orcha.apiUrl(), "-c", "which-master", "-i", "127.0.0.1:1");
    assertEquals(1, r.exit(), r.toString());
    assertFalse(r.err().isEmpty(), r.toString());
    // -c api prints the whole ERROR envelope and exits 1
    r = run(orcha.apiUrl(), "-c", "api", "-P", "instance/127.0.0.1/notaport");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().contains("\"Code\": \"ERROR\""), r.out());
    assertEquals(1, r.out().lines().count(), r.out());
    awaitTopology(STAR);
  }

  @Test
  @Order(7)
  void errantGtidFixes() {
    sandbox.sql(M + 1, "CREATE TABLE app.client_errant_1 (id INT PRIMARY KEY)");
    String errant = Eventually.await("errant GTID seen", Duration.ofSeconds(10),
        () -> out("-c", "which-gtid-errant", "-i", key(M + 1)), s -> !s.isEmpty());
    assertTrue(errant.matches("[0-9-]+"), errant);
    assertEquals(key(M + 1), out("-c", "gtid-errant-inject-empty", "-i", key(M + 1)));
    Eventually.await("errant GTID gone", Duration.ofSeconds(10),
        () -> out("-c", "which-gtid-errant", "-i", key(M + 1)), String::isEmpty);
    sandbox.sql(M + 2, "CREATE TABLE app.client_errant_2 (id INT PRIMARY KEY)");
    Eventually.await("second errant GTID seen", Duration.ofSeconds(10),
        () -> out("-c", "which-gtid-errant", "-i", key(M + 2)), s -> !s.isEmpty());
    assertEquals(key(M + 2), out("-c", "gtid-errant-reset-master", "-i", key(M + 2)));
    Eventually.await("second errant GTID gone", Duration.ofSeconds(10),
        () -> out("-c", "which-gtid-errant", "-i", key(M + 2)), String::isEmpty);
    awaitTopology(STAR);
  }

  @Test
  @Order(8)
  void recoverySwitches() {
    assertEquals("enabled", out("-c", "check-global-recoveries"));
    assertEquals("disabled", out("-c", "disable-global-recoveries"));
    assertEquals("disabled", out("-c", "check-global-recoveries"));
    assertEquals("enabled", out("-c", "enable-global-recoveries"));
    assertEquals("enabled", out("-c", "check-global-recoveries"));
    assertEquals("client test", out("-c", "ack-all-recoveries", "-reason", "client test"));
    Run noComment = run(orcha.apiUrl(), "-c", "ack-all-recoveries");
    assertEquals(1, noComment.exit(), noComment.toString());
    assertEquals("No acknowledge comment given", noComment.err());
  }

  @Test
  @Order(9)
  void gracefulTakeovers() {
    // -auto: the best (here: designated) replica is promoted, the demoted master replicates
    assertEquals(key(M + 1), out("-c", "graceful-master-takeover-auto", "-alias", "sandbox", "-d", key(M + 1)));
    awaitTopology(topo(M, M + 1, M + 1, 0, M + 2, M + 1, M + 3, M + 1));
    Eventually.await("the alias follows the new master", Duration.ofSeconds(20),
        () -> out("-c", "which-cluster-master", "-alias", "sandbox"), s -> s.equals(key(M + 1)));
    ok("-c", "ack-all-recoveries", "-reason", "back");
    // and back, onto the old master (by instance hint this time)
    assertEquals(key(M), out("-c", "graceful-master-takeover", "-i", key(M + 1), "-d", key(M)));
    Eventually.await("the old master is the master again", Duration.ofSeconds(20),
        () -> out("-c", "which-cluster-master", "-alias", "sandbox"), s -> s.equals(key(M)));
    // the plain takeover leaves the demoted master's replication stopped
    assertEquals(key(M + 1), out("-c", "start-replica", "-i", key(M + 1)));
    awaitTopology(STAR);
    ok("-c", "ack-all-recoveries", "-reason", "done");
  }

  @Test
  @Order(10)
  void theLeaderIsFoundAmongSeveralUrls() {
    String apis = "http://127.0.0.1:1/api " + orcha.apiUrl();
    Run r = run(apis, "-c", "which-api");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(orcha.apiUrl().replaceAll("/+$", ""), r.out());
    r = run(apis, "-c", "which-master", "-i", key(M + 1));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(key(M), r.out());
    // comma separated, without the /api suffix on the bogus one
    r = run("http://127.0.0.1:1," + orcha.apiUrl(), "-c", "clusters");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(key(M), r.out());
    // nobody answers: a clear error
    r = run("http://127.0.0.1:1/api http://127.0.0.1:2/api", "-c", "clusters");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("Cannot determine leader from"), r.err());
  }

  /** A stub API answering every GET with the request's Authorization header; HEAD as asked. */
  static com.sun.net.httpserver.HttpServer stub(int headStatus) throws IOException {
    com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", ex -> {
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(headStatus, -1);
      } else {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] body = OrchaFixture.JSON.writeValueAsBytes(auth == null ? "none" : auth);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    s.start();
    return s;
  }

  static Run runWith(Map<String, String> env, String... args) {
    return OrchaClient.run(env, Duration.ofSeconds(60), args);
  }

  @Test
  @Order(10)
  void basicAuthCredentialsAreSent() throws IOException {
    com.sun.net.httpserver.HttpServer s = stub(404);
    try {
      String api = "http://127.0.0.1:" + s.getAddress().getPort() + "/api";
      String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:s3cr3t".getBytes());
      assertEquals("\"" + basic + "\"", runWith(Map.of("ORCHA_API", api), "-c", "api", "-P", "x", "-b", "ops:s3cr3t").out());
      assertEquals("\"" + basic + "\"", runWith(Map.of("ORCHESTRATOR_API", api, "ORCHESTRATOR_AUTH_USER", "ops",
          "ORCHESTRATOR_AUTH_PASSWORD", "s3cr3t"), "-c", "api", "-P", "x").out());
      assertEquals("\"none\"", runWith(Map.of("ORCHA_API", api), "-c", "api", "-P", "x").out());
    } finally {
      s.stop(0);
    }
    // a server that wants credentials, none given: a clear refusal, no retries
    s = stub(401);
    try {
      String api = "http://127.0.0.1:" + s.getAddress().getPort() + "/api";
      Run r = runWith(Map.of("ORCHA_API", api), "-c", "clusters");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.err().contains("Cannot access orchestrator at " + api), r.err());
    } finally {
      s.stop(0);
    }
  }

  static JsonNode readJson(String s) {
    try {
      return OrchaFixture.JSON.readTree(s);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + s);
    }
  }

  @Test
  @Order(11)
  void againstANodeWithAuthenticationOn() {
    OrchaFixture secured = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("auth.db")) + """
        orcha.http.auth.method = multi
        orcha.http.auth.user = ops
        orcha.http.auth.password = "s3cr3t"
        """);
    try {
      String api = secured.apiUrl();
      Map<String, String> ops = Map.of("ORCHA_API", api, "ORCHESTRATOR_AUTH_USER", "ops",
          "ORCHESTRATOR_AUTH_PASSWORD", "s3cr3t");
      Map<String, String> readonly = Map.of("ORCHA_API", api, "ORCHESTRATOR_AUTH_USER", "readonly",
          "ORCHESTRATOR_AUTH_PASSWORD", "whatever");
      // no credentials, wrong credentials: refused clearly, nothing printed on stdout
      for (Map<String, String> env : List.of(Map.of("ORCHA_API", api), Map.of("ORCHA_API", api,
          "ORCHESTRATOR_AUTH_USER", "ops", "ORCHESTRATOR_AUTH_PASSWORD", "wrong"))) {
        Run r = runWith(env, "-c", "clusters");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertFalse(r.err().isEmpty(), r.toString());
      }
      // the right user discovers, reads and changes
      Run discovered = runWith(ops, "-c", "discover", "-i", key(M));
      assertEquals(0, discovered.exit(), discovered.toString());
      assertEquals(key(M), discovered.out());
      Eventually.await("the topology seen by the secured node", Duration.ofSeconds(30),
          () -> runWith(ops, "-c", "which-cluster-instances", "-i", key(M)), r -> r.exit() == 0
              && lineSet(r).equals(keys(M, M + 1, M + 2, M + 3)));
      Run down = runWith(ops, "-c", "begin-downtime", "-i", key(M + 2), "-duration", "5m",
          "-owner", "ops", "-reason", "auth-test");
      assertEquals(0, down.exit(), down.toString());
      assertEquals(key(M + 2), down.out());
      // the read-only user reads, and is refused a change with orchestrator's word for it
      Run listed = runWith(readonly, "-c", "downtimed");
      assertEquals(0, listed.exit(), listed.toString());
      assertEquals(List.of(key(M + 2)), listed.lines());
      Run refused = runWith(readonly, "-c", "end-downtime", "-i", key(M + 2));
      assertEquals(1, refused.exit(), refused.toString());
      assertTrue(refused.err().contains("Unauthorized"), refused.toString());
      assertEquals(List.of(key(M + 2)), runWith(readonly, "-c", "downtimed").lines());
      // the audit log names who changed what
      Run auditRun = runWith(ops, "-c", "api", "-path", "audit");
      assertEquals(0, auditRun.exit(), auditRun.toString());
      JsonNode audit = readJson(auditRun.out());
      boolean byOps = false;
      for (JsonNode row : audit) {
        byOps |= row.path("AuditType").asText().equals("begin-downtime")
            && row.path("User").asText().equals("ops");
      }
      assertTrue(byOps, audit.toString());
      Run ended = runWith(ops, "-c", "end-downtime", "-i", key(M + 2));
      assertEquals(0, ended.exit(), ended.toString());
      assertEquals(List.of(), runWith(ops, "-c", "downtimed").lines());
    } finally {
      secured.close();
    }
  }

  @Test
  @Order(12)
  void aLeaderChangeIsFollowed() {
    String nodesList = "[\"127.0.0.1:" + CLUSTER_BASE + "\", \"127.0.0.1:" + (CLUSTER_BASE + 1)
        + "\", \"127.0.0.1:" + (CLUSTER_BASE + 2) + "\"]";
    List<OrchaFixture> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("cnode" + i + ".db")) + """
            orcha.node-name = "client-%d"
            orcha.cluster.bind = "127.0.0.1:%d"
            orcha.cluster.nodes = %s
            pekko.coordinated-shutdown.run-by-actor-system-terminate = off
            """.formatted(i, CLUSTER_BASE + i, nodesList)));
      }
      String apis = String.join(" ", nodes.stream().map(OrchaFixture::apiUrl).toList());
      String leader = Eventually.await("a leader found by the client", Duration.ofSeconds(60), () -> {
        Run r = run(apis, "-c", "which-api");
        return r.exit() == 0 ? r.out() : null;
      }, s -> s != null);
      OrchaFixture old = nodes.stream().filter(n -> n.apiUrl().replaceAll("/+$", "").equals(leader))
          .findFirst().orElseThrow(() -> new AssertionError("which-api named " + leader));
      assertEquals(200, old.raw("leader-check").statusCode());
      assertEquals("enabled", run(apis, "-c", "check-global-recoveries").out());
      // the leader crashes: the next calls find the new one
      old.node().system().terminate();
      old.node().awaitTermination(Duration.ofSeconds(30));
      String next = Eventually.await("a new leader found by the client", Duration.ofSeconds(60), () -> {
        Run r = run(apis, "-c", "which-api");
        return r.exit() == 0 ? r.out() : null;
      }, s -> s != null && !s.equals(leader));
      assertNotEquals(leader, next);
      Run r = Eventually.await("a write through the new leader", Duration.ofSeconds(30),
          () -> run(apis, "-c", "disable-global-recoveries"), x -> x.exit() == 0);
      assertEquals("disabled", r.out());
      assertEquals("disabled", run(apis, "-c", "check-global-recoveries").out());
    } finally {
      for (OrchaFixture n : nodes) {
        try {
          n.close();
        } catch (RuntimeException e) {
          // the crashed one
        }
      }
    }
  }
}
