package telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import topology.ProbeFailure;
import topology.ProbeResult;

/**
 * Every probe of every server, aggregated over servers (no server label: 10,000 servers give
 * the same series as one):
 *
 * <ul>
 *   <li>{@code orcha_probe_duration_seconds{result="reached|failed"}}: histogram of probe latency;
 *   <li>{@code orcha_probe_errors_total{reason}}: failed probes by {@link ProbeFailure.Reason}
 *       (a fixed set of eight, lower case);
 *   <li>{@code orcha_replication_lag_seconds}: histogram of the replication lag each probe of a
 *       replica read (SQL thread running); its rate is the fleet's lag distribution over time;
 *   <li>{@code orcha_probes_assigned}: how many servers this node probes regularly (every known
 *       server, unless shared probing assigns it only its share).
 * </ul>
 *
 * Called from the probe path (thousands a second at fleet scale): meters are resolved once.
 */
public final class ProbeMetrics {

  private final Timer reached;
  private final Timer failed;
  private final Map<ProbeFailure.Reason, Counter> errors = new EnumMap<>(ProbeFailure.Reason.class);
  private final DistributionSummary lag;
  private final java.util.concurrent.atomic.AtomicInteger assigned =
      new java.util.concurrent.atomic.AtomicInteger();

  ProbeMetrics(MeterRegistry registry) {
    this.reached = probeTimer(registry, "reached");
    this.failed = probeTimer(registry, "failed");
    for (ProbeFailure.Reason r : ProbeFailure.Reason.values()) {
      errors.put(r, Counter.builder("orcha.probe.errors")
          .description("Failed probes, by why they failed")
          .tag("reason", r.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    this.lag = DistributionSummary.builder("orcha.replication.lag")
        .description("Replication lag read by each probe of a replica (seconds behind its master)")
        .baseUnit("seconds")
        .serviceLevelObjectives(Buckets.LAG)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("orcha.probes.assigned", assigned,
            Number::doubleValue)
        .description("Servers this node probes regularly (shared probing: its share)")
        .register(registry);
  }

  /** How many servers this node now probes regularly. */
  public void assigned(int servers) {
    assigned.set(servers);
  }

  private static Timer probeTimer(MeterRegistry registry, String result) {
    return Timer.builder("orcha.probe.duration")
        .description("How long a probe of a server took")
        .tag("result", result)
        .serviceLevelObjectives(Buckets.PROBE)
        .register(registry);
  }

  /** One finished probe. */
  public void recorded(ProbeResult result) {
    if (result instanceof ProbeResult.Reached r) {
      reached.record(r.latency());
      if (r.instance().isReplica()) {
        Long seconds = r.instance().replicationLagSeconds();
        if (seconds != null && seconds >= 0) {
          lag.record(seconds);
        }
      }
    } else if (result instanceof ProbeResult.Failed f) {
      failed.record(f.latency());
      errors.get(f.failure().reason()).increment();
    }
  }
}
