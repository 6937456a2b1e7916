package telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's metrics: a Prometheus registry and the meter groups that record into it. Created
 * once per node (orcha.OrchaNode) and passed to what records; closed when the node stops (the
 * JVM binders hold listeners on the JVM's beans).
 */
public final class Telemetry implements AutoCloseable {

  /** The Prometheus text format (what Micrometer's registry writes by default). */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** OpenMetrics 1.0 text. */
  public static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** One scrape: the body and the content type it is written in. */
  public record Exposition(String contentType, String body) {}

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ProbeMetrics probes;
  private final FleetMetrics fleet;
  private final RecoveryMetrics recoveries;
  private final ClusterMetrics cluster;
  private final BackendMetrics backend;
  private final ActorMetrics actors;

  private Telemetry(boolean jvm) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.probes = new ProbeMetrics(registry);
    this.fleet = new FleetMetrics(registry);
    this.recoveries = new RecoveryMetrics(registry);
    this.cluster = new ClusterMetrics(registry);
    this.backend = new BackendMetrics(registry);
    this.actors = new ActorMetrics(registry);
    if (jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      closeables.add(gc);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
    }
  }

  /** A node's telemetry, with the JVM's metrics (memory, GC, threads, CPU, uptime). */
  public static Telemetry create() {
    return new Telemetry(true);
  }

  /** Without the JVM's metrics: for tests that count orcha's own series. */
  public static Telemetry withoutJvmMetrics() {
    return new Telemetry(false);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public ProbeMetrics probes() {
    return probes;
  }

  public FleetMetrics fleet() {
    return fleet;
  }

  public RecoveryMetrics recoveries() {
    return recoveries;
  }

  public ClusterMetrics cluster() {
    return cluster;
  }

  public BackendMetrics backend() {
    return backend;
  }

  public ActorMetrics actors() {
    return actors;
  }

  /**
   * The current values in the format the scraper accepts: OpenMetrics when its Accept header
   * names {@code application/openmetrics-text} (what Prometheus asks for first), else the
   * Prometheus text format 0.0.4 (curl, older scrapers). Protobuf is never chosen.
   */
  public Exposition scrape(String accept) {
    String type = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    return new Exposition(type, registry.scrape(type));
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a JVM listener cannot fail in a way the stopping node could act on
      }
    }
    registry.close();
  }
}
