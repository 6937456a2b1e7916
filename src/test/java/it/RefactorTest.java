package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * Refactorings on real MariaDB servers, from star, chain and co-master shapes: after each, the
 * re-probed topology is the intended one, replication runs without errors, and a row written on
 * the master arrives on every replica. Refusals leave everything as it was and say why.
 */
@Tag("sandbox")
class RefactorTest {

  static final int M = 10701;
  static Sandbox sandbox;
  static OrchaFixture orcha;
  static final AtomicInteger rows = new AtomicInteger();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("refactor.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        """);
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
  }

  @AfterEach
  void dropSandbox() {
    if (sandbox != null) {
      forgetAll();
      sandbox.close();
      sandbox = null;
    }
  }

  static void forgetAll() {
    orcha.forgetAll();
  }


  /** A fresh topology of the given shape, discovered and healthy. */
  static void shape(String shape) {
    sandbox = Sandbox.up("refactor", M, 4, shape);
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
    Map<Integer, Integer> masters = new LinkedHashMap<>();
    masters.put(M, 0);
    masters.put(M + 1, M);
    masters.put(M + 2, shape.equals("star") ? M : M + 1);
    masters.put(M + 3, shape.equals("star") ? M : shape.equals("chain") ? M + 2 : M + 1);
    awaitTopology(masters);
  }

  static String key(int port) {
    return "127.0.0.1/" + port;
  }

  static JsonNode ok(String path) {
    JsonNode r = orcha.get(path);
    assertEquals("OK", r.get("Code").asText(), path + " → " + r);
    return r;
  }

  static JsonNode refused(String path, String messagePart) {
    JsonNode r = orcha.get(path);
    assertEquals("ERROR", r.get("Code").asText(), path + " → " + r);
    assertTrue(r.get("Message").asText().contains(messagePart),
        path + ": <" + r.get("Message").asText() + "> should contain <" + messagePart + ">");
    return r;
  }

  /** Every server replicating from whom it should (0 = none), threads running, no errors. */
  static void awaitTopology(Map<Integer, Integer> masters) {
    orcha.awaitTopology(masters, Duration.ofSeconds(20));
  }


  /** A row written on {@code master} reaches every other server. */
  static void rowReachesEveryone(int master) {
    String v = "row-" + rows.incrementAndGet();
    sandbox.sql(master, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    for (int p : sandbox.ports()) {
      Eventually.await(v + " on " + p, Duration.ofSeconds(10),
          () -> sandbox.sql(p, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'"), n -> n.equals("1"));
    }
  }

  static Map<Integer, Integer> topo(int... pairs) {
    return OrchaFixture.topo(pairs);
  }

  static void assertKeyLessMaster(JsonNode r, int port, int master) {
    assertEquals(port, r.get("Details").get("Key").get("Port").asInt());
    assertEquals(master, r.get("Details").get("MasterKey").get("Port").asInt());
  }

  @Test
  void starMoves() {
    shape("star");
    // relocate: 10702 below its sibling 10703
    assertKeyLessMaster(ok("relocate/" + key(M + 1) + "/" + key(M + 2)), M + 1, M + 2);
    awaitTopology(topo(M, 0, M + 1, M + 2, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
    // move-up: back to the master
    assertKeyLessMaster(ok("move-up/" + key(M + 1)), M + 1, M);
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    // move-below: 10704 below its sibling 10702
    assertKeyLessMaster(ok("move-below/" + key(M + 3) + "/" + key(M + 1)), M + 3, M + 1);
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M + 1));
    rowReachesEveryone(M);
    // take-siblings: 10703 takes its siblings (10702) as replicas
    ok("take-siblings/" + key(M + 2));
    awaitTopology(topo(M, 0, M + 1, M + 2, M + 2, M, M + 3, M + 1));
    // move-up-replicas: 10702's replica 10704 up to 10703
    JsonNode moved = ok("move-up-replicas/" + key(M + 1) + "/");
    assertEquals(1, moved.get("Details").size());
    awaitTopology(topo(M, 0, M + 1, M + 2, M + 2, M, M + 3, M + 2));
    // relocate-replicas: all of 10703's replicas below the master, by the client's exact path
    JsonNode relocated = ok("relocate-replicas/" + key(M + 2) + "/" + key(M));
    assertEquals(2, relocated.get("Details").size(), relocated.toString());
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
    // regroup-replicas: the master's replicas regrouped below the most advanced one
    JsonNode regrouped = ok("regroup-replicas/" + key(M));
    int candidate = regrouped.get("Details").get("Key").get("Port").asInt();
    Map<Integer, Integer> expected = topo(M, 0, M + 1, candidate, M + 2, candidate, M + 3, candidate);
    expected.put(candidate, M);
    awaitTopology(expected);
    rowReachesEveryone(M);
    // the steps are in the audit log of the server
    JsonNode audit = orcha.get("audit/instance/" + key(M));
    assertTrue(audit.toString().contains("regroup-replicas"), audit.toString());
  }

  @Test
  void takeMasterAndRepoint() {
    shape("chain");
    refused("make-co-master/" + key(M + 2), "127.0.0.1:" + (M + 1)
        + " is not a real master; it replicates from: 127.0.0.1:" + M);
    // take-master: 10703 swaps with its master 10702 (10702 then replicates from 10703)
    ok("take-master/" + key(M + 2));
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M + 2, M + 3, M + 2));
    rowReachesEveryone(M);
    // move-up of the leaf, then repoint it at its current master
    ok("move-up/" + key(M + 3));
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M + 2, M + 3, M));
    ok("repoint/" + key(M + 3));
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M + 2, M + 3, M));
    // move-gtid (the client's alias of move-below-gtid) and detach / reattach
    assertKeyLessMaster(ok("move-gtid/" + key(M + 1) + "/" + key(M + 3)), M + 1, M + 3);
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M + 3, M + 3, M));
    // match-up (no Pseudo-GTID in orcha: a GTID move-up) and repoint-replicas
    assertKeyLessMaster(ok("match-up/" + key(M + 1)), M + 1, M);
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M, M + 3, M));
    JsonNode repointed = ok("repoint-replicas/" + key(M) + "/");
    assertEquals(3, repointed.get("Details").size(), repointed.toString());
    assertKeyLessMaster(ok("relocate/" + key(M + 1) + "/" + key(M + 3)), M + 1, M + 3);
    ok("detach-replica/" + key(M + 1));
    JsonNode detached = Eventually.await("detached master host", Duration.ofSeconds(5),
        () -> orcha.get("instance/" + key(M + 1)), i -> i.get("IsDetachedMaster").asBoolean());
    assertTrue(detached.get("MasterKey").get("Hostname").asText().startsWith("//"));
    ok("reattach-replica/" + key(M + 1));
    awaitTopology(topo(M, 0, M + 2, M, M + 1, M + 3, M + 3, M));
    rowReachesEveryone(M);
  }

  @Test
  void coMastersAndBack() {
    shape("star");
    // the replica must be read-only first (it is), then its master replicates from it
    JsonNode r = ok("make-co-master/" + key(M + 1));
    assertEquals("Instance made co-master: 127.0.0.1:" + (M + 1), r.get("Message").asText());
    awaitTopology(topo(M, M + 1, M + 1, M, M + 2, M, M + 3, M));
    JsonNode master = orcha.get("instance/" + key(M));
    assertTrue(master.get("IsCoMaster").asBoolean());
    // what orchestrator gets wrong on MariaDB: the new channel has a user and uses GTID
    String channel = sandbox.sql(M, "SHOW SLAVE STATUS\\G");
    assertTrue(channel.contains("Master_User: repl"), channel);
    assertTrue(channel.contains("Using_Gtid: Slave_Pos"), channel);
    rowReachesEveryone(M);
    refused("make-co-master/" + key(M + 1), "is already co master of");
    ok("set-writeable/" + key(M + 2));
    refused("make-co-master/" + key(M + 2), "instance 127.0.0.1:" + (M + 2)
        + " is not read-only; first make it read-only before making it co-master");
    ok("set-read-only/" + key(M + 2));
    // and back: the master stops replicating from its co-master
    ok("reset-replica/" + key(M));
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
  }

  @Test
  void serverOperations() throws IOException {
    shape("star");
    int r = M + 1;
    assertEquals("Replica stopped: 127.0.0.1:" + r, ok("stop-replica/" + key(r)).get("Message").asText());
    assertEquals(0, orcha.get("instance/" + key(r)).get("ReplicationSQLThreadState").asInt());
    assertEquals("Replica started: 127.0.0.1:" + r, ok("start-replica/" + key(r)).get("Message").asText());
    ok("restart-replica/" + key(r));
    ok("stop-replica-nice/" + key(r));
    assertEquals(0, orcha.get("instance/" + key(r)).get("ReplicationIOThreadState").asInt());
    ok("start-replica/" + key(r));
    assertEquals("Server set as writeable", ok("set-writeable/" + key(r)).get("Message").asText());
    assertFalse(orcha.get("instance/" + key(r)).get("ReadOnly").asBoolean());
    assertEquals("Server set as read-only", ok("set-read-only/" + key(r)).get("Message").asText());
    assertEquals("master semi-sync set to true", ok("enable-semi-sync-master/" + key(M)).get("Message").asText());
    assertTrue(orcha.get("instance/" + key(M)).get("SemiSyncMasterEnabled").asBoolean());
    ok("disable-semi-sync-master/" + key(M));
    ok("enable-semi-sync-replica/" + key(r));
    assertTrue(orcha.get("instance/" + key(r)).get("SemiSyncReplicaEnabled").asBoolean());
    ok("disable-semi-sync-replica/" + key(r));
    String before = orcha.get("instance/" + key(M)).get("SelfBinlogCoordinates").get("LogFile").asText();
    assertEquals("Binary logs flushed on: 127.0.0.1:" + M, ok("flush-binary-logs/" + key(M)).get("Message").asText());
    String after = orcha.get("instance/" + key(M)).get("SelfBinlogCoordinates").get("LogFile").asText();
    assertTrue(after.compareTo(before) > 0, before + " → " + after);
    assertEquals(7, ok("delay-replication/" + key(r) + "/7").get("Details").asInt());
    assertEquals(7, orcha.get("instance/" + key(r)).get("SQLDelay").asInt());
    ok("delay-replication/" + key(r) + "/0");
    refused("delay-replication/" + key(r) + "/soon", "Invalid value provided for seconds");
    // kill-query: a long query on the master, killed through orcha
    Thread sleeper = new Thread(() -> {
      try {
        sandbox.sql(M, "SELECT SLEEP(60)");
      } catch (RuntimeException expected) {
        // the client sees its query killed
      }
    });
    sleeper.start();
    String id = Eventually.await("the sleeping query", Duration.ofSeconds(5), () -> sandbox.sql(M,
        "SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(60)'"), x -> !x.isEmpty());
    ok("kill-query/" + key(M) + "/" + id.lines().findFirst().orElseThrow().trim());
    Eventually.await("query killed", Duration.ofSeconds(5), () -> sandbox.sql(M,
        "SELECT COUNT(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(60)'"), x -> x.equals("0"));
    refused("kill-query/" + key(M) + "/x", "Invalid process id: x");
    // purge-binary-logs: up to the current log (after a flush, the older one goes) — refused
    // while orcha sees a replica still reading the older log, allowed once they all moved on
    Eventually.await("replicas read the new binary log", Duration.ofSeconds(10), () -> orcha.get("instance-replicas/" + key(M)),
        a -> a.findValues("ReadBinlogCoordinates").stream().allMatch(c -> c.get("LogFile").asText().equals(after)));
    ok("purge-binary-logs/" + key(M) + "/latest");
    assertEquals("true", orcha.get("can-replicate-from/" + key(r) + "/" + key(M + 2)).get("Message").asText());
    assertEquals("true", orcha.get("can-replicate-from-gtid/" + key(r) + "/" + key(M + 2)).get("Message").asText());
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
  }

  @Test
  void errantGtidFixes() {
    shape("star");
    refused("gtid-errant-inject-empty/" + key(M + 1),
        "gtid-errant-inject-empty will not operate on 127.0.0.1:" + (M + 1) + " because no errant GTID is found");
    refused("gtid-errant-reset-master/" + key(M + 1),
        "gtid-errant-reset-master will not operate on 127.0.0.1:" + (M + 1) + " because no errant GTID is found");
    // an admin writes on a replica (root writes through read_only): an errant transaction
    // (a table of its own, so the data does not collide with what the master writes later)
    sandbox.sql(M + 1, "CREATE TABLE app.errant_1 (id INT PRIMARY KEY)");
    Eventually.await("errant GTID seen", Duration.ofSeconds(5), () -> orcha.get("instance/" + key(M + 1)),
        i -> !i.get("GtidErrant").asText().isEmpty());
    JsonNode injected = ok("gtid-errant-inject-empty/" + key(M + 1));
    assertTrue(injected.get("Message").asText().startsWith("Have injected 1 transactions on cluster master 127.0.0.1:" + M),
        injected.toString());
    Eventually.await("errant GTID gone", Duration.ofSeconds(5), () -> orcha.get("instance/" + key(M + 1)),
        i -> i.get("GtidErrant").asText().isEmpty());
    rowReachesEveryone(M);
    sandbox.sql(M + 2, "CREATE TABLE app.errant_2 (id INT PRIMARY KEY)");
    Eventually.await("second errant GTID seen", Duration.ofSeconds(5), () -> orcha.get("instance/" + key(M + 2)),
        i -> !i.get("GtidErrant").asText().isEmpty());
    ok("gtid-errant-reset-master/" + key(M + 2));
    Eventually.await("second errant GTID gone", Duration.ofSeconds(5), () -> orcha.get("instance/" + key(M + 2)),
        i -> i.get("GtidErrant").asText().isEmpty());
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
  }

  @Test
  void refusalsChangeNothing() throws IOException {
    shape("chain");
    Map<Integer, Integer> chain = topo(M, 0, M + 1, M, M + 2, M + 1, M + 3, M + 2);
    refused("relocate/127.0.0.1/1/" + key(M), "Cannot read instance: 127.0.0.1:1");
    refused("relocate/" + key(M + 1) + "/" + key(M + 1), "127.0.0.1:" + (M + 1));
    refused("relocate/" + key(M + 1) + "/" + key(M + 3), "relocate: 127.0.0.1:" + (M + 3)
        + " is a descendant of 127.0.0.1:" + (M + 1));
    refused("relocate/" + key(M) + "/" + key(M + 1), "is a descendant of");
    refused("move-up/" + key(M), "is not a replica");
    refused("relocate-replicas/" + key(M + 1) + "/" + key(M) + "?pattern=(", "Invalid pattern: (");
    // a server under maintenance is not touched by an operation
    ok("begin-maintenance/" + key(M + 3) + "/ops/hands-off");
    refused("move-up/" + key(M + 3), "is already under maintenance by ops");
    ok("end-maintenance/" + key(M + 3));
    awaitTopology(chain);
    rowReachesEveryone(M);
  }

  @Test
  void aServerWithoutBinaryLogsTakesNoReplicas() throws IOException {
    shape("star");
    sandbox.stop(M + 3);
    Path cnf = sandbox.dir().resolve(String.valueOf(M + 3)).resolve("my.cnf");
    Files.writeString(cnf, Files.readString(cnf).replaceAll("(?m)^log_bin\\s*=.*$", "skip-log-bin")
        .replaceAll("(?m)^log_slave_updates\\s*=.*$", ""));
    sandbox.start(M + 3);
    Eventually.await("no binary log on " + (M + 3), Duration.ofSeconds(10),
        () -> orcha.get("instance/" + key(M + 3)),
        i -> !i.get("LogBinEnabled").asBoolean() && i.get("IsLastCheckValid").asBoolean());
    refused("relocate/" + key(M + 1) + "/" + key(M + 3), "no binary log");
    awaitTopology(topo(M, 0, M + 1, M, M + 2, M, M + 3, M));
    rowReachesEveryone(M);
  }

  @Test
  void withoutReplicationCredentialsAChannelIsNeverLeftWithoutAUser() {
    shape("star");
    try (OrchaFixture bare = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("bare.db")))) {
      assertEquals("OK", bare.get("discover/" + key(M)).get("Code").asText());
      Eventually.await("four servers", Duration.ofSeconds(10), () -> bare.get("all-instances"), a -> a.size() == 4);
      JsonNode r = bare.get("make-co-master/" + key(M + 1));
      assertEquals("ERROR", r.get("Code").asText(), r.toString());
      assertTrue(r.get("Message").asText().contains("orcha.mysql.replication-user"), r.toString());
      assertTrue(r.get("Message").asText().contains("nothing was changed"), r.toString());
      assertEquals("", sandbox.sql(M, "SHOW SLAVE STATUS"), "the master still replicates from nobody");
    }
  }
}
