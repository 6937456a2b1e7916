package orcha;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one orcha node for the life of the process. When the Split Brain Resolver downs the
 * node (it was cut off from the majority, or the majority downed it), the actor system shuts
 * down; the runner then starts a fresh one with the same configuration, which joins the
 * cluster again through the seed nodes as a new member and catches up on the replicated
 * state from the leader. Any other shutdown (a signal, an operator's stop) ends the run.
 */
public final class NodeRunner {

  private static final Logger log = LoggerFactory.getLogger(NodeRunner.class);
  /** Pause before a restart, so a node that is downed again at once does not spin. */
  static final Duration RESTART_PAUSE = Duration.ofSeconds(1);
  /**
   * How long a downed actor system may take to stop. Pekko's Artery TCP can hold its shutdown
   * (and its port) until connections to peers that are still unreachable close — usually when
   * the partition heals; past this, {@code onStuck} runs (bin/orcha exits with status 75 and
   * its supervisor starts it again).
   */
  static final Duration STOP_DEADLINE = Duration.ofSeconds(120);

  private final ConfigLoader loader;
  private final Clock clock;
  private Runnable onStuck = () -> { };
  private volatile OrchaNode current;
  private volatile boolean stopping;

  public NodeRunner(ConfigLoader loader, Clock clock) {
    this.loader = loader;
    this.clock = clock;
  }

  /** What to do when a downed actor system does not stop within {@link #STOP_DEADLINE}. */
  public NodeRunner onStuck(Runnable action) {
    this.onStuck = action;
    return this;
  }

  /**
   * Starts the node and returns once it ends for a reason other than being downed. The first
   * start's failures are thrown as OrchaNode.start throws them; a failed restart is retried.
   */
  public void run(Consumer<OrchaNode> onStart) {
    OrchaNode node = OrchaNode.start(loader, clock);
    int restarts = 0;
    while (true) {
      current = node;
      onStart.accept(node);
      Optional<CoordinatedShutdown.Reason> reason = awaitTermination(node);
      if (stopping || !restartAfter(reason, node.api().currentSettings())) {
        return;
      }
      restarts++;
      log.warn("this node was downed by the cluster (cut off from the majority?); starting a"
          + " fresh actor system to rejoin (restart {})", restarts);
      node = restart(restarts);
      if (node == null) {
        return;
      }
    }
  }

  /** Waits until the node's actor system stopped; says why it stopped. */
  private Optional<CoordinatedShutdown.Reason> awaitTermination(OrchaNode node) {
    var terminated = node.system().getWhenTerminated().toCompletableFuture();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(node.system());
    long downedAt = 0;
    while (true) {
      try {
        terminated.get(1, java.util.concurrent.TimeUnit.SECONDS);
        return shutdown.getShutdownReason();
      } catch (java.util.concurrent.TimeoutException e) {
        Optional<CoordinatedShutdown.Reason> reason = shutdown.getShutdownReason();
        if (reason.isPresent() && restartAfter(reason, node.api().currentSettings())) {
          long now = System.nanoTime();
          if (downedAt == 0) {
            downedAt = now;
            log.warn("this node was downed by the cluster; waiting for its actor system to stop");
          } else if (now - downedAt > STOP_DEADLINE.toNanos()) {
            log.error("the downed actor system did not stop within {}", STOP_DEADLINE);
            onStuck.run();
            downedAt = now; // onStuck did not end the process: keep waiting
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (java.util.concurrent.ExecutionException e) {
        return shutdown.getShutdownReason();
      }
    }
  }

  private OrchaNode restart(int restarts) {
    while (!stopping) {
      pause();
      try {
        return OrchaNode.start(loader, clock);
      } catch (RuntimeException e) {
        log.error("restart {} of this node failed, trying again: {}", restarts, e.getMessage());
      }
    }
    return null;
  }

  static boolean restartAfter(Optional<CoordinatedShutdown.Reason> reason, Settings settings) {
    return settings.cluster().restartWhenDowned() && reason.isPresent()
        && reason.get().equals(CoordinatedShutdown.clusterDowningReason());
  }

  /** The node running now (a fresh one after every restart). */
  public OrchaNode current() {
    return current;
  }

  /** Stops the node for good: no restart follows. */
  public void stop() {
    stopping = true;
    OrchaNode n = current;
    if (n != null) {
      n.system().terminate();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RESTART_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
