package actors.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import actors.control.ControlState;
import actors.detection.FailureDetector;
import java.util.ArrayList;
import java.util.List;
import topology.AliasRules;
import topology.ChangeDetector;
import topology.ServerState;
import topology.TopologyChange;
import topology.AnalysisContext;
import topology.AnalysisSettings;
import topology.Analyzer;
import topology.BinlogCoordinates;
import topology.ReplicationAnalysis;
import topology.Instance;
import topology.InstanceKey;
import topology.Liveness;
import topology.ObservedInstance;
import topology.ProbeResult;
import topology.TopologyAssembler;
import topology.TopologySnapshot;

/**
 * This node's in-memory picture of every server it probes: the last observation and liveness
 * of each, told by the probers on every probe. Answers snapshots (immutable; built by the pure
 * {@link TopologyAssembler}, cached briefly since liveness judgements age) and runs the pure
 * {@link Analyzer} on every material change (reachability, facts) and every second, telling the
 * {@link FailureDetector} each result. Persists nothing: after a restart the probers' journals
 * tell it the last known facts, marked not re-checked. Tells the topology history what changed
 * about a server (topology.ChangeDetector), only when something did.
 *
 * <p>Shared probing: other nodes' observations ({@link ObservedElsewhere}) enter the picture like
 * this node's own probes, so every node answers for the whole fleet, but the view remembers
 * which failures its OWN probes saw ({@link topology.DetectionQuorum.OwnProbes}, in each
 * analysis): quorum-agreed detection counts only those.
 *
 * <p>Mutable maps inside (style guide: allowed for a large view); only immutable snapshots
 * leave the actor.
 */
public final class TopologyView extends AbstractBehavior<TopologyView.Command> {

  public sealed interface Command {}

  /** The last persisted observation of a server, from before this node started. */
  public record InstanceRestored(InstanceKey key, Instance instance, Instant observedAt,
      boolean reachableThen) implements Command {}

  /**
   * The server's journal remembers nothing (a new server), or could not be read: its prober's
   * first probes are compared with nothing (history).
   */
  public record NothingRestored(InstanceKey key) implements Command {}

  public record InstanceProbed(InstanceKey key, ProbeResult result, Instant at) implements Command {}

  /**
   * Shared probing: what another node's probes observed (never journaled here). An observation
   * older than what the view already has of the server is ignored.
   */
  public record ObservedElsewhere(String node, List<InstanceProbed> observations)
      implements Command {}

  public record InstanceForgotten(InstanceKey key) implements Command {}

  public record GetSnapshot(ActorRef<TopologySnapshot> replyTo) implements Command {}

  /** The latest analysis (recomputed when older than a moment). */
  public record GetAnalysis(ActorRef<AnalysisResult> replyTo) implements Command {}

  /**
   * The entry of one server whatever it says (NoProblem included), on the current picture: what
   * a manual or forced recovery starts from. Empty when the server is unknown.
   */
  public record GetEntry(topology.InstanceKey key,
      ActorRef<java.util.Optional<ReplicationAnalysis>> replyTo) implements Command {}

  public record UpdateRules(AliasRules aliasRules, AnalysisSettings analysisSettings)
      implements Command {}

  /** Downtime and maintenance changed (from ControlState). */
  public record ControlChanged(ControlState.Snapshot control) implements Command {}

  /**
   * A snapshot and what the analysis of it found, at one moment; {@code own}: which failures
   * this node's own probes saw (shared probing; without it, all of them).
   */
  public record AnalysisResult(TopologySnapshot snapshot, List<ReplicationAnalysis> analyses,
      Instant at, topology.DetectionQuorum.OwnProbes own) {

    public AnalysisResult(TopologySnapshot snapshot, List<ReplicationAnalysis> analyses,
        Instant at) {
      this(snapshot, analyses, at, topology.DetectionQuorum.OwnProbes.ALL);
    }

    /** Whether this node's own probes confirm the failure the picture shows for {@code key}. */
    public boolean confirms(InstanceKey key) {
      return own.confirms(key, snapshot);
    }
  }

  /** Analyse now: something material changed (coalesced: one pending at a time). */
  private enum Analyze implements Command { INSTANCE }

  /** Analyse every second even when nothing changed: time alone turns checks invalid. */
  private enum Tick implements Command { INSTANCE }

  /** The pause after the last assembly is over: answer the requests parked meanwhile. */
  private enum Unpark implements Command { INSTANCE }

