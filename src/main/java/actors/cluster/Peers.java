package actors.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Asking the same actor on every other node (a new leader's majority read): all asked at
 * once, each with its own timeout; the answers that came, in no particular order.
 */
public final class Peers {

  private Peers() {}

  public static <C, R> CompletableFuture<List<R>> askAll(ActorSystem<?> system,
      Collection<ActorRef<C>> peers, Function<ActorRef<R>, C> command, Duration timeout) {
    return askAll(system, peers, command, timeout, Integer.MAX_VALUE);
  }

  /**
   * The same, done as soon as {@code enough} answers came (a majority read needs a majority,
   * not every node: a silent node must not hold a new leader up for the whole timeout).
   */
  public static <C, R> CompletableFuture<List<R>> askAll(ActorSystem<?> system,
      Collection<ActorRef<C>> peers, Function<ActorRef<R>, C> command, Duration timeout,
      int enough) {
    List<R> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<List<R>> result = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger pending =
        new java.util.concurrent.atomic.AtomicInteger(peers.size());
    if (peers.isEmpty() || enough <= 0) {
      result.complete(List.of());
      return result;
    }
    for (ActorRef<C> p : peers) {
      AskPattern.<C, R>ask(p, command::apply, timeout, system.scheduler())
          .whenComplete((r, e) -> {
            int got;
            synchronized (answers) {
              if (r != null) {
                answers.add(r);
              }
              got = answers.size();
            }
            if (pending.decrementAndGet() == 0 || got >= enough) {
              synchronized (answers) {
                result.complete(List.copyOf(answers));
              }
            }
          });
    }
    return result;
  }

  /**
   * The newest of this node's {@code own} and the {@code answers}, or why a new leader of
   * {@code term} cannot take it: fewer than {@code needed} nodes (this one included) answered,
   * or a state of this term or a newer one exists already.
   */
  public static <S> Result<S> newest(String what, S own, List<S> answers, int needed, long term,
      Function<S, actors.control.ControlState.Version> version) {
    if (answers.size() + 1 < needed) {
      return new Result<>(null, what + ": only " + (answers.size() + 1)
          + " nodes answered, a majority is " + needed);
    }
    S newest = own;
    for (S a : answers) {
      if (version.apply(a).compareTo(version.apply(newest)) > 0) {
        newest = a;
      }
    }
    if (version.apply(newest).term() >= term) {
      return new Result<>(null, what + ": term " + term + " is not newer than "
          + version.apply(newest));
    }
    return new Result<>(newest, "");
  }

  /** The newest state, or (empty) the reason there is none to take. */
  public record Result<S>(S state, String refusal) {
    public Optional<S> taken() {
      return Optional.ofNullable(state);
    }
  }
}
