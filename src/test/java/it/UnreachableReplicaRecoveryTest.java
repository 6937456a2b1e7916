package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * A recovery never waits on a server it cannot reach: one replica's link goes silent (no
 * reset: packets dropped, network namespaces), then the master is killed. The recovery plans
 * the silent replica as lost (it did not answer the re-read in time), promotes another and
 * re-points the rest; the timeline says which server did not answer.
 */
@Tag("sandbox")
class UnreachableReplicaRecoveryTest {

  static final int M = 10861;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.upNetns("unreach", M, 4, "star");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("unreach.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        """);
    orcha.discoverAndAwaitValid(sandbox.addr(M), M, 4);
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
  void aSilentReplicaIsLostNotWaitedFor() {
    int silent = M + 3;
    sandbox.cut(silent);
    try {
      sandbox.kill(M);
      RecoveryLog.Recovery r = Eventually.await("the recovery of " + M, Duration.ofSeconds(30),
          () -> orcha.recoveryLog().recoveries(),
          l -> !l.isEmpty() && l.get(0).ended()).get(0);
      assertTrue(r.resolution().successful(), r.toString());
      int promoted = r.resolution().successor().port();
      assertTrue(Set.of(M + 1, M + 2).contains(promoted), r.toString());
      assertTrue(r.resolution().lostReplicas().stream().anyMatch(k -> k.port() == silent),
          "the silent replica is lost: " + r.resolution());
      // by the time the master is judged dead the silent replica is invalid too (DeadMaster
      // waits for every replica's word): it is not re-read, or its re-read is cut short
      assertTrue(r.steps().stream().anyMatch(s -> s.phase().equals("re-read")
          && (s.message().contains("no answer from") || s.message().contains("not re-read"))
          && s.message().contains(":" + silent)), r.steps().toString());
      int other = promoted == M + 1 ? M + 2 : M + 1;
      Eventually.await(other + " replicates from " + promoted, Duration.ofSeconds(10),
          () -> sandbox.sql(other, "SHOW SLAVE STATUS"),
          st -> st.contains(sandbox.addr(promoted)) && st.contains(String.valueOf(promoted)));
      assertEquals("0", sandbox.sql(promoted, "SELECT @@global.read_only"));
    } finally {
      sandbox.heal(silent);
    }
  }
}
