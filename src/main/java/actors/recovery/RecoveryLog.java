package actors.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import topology.InstanceKey;
import topology.ReplicationAnalysis;

/**
 * The record of recoveries: each registered BEFORE it acts (registration refuses while another
 * recovery of the same cluster has not completed — one at a time, held until it completes),
 * every step with its time (the per-phase timeline), and its resolution. A recovery found
 * unresolved when this log starts was interrupted by a crash: it is resolved as interrupted and
 * keeps its cluster blocked (never run twice for one failure; an operator acknowledges). Also
 * the skips of automated recovery with their reasons ("why was there no failover?").
 *
 * <p>Replicated like actors.control.ControlState: the leader writes and pushes. Registering,
 * resolving and acknowledging are answered only once a majority of the nodes (the leader
 * included) holds the change ({@link actors.cluster.MajorityWrite}); a registration in
 * particular, since the recovery acts only after that answer. When no majority acknowledges
 * within {@link actors.cluster.MajorityWrite#TIMEOUT}, the caller gets an error saying so; the
 * change stays persisted on the leader and reaches the others later — except a registration,
 * which is then refused ("not registered ... no further step taken"), resolved as refused and
 * acknowledged, so it blocks nothing.
 * Steps and skips nobody waits for are pushed without waiting. A single node, and a node that
 * leads no term, answer as soon as the change is persisted.
 */
