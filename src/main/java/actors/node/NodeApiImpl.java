package actors.node;

import actors.control.Auditor;
import actors.control.ControlState;
import actors.detection.DetectionLog;
import actors.probe.ProbeManager;
import actors.topology.TopologyView;
import http.ApiException;
import http.ApiSettings;
import http.NodeApi;
import http.NodeHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import orcha.ConfigLoader;
import orcha.Settings;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import topology.Downtime;
import topology.InstanceKey;
import topology.InstanceView;
import topology.ProbeResult;
import topology.TopologySnapshot;

/**
 * The HTTP layer's view of this node: asks to the node's actors with the configured timeout,
 * and the reload of settings (re-read from the same sources, validated, then handed to whoever
 * uses them; a bad reload changes nothing).
 */
public final class NodeApiImpl implements NodeApi {

  private final AtomicReference<Settings> settings;
  private final Recoveries recoveries;
  private final LeaderDirectory leaderDirectory;
  /** The TLS the API was started with: a reload cannot change it (the server keeps serving it). */
  private final http.ApiTls tls;

  /** The recovery log and this node's recovery coordinator. */
  public record Recoveries(ActorRef<actors.recovery.RecoveryLog.Command> log,
      ActorRef<actors.recovery.RecoveryCoordinator.Command> coordinator) {}

  /** A recovery may run for minutes (hooks, catch-up waits): the request waits with it. */
  static final java.time.Duration RECOVERY_TIMEOUT = java.time.Duration.ofMinutes(15);
  private final ConfigLoader loader;
  private final ActorRef<TopologyView.Command> view;
  private final ActorRef<ProbeManager.Command> manager;
  private final ActorRef<NodeHeartbeat.Command> heartbeat;
  private final ActorRef<ControlState.Command> control;
  private final ActorRef<DetectionLog.Command> detections;
  private final Leadership leadership;
  private final Scheduler scheduler;
  private final Executor blocking;
  private final Consumer<Settings> applySettings;
  private final Auditor auditor;
  private final refactor.Refactorer refactorer;
  private final actors.history.TopologyHistory history;

  public NodeApiImpl(Settings initial, ConfigLoader loader, ActorRef<TopologyView.Command> view,
      ActorRef<ProbeManager.Command> manager, ActorRef<NodeHeartbeat.Command> heartbeat,
      ActorRef<ControlState.Command> control, ActorRef<DetectionLog.Command> detections,
      Leadership leadership, Scheduler scheduler, Executor blocking,
      Consumer<Settings> applySettings, Auditor auditor, refactor.Refactorer refactorer,
      Recoveries recoveries, LeaderDirectory leaderDirectory,
      actors.history.TopologyHistory history) {
    this.history = history;
    this.recoveries = recoveries;
    this.leaderDirectory = leaderDirectory;
    this.settings = new AtomicReference<>(initial);
    this.tls = initial.http().tls().material();
    this.loader = loader;
    this.view = view;
    this.manager = manager;
    this.heartbeat = heartbeat;
    this.control = control;
    this.detections = detections;
    this.leadership = leadership;
    this.scheduler = scheduler;
    this.blocking = blocking;
    this.applySettings = applySettings;
    this.auditor = auditor;
    this.refactorer = refactorer;
  }

  public Settings currentSettings() {
    return settings.get();
  }

  private Duration timeout() {
    return settings.get().http().askTimeout();
  }

  @Override
  public ApiSettings settings() {
    Settings s = settings.get();
    return new ApiSettings(s.http().urlPrefix(), s.http().statusEndpoint(),
        s.discovery().defaultInstancePort(), s.thresholds(), s.nodeName(),
        s.recovery().periodBlock(), auth(s.http().auth()), tls);
  }

  private static http.ApiAuth auth(Settings.Auth a) {
    return new http.ApiAuth(http.ApiAuth.Method.parse(a.method()), a.user(), a.password().value(),
        a.powerUsers(), a.userHeader(), a.readOnly());
  }

  @Override
  public CompletionStage<Void> auditApiCall(String command, InstanceKey key, String user,
      String outcome) {
    return audited(command, key, user, "API " + outcome);
  }

  @Override
  public CompletionStage<List<topology.TopologyChange>> history(topology.TopologyChange.Query query) {
    return history.query(query);
  }

  /** How many topology history entries this node's backend holds. */
  public CompletionStage<Long> historyCount() {
    return history.count();
  }

  @Override
  public CompletionStage<TopologySnapshot> snapshot() {
    return AskPattern.ask(view, TopologyView.GetSnapshot::new, timeout(), scheduler);
  }

