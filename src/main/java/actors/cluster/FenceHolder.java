package actors.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who holds the newest fence, as this node's {@link FenceKeeper} last acknowledged it, and
 * when. A leader renews its fence every {@link FenceLease#RENEW_EVERY} with every keeper, so
 * every node reachable from the leader sees its incarnation acknowledged several times a
 * second; leadership (actors.node.Leadership) stays with that holder while it keeps renewing
 * (sticky: a returning older node does not take it back), and moves when it stops.
 */
public final class FenceHolder {

  /** A holder not heard from for this long is no longer taken for the leader. */
  public static final Duration FRESH_FOR = Duration.ofMillis(2000);

  private final LongSupplier nanoTime;
  private volatile Incarnation newest = Incarnation.NONE;
  private volatile long heldAt;
  private volatile boolean everHeld;

  public FenceHolder(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public static FenceHolder systemTime() {
    return new FenceHolder(System::nanoTime);
  }

  /** The keeper acknowledged a fence of {@code incarnation} (its newest) just now. */
  void held(Incarnation incarnation) {
    newest = incarnation;
    heldAt = nanoTime.getAsLong();
    everHeld = true;
  }

  /** The keeper's newest after a restart: known, but not heard from since. */
  void remembered(Incarnation incarnation) {
    if (incarnation.compareTo(newest) > 0) {
      newest = incarnation;
      everHeld = false;
    }
  }

  public Incarnation newest() {
    return newest;
  }

  /** The node (cluster address "host:port") holding the newest fence, if heard from lately. */
  public Optional<String> freshHolder() {
    boolean fresh = everHeld && nanoTime.getAsLong() - heldAt < FRESH_FOR.toNanos();
    return fresh && !newest.node().isEmpty() ? Optional.of(newest.node()) : Optional.empty();
  }
}
