package actors.probe;

import java.time.Instant;
import orcha.CborSerializable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;

/**
 * The journal of one server as this node observed it: the facts that matter (role, master,
 * threads, read_only, versions, GTID mode, errors, labels) and reachability. A recorded
 * observation whose facts equal the last one persists nothing, so a steady topology writes
 * nothing. Owned by the server's {@link InstanceProber}; never moves between nodes.
 */
public final class ProbedInstance
    extends EventSourcedBehaviorWithEnforcedReplies<ProbedInstance.Command, ProbedInstance.Event,
        ProbedInstance.State> {

  public sealed interface Command extends CborSerializable {}

  /** Records a successful probe; replies whether anything was persisted. */
  public record RecordReached(Instance instance, Instant at, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /** Records a failed probe; only the transition reachable → unreachable is persisted. */
  public record RecordUnreachable(ProbeFailure failure, Instant at,
      ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  /** The last persisted picture of the server (what a restarted node serves first). */
  public record GetLast(ActorRef<State> replyTo) implements Command {}

  /** The server was forgotten: the journal keeps only that fact. */
  public record Forget(Instant at, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  /** First observation, or facts that differ from the last observation, or back from unreachable. */
  public record InstanceObserved(Instance instance, Instant at) implements Event {}

  /** The server stopped answering (reason as classified by the prober). */
  public record InstanceBecameUnreachable(ProbeFailure failure, Instant at) implements Event {}

  public record InstanceForgotten(Instant at) implements Event {}

  /**
   * @param instance last observed facts, null when never observed (or forgotten)
   * @param observedAt when those facts were observed
   * @param reachable whether the last recorded probe reached the server
   * @param unreachableSince when it stopped answering, null while reachable
   */
  public record State(Instance instance, Instant observedAt, boolean reachable,
      Instant unreachableSince, ProbeFailure lastFailure) implements CborSerializable {
    static final State EMPTY = new State(null, null, false, null, null);

    State observed(Instance i, Instant at) {
      return new State(i, at, true, null, null);
    }

    State unreachable(ProbeFailure f, Instant at) {
      return new State(instance, observedAt, false, at, f);
    }
  }

  private final InstanceKey key;

  public static Behavior<Command> create(InstanceKey key) {
    return new ProbedInstance(key);
  }

  public static PersistenceId persistenceId(InstanceKey key) {
    return PersistenceId.of("instance", key.displayString());
  }

  private ProbedInstance(InstanceKey key) {
    // a failed write (backend unavailable) restarts the journal with backoff instead of stopping
    super(persistenceId(key), SupervisorStrategy.restartWithBackoff(
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2));
    this.key = key;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // a snapshot every 50 changes keeps recovery short; older events are not needed
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(RecordReached.class, this::onRecordReached)
        .onCommand(RecordUnreachable.class, this::onRecordUnreachable)
        .onCommand(GetLast.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(Forget.class, this::onForget)
        .build();
  }

  private ReplyEffect<Event, State> onRecordReached(State state, RecordReached c) {
    if (!c.instance().key().equals(key)) {
      return Effect().reply(c.replyTo(),
          StatusReply.error("observation of " + c.instance().key() + " sent to journal of " + key));
    }
    Instance facts = c.instance().facts();
    if (state.reachable() && facts.equals(state.instance())) { // the state holds facts only
      return Effect().reply(c.replyTo(), StatusReply.success(false));
    }
    return Effect().persist(new InstanceObserved(facts, c.at()))
        .thenReply(c.replyTo(), s -> StatusReply.success(true));
  }

  private ReplyEffect<Event, State> onRecordUnreachable(State state, RecordUnreachable c) {
    // only the transition is a fact: a server that stays down (or was never up) writes nothing
    if (!state.reachable()) {
      return Effect().reply(c.replyTo(), StatusReply.success(false));
    }
    return Effect().persist(new InstanceBecameUnreachable(c.failure(), c.at()))
        .thenReply(c.replyTo(), s -> StatusReply.success(true));
  }

  private ReplyEffect<Event, State> onForget(State state, Forget c) {
    if (state.instance() == null && state.unreachableSince() == null) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return Effect().persist(new InstanceForgotten(c.at()))
        .thenReply(c.replyTo(), s -> StatusReply.ack());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(InstanceObserved.class, (s, e) -> s.observed(e.instance(), e.at()))
        .onEvent(InstanceBecameUnreachable.class, (s, e) -> s.unreachable(e.failure(), e.at()))
        .onEvent(InstanceForgotten.class, (s, e) -> State.EMPTY)
        .build();
  }
}
