package actors.probe;

import actors.topology.TopologyView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;

/**
 * Probes one server: every poll interval while it answers, with backoff while it does not,
 * never two probes at once (the next probe is scheduled only when the last one finished). Each
 * result goes to the node's {@link TopologyView} (in memory, every probe) and to the server's
 * {@link ProbedInstance} journal (which persists only changed facts); masters and replicas it
 * had not reported before go to the {@link ProbeManager}, so discovery crawls the topology.
 *
 * <p>With shared probing a prober is either regular (it polls, as above) or passive: it probes
 * only when asked (ProbeNow: emergent probes, discover, refresh) and otherwise leaves the server
 * to the node assigned to it. Either way each of its results is also told to the node's
 * {@link ObservationSharer}, which sends it to the other nodes.
 */
public final class InstanceProber {

  public sealed interface Command {}

  /** Probe now (or join the probe in flight) and reply with its result. */
  public record ProbeNow(ActorRef<ProbeResult> replyTo) implements Command {}

  public record UpdateSchedule(ProbeSchedule schedule) implements Command {}

  /**
   * Shared probing: this node is (or is no longer) one of the server's regular observers.
   * Newly regular, it probes at once (the server's previous observer may be gone).
   */
  public record Assign(boolean regular) implements Command {}

  /** Forget the server: record it in the journal, tell the view, release the connection, stop. */
  public record Forget(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record ProbeFinished(long seq, ProbeResult result) implements Command {}

  private record ProbeOverdue(long seq) implements Command {}

  private record Restored(ProbedInstance.State state) implements Command {}

  private record Journaled(String what, StatusReply<?> reply) implements Command {}

  private static final Object OVERDUE_TIMER = "overdue";

  private record JournalForgot(StatusReply<Done> reply) implements Command {}

  /**
   * @param seq number of the probe in flight (or of the last one)
   * @param startedAt when the probe in flight (or the last one) started
   * @param neighbors masters/replicas reported by the last successful probe
   * @param failures consecutive failed probes
   * @param waiters ProbeNow requests waiting for the probe in flight
   */
  private record ProbeState(long seq, Instant startedAt, Set<InstanceKey> neighbors,
      int failures, List<ActorRef<ProbeResult>> waiters, ProbeSchedule schedule) {

    ProbeState started(Instant at) {
      return new ProbeState(seq + 1, at, neighbors, failures, waiters, schedule);
    }

    ProbeState withWaiter(ActorRef<ProbeResult> w) {
      List<ActorRef<ProbeResult>> l = new ArrayList<>(waiters);
      l.add(w);
      return new ProbeState(seq, startedAt, neighbors, failures, List.copyOf(l), schedule);
    }

    ProbeState finished(Set<InstanceKey> newNeighbors, int newFailures) {
      return new ProbeState(seq, startedAt, newNeighbors, newFailures, List.of(), schedule);
    }

    ProbeState withSchedule(ProbeSchedule s) {
      return new ProbeState(seq, startedAt, neighbors, failures, waiters, s);
    }
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final InstanceKey key;
  private final ProbeClient client;
  private final Clock clock;
  private final ActorRef<TopologyView.Command> view;
  private final ActorRef<ProbeManager.Command> manager;
  private final ActorRef<ProbedInstance.Command> journal;
  // replies of the journal to every recorded probe: an adapter, not an ask per probe
  private final ActorRef<StatusReply<Boolean>> journalReplies;
  /** Polls the server (false: passive, probes only when asked); see {@link Assign}. */
  private boolean regular = true;
  /** Where this node's own results are shared from (null: shared probing off). */
  private ActorRef<ObservationSharer.Command> sharer;

  public static Behavior<Command> create(InstanceKey key, ProbeClient client,
      ProbeSchedule schedule, Clock clock, ActorRef<TopologyView.Command> view,
      ActorRef<ProbeManager.Command> manager) {
    return create(key, client, schedule, clock, view, manager, () -> true, true, null);
  }

  /**
   * @param regular whether it polls (else passive: probes only when asked), asked at each
   *     (re)start: a restarted prober follows the current assignment
   * @param probeFirst probes once at start even when passive (a server this node just found:
   *     its observation tells the other nodes, and so its regular observer, that it exists)
   * @param sharer told every result (null: not shared)
   */
  public static Behavior<Command> create(InstanceKey key, ProbeClient client,
      ProbeSchedule schedule, Clock clock, ActorRef<TopologyView.Command> view,
      ActorRef<ProbeManager.Command> manager, java.util.function.BooleanSupplier regular,
      boolean probeFirst,
      ActorRef<ObservationSharer.Command> sharer) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(InstanceProber.class);
      InstanceProber p = new InstanceProber(ctx, timers, key, client, clock, view, manager);
      p.regular = regular.getAsBoolean();
      p.sharer = sharer;
      ctx.ask(ProbedInstance.State.class, p.journal, Duration.ofSeconds(30),
          ProbedInstance.GetLast::new,
          (state, err) -> state != null ? new Restored(state) : new Journaled("recovery", StatusReply.error(err)));
      if (p.regular || probeFirst) {
        timers.startSingleTimer(Tick.INSTANCE, Duration.ZERO);
      }
      return p.idle(new ProbeState(0, Instant.EPOCH, Set.of(), 0, List.of(), schedule));
    }));
  }

  private InstanceProber(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      InstanceKey key, ProbeClient client, Clock clock, ActorRef<TopologyView.Command> view,
      ActorRef<ProbeManager.Command> manager) {
    this.ctx = ctx;
    this.timers = timers;
    this.key = key;
    this.client = client;
    this.clock = clock;
    this.view = view;
    this.manager = manager;
    this.journal = ctx.spawn(ProbedInstance.create(key), "journal");
    this.journalReplies = adapter(ctx);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ActorRef<StatusReply<Boolean>> adapter(ActorContext<Command> ctx) {
    return (ActorRef) ctx.messageAdapter(StatusReply.class, r -> new Journaled("observation", r));
  }

  private Behavior<Command> idle(ProbeState state) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> startProbe(state))
        .onMessage(ProbeNow.class, m -> startProbe(state.withWaiter(m.replyTo())))
        .onMessage(UpdateSchedule.class, m -> idle(rescheduled(state.withSchedule(m.schedule()))))
        .onMessage(Assign.class, m -> {
          boolean was = regular;
          regular = m.regular();
          if (regular && !was) {
            timers.startSingleTimer(Tick.INSTANCE, Duration.ZERO);
          } else if (!regular) {
            timers.cancel(Tick.INSTANCE);
          }
          return Behaviors.same();
        })
        .onMessage(Forget.class, this::onForget)
        .onMessage(Restored.class, this::onRestored)
        .onMessage(Journaled.class, this::onJournaled)
        .onMessage(ProbeFinished.class, m -> Behaviors.same()) // late answer of a timed-out probe
        .onMessage(ProbeOverdue.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> probing(ProbeState state) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> Behaviors.same()) // never overlap probes
        .onMessage(ProbeNow.class, m -> probing(state.withWaiter(m.replyTo())))
        .onMessage(UpdateSchedule.class, m -> probing(state.withSchedule(m.schedule())))
        .onMessage(Assign.class, m -> {
          regular = m.regular(); // the probe in flight schedules the next one (or none)
          return Behaviors.same();
        })
        .onMessage(ProbeFinished.class, m -> m.seq() == state.seq() ? onFinished(state, m.result()) : Behaviors.same())
        .onMessage(ProbeOverdue.class, m -> m.seq() == state.seq() ? onOverdue(state) : Behaviors.same())
        .onMessage(Forget.class, m -> {
          // the probe in flight will not be reported: its waiters (discover, refresh) get their
          // answer now rather than an ask timeout
          state.waiters().forEach(w -> w.tell(beingForgotten()));
          return onForget(m);
        })
        .onMessage(Restored.class, this::onRestored)
        .onMessage(Journaled.class, this::onJournaled)
        .build();
  }

  private Behavior<Command> startProbe(ProbeState state) {
    timers.cancel(Tick.INSTANCE);
    ProbeState s = state.started(clock.instant());
    long seq = s.seq();
    CompletionStage<ProbeResult> probe;
    try {
      probe = client.probe(key);
    } catch (RuntimeException e) {
      probe = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(probe, (result, err) -> new ProbeFinished(seq, result != null ? result
        : new ProbeResult.Failed(key, new ProbeFailure(ProbeFailure.Reason.OTHER,
            key + ": probe failed: " + err), false, Duration.ZERO)));
    timers.startSingleTimer(OVERDUE_TIMER, new ProbeOverdue(seq), s.schedule().probeDeadline());
    return probing(s);
  }

  private Behavior<Command> onOverdue(ProbeState state) {
    ctx.getLog().warn("probe of {} did not finish within {}", key, state.schedule().probeDeadline());
    Duration took = Duration.between(state.startedAt(), clock.instant());
    return onFinished(state, new ProbeResult.Failed(key, new ProbeFailure(ProbeFailure.Reason.TIMEOUT,
        key + ": probe did not finish within " + state.schedule().probeDeadline().toMillis() + "ms"),
        false, took));
  }

  private Behavior<Command> onFinished(ProbeState state, ProbeResult result) {
    timers.cancel(OVERDUE_TIMER);
    Instant now = clock.instant();
    view.tell(new TopologyView.InstanceProbed(key, result, now));
    if (sharer != null) {
      sharer.tell(new ObservationSharer.Observed(ProbeObservation.of(result, now)));
    }
    ProbeState next;
    if (result instanceof ProbeResult.Reached reached) {
      Instance instance = reached.instance();
      journal.tell(new ProbedInstance.RecordReached(instance, now, journalReplies));
      Set<InstanceKey> neighbors = neighbors(instance);
      if (!neighbors.equals(state.neighbors())) {
        Set<InstanceKey> added = new HashSet<>(neighbors);
        added.removeAll(state.neighbors());
        if (!added.isEmpty()) {
          manager.tell(new ProbeManager.NeighborsSeen(key, Set.copyOf(added)));
        }
      }
      next = state.finished(neighbors, 0);
    } else {
      ProbeResult.Failed failed = (ProbeResult.Failed) result;
      journal.tell(new ProbedInstance.RecordUnreachable(failed.failure(), now, journalReplies));
      next = state.finished(state.neighbors(), state.failures() + 1);
      if (next.failures() == 1) {
        ctx.getLog().info("{} unreachable: {}", key, failed.failure().message());
      }
    }
    state.waiters().forEach(w -> w.tell(result));
    return idle(rescheduled(next));
  }

  /** Next probe: poll interval (or backoff) after the last one started, never before now. */
  private ProbeState rescheduled(ProbeState s) {
    if (!regular) {
      timers.cancel(Tick.INSTANCE);
      return s; // passive: the next probe is asked for
    }
    Duration period = s.schedule().retryAfter(s.failures());
    Duration delay = Duration.between(clock.instant(), s.startedAt().plus(period));
    timers.startSingleTimer(Tick.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
    return s;
  }

  private static Set<InstanceKey> neighbors(Instance i) {
    Set<InstanceKey> n = new HashSet<>(i.replicas());
    if (i.isReplica() && !i.masterKey().isDetached()) {
      n.add(i.masterKey());
    }
    n.remove(i.key());
    return Set.copyOf(n);
  }

  private Behavior<Command> onRestored(Restored m) {
    ProbedInstance.State s = m.state();
    if (s.instance() != null) {
      view.tell(new TopologyView.InstanceRestored(key, s.instance(), s.observedAt(), s.reachable()));
    } else {
      view.tell(new TopologyView.NothingRestored(key));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onJournaled(Journaled m) {
    if (m.what().equals("recovery")) {
      view.tell(new TopologyView.NothingRestored(key)); // the journal did not answer in time
    }
    if (m.reply().isError()) {
      ctx.getLog().error("journal of {} failed to record {}: {}", key, m.what(), m.reply().getError().getMessage());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onForget(Forget m) {
    timers.cancelAll();
    ctx.askWithStatus(Done.class, journal, Duration.ofSeconds(30),
        r -> new ProbedInstance.Forget(clock.instant(), r),
        (done, err) -> new JournalForgot(err == null ? StatusReply.ack() : StatusReply.error(err)));
    view.tell(new TopologyView.InstanceForgotten(key));
    client.forget(key);
    return forgetting(m.replyTo());
  }

  private ProbeResult beingForgotten() {
    return new ProbeResult.Failed(key, new ProbeFailure(ProbeFailure.Reason.OTHER,
        key + " is being forgotten"), false, Duration.ZERO);
  }

  /** Waits until the journal recorded the forgetting, then stops (and the journal with us). */
  private Behavior<Command> forgetting(ActorRef<StatusReply<Done>> replyTo) {
    return Behaviors.receive(Command.class)
        .onMessage(JournalForgot.class, m -> {
          replyTo.tell(m.reply());
          return Behaviors.stopped();
        })
        .onMessage(ProbeNow.class, m -> {
          m.replyTo().tell(beingForgotten());
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }
}
