package actors.detection;

import actors.probe.ProbeManager;
import actors.topology.TopologyView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import topology.AnalysisCode;
import topology.EmergentProbe;
import topology.InstanceKey;
import topology.InstanceView;
import topology.ReplicationAnalysis;
import topology.TopologySnapshot;

/**
 * Turns each analysis of this node's picture into action: asks for emergent probes (the
 * replicas of a master that stopped answering are re-probed at once, so that a dead master is
 * concluded as soon as they confirm it), and registers each new failure — with its evidence —
 * in the {@link DetectionLog}, then runs the OnFailureDetectionProcesses hooks. Registration
 * starts only after a start-up delay (3 × the poll interval: a restarted node first re-checks
 * what it restored) and skips downtimed instances.
 */
public final class FailureDetector {

  public sealed interface Command {}

  /** The view analysed its picture (on a material change or its one-second tick). */
  public record Analyzed(TopologyView.AnalysisResult result) implements Command {}

  public record UpdateSettings(DetectionSettings settings) implements Command {}

  /** Where emergent probes are asked for (the probe manager is spawned after the detector). */
  public record ProbeWith(ActorRef<ProbeManager.Command> manager) implements Command {}

  /**
   * Every analysis is also told to {@code to}: the recovery coordinator of this node, when this
   * node hosts it (a coordinator acts on the analysis of its own node only).
   */
  public record ForwardAnalyses(ActorRef<TopologyView.AnalysisResult> to) implements Command {}

  private record Registered(DetectionLog.Candidate candidate, StatusReply<Optional<DetectionLog.Detection>> reply,
      TopologySnapshot snapshot) implements Command {}

  private record HooksRan(long id, FailureHooks.Outcome outcome) implements Command {}

  /**
   * @param startDelay no registration before this much time since start
   * @param blockFor FailureDetectionPeriodBlockMinutes
   * @param reprobeWindow an emergent probe of a server is not repeated within this window
   */
  public record DetectionSettings(Duration startDelay, Duration blockFor, Duration reprobeWindow) {}

  /** Runs the OnFailureDetectionProcesses hooks of a detection (blocking work off the actor). */
  public interface FailureHooks {
    record Outcome(List<String> lines, boolean failed) {}

    CompletionStage<Outcome> onFailureDetection(DetectionLog.Detection detection,
        TopologySnapshot snapshot);
  }

  private final ActorContext<Command> ctx;
  private ActorRef<ProbeManager.Command> manager; // set by ProbeWith
  private ActorRef<TopologyView.AnalysisResult> forwardTo; // set by ForwardAnalyses
  private final ActorRef<DetectionLog.Command> log;
  private final FailureHooks hooks;
  private final Clock clock;
  private final Instant startedAt;
  private DetectionSettings settings;
  private final Map<InstanceKey, Instant> lastEmergentProbe = new HashMap<>();
  private final Set<String> registering = new HashSet<>();

  public static Behavior<Command> create(DetectionSettings settings,
      ActorRef<DetectionLog.Command> log, FailureHooks hooks, Clock clock) {
    return create(settings, log, hooks, clock, () -> true);
  }

  /**
   * @param registers whether this node registers detections and runs their hooks (the leader
   *     only: with several nodes, OnFailureDetectionProcesses run once per failure, as upstream)
   */
  public static Behavior<Command> create(DetectionSettings settings,
      ActorRef<DetectionLog.Command> log, FailureHooks hooks, Clock clock,
      java.util.function.BooleanSupplier registers) {
    return create(settings, log, hooks, clock, registers, null);
  }

  /** With {@code metrics}: every registered detection is counted there (null: not counted). */
  public static Behavior<Command> create(DetectionSettings settings,
      ActorRef<DetectionLog.Command> log, FailureHooks hooks, Clock clock,
      java.util.function.BooleanSupplier registers, telemetry.RecoveryMetrics metrics) {
    return Behaviors.setup(ctx -> {
      ctx.setLoggerName(FailureDetector.class);
      return new FailureDetector(ctx, settings, log, hooks, clock, registers, metrics).behavior();
    });
  }

