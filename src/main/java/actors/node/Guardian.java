package actors.node;

import actors.control.Auditor;
import actors.control.ControlState;
import actors.detection.DetectionLog;
import actors.detection.FailureDetector;
import actors.probe.ProbeClient;
import actors.probe.ProbeManager;
import actors.probe.ProbeSchedule;
import actors.control.MaintenanceLocks;
import actors.recovery.RecoveryCoordinator;
import actors.recovery.RecoveryLog;
import actors.recovery.RecoveryProcedure;
import actors.topology.TopologyView;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import orcha.ConfigLoader;
import orcha.Settings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.pattern.StatusReply;
import topology.InstanceKey;

/**
 * The root of one orcha node: joins the cluster (itself, when no other nodes are configured),
 * spawns the node's actors (topology view, probe manager, heartbeat), discovers the seeds and
 * serves the HTTP API. A failure to bind the API stops the node.
 */
public final class Guardian {

  public sealed interface Command {}

  private record HttpBound(ServerBinding binding, Throwable error) implements Command {}

  private record SeedAdded(InstanceKey key, StatusReply<org.apache.pekko.Done> reply) implements Command {}

  /** What the node needs from outside the actor system, built by Main (or a test). */
  public record Dependencies(ConfigLoader loader, Settings settings, ProbeClient probeClient,
      Consumer<Settings> onReload, NodeHeartbeat.Writer heartbeatWriter,
      FailureDetector.FailureHooks failureHooks, backend.AuditStore auditStore,
      mysql.Operations operations,
      java.util.function.Supplier<refactor.Refactorer.RefactorSettings> refactorSettings,
      actors.recovery.RecoveryHooks recoveryHooks,
      Clock clock,
      java.util.concurrent.CompletableFuture<Started> started,
      telemetry.Telemetry nodeMetrics, telemetry.MetricsSettings metricsSettings) {

    /** Without a node's metrics: a registry of its own (no JVM metrics), /metrics served. */
    public Dependencies(ConfigLoader loader, Settings settings, ProbeClient probeClient,
        Consumer<Settings> onReload, NodeHeartbeat.Writer heartbeatWriter,
        FailureDetector.FailureHooks failureHooks, backend.AuditStore auditStore,
        mysql.Operations operations,
        java.util.function.Supplier<refactor.Refactorer.RefactorSettings> refactorSettings,
        actors.recovery.RecoveryHooks recoveryHooks, Clock clock,
        java.util.concurrent.CompletableFuture<Started> started) {
      this(loader, settings, probeClient, onReload, heartbeatWriter, failureHooks, auditStore,
          operations, refactorSettings, recoveryHooks, clock, started,
          telemetry.Telemetry.withoutJvmMetrics(), telemetry.MetricsSettings.DEFAULT);
    }
  }

  /** Where the started node serves. */
  public record Started(ServerBinding binding, NodeApiImpl api) {}

  public static Behavior<Command> create(Dependencies deps) {
    return Behaviors.setup(ctx -> start(ctx, deps));
  }

