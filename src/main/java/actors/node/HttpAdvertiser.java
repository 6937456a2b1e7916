package actors.node;

import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Tells other nodes where this node's API is (orchestrator's HTTPAdvertise): followers forward
 * state-changing calls to the leader's URL. Registered with the receptionist.
 */
public final class HttpAdvertiser {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "orcha-http");

  public sealed interface Command extends CborSerializable {}

  public record GetUrl(ActorRef<Url> replyTo) implements Command {}

  /** {@code http://host:port[/prefix]/api}. */
  public record Url(String apiUrl) implements CborSerializable {}

  public static Behavior<Command> create(String apiUrl) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return Behaviors.receive(Command.class)
          .onMessage(GetUrl.class, m -> {
            m.replyTo().tell(new Url(apiUrl));
            return Behaviors.same();
          })
          .build();
    });
  }

  private HttpAdvertiser() {}
}
