package actors.cluster;

import java.time.Duration;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * This node's vote in fencing: remembers (durably, in the node's own backend) the newest
 * leader incarnation it has seen, and acknowledges a fence only for an incarnation not older
 * than that. One per node, registered with the receptionist so that a leader finds them all.
 */
public final class FenceKeeper extends EventSourcedBehaviorWithEnforcedReplies<
    FenceKeeper.Command, FenceKeeper.Seen, FenceKeeper.State> {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "orcha-fence-keeper");

  public sealed interface Command extends CborSerializable {}

  /** The newest incarnation seen (a leader claims the next counter from a majority's answers). */
  public record GetNewest(ActorRef<Newest> replyTo) implements Command {}

  /** A leader's fence: acknowledged when {@code incarnation} is not older than the newest seen. */
  public record Hold(Incarnation incarnation, ActorRef<Answer> replyTo) implements Command {}

  public record Newest(Incarnation incarnation, String keeper) implements CborSerializable {}

  /** {@code newest}: the newest incarnation after this fence (the one refusing it, if refused). */
  public record Answer(boolean acknowledged, Incarnation newest, String keeper)
      implements CborSerializable {}

  public record Seen(Incarnation incarnation) implements CborSerializable {}

  public record State(Incarnation newest) implements CborSerializable {}

  private final String self;
  private final FenceHolder holder;

  /** @param self this node's cluster address, named in answers */
  public static Behavior<Command> create(String self) {
    return create(self, FenceHolder.systemTime());
  }

  /**
   * @param self this node's cluster address, named in answers
   * @param holder told of every fence acknowledged (this node's view of who leads)
   */
  public static Behavior<Command> create(String self, FenceHolder holder) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return new FenceKeeper(self, holder);
    });
  }

  private FenceKeeper(String self, FenceHolder holder) {
    super(PersistenceId.ofUniqueId("fence-keeper"), SupervisorStrategy.restartWithBackoff(
        Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.self = self;
    this.holder = holder;
  }

  @Override
  public org.apache.pekko.persistence.typed.javadsl.SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(org.apache.pekko.persistence.typed.RecoveryCompleted.instance(),
            s -> holder.remembered(s.newest()))
        .build();
  }

  @Override
  public State emptyState() {
    return new State(Incarnation.NONE);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Seen, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(GetNewest.class, (s, c) -> Effect().reply(c.replyTo(), new Newest(s.newest(), self)))
        .onCommand(Hold.class, this::onHold)
        .build();
  }

  private ReplyEffect<Seen, State> onHold(State s, Hold c) {
    if (c.incarnation() == null || c.incarnation().olderThan(s.newest())) {
      return Effect().reply(c.replyTo(), new Answer(false, s.newest(), self));
    }
    if (c.incarnation().equals(s.newest())) {
      holder.held(s.newest());
      return Effect().reply(c.replyTo(), new Answer(true, s.newest(), self));
    }
    // a newer leader: remember it before acknowledging, so a restart cannot forget it
    return Effect().persist(new Seen(c.incarnation()))
        .thenRun(st -> holder.held(st.newest()))
        .thenReply(c.replyTo(), st -> new Answer(true, st.newest(), self));
  }

  @Override
  public EventHandler<State, Seen> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Seen.class, (s, e) -> e.incarnation().olderThan(s.newest()) ? s : new State(e.incarnation()))
        .build();
  }
}
