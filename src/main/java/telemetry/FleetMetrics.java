package telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import topology.Liveness;
import topology.ObservedInstance;

/**
 * The fleet as this node's topology view sees it, summarised over servers each time the view
 * ticks (once a second) and read by scrapes:
 *
 * <ul>
 *   <li>{@code orcha_servers{state="reachable|unreachable|unchecked"}}: servers probed by this
 *       node, by the outcome of their last probe (unchecked: not probed since this node
 *       started);
 *   <li>{@code orcha_servers_last_seen_age_max_seconds}: the longest time since any server's
 *       last successful probe (servers never reached are counted in {@code orcha_servers_stale}
 *       instead);
 *   <li>{@code orcha_servers_stale{over="10s|60s|300s"}}: servers not reached within that long
 *       (never-reached ones included) — the age distribution at a few fixed points;
 *   <li>{@code orcha_replication_lag_max_seconds}: the largest lag among replicas now;
 *   <li>{@code orcha_topology_work_duration_seconds{step="assembly|analysis"}}: how long the
 *       view takes to assemble the fleet's picture and to analyse it (what grows with the fleet).
 * </ul>
 *
 * No label names a server or a cluster: the series stay the same for 10,000 servers.
 */
public final class FleetMetrics {

  /** The thresholds of {@code orcha_servers_stale}. */
  static final List<Duration> STALE_OVER =
      List.of(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(300));

  /** What the gauges show; replaced as a whole (scrapes read it from another thread). */
  public record Summary(int reachable, int unreachable, int unchecked, double lastSeenAgeMax,
      int[] staleOver, double lagMax) {

    public static final Summary EMPTY = new Summary(0, 0, 0, 0, new int[STALE_OVER.size()], 0);

    /** Summarises the servers at {@code now}: one pass, no allocation per server. */
    public static Summary of(Iterable<ObservedInstance> servers, Instant now) {
      int reachable = 0;
      int unreachable = 0;
      int unchecked = 0;
      long ageMaxMillis = 0;
      long lagMax = 0;
      int[] stale = new int[STALE_OVER.size()];
      long[] staleMillis = STALE_OVER.stream().mapToLong(Duration::toMillis).toArray();
      long nowMillis = now.toEpochMilli();
      for (ObservedInstance o : servers) {
        Liveness l = o.liveness();
        if (!l.rechecked()) {
          unchecked++;
        } else if (l.lastAttemptSucceeded()) {
          reachable++;
        } else {
          unreachable++;
        }
        long age = l.lastSeen() == null ? Long.MAX_VALUE
            : Math.max(0, nowMillis - l.lastSeen().toEpochMilli());
        if (l.lastSeen() != null && age > ageMaxMillis) {
          ageMaxMillis = age;
        }
        for (int i = 0; i < stale.length; i++) {
          if (age > staleMillis[i]) {
            stale[i]++;
          }
        }
        if (o.instance() != null && l.lastAttemptSucceeded() && o.instance().isReplica()) {
          Long lag = o.instance().replicationLagSeconds();
          if (lag != null && lag > lagMax) {
            lagMax = lag;
          }
        }
      }
      return new Summary(reachable, unreachable, unchecked, ageMaxMillis / 1000.0, stale, lagMax);
    }
  }

  private volatile Summary summary = Summary.EMPTY;
  private final io.micrometer.core.instrument.Timer assembly;
  private final io.micrometer.core.instrument.Timer analysis;

  /** A summary nobody reads (tests, tools). */
  public static FleetMetrics unreported() {
    return new FleetMetrics(new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  FleetMetrics(MeterRegistry registry) {
    for (String state : List.of("reachable", "unreachable", "unchecked")) {
      Gauge.builder("orcha.servers", this, f -> switch (state) {
            case "reachable" -> f.summary.reachable();
            case "unreachable" -> f.summary.unreachable();
            default -> f.summary.unchecked();
          })
          .description("Servers this node probes, by the outcome of their last probe")
          .tag("state", state)
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("orcha.servers.last.seen.age.max", this, f -> f.summary.lastSeenAgeMax())
        .description("Longest time since any server's last successful probe")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    for (int i = 0; i < STALE_OVER.size(); i++) {
      int index = i;
      Gauge.builder("orcha.servers.stale", this, f -> f.summary.staleOver()[index])
          .description("Servers not reached within the given time (never reached included)")
          .tag("over", STALE_OVER.get(i).toSeconds() + "s")
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("orcha.replication.lag.max", this, f -> f.summary.lagMax())
        .description("The largest replication lag among the replicas reached by their last probe")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    assembly = work(registry, "assembly");
    analysis = work(registry, "analysis");
  }

  private static io.micrometer.core.instrument.Timer work(MeterRegistry registry, String step) {
    return io.micrometer.core.instrument.Timer.builder("orcha.topology.work.duration")
        .description("Assembling the fleet's picture and analysing it, in the topology view")
        .tag("step", step)
        .serviceLevelObjectives(Buckets.MESSAGE)
        .register(registry);
  }

  /** The view assembled the fleet's picture in {@code nanos}. */
  public void assembled(long nanos) {
    assembly.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The view analysed the fleet's picture in {@code nanos}. */
  public void analyzed(long nanos) {
    analysis.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Replaces what the gauges show. */
  public void update(Summary s) {
    summary = s;
  }

  public Summary current() {
    return summary;
  }
}
