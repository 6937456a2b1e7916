package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * Failure detection on real servers: each failure is reported in replication-analysis,
 * registered with its evidence in audit-failure-detection, and runs the
 * OnFailureDetectionProcesses hook once.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DetectionTest {

  static final int M = 10471;
  static final int IM = 10481;
  static Sandbox star;
  static Sandbox chain;
  static OrchaFixture orcha;
  static Path hookLog;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() throws IOException {
    star = Sandbox.up("detect-star", M, 4, "star");
    chain = Sandbox.up("detect-im", IM, 4, "im");
    hookLog = tmp.resolve("hooks.log");
    Files.writeString(hookLog, "");
    String q = "\"\"\"";
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("detect.db"))
        + "orcha.recovery.recover-non-writeable-master = true\n"
        + "orcha.analysis.reasonable-locked-semi-sync-master = 2s\n"
        + "orcha.recovery.hooks.on-failure-detection = [\n"
        + q + "echo '{failureType} {failedHost}:{failedPort} {failureCluster} {countReplicas}' >> "
        + hookLog + q + ",\n"
        + q + "echo \"env $ORC_FAILURE_TYPE $ORC_FAILED_PORT\" >> " + hookLog + q + "\n]\n");
    // detection only: with recoveries on, a read-only master would be made writable (and a
    // dead one replaced) before the analysis could be looked at
    assertEquals("OK", orcha.get("disable-global-recoveries").get("Code").asText());
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + IM).get("Code").asText());
    Eventually.await("eight healthy servers", Duration.ofSeconds(20), () -> orcha.get("all-instances"),
        a -> a.size() == 8 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
    for (Sandbox s : new Sandbox[] {star, chain}) {
      if (s != null) {
        s.close();
      }
    }
  }

  /** The entry for {@code port} in replication-analysis, or null. */
  static JsonNode entry(int port) {
    JsonNode r = orcha.get("replication-analysis");
    assertEquals("OK", r.get("Code").asText(), r.toString());
    for (JsonNode e : r.get("Details")) {
      if (e.get("AnalyzedInstanceKey").get("Port").asInt() == port) {
        return e;
      }
    }
    return null;
  }

  static JsonNode awaitAnalysis(int port, String code, Duration within) {
    return Eventually.await(code + " on " + port, within, () -> entry(port),
        e -> e != null && code.equals(e.get("Analysis").asText()));
  }

  static JsonNode awaitDetection(int port, String code) {
    return Eventually.await("detection of " + code + " on " + port, Duration.ofSeconds(10),
        () -> find(orcha.get("audit-failure-detection"), port, code), d -> d != null);
  }

  static JsonNode find(JsonNode detections, int port, String code) {
    for (JsonNode d : detections) {
      JsonNode e = d.get("AnalysisEntry");
      if (e.get("AnalyzedInstanceKey").get("Port").asInt() == port
          && code.equals(e.get("Analysis").asText())) {
        return d;
      }
    }
    return null;
  }

  static void awaitHookLine(String line) {
    Eventually.await("hook wrote <" + line + ">", Duration.ofSeconds(10), () -> {
      try {
        return Files.readAllLines(hookLog);
      } catch (IOException e) {
        return List.<String>of();
      }
    }, lines -> lines.contains(line));
  }

  @Test
  @Order(1)
  void aHealthyTopologyHasNoProblems() {
    JsonNode r = orcha.get("replication-analysis");
    for (JsonNode e : r.get("Details")) {
      assertEquals("NoProblem", e.get("Analysis").asText(), e.toString());
    }
    assertEquals(0, orcha.get("audit-failure-detection").size());
  }

  @Test
  @Order(2)
  void allReplicasStoppingTheirIoThreadIsAllMasterReplicasNotReplicating() {
    for (int p = M + 1; p <= M + 3; p++) {
      star.sql(p, "STOP SLAVE IO_THREAD");
    }
    try {
      JsonNode e = awaitAnalysis(M, "AllMasterReplicasNotReplicating", Duration.ofSeconds(5));
      assertTrue(e.get("LastCheckValid").asBoolean());
      assertEquals(3, e.get("CountValidReplicas").asInt());
      assertEquals(0, e.get("CountValidReplicatingReplicas").asInt());
      awaitDetection(M, "AllMasterReplicasNotReplicating");
      awaitHookLine("AllMasterReplicasNotReplicating 127.0.0.1:" + M + " 127.0.0.1:" + M + " 3");
      awaitHookLine("env AllMasterReplicasNotReplicating " + M);
    } finally {
      for (int p = M + 1; p <= M + 3; p++) {
        star.sql(p, "START SLAVE IO_THREAD");
      }
    }
    Eventually.await("no problem on " + M, Duration.ofSeconds(5), () -> entry(M),
        e -> e == null || "NoProblem".equals(e.get("Analysis").asText()));
  }

  @Test
  @Order(3)
  void aReadOnlyMasterIsNoWriteableMaster() {
    star.sql(M, "SET GLOBAL read_only = 1");
    try {
      awaitAnalysis(M, "NoWriteableMasterStructureWarning", Duration.ofSeconds(5));
      awaitDetection(M, "NoWriteableMasterStructureWarning");
      awaitHookLine("NoWriteableMasterStructureWarning 127.0.0.1:" + M + " 127.0.0.1:" + M + " 3");
    } finally {
      star.sql(M, "SET GLOBAL read_only = 0");
    }
  }

  @Test
  @Order(3)
  void aSemiSyncMasterWithoutAcknowledgingReplicasIsLocked() {
    // MariaDB: semi-sync is built in and waits for one acknowledgement (no wait-count variable)
    star.sql(M, "SET GLOBAL rpl_semi_sync_master_timeout = 600000");
    star.sql(M, "SET GLOBAL rpl_semi_sync_master_enabled = 1");
    try {
      // no write for a while: the binlog is already stale, so no hypothesis phase is needed
      JsonNode locked = awaitAnalysis(M, "LockedSemiSyncMaster", Duration.ofSeconds(8));
      assertTrue(locked.get("SemiSyncMasterStatus").asBoolean());
      assertEquals(1, locked.get("SemiSyncMasterWaitForReplicaCount").asInt());
      assertEquals(0, locked.get("SemiSyncMasterClients").asInt());
      awaitDetection(M, "LockedSemiSyncMaster");
    } finally {
      star.sql(M, "SET GLOBAL rpl_semi_sync_master_enabled = 0");
    }
    Eventually.await("no problem on " + M, Duration.ofSeconds(5), () -> entry(M),
        e -> e == null || "NoProblem".equals(e.get("Analysis").asText()));
  }

  @Test
  @Order(4)
  void aKilledIntermediateMasterIsDeadIntermediateMaster() {
    chain.kill(IM + 1);
    JsonNode e = awaitAnalysis(IM + 1, "DeadIntermediateMaster", Duration.ofSeconds(10));
    assertFalse(e.get("LastCheckValid").asBoolean());
    assertEquals(2, e.get("CountReplicas").asInt());
    JsonNode d = awaitDetection(IM + 1, "DeadIntermediateMaster");
    // evidence: the dead server unreachable, its replicas reachable but not replicating
    List<JsonNode> replicas = d.get("Evidence").findParents("Role").stream()
        .filter(x -> x.get("Role").asText().equals("replica")).toList();
    assertEquals(2, replicas.size(), d.get("Evidence").toString());
    for (JsonNode r : replicas) {
      assertTrue(r.get("Reachable").asBoolean());
      assertFalse(r.get("IOThread").asText().equals("RUNNING"), r.toString());
    }
    awaitHookLine("DeadIntermediateMaster 127.0.0.1:" + (IM + 1) + " 127.0.0.1:" + IM + " 2");
  }

  @Test
  @Order(5)
  void aKilledMasterIsDeadMasterOnce() {
    star.kill(M);
    long t0 = System.nanoTime();
    JsonNode e = awaitAnalysis(M, "DeadMaster", Duration.ofSeconds(10));
    System.out.println("DeadMaster after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertFalse(e.get("LastCheckValid").asBoolean());
    assertEquals(3, e.get("CountValidReplicas").asInt());
    assertEquals(0, e.get("CountValidReplicatingReplicas").asInt());
    assertEquals("127.0.0.1:" + M + " (cluster 127.0.0.1:" + M + "): DeadMaster",
        e.get("AnalyzedInstanceKey").get("Hostname").asText() + ":" + M + " (cluster "
            + e.get("ClusterDetails").get("ClusterName").asText() + "): " + e.get("Analysis").asText());
    JsonNode d = awaitDetection(M, "DeadMaster");
    assertTrue(d.get("IsActive").asBoolean());
    awaitHookLine("DeadMaster 127.0.0.1:" + M + " 127.0.0.1:" + M + " 3");
    // the same failure is registered once within the block period, while analysis repeats it
    Eventually.consistently("one DeadMaster detection", Duration.ofSeconds(4), () -> {
      long count = 0;
      for (JsonNode x : orcha.get("audit-failure-detection")) {
        if (x.get("AnalysisEntry").get("AnalyzedInstanceKey").get("Port").asInt() == M
            && x.get("AnalysisEntry").get("Analysis").asText().equals("DeadMaster")) {
          count++;
        }
      }
      return count;
    }, n -> n == 1);
    // acknowledging ends the block: the failure, still there, is registered again
    JsonNode noComment = orcha.get("ack-recovery/instance/127.0.0.1/" + M);
    assertEquals("No acknowledge comment given", noComment.get("Message").asText());
    JsonNode ack = orcha.get("ack-recovery/instance/127.0.0.1/" + M + "?comment=seen%0A");
    assertEquals("Acknowledged instance recoveries", ack.get("Message").asText(), ack.toString());
    Eventually.await("DeadMaster registered again after the acknowledgement", Duration.ofSeconds(5),
        () -> orcha.get("audit-failure-detection"), a -> {
          int n = 0;
          for (JsonNode x : a) {
            if (x.get("AnalysisEntry").get("AnalyzedInstanceKey").get("Port").asInt() == M
                && x.get("AnalysisEntry").get("Analysis").asText().equals("DeadMaster")) {
              n++;
              if (x.get("Acknowledged").asBoolean()) {
                assertEquals("seen", x.get("AcknowledgedComment").asText());
              }
            }
          }
          return n == 2;
        });
  }
}