  private final java.util.function.BooleanSupplier registers;
  private final telemetry.RecoveryMetrics metrics;

  private FailureDetector(ActorContext<Command> ctx, DetectionSettings settings,
      ActorRef<DetectionLog.Command> log, FailureHooks hooks, Clock clock,
      java.util.function.BooleanSupplier registers, telemetry.RecoveryMetrics metrics) {
    this.registers = registers;
    this.metrics = metrics;
    this.ctx = ctx;
    this.settings = settings;
    this.log = log;
    this.hooks = hooks;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  // mutable maps above are this actor's private working memory (rate limits, in-flight asks)
  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Analyzed.class, this::onAnalyzed)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(HooksRan.class, this::onHooksRan)
        .onMessage(ProbeWith.class, m -> {
          manager = m.manager();
          return Behaviors.same();
        })
        .onMessage(ForwardAnalyses.class, m -> {
          forwardTo = m.to();
          ctx.watch(m.to());
          return Behaviors.same();
        })
        .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> {
          if (forwardTo != null && t.getRef().equals(forwardTo)) {
            forwardTo = null;
          }
          return Behaviors.same();
        })
        .onMessage(UpdateSettings.class, m -> {
          settings = m.settings();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onAnalyzed(Analyzed m) {
    TopologySnapshot snapshot = m.result().snapshot();
    Instant now = clock.instant();
    for (ReplicationAnalysis a : m.result().analyses()) {
      emergentProbes(a, snapshot, now);
      if (a.analysis().hasHandler() && !m.result().confirms(a.analyzedInstanceKey())) {
        // shared probing: the failure came from another node's probe (or its observations
        // stopped coming); this node's (passive) prober looks for itself, so that its vote in
        // quorum detection, and a detection registered here, rest on its own probe
        reprobe(a.analyzedInstanceKey(), "confirm " + a.analysis().name(), now);
      }
    }
    if (forwardTo != null) {
      forwardTo.tell(m.result());
    }
    if (now.isBefore(startedAt.plus(settings.startDelay())) || !registers.getAsBoolean()) {
      return Behaviors.same(); // emergent probes everywhere; registration on the leader only
    }
    for (ReplicationAnalysis a : m.result().analyses()) {
      AnalysisCode code = a.analysis();
      if (!code.hasHandler() || a.skippableDueToDowntime()) {
        continue;
      }
      if (!m.result().confirms(a.analyzedInstanceKey())) {
        continue; // shared probing: registered once this node's own probe confirmed it
      }
      String inFlight = a.analyzedInstanceKey() + "/" + code.name();
      if (!registering.add(inFlight)) {
        continue;
      }
      DetectionLog.Candidate c = new DetectionLog.Candidate(a.analyzedInstanceKey(), code.name(),
          code.isActionable(), a.clusterDetails().name(), a.clusterDetails().alias(), a,
          Evidence.of(a, snapshot));
      ctx.askWithStatus(optionalClass(), log, Duration.ofSeconds(10),
          r -> new DetectionLog.Register(c, settings.blockFor(), m.result().at(), r),
          (d, err) -> new Registered(c, err == null ? StatusReply.success(d) : StatusReply.error(err), snapshot));
    }
    return Behaviors.same();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<Optional<DetectionLog.Detection>> optionalClass() {
    return (Class) Optional.class;
  }

  /** Fresh evidence now rather than at the next polls; each server at most once per window. */
  private void emergentProbes(ReplicationAnalysis a, TopologySnapshot snapshot, Instant now) {
    EmergentProbe what = a.analysis().emergentProbe();
    List<InstanceKey> targets = new ArrayList<>();
    switch (what) {
      case REPROBE_REPLICAS, RESTART_REPLICAS_IO -> targets.addAll(a.replicas());
      case REPROBE_MASTER -> snapshot.instance(a.analyzedInstanceKey())
          .map(v -> v.instance().masterKey()).filter(InstanceKey::isValid).ifPresent(targets::add);
      case REPROBE_INSTANCE -> targets.add(a.analyzedInstanceKey());
      default -> { }
    }
    if (manager == null) {
      return;
    }
    for (InstanceKey k : targets) {
      reprobe(k, a.analysis().name() + " on " + a.analyzedInstanceKey(), now);
    }
  }

  private void reprobe(InstanceKey k, String why, Instant now) {
    if (manager == null) {
      return;
    }
    Instant last = lastEmergentProbe.get(k);
    if (last == null || !now.isBefore(last.plus(settings.reprobeWindow()))) {
      lastEmergentProbe.put(k, now);
      manager.tell(new ProbeManager.ProbeSoon(k, why));
    }
  }

  private Behavior<Command> onRegistered(Registered m) {
    registering.remove(m.candidate().key() + "/" + m.candidate().analysisCode());
    if (m.reply().isError()) {
      ctx.getLog().error("cannot register the detection of {} on {}: {}", m.candidate().analysisCode(),
          m.candidate().key(), m.reply().getError().getMessage());
      return Behaviors.same();
    }
    Optional<DetectionLog.Detection> d = m.reply().getValue();
    if (d.isEmpty()) {
      return Behaviors.same(); // already registered in this period
    }
    DetectionLog.Detection detection = d.get();
    if (metrics != null) {
      metrics.detected(m.candidate().analysisCode());
    }
    ctx.getLog().warn("detected {} on {} (cluster {}), detection {}", m.candidate().analysisCode(),
        m.candidate().key(), m.candidate().clusterName(), detection.id());
    CompletionStage<FailureHooks.Outcome> ran;
    try {
      ran = hooks.onFailureDetection(detection, m.snapshot());
    } catch (RuntimeException e) {
      ran = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(ran, (o, err) -> new HooksRan(detection.id(), o != null ? o
        : new FailureHooks.Outcome(List.of("OnFailureDetectionProcesses could not run: " + err), true)));
    return Behaviors.same();
  }

  private Behavior<Command> onHooksRan(HooksRan m) {
    if (!m.outcome().lines().isEmpty()) {
      log.tell(new DetectionLog.RecordHooks(m.id(), m.outcome().lines(), m.outcome().failed()));
    }
    if (m.outcome().failed()) {
      ctx.getLog().warn("OnFailureDetectionProcesses failed for detection {}", m.id());
    }
    return Behaviors.same();
  }

  /** How the servers involved looked to this node when the failure was seen. */
  static final class Evidence {
    private Evidence() {}

    static List<DetectionLog.Evidence> of(ReplicationAnalysis a, TopologySnapshot s) {
      List<DetectionLog.Evidence> out = new ArrayList<>();
      s.instance(a.analyzedInstanceKey()).ifPresent(v -> out.add(evidence(v, "analyzed")));
      s.instance(a.analyzedInstanceKey()).map(v -> v.instance().masterKey())
          .flatMap(s::instance).ifPresent(v -> out.add(evidence(v, "master")));
      for (InstanceKey r : a.replicas()) {
        s.instance(r).ifPresent(v -> out.add(evidence(v, "replica")));
      }
      return List.copyOf(out);
    }

    private static DetectionLog.Evidence evidence(InstanceView v, String role) {
      var l = v.liveness();
      var r = v.instance().replication();
      return new DetectionLog.Evidence(v.key(), role, v.lastCheckValid(),
          l.lastSeen() == null ? "" : l.lastSeen().toString(),
          l.lastFailure() == null ? "" : l.lastFailure().message(),
          r.ioThread().name(), r.sqlThread().name(), r.lastIoError(),
          v.instance().replicationLagSeconds());
    }
  }
}
