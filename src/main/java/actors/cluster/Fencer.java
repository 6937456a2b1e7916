package actors.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Fencing for the leader: {@link #claim} takes the next incarnation from a majority of the
 * nodes' {@link FenceKeeper}s; {@link #hold} is asked before every step that changes a server
 * and succeeds only when a majority of the cluster's members acknowledge that incarnation
 * within the timeout. Any two majorities share a node, and a keeper refuses incarnations older
 * than the newest it saw: once a newer leader claimed, an older one can no longer hold a fence
 * — an isolated old leader cannot act in the seconds before the Split Brain Resolver downs it.
 * The majority counts every member the cluster still lists (unreachable and downed ones too),
 * never only those that answer.
 */
public final class Fencer {

  /** A fence could not be held: the step is not taken, the operation stops with this reason. */
  public static final class FenceLost extends RuntimeException {
    public FenceLost(String message) {
      super(message);
    }
  }

  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final Duration timeout;
  private final String self;

  private final telemetry.ClusterMetrics metrics;

  public Fencer(ActorSystem<?> system, Duration timeout) {
    this(system, timeout, null);
  }

  /** With {@code metrics}: every claim and hold is timed there (null: not timed). */
  public Fencer(ActorSystem<?> system, Duration timeout, telemetry.ClusterMetrics metrics) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.timeout = timeout;
    this.self = NodeAddress.self(system);
    this.metrics = metrics;
  }

  /** {@code write}, timed as a fence write of {@code kind} when there are metrics. */
  private <T> CompletionStage<T> timed(telemetry.ClusterMetrics.FenceWrite kind,
      java.util.function.Supplier<CompletionStage<T>> write) {
    if (metrics == null) {
      return write.get();
    }
    long start = System.nanoTime();
    return write.get().whenComplete((v, err) -> metrics.fenceWritten(kind, err == null,
        Duration.ofNanos(System.nanoTime() - start)));
  }

  int members() {
    return Majority.members(system);
  }

  int majority() {
    return Majority.of(system);
  }

  /** Claims the next incarnation: newer than any a majority has seen, held by a majority. */
  public CompletionStage<Incarnation> claim() {
    return timed(telemetry.ClusterMetrics.FenceWrite.CLAIM, this::claimNext);
  }

  private CompletionStage<Incarnation> claimNext() {
    int needed = majority();
    return keepers().thenCompose(keepers -> quorum(keepers, needed,
            k -> AskPattern.<FenceKeeper.Command, FenceKeeper.Newest>ask(k,
                FenceKeeper.GetNewest::new, timeout, system.scheduler()),
            n -> true, "claim"))
        .thenCompose(answers -> {
          long max = answers.stream().mapToLong(n -> n.incarnation().counter()).max().orElse(0);
          Incarnation next = new Incarnation(max + 1, self);
          return hold(next).thenApply(v -> next);
        });
  }

  /** Holds the fence for {@code incarnation}; fails with {@link FenceLost} saying why not. */
  public CompletionStage<Void> hold(Incarnation incarnation) {
    return timed(telemetry.ClusterMetrics.FenceWrite.HOLD, () -> holdFence(incarnation));
  }

  private CompletionStage<Void> holdFence(Incarnation incarnation) {
    if (incarnation == null) {
      // leadership was lost (and maybe regained) since the operation began: no fence of its own
      return CompletableFuture.failedFuture(new FenceLost("no fence held: this node lost "
          + "leadership since the operation began"));
    }
    int needed = majority();
    return keepers().thenCompose(keepers -> quorum(keepers, needed,
            k -> AskPattern.<FenceKeeper.Command, FenceKeeper.Answer>ask(k,
                r -> new FenceKeeper.Hold(incarnation, r), timeout, system.scheduler()),
            FenceKeeper.Answer::acknowledged, "fence of incarnation " + incarnation))
        .thenApply(acks -> null);
  }

  private CompletionStage<Set<ActorRef<FenceKeeper.Command>>> keepers() {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(FenceKeeper.KEY, r), timeout, system.scheduler())
        .thenApply(l -> l.getServiceInstances(FenceKeeper.KEY));
  }

  /**
   * Asks every keeper; completes with the first {@code needed} answers that {@code counts}, or
   * fails as soon as that many can no longer come (refusals, timeouts, too few keepers).
   */
  private <A> CompletionStage<List<A>> quorum(Set<ActorRef<FenceKeeper.Command>> keepers,
      int needed, Function<ActorRef<FenceKeeper.Command>, CompletionStage<A>> ask,
      java.util.function.Predicate<A> counts, String what) {
    CompletableFuture<List<A>> result = new CompletableFuture<>();
    if (keepers.size() < needed) {
      result.completeExceptionally(new FenceLost(what + ": only " + keepers.size()
          + " of " + members() + " nodes known, a majority is " + needed));
      return result;
    }
    List<A> good = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    List<String> refusals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    AtomicInteger pending = new AtomicInteger(keepers.size());
    for (ActorRef<FenceKeeper.Command> k : keepers) {
      ask.apply(k).whenComplete((a, err) -> {
        if (a != null && counts.test(a)) {
          good.add(a);
        } else {
          refusals.add(a != null ? String.valueOf(a) : "no answer from " + k.path().address());
        }
        int left = pending.decrementAndGet();
        List<A> now;
        synchronized (good) {
          now = List.copyOf(good);
        }
        if (now.size() >= needed) {
          result.complete(now);
        } else if (now.size() + left < needed) {
          result.completeExceptionally(new FenceLost(what + ": " + now.size() + " of "
              + members() + " nodes acknowledged, a majority is " + needed + "; " + refusals));
        }
      });
    }
    return result;
  }
}
