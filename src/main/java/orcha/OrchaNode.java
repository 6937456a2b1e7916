package orcha;

import actors.node.Guardian;
import actors.node.NodeApiImpl;
import backend.BackendHealth;
import backend.Schema;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import telemetry.MeteredProbeClient;
import telemetry.MetricsSettings;
import telemetry.Telemetry;

/**
 * One running orcha node: configuration loaded and validated, backend schema ensured, actor
 * system started, API bound. Main runs one; tests start several in one JVM.
 */
public final class OrchaNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OrchaNode.class);

  private final ActorSystem<Guardian.Command> system;
  private final Guardian.Started started;
  private final MysqlProbeClient probeClient;
  private final Telemetry metrics;

  private OrchaNode(ActorSystem<Guardian.Command> system, Guardian.Started started,
      MysqlProbeClient probeClient, Telemetry metrics) {
    this.system = system;
    this.started = started;
    this.probeClient = probeClient;
    this.metrics = metrics;
  }

  /**
   * Starts a node. Throws IllegalArgumentException for a bad setting (message names the key),
   * backend.BackendUnavailableException when the backend cannot be used, and
   * IllegalStateException when the API cannot be served.
   */
  public static OrchaNode start(ConfigLoader loader, Clock clock) {
    ConfigLoader.Loaded loaded = loader.load();
    loader.unreported(loaded).forEach(n -> log.warn("{}", n));
    Settings settings = loaded.settings();
    MetricsSettings metricsSettings = MetricsSettings.from(loaded.config());
    // read again by the node from its actor system's configuration; checked here so that a bad
    // value stops the start with the key named
    backend.HistorySettings.from(loaded.config());
    actors.probe.SharedProbingSettings.from(loaded.config());
    Schema.ensure(settings.backend());
    MysqlProbeClient probes = new MysqlProbeClient(settings);
    // this node's metrics: one registry per node, handed to what records (never a static one)
    Telemetry metrics = Telemetry.create();
    BackendHealth health = new BackendHealth(settings.backend(), metrics.backend());
    CompletableFuture<Guardian.Started> startedFuture = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<Settings> current =
        new java.util.concurrent.atomic.AtomicReference<>(settings);
    HookProcesses hooks = new HookProcesses(current::get);
    mysql.Operations operations = new mysql.Operations(operationSettings(settings));
    Guardian.Dependencies deps = new Guardian.Dependencies(loader, settings,
        new MeteredProbeClient(probes, metrics.probes()),
        next -> {
          current.set(next);
          probes.update(next);
        }, health::recordHeartbeat, hooks,
        new backend.AuditStore(settings.backend(), metrics.backend()), operations,
        () -> refactorSettings(current.get()), hooks, clock, startedFuture, metrics,
        metricsSettings);
    // the journal plugin, created by Pekko, finds the node's backend metrics in the setup
    ActorSystem<Guardian.Command> system = ActorSystem.create(Guardian.create(deps), "orcha",
        org.apache.pekko.actor.setup.ActorSystemSetup.create(
            org.apache.pekko.actor.BootstrapSetup.create(loaded.config()),
            new backend.WriteObserverSetup(metrics.backend())));
    system.getWhenTerminated().whenComplete((d, e) -> {
      probes.close();
      hooks.close();
      operations.close();
      metrics.close();
      startedFuture.completeExceptionally(new IllegalStateException("orcha stopped while starting"));
    });
    try {
      Guardian.Started started = startedFuture.get(60, TimeUnit.SECONDS);
      return new OrchaNode(system, started, probes, metrics);
    } catch (Exception e) {
      system.terminate();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("orcha did not start: " + cause.getMessage(), cause);
    }
  }

  /** Probes started since this node started. */
  public long probesStarted() {
    return probeClient.probesStarted();
  }

  /** This node's metrics (what /metrics serves). */
  public Telemetry telemetry() {
    return metrics;
  }

  public long connectionsOpened() {
    return probeClient.connectionsOpened();
  }

  static mysql.OperationSettings operationSettings(Settings s) {
    mysql.OperationSettings.Builder b = mysql.OperationSettings.builder(s.mysql().topologyUser(),
            s.mysql().topologyPassword().value())
        .connectTimeout(s.mysql().connectTimeout())
        .statementTimeout(s.mysql().operationTimeout())
        .useSuperReadOnly(s.recovery().useSuperReadOnly())
        .tls(s.mysql().tls());
    if (!s.mysql().replicationUser().isEmpty()) {
      b.replicationCredentials(s.mysql().replicationUser(), s.mysql().replicationPassword().value());
    }
    if (!s.mysql().replicationCredentialsQuery().isEmpty()) {
      b.replicationCredentialsQuery(s.mysql().replicationCredentialsQuery());
    }
    return b.build();
  }

  static refactor.Refactorer.RefactorSettings refactorSettings(Settings s) {
    boolean creds = !s.mysql().replicationUser().isEmpty()
        || !s.mysql().replicationCredentialsQuery().isEmpty();
    return new refactor.Refactorer.RefactorSettings(s.mysql().operationTimeout().multipliedBy(3),
        s.mysql().operationTimeout(), creds, java.time.Duration.ofMinutes(10));
  }

  public int httpPort() {
    return started.binding().localAddress().getPort();
  }

  /** The API on loopback; https when the node serves TLS (as it started: reloads cannot change it). */
  public String apiUrl() {
    String scheme = api().settings().scheme();
    return scheme + "://127.0.0.1:" + httpPort() + api().currentSettings().http().urlPrefix() + "/api";
  }

  public NodeApiImpl api() {
    return started.api();
  }

  public ActorSystem<Guardian.Command> system() {
    return system;
  }

  /** Graceful stop: leave the cluster, unbind, stop actors, close connections. */
  @Override
  public void close() {
    system.terminate();
    awaitTermination(Duration.ofSeconds(30));
  }

  public void awaitTermination(Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("orcha did not stop within " + timeout, e);
    }
  }
}