  /**
   * After an assembly or analysis that took t, the next one (on a material change or a request
   * that needs a fresh picture) waits until GAP_RATIO x t has passed: with a fleet of thousands
   * of servers changing all at once (first discovery, a flood of discover calls), this bounds
   * the view's share of a core to 1 / (1 + GAP_RATIO) and lets one assembly answer many
   * requests, instead of one assembly per probe result or per request (quadratic). With a small
   * fleet t is a millisecond or less and nothing waits noticeably; the once-a-second analysis is
   * never delayed.
   */
  static final int GAP_RATIO = 3;

  /** Snapshots are reused for this long when nothing changed (liveness ages meanwhile). */
  private static final Duration SNAPSHOT_REUSE = Duration.ofMillis(250);

  private static final Duration ANALYSIS_PERIOD = Duration.ofSeconds(1);

  private final Clock clock;
  private final String nodeName;
  private final ActorRef<FailureDetector.Command> detector;
  private final Map<InstanceKey, ObservedInstance> observed = new HashMap<>();
  /** When each server's own binlog coordinates last moved (LockedSemiSyncMaster needs it). */
  private final Map<InstanceKey, BinlogMark> binlogMarks = new HashMap<>();
  private Set<String> previousClusterNames = Set.of();
  private AliasRules aliasRules;
  private AnalysisSettings analysisSettings;
  private ControlState.Snapshot control = ControlState.Snapshot.EMPTY;
  private TopologySnapshot cached = TopologySnapshot.EMPTY;
  private AnalysisResult lastAnalysis;
  private boolean dirty = true;
  private boolean analysisPending;
  /** Shared probing: when this node's own latest probe of a server failed (none: it did not). */
  private final Map<InstanceKey, Instant> ownFailedAt = new HashMap<>();
  /** Another node's observation entered the picture (shared probing is on somewhere). */
  private boolean shared;

  private record BinlogMark(BinlogCoordinates coordinates, Instant since) {}

  public static Behavior<Command> create(AliasRules aliasRules, AnalysisSettings analysisSettings,
      String nodeName, Clock clock, ActorRef<FailureDetector.Command> detector,
      ActorRef<ControlState.Command> control) {
    return create(aliasRules, analysisSettings, nodeName, clock, detector, control,
        telemetry.FleetMetrics.unreported());
  }

  /** {@code fleet}: where the fleet's summary is published on every one-second tick. */
  public static Behavior<Command> create(AliasRules aliasRules, AnalysisSettings analysisSettings,
      String nodeName, Clock clock, ActorRef<FailureDetector.Command> detector,
      ActorRef<ControlState.Command> control, telemetry.FleetMetrics fleet) {
    return create(aliasRules, analysisSettings, nodeName, clock, detector, control, fleet,
        changes -> { });
  }

