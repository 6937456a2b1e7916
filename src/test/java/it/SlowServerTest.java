package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * Servers in network namespaces: a slow-but-alive master is not reported dead, while a master
 * that vanishes silently (no reset) is, within the bounds of the timeouts.
 */
@Tag("sandbox")
class SlowServerTest {

  static final int M = 10541;
  static Sandbox sandbox;
  static OrchaFixture orcha;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.upNetns("slow", M, 3, "star");
    master = sandbox.addr(M);
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("slow.db")));
    assertEquals("OK", orcha.get("discover/" + master + "/" + M).get("Code").asText());
    Eventually.await("three valid servers", Duration.ofSeconds(15), () -> orcha.get("all-instances"),
        a -> a.size() == 3 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
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

  static String masterAnalysis() {
    for (JsonNode e : orcha.get("replication-analysis").get("Details")) {
      if (e.get("AnalyzedInstanceKey").get("Port").asInt() == M) {
        return e.get("Analysis").asText();
      }
    }
    return "NoProblem";
  }

  @Test
  void aSlowMasterIsNotDeadButASilentOneIs() {
    // 400 ms more per round trip: every probe of the master is slow, but it answers
    sandbox.delay(M, 400);
    try {
      Eventually.consistently("a slow master stays NoProblem and valid", Duration.ofSeconds(6), () ->
              masterAnalysis() + "/" + orcha.get("instance/" + master + "/" + M).get("IsLastCheckValid").asBoolean(),
          s -> s.equals("NoProblem/true"));
      JsonNode i = orcha.get("instance/" + master + "/" + M);
      assertTrue(i.get("LastDiscoveryLatency").asLong() >= 300_000_000L,
          "the probe really was slow: " + i.get("LastDiscoveryLatency"));
    } finally {
      sandbox.undelay(M);
    }
    long t0 = System.nanoTime();
    sandbox.cut(M);
    try {
      Eventually.await("a silently vanished master is DeadMaster", Duration.ofSeconds(20),
          SlowServerTest::masterAnalysis, code -> code.equals("DeadMaster"));
      System.out.println("silent vanish → DeadMaster after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } finally {
      sandbox.heal(M);
    }
  }
}
