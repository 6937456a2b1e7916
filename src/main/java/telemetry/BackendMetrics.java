package telemetry;

import backend.WriteObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes to this node's backend database:
 * {@code orcha_backend_write_duration_seconds{store="journal|snapshot|audit|heartbeat|history",
 * result="ok|error"}} (journal: a batch of events written by Pekko Persistence; snapshot: an
 * actor's snapshot; audit: an audit row; heartbeat: the node's health row; history: topology
 * history rows) and {@code orcha_backend_rows_written_total{store}}, the rows they wrote.
 */
public final class BackendMetrics implements WriteObserver {

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, io.micrometer.core.instrument.Counter> rows = new ConcurrentHashMap<>();

  BackendMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String store : new String[] {JOURNAL, SNAPSHOT, AUDIT, HEARTBEAT, HISTORY}) {
      timer(store, true);
      timer(store, false);
      rows(store, 0);
    }
  }

  @Override
  public void written(String store, Duration took, boolean ok) {
    timer(store, ok).record(took);
  }

  @Override
  public void rows(String store, long n) {
    rows.computeIfAbsent(store, k -> io.micrometer.core.instrument.Counter
        .builder("orcha.backend.rows.written")
        .description("Rows written to this node's backend database, by store (a journal batch"
            + " counts its events)")
        .tag("store", store)
        .register(registry)).increment(n);
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