  /**
   * {@code history}: told the topology history's entries as they happen (topology.ChangeDetector
   * on every probe and downtime change; told only when something changed).
   */
  public static Behavior<Command> create(AliasRules aliasRules, AnalysisSettings analysisSettings,
      String nodeName, Clock clock, ActorRef<FailureDetector.Command> detector,
      ActorRef<ControlState.Command> control, telemetry.FleetMetrics fleet,
      Consumer<List<TopologyChange>> history) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, ANALYSIS_PERIOD);
      control.tell(new ControlState.Subscribe(
          ctx.messageAdapter(ControlState.Snapshot.class, ControlChanged::new)));
      return new TopologyView(ctx, timers, aliasRules, analysisSettings, nodeName, clock, detector,
          fleet, history);
    }));
  }

  private final telemetry.FleetMetrics fleet;
  private final Consumer<List<TopologyChange>> history;
  /**
   * The topology history's last state of every server whose journal answered; a restored server
   * starts from its persisted facts, so a restart records only what changed meanwhile.
   */
  private final Map<InstanceKey, ServerState> historyStates = new HashMap<>();
  /**
   * Servers probed before their journal answered (probing does not wait for it): their latest
   * state and first probe's time, compared with the journal's answer when it comes.
   */
  private final Map<InstanceKey, Unsettled> unsettled = new HashMap<>();

  private record Unsettled(ServerState state, Instant since) {}
  /** The first control state after start is the starting point, not a change. */
  private boolean controlSeen;

  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;
  /** System.nanoTime() before which no assembly or analysis starts unless it must (GAP_RATIO). */
  private long quietUntil = System.nanoTime();
  /** Requests that needed a fresh picture while the view was quiet; answered on Unpark. */
  private final List<Command> parked = new ArrayList<>();
  private boolean unparking;

  private TopologyView(ActorContext<Command> ctx,
      org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers, AliasRules aliasRules,
      AnalysisSettings analysisSettings, String nodeName, Clock clock,
      ActorRef<FailureDetector.Command> detector, telemetry.FleetMetrics fleet,
      Consumer<List<TopologyChange>> history) {
    super(ctx);
    this.timers = timers;
    this.fleet = fleet;
    this.history = history;
    this.aliasRules = aliasRules;
    this.analysisSettings = analysisSettings;
    this.nodeName = nodeName;
    this.clock = clock;
    this.detector = detector;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(InstanceRestored.class, this::onRestored)
        .onMessage(NothingRestored.class, m -> {
          settle(m.key(), ServerState.neverReached(""));
          return this;
        })
        .onMessage(InstanceProbed.class, this::onProbed)
        .onMessage(ObservedElsewhere.class, this::onObservedElsewhere)
        .onMessage(InstanceForgotten.class, this::onForgotten)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .onMessage(GetAnalysis.class, this::onGetAnalysis)
        .onMessage(GetEntry.class, this::onGetEntry)
        .onMessage(UpdateRules.class, this::onUpdateRules)
        .onMessage(ControlChanged.class, this::onControlChanged)
        .onMessage(Analyze.class, m -> onAnalyze())
        .onMessage(Tick.class, m -> onTick())
        .onMessage(Unpark.class, m -> onUnpark())
        .build();
  }

  private Behavior<Command> onRestored(InstanceRestored m) {
    settle(m.key(), ServerState.restored(m.instance(), m.reachableThen()));
    ObservedInstance current = observed.get(m.key());
    if (current != null && current.instance() != null) {
      return this; // a fresh probe already reached it
    }
    Liveness liveness = current == null ? Liveness.restored(m.observedAt())
        : current.liveness().lastSeen() == null
            ? new Liveness(current.liveness().lastAttempt(), m.observedAt(),
                current.liveness().lastFailure(), current.liveness().partial(),
                current.liveness().lastLatency(), current.liveness().consecutiveFailures())
            : current.liveness();
    observed.put(m.key(), new ObservedInstance(m.key(), m.instance(), liveness));
    changed(true);
    return this;
  }

  private Behavior<Command> onProbed(InstanceProbed m) {
    if (m.result() instanceof ProbeResult.Failed) {
      ownFailedAt.put(m.key(), m.at());
    } else {
      ownFailedAt.remove(m.key());
    }
    return observe(m);
  }

  private Behavior<Command> onObservedElsewhere(ObservedElsewhere m) {
    shared = true;
    for (InstanceProbed p : m.observations()) {
      ObservedInstance current = observed.get(p.key());
      Instant last = current == null ? null : current.liveness().lastAttempt();
      if (last == null || p.at().isAfter(last)) {
        observe(p);
      }
    }
    return this;
  }

  private Behavior<Command> observe(InstanceProbed m) {
    ObservedInstance current = observed.get(m.key());
    Liveness before = current == null ? Liveness.never() : current.liveness();
    boolean wasUp = before.lastAttemptSucceeded();
    ObservedInstance next;
    boolean material;
    if (m.result() instanceof ProbeResult.Reached r) {
      next = new ObservedInstance(m.key(), r.instance(), before.afterSuccess(m.at(), r.latency()));
      material = !wasUp || current == null || !r.instance().sameFactsAs(current.instance());
      markBinlog(r.instance(), m.at());
    } else {
      ProbeResult.Failed f = (ProbeResult.Failed) m.result();
      next = new ObservedInstance(m.key(), current == null ? null : current.instance(),
          before.afterFailure(m.at(), f.failure(), f.partial(), f.latency()));
      material = wasUp || current == null;
    }
    observed.put(m.key(), next);
    recordHistory(m);
    changed(material);
    return this;
  }

  /** Compares the probed server with its last history state; tells only what changed. */
  private void recordHistory(InstanceProbed m) {
    ServerState before = historyStates.get(m.key());
    if (before == null) {
      // the journal has not answered yet: what this probe saw waits for its answer
      Unsettled u = unsettled.get(m.key());
      unsettled.put(m.key(), new Unsettled(historyState(m, u == null ? null : u.state()),
          u == null ? m.at() : u.since()));
      return;
    }
    ServerState after = historyState(m, before);
    if (after.equals(before)) {
      return; // the steady state: nothing to compare
    }
    historyStates.put(m.key(), after);
    List<TopologyChange.Change> changes = ChangeDetector.changes(before, after);
    if (!changes.isEmpty()) {
      tellHistory(m.key(), after.master(), m.at(), changes);
    }
  }

  private ServerState historyState(InstanceProbed m, ServerState previous) {
    if (m.result() instanceof ProbeResult.Reached r) {
      return ServerState.reached(r.instance(), previous,
          analysisSettings.thresholds().reasonableReplicationLagSeconds());
    }
    String why = ((ProbeResult.Failed) m.result()).failure().message();
    return previous == null ? ServerState.neverReached(why) : previous.unreachable(why);
  }

  /**
   * The journal answered ({@code baseline}: what it remembers, or never reached): from now on
   * probes are compared with it; what probes saw meanwhile is compared with it now.
   */
  private void settle(InstanceKey key, ServerState baseline) {
    if (historyStates.containsKey(key)) {
      return;
    }
    Unsettled u = unsettled.remove(key);
    if (u == null) {
      historyStates.put(key, baseline);
      return;
    }
    historyStates.put(key, u.state());
    List<TopologyChange.Change> changes = ChangeDetector.changes(baseline, u.state());
    if (!changes.isEmpty()) {
      tellHistory(key, u.state().master(), u.since(), changes);
    }
  }

  private void tellHistory(InstanceKey key, InstanceKey master, Instant at,
      List<TopologyChange.Change> changes) {
    // the cluster as the last picture placed the server (or its master, for a new server)
    java.util.Optional<topology.InstanceView> v = cached.instance(key);
    if (v.isEmpty() && master.isValid()) {
      v = cached.instance(master);
    }
    String cluster = v.map(topology.InstanceView::clusterName).orElse(key.displayString());
    topology.ReplicationCluster c = cached.clusters().get(cluster);
    String alias = c == null ? "" : c.alias();
    List<TopologyChange> out = new ArrayList<>(changes.size());
    for (TopologyChange.Change change : changes) {
      out.add(TopologyChange.of(at, key, cluster, alias, change));
    }
    history.accept(out);
  }

  private void markBinlog(Instance i, Instant at) {
    BinlogMark mark = binlogMarks.get(i.key());
    if (mark == null || !mark.coordinates().equals(i.selfCoordinates())) {
      binlogMarks.put(i.key(), new BinlogMark(i.selfCoordinates(), at));
    }
  }

  /** Something changed; a material change (reachability, facts) is analysed at once. */
  private void changed(boolean material) {
    dirty = true;
    if (material && !analysisPending) {
      analysisPending = true;
      getContext().getSelf().tell(Analyze.INSTANCE); // after the probes already in the mailbox
    }
  }

  private Behavior<Command> onForgotten(InstanceForgotten m) {
    unsettled.remove(m.key());
    ServerState last = historyStates.remove(m.key());
    if (last != null && last.known()) {
      tellHistory(m.key(), last.master(), clock.instant(), List.of(ChangeDetector.forgotten()));
    }
    binlogMarks.remove(m.key());
    ownFailedAt.remove(m.key());
    if (observed.remove(m.key()) != null) {
      changed(true);
    }
    return this;
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot m) {
    if (snapshotStale() && park(m)) {
      return this;
    }
    m.replyTo().tell(snapshot());
    return this;
  }

  private Behavior<Command> onGetAnalysis(GetAnalysis m) {
    Instant now = clock.instant();
    if (lastAnalysis == null || dirty
        || Duration.between(lastAnalysis.at(), now).compareTo(SNAPSHOT_REUSE) >= 0) {
      if (park(m)) {
        return this;
      }
      analyze();
    }
    m.replyTo().tell(lastAnalysis);
    return this;
  }

  /**
   * Parks a request that needs a fresh assembly while the view is quiet (GAP_RATIO); true when
   * parked. The first request parked sets the timer that answers them all.
   */
  private boolean park(Command request) {
    long wait = quietUntil - System.nanoTime();
    if (wait <= 0 || unparking) {
      return false;
    }
    if (parked.isEmpty()) {
      timers.startSingleTimer(Unpark.INSTANCE, Duration.ofNanos(wait));
    }
    parked.add(request);
    return true;
  }

  private Behavior<Command> onUnpark() {
    // the parked requests waited long enough: the first builds, the others share its result
    List<Command> requests = List.copyOf(parked);
    parked.clear();
    unparking = true;
    for (Command c : requests) {
      if (c instanceof GetSnapshot g) {
        onGetSnapshot(g);
      } else if (c instanceof GetAnalysis g) {
        onGetAnalysis(g);
      } else if (c instanceof GetEntry g) {
        onGetEntry(g);
      }
    }
    unparking = false;
    return this;
  }

  private Behavior<Command> onGetEntry(GetEntry m) {
    if (snapshotStale() && park(m)) {
      return this;
    }
    TopologySnapshot s = snapshot();
    m.replyTo().tell(Analyzer.entry(s, context(s), m.key()));
    return this;
  }

  private AnalysisContext context(TopologySnapshot s) {
    Map<InstanceKey, Instant> unchangedSince = new HashMap<>();
    binlogMarks.forEach((k, mark) -> unchangedSince.put(k, mark.since()));
    return new AnalysisContext(control.downtimes(), unchangedSince, analysisSettings, s.builtAt(),
        nodeName, nodeName);
  }

  private Behavior<Command> onUpdateRules(UpdateRules m) {
    aliasRules = m.aliasRules();
    analysisSettings = m.analysisSettings();
    changed(true);
    return this;
  }

  private Behavior<Command> onControlChanged(ControlChanged m) {
    if (controlSeen) {
      for (ChangeDetector.KeyedChange k : ChangeDetector.downtimes(control.downtimes(),
          m.control().downtimes(), clock.instant())) {
        tellHistory(k.key(), InstanceKey.NONE, k.at(), List.of(k.change()));
      }
    }
    controlSeen = true;
    control = m.control();
    changed(true);
    return this;
  }

  /** Every second: the fleet's summary for the metrics (one pass), then the analysis. */
  private Behavior<Command> onTick() {
    fleet.update(telemetry.FleetMetrics.Summary.of(observed.values(), clock.instant()));
    return analyzeNow();
  }

  /** A material change: analysed now, or when the view's quiet time is over (GAP_RATIO). */
  private Behavior<Command> onAnalyze() {
    long wait = quietUntil - System.nanoTime();
    if (wait > 0) {
      timers.startSingleTimer(Analyze.INSTANCE, Analyze.INSTANCE, Duration.ofNanos(wait));
      return this;
    }
    return analyzeNow();
  }

  private Behavior<Command> analyzeNow() {
    timers.cancel(Analyze.INSTANCE);
    analysisPending = false;
    analyze();
    detector.tell(new FailureDetector.Analyzed(lastAnalysis));
    return this;
  }

  private void analyze() {
    TopologySnapshot s = snapshot();
    AnalysisContext context = context(s);
    long start = System.nanoTime();
    try {
      lastAnalysis = new AnalysisResult(s, Analyzer.analyze(s, context), s.builtAt(), own());
    } catch (RuntimeException e) {
      // a bug in one rule must not take the picture down with it: keep serving the snapshot
      getContext().getLog().error("replication analysis failed", e);
      lastAnalysis = new AnalysisResult(s, List.of(), s.builtAt(), own());
    }
    fleet.analyzed(quiet(start));
  }

  /**
   * Work that started at {@code start} just ended: quiet for GAP_RATIO times as long. Returns
   * how long it took.
   */
  private long quiet(long start) {
    long end = System.nanoTime();
    quietUntil = Math.max(quietUntil, end + GAP_RATIO * (end - start));
    return end - start;
  }

  private boolean snapshotStale() {
    Instant now = clock.instant();
    return dirty || Duration.between(cached.builtAt(), now).compareTo(SNAPSHOT_REUSE) >= 0
        || now.isBefore(cached.builtAt());
  }

  private topology.DetectionQuorum.OwnProbes own() {
    return shared ? new topology.DetectionQuorum.OwnProbes(true, ownFailedAt)
        : topology.DetectionQuorum.OwnProbes.ALL;
  }

  private TopologySnapshot snapshot() {
    Instant now = clock.instant();
    if (snapshotStale()) {
      long start = System.nanoTime();
      AliasRules rules = control.clusterAliases().isEmpty() ? aliasRules
          : new AliasRules(aliasRules.clusterNameToAlias(), control.clusterAliases());
      cached = TopologyAssembler.assemble(observed.values(), previousClusterNames, rules,
          analysisSettings.thresholds(), control.downtimes(), control.activeCandidates(now), now);
      previousClusterNames = Set.copyOf(cached.clusters().keySet());
      dirty = false;
      fleet.assembled(quiet(start));
    }
    return cached;
  }
}
