package actors.node;

import actors.cluster.Fencer;
import actors.cluster.Incarnation;
import actors.recovery.RecoveryCoordinator;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The fence planned operations hold before every change: the incarnation this node's
 * coordinator claimed as leader. Right after a start (or a leader change) the claim may still
 * be under way: it is waited for a few seconds, then the operation is refused with the reason.
 */
final class LeaderFence implements Supplier<CompletionStage<Void>> {

  /** How long an operation waits for this node's coordinator to hold a fence. */
  static final Duration WAIT = Duration.ofSeconds(5);

  private final ActorRef<RecoveryCoordinator.Command> coordinator;
  private final Fencer fencer;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  LeaderFence(ActorRef<RecoveryCoordinator.Command> coordinator, Fencer fencer,
      Scheduler scheduler, Duration askTimeout) {
    this.coordinator = coordinator;
    this.fencer = fencer;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<Void> get() {
    return held(System.nanoTime() + WAIT.toNanos());
  }

  private CompletionStage<Void> held(long deadline) {
    return AskPattern.<RecoveryCoordinator.Command, Optional<Incarnation>>ask(coordinator,
            RecoveryCoordinator.GetIncarnation::new, askTimeout, scheduler)
        .exceptionally(e -> Optional.empty())
        .thenCompose(inc -> {
          if (inc.isPresent()) {
            return fencer.hold(inc.get());
          }
          if (System.nanoTime() < deadline) {
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                .thenCompose(x -> held(deadline));
          }
          return CompletableFuture.failedFuture(new Fencer.FenceLost(
              "this node holds no leader's fence (not the leader, or not claimed yet)"));
        });
  }
}
