package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * A recovery cut short by the node stopping is never run again by itself: orcha stops while a
 * recovery of a dead master waits in its pre-failover hook; the restarted node (same SQLite
 * file) resolves it as interrupted, keeps the cluster blocked (the skip names the interrupted
 * recovery) and recovers only after an operator acknowledged it.
 */
@Tag("sandbox")
class RecoveryRestartTest {

  static final int M = 10871;
  static Sandbox sandbox;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("restart", M, 4, "star");
  }

  @AfterAll
  static void down() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static String hocon(String preFailover) {
    return OrchaFixture.baseHocon(tmp.resolve("restart.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.period-block = 3600s
        orcha.recovery.hooks.pre-failover = %s
        """.formatted(preFailover);
  }

  static List<RecoveryLog.Recovery> recoveries(OrchaFixture orcha) {
    return orcha.recoveryLog().recoveries();
  }

  @Test
  void interruptedRecoveryIsNotRunAgainUntilAcknowledged() {
    String uid;
    try (OrchaFixture first = OrchaFixture.start(hocon("[\"sleep 60\"]"))) {
      first.discoverAndAwaitValid("127.0.0.1", M, 4);
      sandbox.kill(M);
      RecoveryLog.Recovery running = Eventually.await("a recovery waiting in its hook",
          Duration.ofSeconds(20), () -> recoveries(first),
          l -> !l.isEmpty() && !l.get(0).ended()).get(0);
      uid = running.start().uid();
    } // the node stops in the middle of the recovery

    try (OrchaFixture second = OrchaFixture.start(hocon("[]"))) {
      RecoveryLog.Recovery r = Eventually.await("resolved as interrupted", Duration.ofSeconds(20),
          () -> recoveries(second).stream().filter(x -> x.start().uid().equals(uid)).toList(),
          l -> !l.isEmpty() && l.get(0).ended()).get(0);
      assertFalse(r.resolution().successful());
      assertTrue(r.resolution().errors().get(0).startsWith("interrupted"), r.toString());

      RecoveryLog.Skip skip = Eventually.await("the dead master skipped, blocked by " + uid,
          Duration.ofSeconds(30),
          () -> second.recoveryLog().skips().stream()
              .filter(s -> s.key().port() == M && uid.equals(s.blockingUid())).toList(),
          l -> !l.isEmpty()).get(0);
      assertEquals("DeadMaster", skip.analysisCode());
      assertEquals(1, recoveries(second).size(), "nothing started twice");
      for (int p = M + 1; p <= M + 3; p++) {
        assertEquals("1", sandbox.sql(p, "SELECT @@global.read_only"), p + " untouched");
      }

      assertEquals("OK", second.get("ack-recovery/uid/" + uid + "?comment=checked").get("Code").asText());
      RecoveryLog.Recovery after = Eventually.await("recovered after the acknowledgement",
          Duration.ofSeconds(30), () -> recoveries(second),
          l -> l.size() == 2 && l.get(1).ended()).get(1);
      assertTrue(after.resolution().successful(), after.toString());
    }
  }
}
