package telemetry;

import backend.WriteObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes to this node's backend database:
 * {@code orcha_backend_write_duration_seconds{store="journal|audit|heartbeat",result="ok|error"}}
 * (journal: a batch of events written by Pekko Persistence; audit: an audit row; heartbeat:
 * the node's health row).
 */
public final class BackendMetrics implements WriteObserver {

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  BackendMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String store : new String[] {JOURNAL, AUDIT, HEARTBEAT}) {
      timer(store, true);
      timer(store, false);
    }
  }

  @Override
  public void written(String store, Duration took, boolean ok) {
    timer(store, ok).record(took);
  }

  private Timer timer(String store, boolean ok) {
    return timers.computeIfAbsent(store + (ok ? "/ok" : "/error"), k ->
        Timer.builder("orcha.backend.write.duration")
            .description("Writes to this node's backend database, by store and result")
            .tag("store", store)
            .tag("result", ok ? "ok" : "error")
            .serviceLevelObjectives(Buckets.WRITE)
            .register(registry));
  }
}
