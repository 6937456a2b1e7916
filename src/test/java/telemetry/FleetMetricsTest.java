package telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import testkit.Scrape;

class FleetMetricsTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void summarisesReachabilityAgesAndLag() {
    FleetMetrics.Summary s = FleetMetrics.Summary.of(List.of(
        Servers.seen(Servers.master(0), NOW, Duration.ofMillis(500)),
        Servers.seen(Servers.replica(1, 0, 7L), NOW, Duration.ofSeconds(1)),
        Servers.seen(Servers.replica(2, 0, null), NOW, Duration.ofSeconds(2)),
        Servers.failing(Servers.replica(3, 0, 900L), NOW, Duration.ofSeconds(42)),
        Servers.neverReached(Servers.key(4), NOW),
        Servers.unchecked(Servers.replica(5, 0, 3L), NOW.minusSeconds(400))), NOW);
    assertEquals(3, s.reachable());
    assertEquals(2, s.unreachable());
    assertEquals(1, s.unchecked());
    // the restored server was last seen 400 s ago; the never-reached one has no age
    assertEquals(400.0, s.lastSeenAgeMax());
    // over 10 s: 42 s, 400 s and never; over 60 s: 400 s and never; over 300 s: the same two
    assertArrayEquals(new int[] {3, 2, 2}, s.staleOver());
    // lag of replicas reached by their last probe only (not the failing one's 900 s)
    assertEquals(7.0, s.lagMax());
  }

  @Test
  void anEmptyFleetIsAllZero() {
    FleetMetrics.Summary s = FleetMetrics.Summary.of(List.of(), NOW);
    assertEquals(0, s.reachable() + s.unreachable() + s.unchecked());
    assertEquals(0.0, s.lastSeenAgeMax());
    assertArrayEquals(new int[] {0, 0, 0}, s.staleOver());
  }

  @Test
  void theGaugesShowTheLastSummary() {
    Telemetry t = Telemetry.withoutJvmMetrics();
    t.fleet().update(FleetMetrics.Summary.of(List.of(
        Servers.seen(Servers.master(0), NOW, Duration.ofSeconds(1)),
        Servers.failing(Servers.replica(1, 0, 1L), NOW, Duration.ofSeconds(61))), NOW));
    Scrape m = Scrape.parse(t.scrape("").body());
    assertEquals(1.0, m.value("orcha_servers", "state", "reachable"));
    assertEquals(1.0, m.value("orcha_servers", "state", "unreachable"));
    assertEquals(0.0, m.value("orcha_servers", "state", "unchecked"));
    assertEquals(61.0, m.value("orcha_servers_last_seen_age_max_seconds"));
    assertEquals(1.0, m.value("orcha_servers_stale", "over", "60s"));
    assertEquals(0.0, m.value("orcha_servers_stale", "over", "300s"));
    assertEquals(0.0, m.value("orcha_replication_lag_max_seconds"));
    t.close();
  }
}