public final class RecoveryLog extends EventSourcedBehaviorWithEnforcedReplies<
    RecoveryLog.Command, RecoveryLog.Event, RecoveryLog.State> {

  static final int KEEP = 1000;
  static final int KEEP_SKIPS = 200;

  public sealed interface Command extends CborSerializable {}

  /**
   * Registers a recovery; refused (error) while one of the cluster is unresolved.
   * {@code detectedAt}: when the analysis first showed the failure (the timeline's first step;
   * null for manual requests).
   */
  public record Register(Start start, Instant detectedAt, ActorRef<StatusReply<Recovery>> replyTo)
      implements Command {
    public Register(Start start, ActorRef<StatusReply<Recovery>> replyTo) {
      this(start, null, replyTo);
    }
  }

  public record AddStep(String uid, String phase, String message) implements Command {}

  public record Resolve(String uid, Resolution resolution, ActorRef<StatusReply<Recovery>> replyTo)
      implements Command {}

  /**
   * Acknowledges completed recoveries matching (all null: every one). {@code clusterName}
   * matches a recovery's cluster name or its alias: a failover renames the cluster, the alias
   * stays.
   */
  public record Acknowledge(String uid, Long id, InstanceKey failedKey, String clusterName,
      String by, String comment, ActorRef<StatusReply<Integer>> replyTo) implements Command {}

  public record RecordSkip(Skip skip) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  /**
   * This node became leader under {@code term}: take the newest log a majority holds, resolve
   * the recoveries its predecessor left running (interrupted: never run twice), and push every
   * change to the other nodes. See actors.control.ControlState.Lead for the versions.
   */
  public record Lead(long term, ActorRef<StatusReply<actors.control.ControlState.Version>> replyTo)
      implements Command {}

  public record Follow() implements Command {}

  /** The leader's log; see actors.control.ControlState.Replicate for {@code replyTo}. */
  public record Replicate(State state, ActorRef<actors.cluster.MajorityWrite.Ack> replyTo)
      implements Command {}

  public record GetReplica(ActorRef<Replica> replyTo) implements Command {}

  public record Replica(State state) implements CborSerializable {}

  private record PeersChanged(java.util.Set<ActorRef<Command>> peers) implements Command {}

  private record MajorityRead(long term, List<State> answers, int needed,
      ActorRef<StatusReply<actors.control.ControlState.Version>> replyTo) implements Command {}

  private enum Push implements Command { INSTANCE }

  /**
   * A write's majority answered (or could not): the writer hears it now. {@code registered}:
   * the uid of a registration, resolved as refused when no majority holds it.
   */
  private record Replicated(actors.cluster.MajorityWrite.Outcome outcome, String what,
      ActorRef<StatusReply<Object>> replyTo, Object value, String registered) implements Command {}

  public static final org.apache.pekko.actor.typed.receptionist.ServiceKey<Command> KEY =
      org.apache.pekko.actor.typed.receptionist.ServiceKey.create(Command.class, "orcha-recovery-log");

  /** What a recovery is about, when it registers. */
  public record Start(String uid, InstanceKey failedKey, String clusterName, String clusterAlias,
      String type, String analysisCode, String commandHint, boolean forced,
      ReplicationAnalysis analysis, String processingNode, long lastDetectionId)
      implements CborSerializable {}

  /**
   * How a recovery ended. {@code refused}: it ended before changing anything (no plan, a
   * pre-hook failed, the failure no longer held).
   */
  public record Resolution(boolean successful, InstanceKey successor, String successorAlias,
      String successorBinlogCoordinates, List<InstanceKey> lostReplicas,
      List<InstanceKey> participating, List<String> errors, String recoveryType, boolean refused)
      implements CborSerializable {
    public Resolution {
      lostReplicas = lostReplicas == null ? List.of() : List.copyOf(lostReplicas);
      participating = participating == null ? List.of() : List.copyOf(participating);
      errors = errors == null ? List.of() : List.copyOf(errors);
    }
  }

  public record Step(long id, Instant at, String phase, String message) implements CborSerializable {}

  /** A recovery: started, its steps, and (once ended) its resolution. */
  public record Recovery(long id, Start start, Instant startedAt, List<Step> steps,
      Resolution resolution, Instant endedAt, boolean acknowledged, String acknowledgedBy,
      Instant acknowledgedAt, String acknowledgedComment) implements CborSerializable {

    public Recovery {
      steps = List.copyOf(steps);
    }

    public boolean ended() {
      return endedAt != null;
    }

    /** Blocks its cluster: running, or ended less than {@code block} ago and not acknowledged. */
    public boolean activeAt(Instant now, Duration block) {
      if (!ended()) {
        return true;
      }
      return !acknowledged && now.isBefore(endedAt.plus(block));
    }

    Recovery withStep(Step s) {
      List<Step> l = new ArrayList<>(steps);
      l.add(s);
      return new Recovery(id, start, startedAt, l, resolution, endedAt, acknowledged,
          acknowledgedBy, acknowledgedAt, acknowledgedComment);
    }

    Recovery resolved(Resolution r, Instant at) {
      return new Recovery(id, start, startedAt, steps, r, at, acknowledged, acknowledgedBy,
          acknowledgedAt, acknowledgedComment);
    }

    Recovery acknowledged(String by, String comment, Instant at) {
      return new Recovery(id, start, startedAt, steps, resolution, endedAt, true, by, at, comment);
    }
  }

  /** Automated recovery decided not to act, and why. */
  public record Skip(Instant at, InstanceKey key, String clusterName, String analysisCode,
      String reason, String blockingUid) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record RecoveryRegistered(Recovery recovery) implements Event {}

  public record StepRecorded(String uid, Step step) implements Event {}

  public record RecoveryResolved(String uid, Resolution resolution, Instant at) implements Event {}

  public record RecoveriesAcknowledged(List<String> uids, String by, String comment, Instant at)
      implements Event {}

  public record SkipRecorded(Skip skip) implements Event {}

  /** The whole log taken from the leader (or made this term's by a new leader). */
  public record Replaced(State state) implements Event {}

  /** Oldest first. */
  public record State(List<Recovery> recoveries, long lastId, List<Skip> skips,
      actors.control.ControlState.Version version) implements CborSerializable {
    public State(List<Recovery> recoveries, long lastId, List<Skip> skips) {
      this(recoveries, lastId, skips, null);
    }

    public State {
      version = version == null ? actors.control.ControlState.Version.ZERO : version;
      recoveries = List.copyOf(recoveries);
      skips = skips == null ? List.of() : List.copyOf(skips);
    }

    public Optional<Recovery> byUid(String uid) {
      return recoveries.stream().filter(r -> r.start().uid().equals(uid)).findFirst();
    }

    public Optional<Recovery> runningOn(String cluster) {
      return recoveries.stream().filter(r -> !r.ended() && r.start().clusterName().equals(cluster))
          .findFirst();
    }

    State map(String uid, java.util.function.UnaryOperator<Recovery> f) {
      List<Recovery> l = new ArrayList<>(recoveries.size());
      for (Recovery r : recoveries) {
        l.add(r.start().uid().equals(uid) ? f.apply(r) : r);
      }
      return new State(l, lastId, skips, version);
    }
  }

  private final ActorContext<Command> ctx;
  private final Clock clock;
  private final String nodeName;

  // replication working memory (see ControlState): the other nodes' logs and the term led here
  // volatile: a majority write reads it while it waits (nodes listed late are asked too)
  private volatile java.util.Set<ActorRef<Command>> peers = java.util.Set.of();
  private long leadingTerm;

  static final Duration PUSH_EVERY = Duration.ofSeconds(2);

  public static Behavior<Command> create(Clock clock, String nodeName) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Push.INSTANCE, PUSH_EVERY);
      var receptionist = ctx.getSystem().receptionist();
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.register(KEY, ctx.getSelf()));
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(KEY,
          ctx.messageAdapter(org.apache.pekko.actor.typed.receptionist.Receptionist.Listing.class,
              l -> new PeersChanged(l.getServiceInstances(KEY)))));
      return new RecoveryLog(ctx, clock, nodeName);
    }));
  }

  private RecoveryLog(ActorContext<Command> ctx, Clock clock, String nodeName) {
    super(PersistenceId.ofUniqueId("recoveries"), SupervisorStrategy.restartWithBackoff(
        Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    this.ctx = ctx;
    this.clock = clock;
    this.nodeName = nodeName;
  }

  @Override
  public State emptyState() {
    return new State(List.of(), 0, List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  /**
   * A recovery found unresolved when this node takes over as leader was cut short (a crash, a
   * leader change): it is resolved as interrupted and keeps its cluster blocked until
   * acknowledged or the block period ends — never run twice.
   */
  private void resolveInterrupted(State state) {
    for (Recovery r : state.recoveries()) {
      if (!r.ended()) {
        ctx.getSelf().tell(new Resolve(r.start().uid(),
            new Resolution(false, InstanceKey.NONE, "", "", List.of(), List.of(),
                List.of("interrupted: orcha stopped (or the leader changed) while this recovery "
                    + "ran; check the topology and acknowledge it"), "", false),
            ctx.getSystem().ignoreRef()));
      }
    }
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(AddStep.class, this::onAddStep)
        .onCommand(Resolve.class, this::onResolve)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(RecordSkip.class, this::onRecordSkip)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(PeersChanged.class, (st, c) -> {
          peers = c.peers().stream().filter(p -> !p.equals(ctx.getSelf()))
              .collect(java.util.stream.Collectors.toUnmodifiableSet());
          return Effect().noReply();
        })
        .onCommand(Lead.class, this::onLead)
        .onCommand(MajorityRead.class, this::onMajorityRead)
        .onCommand(Follow.class, (st, c) -> {
          leadingTerm = 0;
          return Effect().noReply();
        })
        .onCommand(Replicate.class, this::onReplicate)
        .onCommand(Replicated.class, this::onReplicated)
        .onCommand(GetReplica.class, (st, c) -> Effect().reply(c.replyTo(), new Replica(st)))
        .onCommand(Push.class, (st, c) -> {
          push(st);
          return Effect().noReply();
        })
        .build();
  }

  private int majority() {
    return actors.cluster.Majority.of(ctx.getSystem());
  }


  private ReplyEffect<Event, State> onLead(State s, Lead c) {
    leadingTerm = 0;
    int needed = majority();
    ctx.pipeToSelf(actors.cluster.Peers.<Command, Replica>askAll(ctx.getSystem(), peers,
            GetReplica::new, Duration.ofSeconds(2), needed - 1)
            .thenApply(l -> l.stream().map(Replica::state).toList()),
        (answers, err) -> new MajorityRead(c.term(), answers == null ? List.of() : answers, needed,
            c.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onMajorityRead(State s, MajorityRead c) {
    var result = actors.cluster.Peers.newest("recovery log", s, c.answers(), c.needed(),
        c.term(), State::version);
    if (result.taken().isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(result.refusal()));
    }
    State newest = result.state();
    State taken = new State(newest.recoveries(), newest.lastId(), newest.skips(),
        new actors.control.ControlState.Version(c.term(), 0));
    return Effect().persist(new Replaced(taken))
        .thenRun(st -> {
          leadingTerm = c.term();
          resolveInterrupted(st);
          push(st);
        })
        .thenReply(c.replyTo(), st -> StatusReply.success(st.version()));
  }

  private ReplyEffect<Event, State> onReplicate(State s, Replicate c) {
    var v = c.state().version();
    if (leadingTerm > 0 && v.term() <= leadingTerm) {
      return ack(c, false, s.version());
    }
    if (v.compareTo(s.version()) <= 0) {
      return ack(c, s.version().term() == v.term(), s.version()); // held already: no regress
    }
    leadingTerm = 0;
    return Effect().persist(new Replaced(c.state()))
        .thenRun(st -> {
          if (c.replyTo() != null) {
            c.replyTo().tell(new actors.cluster.MajorityWrite.Ack(true, st.version()));
          }
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> ack(Replicate c, boolean accepted,
      actors.control.ControlState.Version held) {
    if (c.replyTo() != null) {
      c.replyTo().tell(new actors.cluster.MajorityWrite.Ack(accepted, held));
    }
    return Effect().noReply();
  }

  /** A leader sends its log to every other node (after changes, and every few seconds). */
  private void push(State s) {
    if (leadingTerm > 0) {
      Replicate r = new Replicate(s, null);
      peers.forEach(p -> p.tell(r));
    }
  }

  /**
   * Persists a caller's write and answers {@code value} once a majority holds it, or an error
   * naming {@code what} (see the class comment). {@code registered}: a registration's uid.
   */
  private <T> ReplyEffect<Event, State> persistAcknowledged(Event event, String what,
      ActorRef<StatusReply<T>> replyTo, java.util.function.Function<State, T> value,
      String registered) {
    return Effect().persist(event)
        .thenRun(st -> awaitMajority(st, what, replyTo, value.apply(st), registered))
        .thenNoReply();
  }

  @SuppressWarnings("unchecked")
  private <T> void awaitMajority(State st, String what, ActorRef<StatusReply<T>> replyTo, T value,
      String registered) {
    ActorRef<StatusReply<Object>> to = (ActorRef<StatusReply<Object>>) (ActorRef<?>) replyTo;
    int needed = majority();
    if (leadingTerm == 0 || needed <= 1) {
      to.tell(StatusReply.success(value));
      push(st);
      return;
    }
    ctx.pipeToSelf(actors.cluster.MajorityWrite.<Command>replicate(ctx.getSystem(), () -> peers,
            r -> new Replicate(st, r), st.version()),
        (outcome, err) -> new Replicated(outcome, what, to, value, registered));
  }

  private ReplyEffect<Event, State> onReplicated(State s, Replicated c) {
    if (c.outcome().reached()) {
      return Effect().reply(c.replyTo(), StatusReply.success(c.value()));
    }
    Optional<Recovery> r = c.registered() == null ? Optional.empty() : s.byUid(c.registered());
    if (r.isEmpty() || r.get().ended()) {
      String why = c.outcome().refusal(c.what());
      ctx.getLog().warn("{}", why);
      return Effect().reply(c.replyTo(), StatusReply.error(why));
    }
    String why = c.what() + " not registered: " + c.outcome().shortfall()
        + "; no further step taken";
    ctx.getLog().warn("{}", why);
    // the recovery will not act: it must neither look running nor block its cluster
    Instant now = clock.instant();
    Resolution refused = new Resolution(false, InstanceKey.NONE, "", "", List.of(), List.of(),
        List.of(why), r.get().start().type(), true);
    return Effect().persist(List.<Event>of(new RecoveryResolved(c.registered(), refused, now),
            new RecoveriesAcknowledged(List.of(c.registered()), nodeName,
                "registration not acknowledged by a majority; nothing was done", now)))
        .thenRun(this::push)
        .thenReply(c.replyTo(), st -> StatusReply.error(why));
  }

  private ReplyEffect<Event, State> onRegister(State s, Register c) {
    Optional<Recovery> running = s.runningOn(c.start().clusterName());
    if (running.isPresent()) {
      return Effect().reply(c.replyTo(), StatusReply.error("a recovery of cluster "
          + c.start().clusterName() + " is already running: " + running.get().start().uid()));
    }
    Instant now = clock.instant();
    List<Step> steps = new ArrayList<>();
    if (c.detectedAt() != null && !c.detectedAt().isAfter(now)) {
      steps.add(new Step(1, c.detectedAt(), "detected", c.start().analysisCode() + " on "
          + c.start().failedKey() + " seen in the analysis"));
    }
    steps.add(new Step(steps.size() + 1, now, "registered", "registered "
        + c.start().analysisCode() + " on " + c.start().failedKey() + " by " + nodeName));
    Recovery r = new Recovery(s.lastId() + 1, c.start(), now, steps, null, null, false, "", null,
        "");
    return persistAcknowledged(new RecoveryRegistered(r), "recovery "
        + c.start().uid() + " (" + c.start().analysisCode() + " on " + c.start().failedKey() + ")",
        c.replyTo(), st -> r, c.start().uid());
  }

  private ReplyEffect<Event, State> onAddStep(State s, AddStep c) {
    Optional<Recovery> r = s.byUid(c.uid());
    if (r.isEmpty()) {
      return Effect().noReply();
    }
    Step step = new Step(r.get().steps().size() + 1, clock.instant(), c.phase(), c.message());
    return Effect().persist(new StepRecorded(c.uid(), step)).thenRun(this::push).thenNoReply();
  }

  private ReplyEffect<Event, State> onResolve(State s, Resolve c) {
    Optional<Recovery> r = s.byUid(c.uid());
    if (r.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error("no recovery " + c.uid()));
    }
    if (r.get().ended()) {
      return Effect().reply(c.replyTo(), StatusReply.success(r.get()));
    }
    return persistAcknowledged(new RecoveryResolved(c.uid(), c.resolution(), clock.instant()),
        "resolution of recovery " + c.uid(), c.replyTo(), st -> st.byUid(c.uid()).orElseThrow(),
        null);
  }

  private ReplyEffect<Event, State> onAcknowledge(State s, Acknowledge c) {
    List<String> uids = s.recoveries().stream()
        .filter(r -> r.ended() && !r.acknowledged())
        .filter(r -> c.uid() == null || r.start().uid().equals(c.uid()))
        .filter(r -> c.id() == null || r.id() == c.id())
        .filter(r -> c.failedKey() == null || r.start().failedKey().equals(c.failedKey()))
        .filter(r -> c.clusterName() == null || r.start().clusterName().equals(c.clusterName())
            || (!r.start().clusterAlias().isEmpty() && r.start().clusterAlias().equals(c.clusterName())))
        .map(r -> r.start().uid()).toList();
    if (uids.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.success(0));
    }
    return persistAcknowledged(new RecoveriesAcknowledged(uids, c.by(), c.comment(),
        clock.instant()), "acknowledgement of " + uids.size() + " recovery(ies)", c.replyTo(),
        st -> uids.size(), null);
  }

  private ReplyEffect<Event, State> onRecordSkip(State s, RecordSkip c) {
    // the same skip again and again (every analysis tick) is recorded once
    Skip last = s.skips().stream().filter(k -> k.key().equals(c.skip().key())
        && k.analysisCode().equals(c.skip().analysisCode())).reduce((a, b) -> b).orElse(null);
    if (last != null && last.reason().equals(c.skip().reason())) {
      return Effect().noReply();
    }
    return Effect().persist(new SkipRecorded(c.skip())).thenRun(this::push).thenNoReply();
  }

  /** Every change is a new version of the log; a replaced log keeps the leader's version. */
  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandler<State, Event> changes = changes();
    return (s, e) -> {
      if (e instanceof Replaced r) {
        return r.state();
      }
      State n = changes.apply(s, e);
      var v = s.version();
      return new State(n.recoveries(), n.lastId(), n.skips(),
          new actors.control.ControlState.Version(v.term(), v.seq() + 1));
    };
  }

  private EventHandler<State, Event> changes() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(RecoveryRegistered.class, (s, e) -> {
          List<Recovery> l = new ArrayList<>(s.recoveries());
          l.add(e.recovery());
          while (l.size() > KEEP && l.get(0).ended()) {
            l.remove(0);
          }
          return new State(l, e.recovery().id(), s.skips(), s.version());
        })
        .onEvent(StepRecorded.class, (s, e) -> s.map(e.uid(), r -> r.withStep(e.step())))
        .onEvent(RecoveryResolved.class, (s, e) -> s.map(e.uid(), r -> r.resolved(e.resolution(), e.at())))
        .onEvent(RecoveriesAcknowledged.class, (s, e) -> {
          State out = s;
          for (String uid : e.uids()) {
            out = out.map(uid, r -> r.acknowledged(e.by(), e.comment(), e.at()));
          }
          return out;
        })
        .onEvent(SkipRecorded.class, (s, e) -> {
          List<Skip> l = new ArrayList<>(s.skips());
          l.add(e.skip());
          while (l.size() > KEEP_SKIPS) {
            l.remove(0);
          }
          return new State(s.recoveries(), s.lastId(), l, s.version());
        })
        .build();
  }
}
