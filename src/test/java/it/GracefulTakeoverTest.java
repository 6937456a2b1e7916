package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Planned master changes on real MariaDB servers through the API, as orchestrator-client sends
 * them: graceful-master-takeover (designated replica; the demoted master is left pointing at
 * the new master, replication stopped), graceful-master-takeover-auto (best replica; the demoted
 * master replicates), force-master-takeover. The old master is read-only before anything is
 * made writable, and after each takeover a row written on the new master reaches every
 * replicating server.
 */
@Tag("sandbox")
class GracefulTakeoverTest {

  static final int M = 10811;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("graceful.db")) + """
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
  }

  @AfterEach
  void dropSandbox() {
    if (sandbox != null) {
      orcha.forgetAll();
      sandbox.close();
      sandbox = null;
    }
    orcha.get("ack-all-recoveries?comment=test+done");
  }

  static void star() {
    sandbox = Sandbox.up("graceful", M, 4, "star");
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);
  }

  static JsonNode instance(int port) {
    return orcha.get("instance/127.0.0.1/" + port);
  }

  static RecoveryLog.Recovery recovery(String uid) {
    return orcha.recoveryLog().byUid(uid).orElseThrow();
  }

  /** Index of the first step whose message contains {@code text}; fails when none does. */
  static int stepIndex(RecoveryLog.Recovery r, String text) {
    List<RecoveryLog.Step> steps = r.steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).message().contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no step with <" + text + "> in " + steps);
  }

  static void assertDemotedFirst(RecoveryLog.Recovery r, int oldMaster, int newMaster) {
    int readOnly = stepIndex(r, "set 127.0.0.1:" + oldMaster + " read-only");
    int writable = stepIndex(r, "set 127.0.0.1:" + newMaster + " writable");
    assertTrue(readOnly < writable, "old master read-only (step " + readOnly
        + ") before the new one is writable (step " + writable + "): " + r.steps());
  }

  static void rowReaches(int master, Set<Integer> ports) {
    String v = "g-" + System.nanoTime();
    sandbox.sql(master, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    for (int p : ports) {
      Eventually.await(v + " on " + p, Duration.ofSeconds(10),
          () -> sandbox.sql(p, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'"), n -> n.equals("1"));
    }
  }

  static void awaitMasters(Map<Integer, Integer> masters) {
    Eventually.await("topology " + masters, Duration.ofSeconds(20), () -> orcha.get("all-instances"),
        all -> {
          for (JsonNode i : all) {
            Integer want = masters.get(i.get("Key").get("Port").asInt());
            if (want == null || i.get("MasterKey").get("Port").asInt() != want) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  void gracefulTakeoverToTheDesignatedReplica() throws Exception {
    star();
    // a SUPER session on the master: read_only does not stop it on MariaDB, so it is ended
    java.sql.Connection superSession = java.sql.DriverManager.getConnection(
        "jdbc:mysql://127.0.0.1:" + M + "/app?connectTimeout=2000&socketTimeout=5000", "orcha", "orcha");
    JsonNode r = orcha.get("graceful-master-takeover/127.0.0.1/" + M + "/127.0.0.1/" + (M + 2));
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals("graceful-master-takeover: successor promoted", r.get("Message").asText());
    assertEquals(M + 2, r.get("Details").get("SuccessorKey").get("Port").asInt());

    awaitMasters(Map.of(M, M + 2, M + 1, M + 2, M + 2, 0, M + 3, M + 2));
    JsonNode promoted = instance(M + 2);
    assertEquals(false, promoted.get("ReadOnly").asBoolean());
    JsonNode demoted = instance(M);
    assertTrue(demoted.get("ReadOnly").asBoolean(), "the demoted master stays read-only");
    assertEquals(0, demoted.get("ReplicationIOThreadState").asInt(),
        "non-auto: the demoted master's replication is left stopped " + demoted);
    assertDemotedFirst(recovery(r.get("Details").get("UID").asText()), M, M + 2);
    rowReaches(M + 2, Set.of(M + 1, M + 3));
    try (superSession; java.sql.Statement st = superSession.createStatement()) {
      org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> st.executeUpdate("INSERT INTO app.t(v) VALUES ('late write on the old master')"),
          "the old master's SUPER session was ended");
    }
    assertEquals("0", sandbox.sql(M, "SELECT COUNT(*) FROM app.t WHERE v = 'late write on the old master'"));

    // start-replica on the demoted master: its credentials work
    assertEquals("OK", orcha.get("start-replica/127.0.0.1/" + M).get("Code").asText());
    rowReaches(M + 2, Set.of(M));
  }

  @Test
  void gracefulTakeoverAutoLeavesTheDemotedMasterReplicating() {
    star();
    JsonNode r = orcha.get("graceful-master-takeover-auto/sandbox");
    assertEquals("OK", r.get("Code").asText(), r.toString());
    int successor = r.get("Details").get("SuccessorKey").get("Port").asInt();
    assertTrue(Set.of(M + 1, M + 2, M + 3).contains(successor), r.toString());
    Map<Integer, Integer> masters = new java.util.HashMap<>();
    for (int p = M; p <= M + 3; p++) {
      masters.put(p, p == successor ? 0 : successor);
    }
    awaitMasters(masters);
    Eventually.await("the demoted master replicates", Duration.ofSeconds(10), () -> instance(M),
        i -> i.get("ReplicationIOThreadState").asInt() == 1
            && i.get("ReplicationSQLThreadState").asInt() == 1
            && i.get("LastIOError").asText().isEmpty());
    assertDemotedFirst(recovery(r.get("Details").get("UID").asText()), M, successor);
    Set<Integer> others = new java.util.HashSet<>(sandbox.ports());
    others.remove(successor);
    rowReaches(successor, others);
  }

  @Test
  void refusalsNameTheProblemAndChangeNothing() {
    star();
    JsonNode r = orcha.get("graceful-master-takeover/sandbox");
    assertEquals("ERROR", r.get("Code").asText(), r.toString());
    assertTrue(r.get("Message").asText().startsWith("GracefulMasterTakeover: target instance not indicated"),
        r.toString());
    JsonNode master = instance(M);
    assertEquals(false, master.get("ReadOnly").asBoolean(), "nothing changed");
    // a refusal does not block the next attempt
    JsonNode ok = orcha.get("graceful-master-takeover/sandbox/127.0.0.1/" + (M + 1));
    assertEquals("OK", ok.get("Code").asText(), ok.toString());
    assertEquals(M + 1, ok.get("Details").get("SuccessorKey").get("Port").asInt());
  }

  @Test
  void forceMasterTakeoverPromotesTheGivenReplica() {
    star();
    JsonNode r = orcha.get("force-master-takeover/sandbox/127.0.0.1/" + (M + 3));
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals(M + 3, r.get("Details").get("SuccessorKey").get("Port").asInt());
    awaitMasters(Map.of(M, 0, M + 1, M + 3, M + 2, M + 3, M + 3, 0));
    rowReaches(M + 3, Set.of(M + 1, M + 2));
    JsonNode old = instance(M);
    assertTrue(old.get("IsDowntimed").asBoolean(), "the forced-out master is downtimed " + old);
  }
}