  @Override
  public CompletionStage<InstanceView> discover(InstanceKey key) {
    control.tell(new ControlState.SetProbeIntent(key, true)); // every node probes it too
    CompletionStage<ProbeResult> probed = AskPattern.ask(manager,
        r -> new ProbeManager.DiscoverAndProbe(key, r), timeout(), scheduler);
    return probed.thenCompose(result -> {
      if (result instanceof ProbeResult.Failed f) {
        throw new ApiException(f.failure().message());
      }
      return snapshot().thenApply(s -> s.instance(key).orElseThrow(
          () -> new ApiException("Instance " + key + " probed but not in the picture yet; retry")));
    });
  }

  @Override
  public CompletionStage<Void> discoverAsync(InstanceKey key) {
    control.tell(new ControlState.SetProbeIntent(key, true));
    CompletionStage<Done> added = AskPattern.askWithStatus(manager,
        r -> new ProbeManager.Discover(key, r), timeout(), scheduler);
    return added.thenApply(d -> null);
  }

  @Override
  public CompletionStage<Void> forget(InstanceKey key) {
    control.tell(new ControlState.SetProbeIntent(key, false)); // every node forgets it too
    CompletionStage<Done> forgotten = AskPattern.askWithStatus(manager,
        r -> new ProbeManager.Forget(key, r), timeout(), scheduler);
    return forgotten.thenCompose(d -> auditor.record("forget", key, "", settings.get().nodeName(),
        "instance forgotten"));
  }

  @Override
  public CompletionStage<Void> forgetCluster(String clusterName) {
    return snapshot().thenCompose(s -> {
      List<CompletableFuture<Void>> all = s.clusterInstances(clusterName).stream()
          .map(v -> forget(v.key()).toCompletableFuture()).toList();
      return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    });
  }

