package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;
import testkit.Scrape;

/**
 * /metrics of a real node over a real sandbox (4 MariaDB servers, star): probes are counted as
 * they happen, and after kill -9 of the master and its automated recovery the counters and the
 * per-phase histograms say exactly what happened — one DeadMaster recovery, successful, one
 * observation per phase.
 */
@Tag("sandbox")
class MetricsTest {

  /** The servers (11061-11064), then this node's HTTP and cluster ports. */
  static final int M = 11061;
  static final int HTTP = 11067;
  static final int ARTERY = 11068;

  static final List<String> PHASES =
      List.of("detect", "decide", "fence", "promote", "repoint", "hooks");

  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("metrics.db")) + """
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.hooks.post-failover = ["true"]
        """.formatted(HTTP, ARTERY));
    sandbox = Sandbox.up("metrics", M, 4, "star");
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

  static Scrape scrape() {
    HttpResponse<String> r = orcha.metrics();
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return Scrape.parse(r.body());
  }

  static double probes(Scrape m) {
    return m.value("orcha_probe_duration_seconds_count");
  }

  @Test
  void aScriptedFailoverIsCountedExactly() {
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);

    // four probers, four servers reached, probes counted as they happen
    Scrape before = Eventually.await("4 servers reachable", Duration.ofSeconds(20),
        MetricsTest::scrape, m -> m.value("orcha_servers", "state", "reachable") == 4.0);
    assertEquals(4.0, before.value("orcha_actors", "family", "prober"));
    double probed = probes(before);
    assertTrue(probed >= 4, "probes so far: " + probed);
    Eventually.await("more probes", Duration.ofSeconds(10), MetricsTest::scrape,
        m -> probes(m) >= probed + 4);
    assertTrue(!before.has("orcha_recoveries_total"), "no recovery yet (a series per code"
        + " and result appears with its first recovery)");
    for (String phase : PHASES) {
      assertEquals(0.0, before.value("orcha_recovery_phase_duration_seconds_count", "phase", phase));
    }
    // the node itself: one reachable member, the leader, holding its fence; backend writes
    assertEquals(1.0, before.value("orcha_cluster_members", "reachability", "reachable"));
    assertEquals(0.0, before.value("orcha_cluster_members", "reachability", "unreachable"));
    assertEquals(1.0, before.value("orcha_cluster_leader"));
    assertTrue(before.value("orcha_fence_write_duration_seconds_count", "kind", "hold",
        "result", "acknowledged") >= 1);
    assertTrue(before.value("orcha_backend_write_duration_seconds_count", "store", "journal",
        "result", "ok") >= 1, "journal writes of the discovered servers");
    assertTrue(before.value("orcha_actor_message_duration_seconds_count", "actor",
        "topology_view") >= 4);
    assertTrue(before.has("orcha_actor_mailbox_size", "actor", "recovery_coordinator"));
    assertTrue(before.has("executor_active_threads", "name", "blocking_jdbc"));
    assertTrue(before.has("jvm_memory_used_bytes"));

    sandbox.kill(M);
    RecoveryLog.Recovery r = Eventually.await("the recovery of " + M, Duration.ofSeconds(30),
        () -> orcha.recoveryLog().recoveries(),
        l -> !l.isEmpty() && l.get(l.size() - 1).ended()).get(0);
    assertTrue(r.resolution().successful(), r.toString());
    assertEquals("DeadMaster", r.start().analysisCode());
    assertTrue(Set.of(M + 1, M + 2, M + 3).contains(r.resolution().successor().port()));

    // counted once the coordinator heard the run end
    Scrape after = Eventually.await("the recovery counted", Duration.ofSeconds(10),
        MetricsTest::scrape,
        m -> m.value("orcha_recoveries_total", "analysis", "DeadMaster", "result", "success") == 1.0);
    assertEquals(1.0, after.value("orcha_recoveries_total"), "exactly one recovery, of any kind");
    assertEquals(1.0, after.value("orcha_recovery_duration_seconds_count", "result", "success"));
    for (String phase : PHASES) {
      assertEquals(1.0, after.value("orcha_recovery_phase_duration_seconds_count", "phase", phase),
          "one observation of phase " + phase);
    }
    // the phases took time, and no more than the whole recovery from detection on
    double total = after.value("orcha_recovery_duration_seconds_sum");
    StringBuilder took = new StringBuilder("recovery " + total + " s;");
    for (String phase : PHASES) {
      took.append(' ').append(phase).append(' ').append(
          after.value("orcha_recovery_phase_duration_seconds_sum", "phase", phase)).append(" s");
    }
    System.out.println(took); // in the test's output file: what a kill -9 failover costs
    assertTrue(after.value("orcha_recovery_phase_duration_seconds_sum", "phase", "promote") > 0);
    assertTrue(after.value("orcha_recovery_phase_duration_seconds_sum", "phase", "repoint") > 0);
    assertTrue(after.value("orcha_recovery_phase_duration_seconds_sum", "phase", "promote")
        + after.value("orcha_recovery_phase_duration_seconds_sum", "phase", "repoint") <= total,
        "promote + repoint within the recovery's " + total + " s");
    assertEquals(1.0, after.value("orcha_detections_total", "analysis", "DeadMaster"));
    assertEquals(0.0, after.value("orcha_actors", "family", "recovery_run"), "the run stopped");
    // the dead master is still probed: refused connections, one unreachable server
    assertTrue(after.value("orcha_probe_errors_total", "reason", "connection_refused") >= 1);
    Eventually.await("the dead master unreachable", Duration.ofSeconds(10), MetricsTest::scrape,
        m -> m.value("orcha_servers", "state", "unreachable") == 1.0
            && m.value("orcha_servers", "state", "reachable") == 3.0
            && m.value("orcha_servers_last_seen_age_max_seconds") > 0);
    assertTrue(probes(after) > probed);
  }
}
