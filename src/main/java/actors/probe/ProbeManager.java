package actors.probe;

import actors.topology.TopologyView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import orcha.CborSerializable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * Keeps the set of servers this node probes (persisted, so a restarted node probes them again)
 * and one {@link InstanceProber} per server. Servers enter by discover, by being a seed, or by
 * being reported as a master or replica of a probed server (crawling); they leave by forget.
 *
 * <p>Shared probing (orcha.discovery.shared-probing): every node still keeps a prober for every
 * known server, but only the servers assigned to this node ({@link ProbeAssignments}) poll; the
 * others are passive (emergent probes only). Its children {@link LiveNodes} and
 * {@link ObservationSharer} tell it the live nodes and the other nodes' observations; servers
 * another node observed join this node's probe set, so every node assigns the same set.
 */
public final class ProbeManager
    extends EventSourcedBehavior<ProbeManager.Command, ProbeManager.Event, ProbeManager.State> {

  public sealed interface Command {}

  /** Adds a server to the probe set (no-op when known). */
  public record Discover(InstanceKey key, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Adds a server to the probe set and probes it now; replies with that probe's result. */
  public record DiscoverAndProbe(InstanceKey key, ActorRef<ProbeResult> replyTo) implements Command {}

  /** Probes a known server now (emergent probe); an unknown server gets a failed result. */
  public record ProbeNow(InstanceKey key, ActorRef<ProbeResult> replyTo) implements Command {}

  /**
   * Probes a known server as soon as possible, nobody waiting for the result: the connection to
   * it dropped, or detection wants fresh evidence (an "emergent" probe). Unknown servers are
   * ignored.
   */
  public record ProbeSoon(InstanceKey key, String reason) implements Command {}

  /** A prober saw masters or replicas it had not reported before. */
  public record NeighborsSeen(InstanceKey reporter, Set<InstanceKey> keys) implements Command {}

  public record Forget(InstanceKey key, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record UpdateSchedule(ProbeSchedule schedule) implements Command {}

  public record ListKeys(ActorRef<Set<InstanceKey>> replyTo) implements Command {}

  /**
   * Follows the leader's discover/forget intents from the (replicated) control state: every
   * node probes what was discovered through any node, and stops probing what was forgotten.
   */
  public record FollowIntents(actors.control.ControlState.Snapshot control) implements Command {}

  /** Shared probing: the live nodes ("host:port", this one included) changed. */
  public record LiveNodes(Set<String> nodes) implements Command {}

  /**
   * Shared probing: what another node's probes observed. Goes to the view; servers this node
   * did not know join the probe set (unless the control state says they were forgotten).
   */
  public record ObservedElsewhere(String node, List<ProbeObservation> observations)
      implements Command {}

  /** A prober stopped (forgotten, or failed); respawned when its server is still in the set. */
  private record ProberStopped(InstanceKey key, ActorRef<InstanceProber.Command> ref)
      implements Command {}

  public sealed interface Event extends CborSerializable {}

  /** Servers entered the probe set; {@code via} says how (discover, seed, the reporter's key). */
  public record InstancesAdded(List<InstanceKey> keys, String via) implements Event {}

  public record InstanceRemoved(InstanceKey key) implements Event {}

  /**
   * The probe set. Mutable inside, on purpose: it was copied on every event (a sorted copy of
   * 10,000 keys per discovered cluster made a fleet's first discovery quadratic). It never
   * leaves the actor: replies get a copy, and snapshots a copy taken in the actor
   * ({@link #snapshotAdapter()}), before the snapshot store serialises it on another thread.
   */
  public record State(Set<InstanceKey> keys) implements CborSerializable {
    public State {
      keys = new java.util.HashSet<>(keys);
    }

    State plus(List<InstanceKey> added) {
      keys.addAll(added);
      return this;
    }

    State minus(InstanceKey k) {
      keys.remove(k);
      return this;
    }

    State copy() {
      return new State(keys);
    }
  }

  @Override
  public org.apache.pekko.persistence.typed.SnapshotAdapter<State> snapshotAdapter() {
    return new org.apache.pekko.persistence.typed.SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.copy();
      }

      @Override
      public State fromJournal(Object from) {
        return (State) from;
      }
    };
  }

  private final ActorContext<Command> ctx;
  private final ProbeClient client;
  private final Clock clock;
  private final ActorRef<TopologyView.Command> view;
  private ProbeSchedule schedule; // replaced by UpdateSchedule; handed to new probers
  // live probers; not state: rebuilt from the persisted keys on recovery
  private final java.util.Map<InstanceKey, ActorRef<InstanceProber.Command>> probers =
      new java.util.HashMap<>();
  private long spawned;
  // the intents already acted on (working memory; after a restart each is followed once more)
  private final java.util.Map<InstanceKey, java.time.Instant> intentsApplied =
      new java.util.HashMap<>();

  public static Behavior<Command> create(ProbeClient client, ProbeSchedule schedule, Clock clock,
      ActorRef<TopologyView.Command> view) {
    return create(client, schedule, clock, view, null);
  }

  /** With {@code control}: follows the discover/forget intents of the control state. */
  public static Behavior<Command> create(ProbeClient client, ProbeSchedule schedule, Clock clock,
      ActorRef<TopologyView.Command> view, ActorRef<actors.control.ControlState.Command> control) {
    return create(client, schedule, clock, view, control,
        telemetry.ActorMetrics.Family.uncounted());
  }

  /** With {@code probers}: where the live probers are counted (the node's metrics). */
  public static Behavior<Command> create(ProbeClient client, ProbeSchedule schedule, Clock clock,
      ActorRef<TopologyView.Command> view, ActorRef<actors.control.ControlState.Command> control,
      telemetry.ActorMetrics.Family probers) {
    return create(client, schedule, clock, view, control, probers, SharedProbingSettings.OFF,
        n -> { });
  }

  /**
   * With {@code sharing}: shared probing as configured; {@code assigned} is told how many
   * servers this node probes regularly (orcha_probes_assigned).
   */
  public static Behavior<Command> create(ProbeClient client, ProbeSchedule schedule, Clock clock,
      ActorRef<TopologyView.Command> view, ActorRef<actors.control.ControlState.Command> control,
      telemetry.ActorMetrics.Family probers, SharedProbingSettings sharing,
      java.util.function.IntConsumer assigned) {
    return Behaviors.setup(ctx -> {
      ctx.setLoggerName(ProbeManager.class);
      if (control != null) {
        control.tell(new actors.control.ControlState.Subscribe(ctx.messageAdapter(
            actors.control.ControlState.Snapshot.class, FollowIntents::new)));
      }
      boolean clustered = ctx.getSystem().settings().classicSettings().ProviderClass()
          .contains("Cluster");
      String self = clustered ? actors.cluster.NodeAddress.self(ctx.getSystem()) : "self";
      ProbeManager m = new ProbeManager(ctx, client, schedule, clock, view, probers,
          new ProbeAssignments(sharing, self, assigned));
      if (sharing.enabled()) {
        m.sharer = ctx.spawn(ObservationSharer.create(sharing, self, ctx.getSelf()),
            "observation-sharer");
        if (clustered) { // not clustered: the only node, it probes everything
          ctx.spawn(actors.probe.LiveNodes.create(ctx.getSelf()), "live-nodes");
        }
      }
      return m;
    });
  }

  private final telemetry.ActorMetrics.Family family;
  private final ProbeAssignments assignments;
  private ActorRef<ObservationSharer.Command> sharer; // null: shared probing off
  /** The control state's latest discover/forget intents (peers' observations are checked). */
  private java.util.Map<InstanceKey, actors.control.ControlState.ProbeIntent> intents =
      java.util.Map.of();

  private ProbeManager(ActorContext<Command> ctx, ProbeClient client, ProbeSchedule schedule,
      Clock clock, ActorRef<TopologyView.Command> view, telemetry.ActorMetrics.Family family,
      ProbeAssignments assignments) {
    super(PersistenceId.ofUniqueId("probe-set"), SupervisorStrategy.restartWithBackoff(
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2));
    this.ctx = ctx;
    this.client = client;
    this.schedule = schedule;
    this.clock = clock;
    this.view = view;
    this.family = family;
    this.assignments = assignments;
  }

  @Override
  public State emptyState() {
    return new State(Set.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          ctx.getLog().info("probing {} known servers", state.keys().size());
          state.keys().forEach(k -> prober(k, false));
        })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Discover.class, this::onDiscover)
        .onCommand(DiscoverAndProbe.class, this::onDiscoverAndProbe)
        .onCommand(ProbeNow.class, this::onProbeNow)
        .onCommand(ProbeSoon.class, this::onProbeSoon)
        .onCommand(NeighborsSeen.class, this::onNeighborsSeen)
        .onCommand(Forget.class, this::onForget)
        .onCommand(UpdateSchedule.class, this::onUpdateSchedule)
        .onCommand(ProberStopped.class, this::onProberStopped)
        .onCommand(ListKeys.class, (s, c) -> Effect().none().thenRun(st -> c.replyTo().tell(Set.copyOf(st.keys()))))
        .onCommand(FollowIntents.class, this::onFollowIntents)
        .onCommand(LiveNodes.class, this::onLiveNodes)
        .onCommand(ObservedElsewhere.class, this::onObservedElsewhere)
        .build();
  }

  private Effect<Event, State> onFollowIntents(State s, FollowIntents c) {
    intents = c.control().probeIntents();
    c.control().probeIntents().forEach((key, intent) -> {
      java.time.Instant applied = intentsApplied.get(key);
      if (applied != null && !intent.at().isAfter(applied)) {
        return;
      }
      intentsApplied.put(key, intent.at());
      if (intent.probe() && !s.keys().contains(key)) {
        ctx.getSelf().tell(new Discover(key, ctx.getSystem().ignoreRef()));
      } else if (!intent.probe() && s.keys().contains(key)) {
        ctx.getSelf().tell(new Forget(key, ctx.getSystem().ignoreRef()));
      }
    });
    return Effect().none();
  }

  private Effect<Event, State> add(State state, List<InstanceKey> keys, String via,
      java.util.function.Consumer<State> then) {
    return add(state, keys, via, true, then);
  }

  /** {@code probeFirst}: new passive probers probe once (this node found the servers). */
  private Effect<Event, State> add(State state, List<InstanceKey> keys, String via,
      boolean probeFirst, java.util.function.Consumer<State> then) {
    List<InstanceKey> fresh = new ArrayList<>();
    for (InstanceKey k : keys) {
      if (!state.keys().contains(k) && !fresh.contains(k)) {
        fresh.add(k);
      }
    }
    if (fresh.isEmpty()) {
      return Effect().none().thenRun(then::accept);
    }
    return Effect().persist(new InstancesAdded(List.copyOf(fresh), via)).thenRun(s -> {
      fresh.forEach(k -> prober(k, probeFirst));
      then.accept(s);
    });
  }

  private Effect<Event, State> onDiscover(State state, Discover c) {
    return add(state, List.of(c.key()), "discover", s -> c.replyTo().tell(StatusReply.ack()));
  }

  private Effect<Event, State> onDiscoverAndProbe(State state, DiscoverAndProbe c) {
    return add(state, List.of(c.key()), "discover",
        s -> prober(c.key()).tell(new InstanceProber.ProbeNow(c.replyTo())));
  }

  private Effect<Event, State> onProbeNow(State state, ProbeNow c) {
    if (!state.keys().contains(c.key())) {
      return Effect().none().thenRun(s -> c.replyTo().tell(new ProbeResult.Failed(c.key(),
          new topology.ProbeFailure(topology.ProbeFailure.Reason.OTHER,
              c.key() + " is not being probed"), false, java.time.Duration.ZERO)));
    }
    return Effect().none().thenRun(s -> prober(c.key()).tell(new InstanceProber.ProbeNow(c.replyTo())));
  }

  private Effect<Event, State> onProbeSoon(State state, ProbeSoon c) {
    if (!state.keys().contains(c.key())) {
      return Effect().none();
    }
    return Effect().none().thenRun(s -> {
      ctx.getLog().debug("probing {} now: {}", c.key(), c.reason());
      prober(c.key()).tell(new InstanceProber.ProbeNow(ctx.getSystem().ignoreRef()));
    });
  }

  private Effect<Event, State> onNeighborsSeen(State state, NeighborsSeen c) {
    List<InstanceKey> sorted = c.keys().stream().filter(InstanceKey::isValid).sorted().toList();
    return add(state, sorted, c.reporter().displayString(), s -> {});
  }

  private Effect<Event, State> onForget(State state, Forget c) {
    if (!state.keys().contains(c.key())) {
      return Effect().none().thenRun(s -> {
        view.tell(new TopologyView.InstanceForgotten(c.key()));
        c.replyTo().tell(StatusReply.ack());
      });
    }
    return Effect().persist(new InstanceRemoved(c.key())).thenRun(s -> {
      assignments.remove(c.key());
      ActorRef<InstanceProber.Command> p = probers.remove(c.key());
      if (p != null) {
        p.tell(new InstanceProber.Forget(c.replyTo()));
      } else {
        c.replyTo().tell(StatusReply.ack());
      }
    });
  }

  private Effect<Event, State> onProberStopped(State state, ProberStopped c) {
    return Effect().none().thenRun(s -> {
      probers.remove(c.key(), c.ref());
      if (s.keys().contains(c.key())) {
        prober(c.key(), false);
      }
    });
  }

  private Effect<Event, State> onUpdateSchedule(State state, UpdateSchedule c) {
    schedule = c.schedule();
    return Effect().none().thenRun(s -> probers.values().forEach(p ->
        p.tell(new InstanceProber.UpdateSchedule(c.schedule()))));
  }

  private Effect<Event, State> onLiveNodes(State state, LiveNodes c) {
    return Effect().none().thenRun(s -> {
      java.util.Map<InstanceKey, Boolean> changed = assignments.liveNodes(c.nodes(), s.keys());
      ctx.getLog().info("live nodes {}: {} servers change hands here", c.nodes(), changed.size());
      // newly regular probers probe at once: the node that probed them may be gone
      changed.forEach((k, regular) -> prober(k, false).tell(new InstanceProber.Assign(regular)));
    });
  }

  private Effect<Event, State> onObservedElsewhere(State state, ObservedElsewhere c) {
    List<InstanceKey> unknown = new ArrayList<>();
    List<TopologyView.InstanceProbed> known = new ArrayList<>(c.observations().size());
    for (ProbeObservation o : c.observations()) {
      var intent = intents.get(o.key());
      boolean isKnown = state.keys().contains(o.key());
      if (!isKnown && o.key().isValid() && (intent == null || intent.probe())) {
        unknown.add(o.key());
        isKnown = true;
      }
      if (isKnown) {
        known.add(new TopologyView.InstanceProbed(o.key(), o.result(), o.at()));
      }
    }
    return add(state, unknown, "observed by " + c.node(), false, s ->
        view.tell(new TopologyView.ObservedElsewhere(c.node(), List.copyOf(known))));
  }

  /** The prober of {@code key}, spawned when missing. */
  private ActorRef<InstanceProber.Command> prober(InstanceKey key) {
    return prober(key, false);
  }

  /** {@code probeFirst}: a new passive prober probes once all the same. */
  private ActorRef<InstanceProber.Command> prober(InstanceKey key, boolean probeFirst) {
    return probers.computeIfAbsent(key, k -> {
      String name = "prober-" + URLEncoder.encode(k.displayString(), StandardCharsets.UTF_8)
          + "-" + (++spawned);
      assignments.admit(k);
      ActorRef<InstanceProber.Command> ref = ctx.spawn(family.counted(Behaviors.supervise(
              InstanceProber.create(k, client, schedule, clock, view, ctx.getSelf(),
                  () -> assignments.regular(k), probeFirst, sharer))
          .onFailure(SupervisorStrategy.restartWithBackoff(
              java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2))), name);
      ctx.watchWith(ref, new ProberStopped(k, ref));
      return ref;
    });
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(InstancesAdded.class, (s, e) -> s.plus(e.keys()))
        .onEvent(InstanceRemoved.class, (s, e) -> s.minus(e.key()))
        .build();
  }
}
