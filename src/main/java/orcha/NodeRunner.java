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

  private final ConfigLoader loader;
  private final Clock clock;
  private volatile OrchaNode current;
  private volatile boolean stopping;

  public NodeRunner(ConfigLoader loader, Clock clock) {
    this.loader = loader;
    this.clock = clock;
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
      node.system().getWhenTerminated().toCompletableFuture().join();
      Optional<CoordinatedShutdown.Reason> reason =
          CoordinatedShutdown.get(node.system()).getShutdownReason();
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
