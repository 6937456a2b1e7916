package backend;

import java.util.Set;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Test-only event-sourced counter that exercises the real JDBC journal: tagged events (the
 * event_tag insert path), snapshots every {@link #SNAPSHOT_EVERY} events, and a report of how
 * many events recovery replayed, so a test can tell whether a snapshot was used.
 */
final class TestCounter extends EventSourcedBehaviorWithEnforcedReplies<
    TestCounter.Command, TestCounter.Event, TestCounter.State> {

  static final int SNAPSHOT_EVERY = 10;
  static final String TAG = "test-counter";

  sealed interface Command {}

  record Add(int amount, ActorRef<Summary> replyTo) implements Command {}

  record Get(ActorRef<Summary> replyTo) implements Command {}

  sealed interface Event extends CborSerializable {}

  record Added(int amount) implements Event {}

  record State(long total, long count) implements CborSerializable {
    State add(int amount) {
      return new State(total + amount, count + 1);
    }
  }

  /**
   * @param replayedEvents events the event handler applied during recovery
   * @param recoveredToSeqNr sequence number reached when recovery completed
   * @param lastSnapshotSeqNr sequence number of the last snapshot this incarnation wrote, or -1
   */
  record Summary(long total, long count, long replayedEvents, long recoveredToSeqNr,
                 long lastSnapshotSeqNr) {}

  private final ActorContext<Command> ctx;
  private boolean recovering = true;
  private long replayedEvents;
  private long recoveredToSeqNr = -1;
  private long lastSnapshotSeqNr = -1;

  static Behavior<Command> create(String id) {
    return Behaviors.setup(ctx -> new TestCounter(ctx, PersistenceId.of("TestCounter", id)));
  }

  private TestCounter(ActorContext<Command> ctx, PersistenceId id) {
    super(id);
    this.ctx = ctx;
  }

  @Override
  public State emptyState() {
    return new State(0, 0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Add.class, this::onAdd)
        .onCommand(Get.class, this::onGet)
        .build();
  }

  private ReplyEffect<Event, State> onAdd(State state, Add cmd) {
    return Effect().persist(new Added(cmd.amount())).thenReply(cmd.replyTo(), this::summary);
  }

  private ReplyEffect<Event, State> onGet(State state, Get cmd) {
    return Effect().reply(cmd.replyTo(), summary(state));
  }

  private Summary summary(State state) {
    return new Summary(state.total(), state.count(), replayedEvents, recoveredToSeqNr,
        lastSnapshotSeqNr);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, this::onAdded)
        .build();
  }

  private State onAdded(State state, Added event) {
    if (recovering) {
      replayedEvents++;
    }
    return state.add(event.amount());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .onSignal(SnapshotCompleted.class, this::onSnapshotCompleted)
        .build();
  }

  private void onRecoveryCompleted(State state) {
    recovering = false;
    recoveredToSeqNr = lastSequenceNumber(ctx);
  }

  private void onSnapshotCompleted(State state, SnapshotCompleted done) {
    lastSnapshotSeqNr = done.metadata().sequenceNr();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }
}