  private static Behavior<Command> start(ActorContext<Command> ctx, Dependencies deps) {
    ctx.setLoggerName(Guardian.class);
    Settings s = deps.settings();
    Cluster cluster = Cluster.get(ctx.getSystem());
    if (s.cluster().nodes().isEmpty()) {
      // a cluster of one: join ourselves, so that later nodes can join without restructuring
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    Executor blocking = ctx.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("orcha.blocking-jdbc-dispatcher"));
    telemetry.Telemetry metrics = deps.nodeMetrics();
    metrics.actors().dispatcher("blocking_jdbc", blocking);
    metrics.actors().dispatcher("default",
        ctx.getSystem().dispatchers().lookup(DispatcherSelector.defaultDispatcher()));

    ActorRef<ControlState.Command> control = ctx.spawn(ControlState.create(deps.clock()), "control-state");
    ActorRef<DetectionLog.Command> detections = ctx.spawn(DetectionLog.create(deps.clock()), "detection-log");
    Leadership leadership = new Leadership(ctx.getSystem());
    metrics.cluster().bind(ctx.getSystem(), leadership::isLeader, leadership::leadsWithFence);
    ActorRef<FailureDetector.Command> detector = ctx.spawn(Behaviors.supervise(FailureDetector.create(
            detectionSettings(s), detections, deps.failureHooks(), deps.clock(),
            leadership::isLeader, metrics.recoveries()))
        .onFailure(SupervisorStrategy.resume()), "failure-detector");
    // the topology history: written on change only, read by the history routes
    backend.HistorySettings historySettings =
        backend.HistorySettings.from(ctx.getSystem().settings().config());
    backend.HistoryStore historyStore = new backend.HistoryStore(s.backend(), metrics.backend());
    java.util.function.Consumer<java.util.List<topology.TopologyChange>> history = changes -> { };
    if (historySettings.enabled()) {
      ActorRef<actors.history.HistoryRecorder.Command> recorder = ctx.spawn(
          actors.history.HistoryRecorder.create(historyStore, historySettings, blocking,
              deps.clock()), "history-recorder");
      history = changes -> recorder.tell(new actors.history.HistoryRecorder.Record(changes));
    }
    // a message that fails is logged and skipped: the picture and the wiring stay
    ActorRef<TopologyView.Command> view = ctx.spawn(metrics.actors().hot("topology_view",
        Behaviors.supervise(TopologyView.create(s.aliasRules(), s.analysisSettings(), s.nodeName(),
                deps.clock(), detector, control, metrics.fleet(), history))
            .onFailure(SupervisorStrategy.resume())), "topology-view");
    ActorRef<ProbeManager.Command> manager = ctx.spawn(
        ProbeManager.create(deps.probeClient(), schedule(s), deps.clock(), view, control,
            metrics.actors().family("prober"),
            actors.probe.SharedProbingSettings.from(ctx.getSystem().settings().config()),
            metrics.probes()::assigned),
        "probe-manager");
    // the view needs the detector and the manager needs the view: the detector learns of the
    // manager (for emergent probes) by message
    detector.tell(new FailureDetector.ProbeWith(manager));
    // a server that drops our idle connection (killed, restarted) is probed at once, not at its
    // next poll: this is what makes a dead master suspected within milliseconds
    deps.probeClient().onConnectionLost(key ->
        manager.tell(new ProbeManager.ProbeSoon(key, "connection lost")));
    ActorRef<NodeHeartbeat.Command> heartbeat = ctx.spawn(
        NodeHeartbeat.create(s.nodeName(), deps.heartbeatWriter(), blocking, deps.clock()),
        "heartbeat");

    java.util.concurrent.atomic.AtomicReference<Settings> current =
        new java.util.concurrent.atomic.AtomicReference<>(s);
    ActorRef<RecoveryLog.Command> recoveryLog =
        ctx.spawn(RecoveryLog.create(deps.clock(), s.nodeName()), "recovery-log");
    Consumer<Settings> apply = next -> {
      current.set(next);
      deps.onReload().accept(next);
      manager.tell(new ProbeManager.UpdateSchedule(schedule(next)));
      view.tell(new TopologyView.UpdateRules(next.aliasRules(), next.analysisSettings()));
      detector.tell(new FailureDetector.UpdateSettings(detectionSettings(next)));
    };
    Auditor auditor = new Auditor(deps.auditStore(), blocking, deps.clock());
    MaintenanceLocks locks = new MaintenanceLocks(control, ctx.getSystem().scheduler(),
        s.http().askTimeout());
    RecoveryPorts ports = new RecoveryPorts(view, manager, control, detections, recoveryLog,
        deps.recoveryHooks(), locks, () -> new refactor.PhaseExecutor(deps.operations(),
            current.get().analysis().reasonableMaintenanceReplicationLag(),
            current.get().recovery().endDemotedMasterSessions()),
        ctx.getSystem().scheduler(), () -> current.get().http().askTimeout(),
        () -> recoveryProbeDeadline(current.get()));
    RecoveryProcedure procedure = new RecoveryProcedure(ports, () -> recoveryConfig(current.get(),
        deps.refactorSettings().get()), metrics.recoveries());
    ctx.spawn(actors.cluster.FenceKeeper.create(actors.cluster.NodeAddress.self(ctx.getSystem()),
        leadership.holder()), "fence-keeper");
    actors.cluster.Fencer fencer = new actors.cluster.Fencer(ctx.getSystem(), FENCE_TIMEOUT,
        metrics.cluster());
    RecoveryCoordinator.Deps coordinatorDeps = new RecoveryCoordinator.Deps(
        () -> current.get().recoverySettings(), procedure, recoveryLog, control, view, detector,
        fencer, leadership::isLeader, leadership.lease(),
        () -> actors.cluster.Majority.members(ctx.getSystem()),
        deps.clock(), s.discovery().pollInterval().multipliedBy(3),
        s.nodeName(), s.http().askTimeout(), metrics.recoveries(),
        metrics.actors().family("recovery_run"));
    // one coordinator per node, acting on its own node's picture while the node leads
    ActorRef<RecoveryCoordinator.Command> coordinator = ctx.spawn(metrics.actors().hot(
        "recovery_coordinator", Behaviors.supervise(RecoveryCoordinator.create(coordinatorDeps))
            .onFailure(SupervisorStrategy.restart())),
        "recovery-coordinator");
    // planned operations hold the same fence as recoveries: the incarnation this node's
    // coordinator claimed as leader (none while it does not lead: no fence, no change)
    refactor.Refactorer refactorer = new refactor.Refactorer(
        new NodePorts(view, manager, ctx.getSystem().scheduler(), () -> s.http().askTimeout()),
        deps.operations(), locks, auditor, deps.refactorSettings(),
        new LeaderFence(coordinator, fencer, ctx.getSystem().scheduler(), FENCE_TIMEOUT));
    NodeApiImpl api = new NodeApiImpl(s, deps.loader(), view, manager, heartbeat, control, detections,
        leadership, ctx.getSystem().scheduler(), blocking, apply, auditor, refactorer,
        new NodeApiImpl.Recoveries(recoveryLog, coordinator),
        new LeaderDirectory(ctx.getSystem(), leadership),
        new actors.history.TopologyHistory(historyStore, blocking));

    for (String seed : s.discovery().seeds()) {
      InstanceKey key = InstanceKey.parse(seed, s.discovery().defaultInstancePort());
      ctx.askWithStatus(org.apache.pekko.Done.class, manager, Duration.ofSeconds(30),
          r -> new ProbeManager.Discover(key, r),
          (done, err) -> new SeedAdded(key, err == null ? StatusReply.ack() : StatusReply.error(err)));
    }

    // /metrics first (outside /api, with its own access rule), the web UI's files under /web
    // (and / redirected there), then the API for everything else
    org.apache.pekko.http.javadsl.server.Route route =
        org.apache.pekko.http.javadsl.server.Directives.concat(
            new http.MetricsRoute(api, metrics, deps.metricsSettings()).route(),
            new http.UiRoutes(api).route(),
            new http.ApiRouter(api).route());
    ctx.pipeToSelf(http.HttpServer.start(ctx.getSystem(), s.http().listenAddress(), route,
        s.http().tls().material()), HttpBound::new);

    return Behaviors.receive(Command.class)
        .onMessage(HttpBound.class, b -> onHttpBound(ctx, deps, api, b))
        .onMessage(SeedAdded.class, m -> onSeedAdded(ctx, m))
        .build();
  }