  @Override
  public CompletionStage<Void> reloadConfiguration(Optional<String> extraFile) {
    return CompletableFuture.runAsync(() -> {
      ConfigLoader.Loaded loaded;
      try {
        loaded = loader.load(extraFile.filter(f -> !f.isBlank()).map(Path::of).stream().toList());
      } catch (IllegalArgumentException e) {
        throw new ApiException("Config not reloaded: " + e.getMessage());
      }
      loader.unreported(loaded).forEach(n ->
          org.slf4j.LoggerFactory.getLogger(NodeApiImpl.class).warn("{}", n));
      Settings previous = settings.get();
      Settings next = loaded.settings();
      settings.set(next);
      applySettings.accept(next);
      List<String> needRestart = previous.restartRequiredChanges(next);
      if (!needRestart.isEmpty()) {
        org.slf4j.LoggerFactory.getLogger(NodeApiImpl.class).warn(
            "reloaded configuration changes {}, which take effect after a restart", needRestart);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<TopologyView.AnalysisResult> analysis() {
    return AskPattern.ask(view, TopologyView.GetAnalysis::new, timeout(), scheduler);
  }

  @Override
  public CompletionStage<List<DetectionLog.Detection>> failureDetections() {
    return AskPattern.ask(detections, DetectionLog.GetDetections::new, timeout(), scheduler);
  }

  /** Acknowledges detections and recoveries alike (orchestrator's ack-* clear both blocks). */
  @Override
  public CompletionStage<Integer> acknowledge(InstanceKey key, String clusterName, String by,
      String comment) {
    String who = by == null || by.isBlank() ? settings.get().nodeName() : by;
    CompletionStage<Integer> d = AskPattern.askWithStatus(detections,
        r -> new DetectionLog.Acknowledge(key, clusterName, who, comment, r), timeout(), scheduler);
    CompletionStage<Integer> byName = acknowledgeRecoveries(null, null, key, clusterName, who,
        comment);
    if (clusterName != null) {
      // recoveries of the cluster before a failover renamed it: by the alias it kept
      byName = byName.thenCompose(n -> snapshot().thenCompose(s -> {
        var c = s.clusters().get(clusterName);
        if (c == null || c.alias().isEmpty() || c.alias().equals(clusterName)) {
          return java.util.concurrent.CompletableFuture.completedFuture(n);
        }
        return acknowledgeRecoveries(null, null, key, c.alias(), who, comment).thenApply(m -> n + m);
      }));
    }
    return d.thenCombine(byName, Integer::sum);
  }

  @Override
  public CompletionStage<Integer> acknowledgeRecoveries(String uid, Long id, InstanceKey key,
      String clusterName, String by, String comment) {
    String who = by == null || by.isBlank() ? settings.get().nodeName() : by;
    return AskPattern.askWithStatus(recoveries.log(),
        r -> new actors.recovery.RecoveryLog.Acknowledge(uid, id, key, clusterName, who, comment, r),
        timeout(), scheduler);
  }

  @Override
  public CompletionStage<actors.recovery.RecoveryLog.Recovery> recover(
      actors.recovery.RecoveryProcedure.Request request) {
    actors.recovery.RecoveryProcedure.Request req = request.user() == null || request.user().isBlank()
        ? new actors.recovery.RecoveryProcedure.Request(request.kind(), request.failed(),
            request.candidate(), request.entry(), request.skipProcesses(), request.commandHint(),
            settings.get().nodeName())
        : request;
    CompletionStage<actors.recovery.RecoveryLog.Recovery> r = AskPattern.askWithStatus(
        recoveries.coordinator(), to -> new actors.recovery.RecoveryCoordinator.Recover(req, to),
        RECOVERY_TIMEOUT, scheduler);
    return r.exceptionally(e -> {
      Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      throw new java.util.concurrent.CompletionException(new http.ApiException(t.getMessage()));
    });
  }

  @Override
  public CompletionStage<actors.recovery.RecoveryLog.State> recoveries() {
    return AskPattern.ask(recoveries.log(), actors.recovery.RecoveryLog.Get::new, timeout(),
        scheduler);
  }

  @Override
  public CompletionStage<refactor.Refactorer.Outcome> refactor(String user,
      java.util.Collection<InstanceKey> involved,
      java.util.function.BiFunction<TopologySnapshot, topology.MoveSettings,
          topology.Planned<topology.RefactoringPlan>> planner) {
    topology.MoveSettings ms = moveSettings();
    return refactorer.run(who(user), involved, s -> planner.apply(s, ms));
  }

  @Override
  public CompletionStage<refactor.Refactorer.SingleOutcome> operate(
      refactor.ServerOperation operation, String user) {
    return refactorer.single(operation, who(user));
  }

  @Override
  public CompletionStage<mysql.Operations.BinlogHistory> binlogHistory(InstanceKey key) {
    return refactorer.operations().binlogHistory(key).thenApply(r -> {
      if (!r.succeeded()) {
        throw new ApiException(r.message());
      }
      return r.value();
    });
  }

  @Override
  public topology.MoveSettings moveSettings() {
    return topology.MoveSettings.from(settings.get().thresholds());
  }

  private String who(String user) {
    return user == null || user.isBlank() ? settings.get().nodeName() : user;
  }

  @Override
  public CompletionStage<List<Auditor.AuditEntry>> audit(InstanceKey key, int page) {
    return auditor.page(key, page, 20);
  }

  public Auditor auditor() {
    return auditor;
  }

  /** Writes an audit row for an operation of this node (the user: until authentication, the node). */
  private CompletionStage<Void> audited(String type, InstanceKey key, String user, String message) {
    String who = user == null || user.isBlank() ? settings.get().nodeName() : user;
    return snapshot().exceptionally(e -> TopologySnapshot.EMPTY).thenCompose(s ->
        auditor.record(type, key, s.instance(key).map(v -> v.clusterName()).orElse(""), who, message));
  }

  @Override
  public CompletionStage<Void> setGlobalRecoveries(boolean enabled) {
    CompletionStage<Boolean> set = AskPattern.askWithStatus(control,
        r -> new ControlState.SetGlobalRecoveries(enabled, r), timeout(), scheduler);
    return set.thenApply(b -> null); // audited by the API router, with the user
  }

  @Override
  public CompletionStage<Void> setClusterAlias(String clusterName, String alias) {
    CompletionStage<Boolean> set = AskPattern.askWithStatus(control,
        r -> new ControlState.SetClusterAlias(clusterName, alias, r), timeout(), scheduler);
    return set.thenApply(b -> null); // audited by the API router, with the user
  }

  @Override
  public CompletionStage<Integer> putKv(java.util.Map<String, String> pairs) {
    return AskPattern.askWithStatus(control, r -> new ControlState.PutKv(pairs, r), timeout(),
        scheduler);
  }

  @Override
  public String kvPrefix() {
    return settings.get().recovery().kvClusterMasterPrefix();
  }

  @Override
  public List<List<String>> recoveryFilters() {
    Settings.Recovery r = settings.get().recovery();
    return List.of(r.masterClusterFilters(), r.intermediateMasterClusterFilters(),
        r.ignoreHostnameFilters().stream().map(java.util.regex.Pattern::pattern).toList());
  }

  @Override
  public CompletionStage<Void> registerCandidate(InstanceKey key, topology.PromotionRule rule) {
    Duration validFor = settings.get().recovery().candidateInstanceExpire();
    CompletionStage<ControlState.Candidate> registered = AskPattern.askWithStatus(control,
        r -> new ControlState.RegisterCandidate(key, rule, validFor, r), timeout(), scheduler);
    return registered.thenApply(c -> null); // audited by the API router, with the user
  }

  // tags and pools: the router audits each call (one row, with the answer's message)
  @Override
  public CompletionStage<Void> tag(InstanceKey key, String name, String value) {
    CompletionStage<Boolean> put = AskPattern.askWithStatus(control,
        r -> new ControlState.PutTag(key, name, value, r), timeout(), scheduler);
    return put.thenApply(b -> null);
  }

  @Override
  public CompletionStage<List<InstanceKey>> untag(InstanceKey key, String name, String value) {
    return AskPattern.askWithStatus(control,
        r -> new ControlState.RemoveTags(key, name, value, r), timeout(), scheduler);
  }

  @Override
  public CompletionStage<Void> submitPool(String pool, List<InstanceKey> instances) {
    Duration validFor = settings.get().discovery().instancePoolExpiry();
    CompletionStage<ControlState.Pool> submitted = AskPattern.askWithStatus(control,
        r -> new ControlState.SubmitPool(pool, instances, validFor, r), timeout(), scheduler);
    return submitted.thenApply(p -> null);
  }

  @Override
  public CompletionStage<Downtime> beginDowntime(InstanceKey key, String owner, String reason,
      Duration duration) {
    CompletionStage<Downtime> begun = AskPattern.askWithStatus(control,
        r -> new ControlState.BeginDowntime(key, owner, reason, duration, r), timeout(), scheduler);
    return begun; // audited by the API router, with the user
  }

  @Override
  public CompletionStage<Void> endDowntime(InstanceKey key) {
    CompletionStage<Boolean> ended = AskPattern.askWithStatus(control,
        r -> new ControlState.EndDowntime(key, r), timeout(), scheduler);
    return ended.thenApply(b -> null); // audited by the API router, with the user
  }

  @Override
  public CompletionStage<ControlState.Maintenance> beginMaintenance(InstanceKey key, String owner,
      String reason, Duration duration) {
    CompletionStage<ControlState.Maintenance> begun = AskPattern.askWithStatus(control,
        r -> new ControlState.BeginMaintenance(key, owner, reason, duration, r), timeout(), scheduler);
    return begun; // audited by the API router, with the user
  }

  @Override
  public CompletionStage<Long> endMaintenance(InstanceKey key) {
    return AskPattern.askWithStatus(control, r -> new ControlState.EndMaintenance(key, r),
        timeout(), scheduler);
  }

  @Override
  public CompletionStage<InstanceKey> endMaintenanceById(long id) {
    return AskPattern.askWithStatus(control,
        r -> new ControlState.EndMaintenanceById(id, r), timeout(), scheduler);
  }

  @Override
  public CompletionStage<ControlState.Snapshot> controlState() {
    return AskPattern.ask(control, ControlState.Get::new, timeout(), scheduler);
  }

  @Override
  public CompletionStage<NodeHealth> health() {
    CompletionStage<NodeHeartbeat.Health> h = AskPattern.ask(heartbeat,
        NodeHeartbeat.GetHealth::new, timeout(), scheduler);
    Settings s = settings.get();
    return h.thenApply(health -> new NodeHealth(health.healthy(), s.nodeName(), s.nodeName(),
        isLeader(), s.backend().type().name().toLowerCase(), health.error()));
  }

  @Override
  public boolean isLeader() {
    return leadership.isLeader();
  }

  @Override
  public boolean leaderCheck() {
    return leadership.leadsWithFence();
  }

  @Override
  public CompletionStage<String> yieldLeadership(String target, boolean hint) {
    CompletionStage<String> r = AskPattern.askWithStatus(recoveries.coordinator(),
        to -> new actors.recovery.RecoveryCoordinator.Yield(target, hint, to), timeout(), scheduler);
    return r.exceptionally(e -> {
      Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      throw new java.util.concurrent.CompletionException(new http.ApiException(t.getMessage()));
    });
  }

  @Override
  public CompletionStage<java.util.Optional<String>> leaderUrl() {
    return leaderDirectory.leaderUrl();
  }

  @Override
  public http.RaftView raftView() {
    return leadership.view();
  }
}
