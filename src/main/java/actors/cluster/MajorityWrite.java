package actors.cluster;

import actors.control.ControlState.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import orcha.CborSerializable;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A leader's write acknowledged by a majority: the leader persisted version {@code v} of a
 * replicated state (control state, recovery log) and asks every other node to hold it too. It
 * is done once {@code needed} nodes, the leader included, hold v or a later version of the same
 * term; it fails as soon as that can no longer happen (refusals leave too few nodes) and at
 * the latest after the timeout. Nodes the peers' listing shows only later (the
 * receptionist's listing lags behind the cluster) are asked as they appear. The outcome says how far it got, for an honest answer: the write stays
 * persisted on the leader either way and reaches the others with its next pushes.
 */
public final class MajorityWrite {

  /** How long a write waits for the majority's acknowledgements. */
  public static final Duration TIMEOUT = Duration.ofSeconds(2);

  private MajorityWrite() {}

  /**
   * A node's answer to a replicated state: {@code accepted} when it now holds it (persisted, or
   * it had that version or a later one of the same term already); refused when it leads a term
   * as new or newer, or follows a newer leader. {@code version}: what it holds.
   */
  public record Ack(boolean accepted, Version version) implements CborSerializable {

    /** Whether this answer means the node holds {@code v}: only later versions of v's term do. */
    public boolean holds(Version v) {
      return accepted && version != null && version.term() == v.term() && version.seq() >= v.seq();
    }
  }

  /**
   * How a write of {@code version} ended: {@code acknowledged} nodes hold it (the leader
   * included), {@code needed} make a majority of {@code members}; {@code refused} nodes refused
   * it (or held another term's state), {@code silent} did not answer (within {@code timeout}
   * when {@code timedOut}; else not yet when the refusals decided it).
   */
  public record Outcome(Version version, int acknowledged, int needed, int members, int refused,
      int silent, Duration timeout, boolean timedOut) {

    public boolean reached() {
      return acknowledged >= needed;
    }

    /** Why {@code what} is not majority-acknowledged (empty when it is). */
    public String refusal(String what) {
      return reached() ? "" : what + " recorded on the leader but " + shortfall()
          + "; it reaches the others when they return";
    }

    /** "acknowledged by only 1 of 3 nodes (a majority is 2) within 2s", and refusals. */
    public String shortfall() {
      StringBuilder b = new StringBuilder("acknowledged by only ").append(acknowledged)
          .append(" of ").append(members).append(" nodes (a majority is ").append(needed)
          .append(")");
      if (timedOut) {
        b.append(" within ").append(seconds(timeout));
      }
      if (refused > 0) {
        b.append("; ").append(refused).append(refused == 1 ? " node" : " nodes")
            .append(" refused it (a newer leader?)");
      }
      return b.toString();
    }

    private static String seconds(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
  }

  /** How often the peers are looked at again for nodes not asked yet (a late listing). */
  static final Duration RECHECK = Duration.ofMillis(100);

  /**
   * Asks every peer to hold {@code version} ({@code replicate} builds the message carrying the
   * state and the reply address), and peers that {@code peers} lists later (the receptionist's
   * listing may lag) while waiting. Completes (never exceptionally) as soon as {@code needed}
   * nodes, the leader counted as one, hold it; as soon as refusals leave too few of the
   * {@code members} to make it; or after {@code timeout}. {@code needed} ≤ 1: done at
   * once, nothing asked.
   */
  public static <C> CompletionStage<Outcome> replicate(ActorSystem<?> system,
      Supplier<? extends Collection<ActorRef<C>>> peers, Function<ActorRef<Ack>, C> replicate,
      Version version, int members, int needed, Duration timeout) {
    Tally<C> tally = new Tally<>(version, needed, members, timeout);
    if (tally.decided()) {
      return CompletableFuture.completedFuture(tally.outcome(false));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Runnable askNew = () -> {
      for (ActorRef<C> p : tally.unasked(peers.get())) {
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        AskPattern.<C, Ack>ask(p, replicate::apply, left, system.scheduler())
            .whenComplete((ack, err) -> tally.answer(ack));
      }
    };
    askNew.run();
    var ec = system.executionContext();
    Cancellable recheck = system.scheduler().scheduleAtFixedRate(RECHECK, RECHECK, askNew, ec);
    Cancellable expiry = system.scheduler().scheduleOnce(timeout, tally::expire, ec);
    tally.result.whenComplete((o, e) -> {
      recheck.cancel();
      expiry.cancel();
    });
    return tally.result;
  }

  /** The same, for this system's cluster: Majority.of over Majority.members, with TIMEOUT. */
  public static <C> CompletionStage<Outcome> replicate(ActorSystem<?> system,
      Supplier<? extends Collection<ActorRef<C>>> peers, Function<ActorRef<Ack>, C> replicate,
      Version version) {
    return replicate(system, peers, replicate, version, Majority.members(system),
        Majority.of(system), TIMEOUT);
  }

  /** The answers so far; completes {@code result} once the outcome is known. */
  private static final class Tally<C> {
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private final Version version;
    private final int needed;
    private final int members;
    private final Duration timeout;
    private final Set<ActorRef<C>> asked = new HashSet<>();
    private int acknowledged = 1; // the leader holds it
    private int refused;

    Tally(Version version, int needed, int members, Duration timeout) {
      this.version = version;
      this.needed = needed;
      this.members = members;
      this.timeout = timeout;
    }

    synchronized List<ActorRef<C>> unasked(Collection<ActorRef<C>> peers) {
      if (result.isDone()) {
        return List.of();
      }
      List<ActorRef<C>> fresh = new ArrayList<>();
      for (ActorRef<C> p : peers) {
        if (asked.add(p)) {
          fresh.add(p);
        }
      }
      return fresh;
    }

    synchronized void answer(Ack ack) {
      if (ack == null) {
        return; // no answer (its ask ends with the timeout): counted when the time is up
      }
      if (ack.holds(version)) {
        acknowledged++;
      } else {
        refused++;
      }
      if (decided()) {
        result.complete(outcome(false));
      }
    }

    synchronized void expire() {
      result.complete(outcome(true));
    }

    /** Reached, or too few nodes left that could still hold it (the others refused). */
    synchronized boolean decided() {
      int mayStill = Math.max(members, asked.size() + 1) - acknowledged - refused;
      return acknowledged >= needed || acknowledged + mayStill < needed;
    }

    synchronized Outcome outcome(boolean timedOut) {
      int all = Math.max(members, asked.size() + 1);
      return new Outcome(version, acknowledged, needed, all, refused,
          all - acknowledged - refused, timeout, timedOut);
    }
  }
}
