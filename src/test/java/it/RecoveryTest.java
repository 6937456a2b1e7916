package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * Automated recovery on real MariaDB servers: kill -9 of a master or an intermediate master is
 * healed without anyone asking; policy (block period, global switch, candidates) decides; hooks
 * see the right values. Every test starts from a fresh 4-server sandbox and no unacknowledged
 * recoveries.
 */
@Tag("sandbox")
class RecoveryTest {

  static final int M = 10801;
  static Sandbox sandbox;
  static OrchaFixture orcha;
  static final AtomicInteger rows = new AtomicInteger();

  @TempDir
  static Path tmp;

  static Path hookLog;

  @BeforeAll
  static void up() {
    hookLog = tmp.resolve("hooks.log");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("recovery.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.intermediate-master-cluster-filters = ["*"]
        orcha.recovery.period-block = 3600s
        orcha.recovery.recover-non-writeable-master = true
        orcha.recovery.hooks.pre-failover = ["echo pre {failureType} {failedHost}:{failedPort} >> %1$s", "test ! -e %1$s.fail-pre"]
        orcha.recovery.hooks.post-master-failover = ["echo post-master {failedHost}:{failedPort} {successorHost}:{successorPort} {failureClusterAlias} {countReplicas} $ORC_SUCCESSOR_HOST:$ORC_SUCCESSOR_PORT >> %1$s"]
        orcha.recovery.hooks.post-intermediate-master-failover = ["echo post-im {failedHost}:{failedPort} {successorHost}:{successorPort} >> %1$s"]
        orcha.recovery.hooks.post-failover = ["echo post {failureType} {isSuccessful} {recoveryUID} >> %1$s"]
        """.formatted(hookLog));
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
  }

  @BeforeEach
  void clean() throws IOException {
    Files.deleteIfExists(hookLog);
    Files.deleteIfExists(failPre());
    orcha.get("enable-global-recoveries");
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

  static void shape(String shape, int count) {
    sandbox = Sandbox.up("recovery", M, count, shape);
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
    Eventually.await("all " + count + " discovered and valid", Duration.ofSeconds(20),
        () -> orcha.get("all-instances"), a -> {
          if (a.size() != count) {
            return false;
          }
          for (JsonNode i : a) {
            if (!i.get("IsLastCheckValid").asBoolean()
                || (i.get("MasterKey").get("Port").asInt() != 0
                    && i.get("ReplicationSQLThreadState").asInt() != 1)) {
              return false;
            }
          }
          return true;
        });
  }

  static List<RecoveryLog.Recovery> recoveries() {
    return orcha.recoveryLog().recoveries();
  }

  static List<RecoveryLog.Recovery> recoveriesOf(int port) {
    return recoveries().stream()
        .filter(r -> r.start().failedKey().port() == port && !r.acknowledged()).toList();
  }

  /** The recovery of {@code port}, once ended. */
  static RecoveryLog.Recovery awaitRecovered(int port) {
    return Eventually.await("a resolved recovery of " + port, Duration.ofSeconds(30),
        () -> recoveriesOf(port), l -> !l.isEmpty() && l.get(0).ended()).get(0);
  }

  /** The new master: no master of its own, writable; every other live server below it. */
  static void awaitHealed(int newMaster, Set<Integer> dead, Map<Integer, Integer> expectedMasters) {
    Eventually.await("healed under " + newMaster, Duration.ofSeconds(20),
        () -> orcha.get("all-instances"), all -> {
          for (JsonNode i : all) {
            int port = i.get("Key").get("Port").asInt();
            if (dead.contains(port)) {
              continue;
            }
            int master = i.get("MasterKey").get("Port").asInt();
            Integer want = expectedMasters.get(port);
            if (want == null || master != want) {
              return false;
            }
            if (port == newMaster && i.get("ReadOnly").asBoolean()) {
              return false;
            }
            if (master != 0 && (i.get("ReplicationSQLThreadState").asInt() != 1
                || i.get("ReplicationIOThreadState").asInt() != 1
                || !i.get("LastSQLError").asText().isEmpty()
                || !i.get("LastIOError").asText().isEmpty())) {
              return false;
            }
          }
          return true;
        });
  }

  /** A row written on {@code master} reaches every live server. */
  static void rowReachesEveryone(int master, Set<Integer> dead) {
    String v = "row-" + rows.incrementAndGet();
    sandbox.sql(master, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    for (int p : sandbox.ports()) {
      if (!dead.contains(p)) {
        Eventually.await(v + " on " + p, Duration.ofSeconds(10),
            () -> sandbox.sql(p, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'"),
            n -> n.equals("1"));
      }
    }
  }

  static Path failPre() {
    return Path.of(hookLog + ".fail-pre");
  }

  static List<String> hookLines() {
    try {
      return Files.exists(hookLog) ? Files.readAllLines(hookLog) : List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void deadMasterIsReplacedAndEveryReplicaFollows() {
    shape("star", 4);
    sandbox.kill(M);
    RecoveryLog.Recovery r = awaitRecovered(M);
    assertTrue(r.resolution().successful(), r.toString());
    int promoted = r.resolution().successor().port();
    assertTrue(Set.of(M + 1, M + 2, M + 3).contains(promoted), r.toString());
    Map<Integer, Integer> masters = new java.util.HashMap<>();
    for (int p = M + 1; p <= M + 3; p++) {
      masters.put(p, p == promoted ? 0 : promoted);
    }
    awaitHealed(promoted, Set.of(M), masters);
    rowReachesEveryone(promoted, Set.of(M));

    // the cluster alias's master in the KV store is the new master
    assertEquals("127.0.0.1:" + promoted, orcha.node().api().controlState().toCompletableFuture()
        .join().kv().get("mysql/master/sandbox"));

    JsonNode dead = orcha.get("instance/127.0.0.1/" + M);
    assertTrue(dead.get("IsDowntimed").asBoolean(), dead.toString());
    assertEquals("lost-in-recovery", dead.get("DowntimeReason").asText());
    assertEquals("MasterRecovery", r.start().type());
    assertEquals("DeadMaster", r.start().analysisCode());

    // hooks: in order, with the failure's and the successor's values
    List<String> lines = Eventually.await("hooks ran", Duration.ofSeconds(10), RecoveryTest::hookLines,
        l -> l.size() >= 3);
    assertEquals("pre DeadMaster 127.0.0.1:" + M, lines.get(0));
    assertEquals("post-master 127.0.0.1:" + M + " 127.0.0.1:" + promoted + " sandbox 3 127.0.0.1:"
        + promoted, lines.get(1));
    assertEquals("post DeadMaster true " + r.start().uid(), lines.get(2));

    // the timeline: detected → registered → re-read → planned → promoted → re-pointed → hooks
    // → resolved, in time order
    List<String> phases = r.steps().stream().map(RecoveryLog.Step::phase).toList();
    assertEquals(List.of("detected", "registered", "re-read"), phases.subList(0, 3));
    assertTrue(phases.contains("PreFailoverProcesses"), phases.toString());
    assertTrue(phases.indexOf("replicas re-pointed") < phases.indexOf("PostMasterFailoverProcesses"),
        phases.toString());
    for (int i = 1; i < r.steps().size(); i++) {
      assertTrue(!r.steps().get(i).at().isBefore(r.steps().get(i - 1).at()), r.steps().toString());
    }
    assertTrue(phases.contains("replicas re-pointed"), phases.toString());
    assertEquals("resolved", phases.get(phases.size() - 1), phases.toString());
  }

  @Test
  void registeredCandidateBecomesTheMaster() {
    shape("star", 4);
    assertEquals("OK", orcha.get("register-candidate/127.0.0.1/" + (M + 3) + "/prefer").get("Code").asText());
    sandbox.kill(M);
    RecoveryLog.Recovery r = awaitRecovered(M);
    assertEquals(M + 3, r.resolution().successor().port(), r.toString());
    awaitHealed(M + 3, Set.of(M), Map.of(M + 1, M + 3, M + 2, M + 3, M + 3, 0));
    rowReachesEveryone(M + 3, Set.of(M));
  }

  @Test
  void deadIntermediateMasterReplicasAreRelocated() {
    shape("im", 4); // M ← M+1 ← {M+2, M+3}
    sandbox.kill(M + 1);
    RecoveryLog.Recovery r = awaitRecovered(M + 1);
    assertEquals("IntermediateMasterRecovery", r.start().type(), r.toString());
    assertTrue(r.resolution().successful(), r.toString());
    // the successor is the IM's master, or one of its replicas regrouped below it (no sibling)
    int successor = r.resolution().successor().port();
    Map<Integer, Integer> masters = successor == M ? Map.of(M, 0, M + 2, M, M + 3, M)
        : Map.of(M, 0, successor, M, successor == M + 2 ? M + 3 : M + 2, successor);
    awaitHealed(M, Set.of(M + 1), masters);
    rowReachesEveryone(M, Set.of(M + 1));
    List<String> lines = Eventually.await("IM hooks ran", Duration.ofSeconds(10),
        RecoveryTest::hookLines, l -> l.stream().anyMatch(x -> x.startsWith("post-im")));
    assertTrue(lines.contains("post-im 127.0.0.1:" + (M + 1) + " 127.0.0.1:" + successor),
        lines.toString());
  }

  @Test
  void secondFailureWithinTheBlockPeriodWaitsForAcknowledgement() {
    shape("star", 4);
    sandbox.kill(M);
    RecoveryLog.Recovery first = awaitRecovered(M);
    int promoted = first.resolution().successor().port();
    Map<Integer, Integer> masters = new java.util.HashMap<>();
    for (int p = M + 1; p <= M + 3; p++) {
      masters.put(p, p == promoted ? 0 : promoted);
    }
    awaitHealed(promoted, Set.of(M), masters);

    sandbox.kill(promoted);
    // the skip is recorded with its reason: the block of the first recovery
    RecoveryLog.Skip skip = Eventually.await("the second failure skipped", Duration.ofSeconds(20),
        () -> orcha.recoveryLog().skips().stream()
            .filter(s -> s.key().port() == promoted).toList(), l -> !l.isEmpty()).get(0);
    assertTrue(skip.reason().contains("recently"), skip.reason());
    assertEquals(first.start().uid(), skip.blockingUid());
    assertTrue(recoveriesOf(promoted).isEmpty(), "no recovery of the second failure before the ack");

    assertEquals("OK", orcha.get("ack-recovery/cluster/alias/sandbox?comment=seen").get("Code").asText());
    RecoveryLog.Recovery second = awaitRecovered(promoted);
    assertTrue(second.resolution().successful(), second.toString());
    int last = second.resolution().successor().port();
    assertFalse(last == M || last == promoted);
  }

  @Test
  void globallyDisabledRecoveriesDoNotRun() {
    shape("star", 4);
    assertEquals("OK", orcha.get("disable-global-recoveries").get("Code").asText());
    sandbox.kill(M);
    RecoveryLog.Skip skip = Eventually.await("the failure skipped", Duration.ofSeconds(20),
        () -> orcha.recoveryLog().skips().stream()
            .filter(s -> s.key().port() == M && s.reason().contains("disabled")).toList(),
        l -> !l.isEmpty()).get(0);
    assertEquals("DeadMaster", skip.analysisCode());
    assertTrue(recoveriesOf(M).isEmpty());
    assertEquals("OK", orcha.get("enable-global-recoveries").get("Code").asText());
    assertTrue(awaitRecovered(M).resolution().successful());
  }

  @Test
  void failingPreFailoverHookAbortsTheRecoveryAndChangesNothing() throws IOException {
    shape("star", 4);
    Files.writeString(failPre(), "");
    sandbox.kill(M);
    RecoveryLog.Recovery r = awaitRecovered(M);
    assertFalse(r.resolution().successful(), r.toString());
    assertTrue(r.resolution().errors().get(0).contains("PreFailoverProcesses"), r.toString());
    assertTrue(r.steps().stream().anyMatch(s -> s.message().contains("exit")), r.steps().toString());
    for (int p = M + 1; p <= M + 3; p++) {
      assertEquals("1", sandbox.sql(p, "SELECT @@global.read_only"), p + " stays read-only");
      assertTrue(sandbox.sql(p, "SHOW SLAVE STATUS").contains(String.valueOf(M)),
          p + " still points at the dead master");
    }
    // the operator fixes the hook and asks again: the manual recovery runs
    Files.delete(failPre());
    JsonNode ok = orcha.get("recover/127.0.0.1/" + M);
    assertEquals("OK", ok.get("Code").asText(), ok.toString());
    assertEquals("Recovery executed on 127.0.0.1:" + M, ok.get("Message").asText());
    int promoted = ok.get("Details").get("Port").asInt();
    assertTrue(Set.of(M + 1, M + 2, M + 3).contains(promoted), ok.toString());
  }

  @Test
  void downtimedMasterIsSkippedButRecoverWorks() {
    shape("star", 4);
    assertEquals("OK", orcha.get("begin-downtime/127.0.0.1/" + M + "/ops/maintenance/10m")
        .get("Code").asText());
    sandbox.kill(M);
    RecoveryLog.Skip skip = Eventually.await("the failure skipped", Duration.ofSeconds(20),
        () -> orcha.recoveryLog().skips().stream()
            .filter(s -> s.key().port() == M && s.reason().contains("downtimed")).toList(),
        l -> !l.isEmpty()).get(0);
    assertEquals("DeadMaster", skip.analysisCode());
    JsonNode blocked = orcha.get("blocked-recoveries");
    assertTrue(blocked.toString().contains("downtimed"), blocked.toString());
    assertTrue(recoveriesOf(M).isEmpty());

    JsonNode ok = orcha.get("recover/127.0.0.1/" + M);
    assertEquals("OK", ok.get("Code").asText(), ok.toString());
    int promoted = ok.get("Details").get("Port").asInt();
    Map<Integer, Integer> masters = new java.util.HashMap<>();
    for (int p = M + 1; p <= M + 3; p++) {
      masters.put(p, p == promoted ? 0 : promoted);
    }
    awaitHealed(promoted, Set.of(M), masters);
    JsonNode audit = orcha.get("audit-recovery/alias/sandbox");
    assertEquals(promoted, audit.get(0).get("SuccessorKey").get("Port").asInt(), audit.toString());
    assertTrue(audit.get(0).get("IsSuccessful").asBoolean());
  }

  @Test
  void deadCoMasterIsReplacedByTheOtherCoMaster() {
    shape("star", 4);
    assertEquals("OK", orcha.get("make-co-master/127.0.0.1/" + (M + 1)).get("Code").asText());
    Eventually.await("co-masters", Duration.ofSeconds(20), () -> orcha.get("instance/127.0.0.1/" + M),
        i -> i.get("MasterKey").get("Port").asInt() == M + 1
            && i.get("ReplicationSQLThreadState").asInt() == 1);
    sandbox.kill(M);
    RecoveryLog.Recovery r = awaitRecovered(M);
    assertEquals("CoMasterRecovery", r.start().type(), r.toString());
    assertEquals(M + 1, r.resolution().successor().port(), "the other co-master: " + r);
    Eventually.await("siblings below the surviving co-master", Duration.ofSeconds(20),
        () -> orcha.get("all-instances"), all -> {
          for (JsonNode i : all) {
            int port = i.get("Key").get("Port").asInt();
            if ((port == M + 2 || port == M + 3) && (i.get("MasterKey").get("Port").asInt() != M + 1
                || i.get("ReplicationSQLThreadState").asInt() != 1
                || i.get("ReplicationIOThreadState").asInt() != 1)) {
              return false;
            }
            if (port == M + 1 && i.get("ReadOnly").asBoolean()) {
              return false;
            }
          }
          return true;
        });
    String v = "co-" + rows.incrementAndGet();
    sandbox.sql(M + 1, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    for (int p : List.of(M + 2, M + 3)) {
      Eventually.await(v + " on " + p, Duration.ofSeconds(10),
          () -> sandbox.sql(p, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'"), n -> n.equals("1"));
    }
    assertTrue(orcha.get("instance/127.0.0.1/" + M).get("IsDowntimed").asBoolean());
  }

  @Test
  void readOnlyMasterIsMadeWritable() {
    shape("star", 4);
    sandbox.sql(M, "SET GLOBAL read_only = 1");
    RecoveryLog.Recovery r = awaitRecovered(M);
    assertEquals("NoWriteableMasterStructureWarning", r.start().analysisCode(), r.toString());
    assertTrue(r.resolution().successful(), r.toString());
    assertEquals(M, r.resolution().successor().port(), "the master itself");
    assertEquals("0", sandbox.sql(M, "SELECT @@global.read_only"));
  }

  @Test
  void anOldMasterThatComesBackIsFencedNotReattached() {
    shape("star", 4);
    sandbox.kill(M);
    RecoveryLog.Recovery r = awaitRecovered(M);
    int promoted = r.resolution().successor().port();
    sandbox.start(M); // back from the dead, writable, with the cluster's old name
    Eventually.await("the returned master read-only", Duration.ofSeconds(20),
        () -> sandbox.sql(M, "SELECT @@global.read_only"), "1"::equals);
    RecoveryLog.Recovery after = Eventually.await("the fencing recorded", Duration.ofSeconds(10),
        () -> orcha.recoveryLog().byUid(r.start().uid()).orElseThrow(),
        x -> x.steps().stream().anyMatch(s -> s.phase().equals("returned")));
    assertTrue(after.steps().stream().anyMatch(s -> s.phase().equals("returned")
        && s.message().contains("read-only")), after.steps().toString());
    // never re-attached, and the alias stays with the live cluster
    assertEquals("", sandbox.sql(M, "SHOW SLAVE STATUS"));
    assertEquals("127.0.0.1:" + promoted,
        orcha.get("cluster-info/alias/sandbox").get("ClusterName").asText());

    // replication-analysis names it (orcha's own code), downtimed and in a cluster of its own
    JsonNode returned = Eventually.await("FormerMasterReturned on " + M + ", read-only",
        Duration.ofSeconds(20), () -> analysisEntry(orcha.get("replication-analysis"), M),
        e -> e != null && e.get("Analysis").asText().equals("FormerMasterReturned")
            && e.get("IsReadOnly").asBoolean());
    assertTrue(returned.get("IsDowntimed").asBoolean(), returned.toString());
    assertTrue(returned.get("SkippableDueToDowntime").asBoolean(), returned.toString());
    assertFalse(returned.get("IsActionableRecovery").asBoolean(), returned.toString());
    assertEquals("127.0.0.1:" + M,
        returned.get("ClusterDetails").get("ClusterName").asText(), returned.toString());
    // the live cluster does not report it, nor anything like it
    JsonNode live = orcha.get("replication-analysis/sandbox");
    assertEquals("OK", live.get("Code").asText(), live.toString());
    for (JsonNode e : live.get("Details")) {
      assertFalse(e.get("Analysis").asText().equals("FormerMasterReturned"), e.toString());
      assertFalse(e.get("AnalyzedInstanceKey").get("Port").asInt() == M, e.toString());
    }
    // downtimed: no detection registered for it, hence no OnFailureDetectionProcesses
    for (JsonNode d : orcha.get("audit-failure-detection")) {
      assertFalse(d.get("AnalysisEntry").get("Analysis").asText().equals("FormerMasterReturned"),
          d.toString());
    }
  }

  /** The entry of {@code port} in a replication-analysis reply, or null. */
  static JsonNode analysisEntry(JsonNode reply, int port) {
    assertEquals("OK", reply.get("Code").asText(), reply.toString());
    for (JsonNode e : reply.get("Details")) {
      if (e.get("AnalyzedInstanceKey").get("Port").asInt() == port) {
        return e;
      }
    }
    return null;
  }
}