  /**
   * The API URL other nodes forward to: the bound address, or the cluster host for a wildcard;
   * https with TLS (the certificate must name that host).
   */
  static String advertisedUrl(Settings s, ServerBinding binding) {
    var a = binding.localAddress();
    String host = a.getAddress() != null && a.getAddress().isAnyLocalAddress()
        ? s.cluster().bindHost() : a.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return scheme(s) + "://" + host + ":" + a.getPort() + s.http().urlPrefix() + "/api";
  }

  static String scheme(Settings s) {
    return s.http().tls().enabled() ? "https" : "http";
  }

  /** A recovery re-reads servers with this deadline each: it never waits on a dead one. */
  static Duration recoveryProbeDeadline(Settings s) {
    Duration d = s.mysql().connectTimeout().plus(s.mysql().queryTimeout());
    return d.compareTo(MAX_RECOVERY_PROBE) > 0 ? MAX_RECOVERY_PROBE : d;
  }

  static final Duration MAX_RECOVERY_PROBE = Duration.ofMillis(1500);

  /** How long a fence waits for a majority's acknowledgements before the step is not taken. */
  static final Duration FENCE_TIMEOUT = Duration.ofMillis(1000);

  static RecoveryProcedure.Config recoveryConfig(Settings s,
      refactor.Refactorer.RefactorSettings refactor) {
    return new RecoveryProcedure.Config(s.recoverySettings(), s.nodeName(),
        s.recovery().kvClusterMasterPrefix(), refactor.hasReplicationCredentials(),
        Duration.ofMinutes(10));
  }

  static FailureDetector.DetectionSettings detectionSettings(Settings s) {
    return new FailureDetector.DetectionSettings(s.discovery().pollInterval().multipliedBy(3),
        s.recovery().failureDetectionPeriodBlock(), EMERGENT_REPROBE_WINDOW);
  }

  /** An emergent probe of a server is not repeated within this window (orchestrator: 1 s). */
  static final Duration EMERGENT_REPROBE_WINDOW = Duration.ofMillis(250);

  static ProbeSchedule schedule(Settings s) {
    Duration deadline = s.mysql().connectTimeout()
        .plus(s.mysql().queryTimeout().multipliedBy(2)).plusSeconds(1);
    return new ProbeSchedule(s.discovery().pollInterval(), s.discovery().maxBackoff(), deadline);
  }

  private static Behavior<Command> onHttpBound(ActorContext<Command> ctx, Dependencies deps,
      NodeApiImpl api, HttpBound b) {
    if (b.error() != null) {
      ctx.getLog().error("cannot serve the API: {}", b.error().getMessage());
      deps.started().completeExceptionally(b.error());
      return Behaviors.stopped(); // the guardian stopping terminates the node
    }
    ctx.getLog().info("orcha API listening on {}://{}:{}{}/api", scheme(deps.settings()),
        b.binding().localAddress().getHostString(), b.binding().localAddress().getPort(),
        deps.settings().http().urlPrefix());
    ctx.spawn(HttpAdvertiser.create(advertisedUrl(deps.settings(), b.binding())), "http-advertiser");
    deps.started().complete(new Started(b.binding(), api));
    return Behaviors.same();
  }

  private static Behavior<Command> onSeedAdded(ActorContext<Command> ctx, SeedAdded m) {
    if (m.reply().isError()) {
      ctx.getLog().error("cannot add seed {}: {}", m.key(), m.reply().getError().getMessage());
    }
    return Behaviors.same();
  }
}
