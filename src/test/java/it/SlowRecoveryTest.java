package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * orchestrator's exclusion is time-based: with RecoveryPeriodBlockSeconds 1 and a recovery
 * longer than that, it starts overlapping recoveries of one dead master (two writable masters
 * were measured). orcha holds a cluster until its recovery ends: here a recovery kept busy for
 * 4 s by its pre-failover hook, with a 1 s block, runs exactly once, and exactly one server is
 * writable afterwards.
 */
@Tag("sandbox")
class SlowRecoveryTest {

  static final int M = 10881;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("slow-recovery", M, 4, "star");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("slow.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.period-block = 1s
        orcha.recovery.hooks.pre-failover = ["sleep 4"]
        """);
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);
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

  static List<RecoveryLog.Recovery> recoveries() {
    return orcha.recoveryLog().recoveries();
  }

  @Test
  void aSlowRecoveryRunsOnce() {
    sandbox.kill(M);
    RecoveryLog.Recovery r = Eventually.await("the recovery", Duration.ofSeconds(30),
        SlowRecoveryTest::recoveries, l -> !l.isEmpty() && l.get(0).ended()).get(0);
    assertTrue(r.resolution().successful(), r.toString());
    assertTrue(Duration.between(r.startedAt(), r.endedAt()).toMillis() >= 4000,
        "the hook kept it busy beyond the block period: " + r);
    // longer than the block period after it ended: still the one recovery
    Eventually.consistently("one recovery", Duration.ofSeconds(3), SlowRecoveryTest::recoveries,
        l -> l.size() == 1);
    int writable = 0;
    for (int p = M + 1; p <= M + 3; p++) {
      if (sandbox.sql(p, "SELECT @@global.read_only").equals("0")) {
        writable++;
      }
    }
    assertEquals(1, writable, "exactly one writable master");
  }
}
