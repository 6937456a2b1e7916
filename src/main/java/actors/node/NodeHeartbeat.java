package actors.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Writes this node's heartbeat to its backend every second (on the blocking dispatcher) and
 * remembers whether the last write succeeded: the node is healthy while its backend takes
 * writes, as orchestrator's health check means it.
 */
public final class NodeHeartbeat {

  /** The blocking write; implemented over the backend's JDBC connection. */
  @FunctionalInterface
  public interface Writer {
    void write(String node, Instant at) throws Exception;
  }

  public sealed interface Command {}

  public record GetHealth(ActorRef<Health> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Written(Instant at, Throwable error) implements Command {}

  /**
   * @param lastSuccess last successful write, null before the first one
   * @param error why the last write failed, empty when it succeeded
   */
  public record Health(boolean healthy, Instant lastSuccess, String error) {}

  private record State(Instant lastSuccess, String error, boolean writing) {}

  /** A heartbeat older than this makes the node unhealthy even without an error. */
  private static final Duration STALE = Duration.ofSeconds(10);
  private static final Duration PERIOD = Duration.ofSeconds(1);

  private final ActorContext<Command> ctx;
  private final String node;
  private final Writer writer;
  private final Executor blocking;
  private final Clock clock;

  public static Behavior<Command> create(String node, Writer writer, Executor blocking, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(NodeHeartbeat.class);
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, PERIOD);
      return new NodeHeartbeat(ctx, node, writer, blocking, clock).running(new State(null, "", false));
    }));
  }

  private NodeHeartbeat(ActorContext<Command> ctx, String node, Writer writer, Executor blocking,
      Clock clock) {
    this.ctx = ctx;
    this.node = node;
    this.writer = writer;
    this.blocking = blocking;
    this.clock = clock;
  }

  private Behavior<Command> running(State s) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> onTick(s))
        .onMessage(Written.class, w -> onWritten(s, w))
        .onMessage(GetHealth.class, g -> onGetHealth(s, g))
        .build();
  }

  private Behavior<Command> onTick(State s) {
    if (s.writing()) {
      return Behaviors.same(); // a slow backend: never stack writes
    }
    Instant at = clock.instant();
    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
      try {
        writer.write(node, at);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking);
    ctx.pipeToSelf(write, (ok, err) -> new Written(at, err));
    return running(new State(s.lastSuccess(), s.error(), true));
  }

  private Behavior<Command> onWritten(State s, Written w) {
    if (w.error() == null) {
      return running(new State(w.at(), "", false));
    }
    Throwable cause = w.error().getCause() != null ? w.error().getCause() : w.error();
    String error = "backend write failed: " + cause.getMessage();
    if (!error.equals(s.error())) {
      ctx.getLog().warn("heartbeat: {}", error);
    }
    return running(new State(s.lastSuccess(), error, false));
  }

  private Behavior<Command> onGetHealth(State s, GetHealth g) {
    Instant now = clock.instant();
    boolean fresh = s.lastSuccess() != null
        && Duration.between(s.lastSuccess(), now).compareTo(STALE) <= 0;
    String error = !s.error().isEmpty() ? s.error()
        : s.lastSuccess() == null ? "no heartbeat written yet"
        : fresh ? "" : "last heartbeat written at " + s.lastSuccess();
    g.replyTo().tell(new Health(s.error().isEmpty() && fresh, s.lastSuccess(), error));
    return Behaviors.same();
  }
}
