package actors.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How recently a majority acknowledged this node's fence: the leader's coordinator renews its
 * fence every {@link #RENEW_EVERY} and records each acknowledged renewal here (as of when it
 * was sent). {@code leader-check} answers 200 only while the last one is younger than
 * {@link #VALID_FOR}: a leader cut off from the majority stops routing traffic to itself
 * within about a second, long before the failure detector or the Split Brain Resolver act.
 */
public final class FenceLease {

  public static final Duration RENEW_EVERY = Duration.ofMillis(250);
  public static final Duration VALID_FOR = Duration.ofMillis(1000);

  private final LongSupplier nanoTime;
  private volatile long renewedAt;
  private volatile boolean held;

  public FenceLease(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public static FenceLease systemTime() {
    return new FenceLease(System::nanoTime);
  }

  public long now() {
    return nanoTime.getAsLong();
  }

  /** A majority acknowledged the fence asked for at {@code sentAt} (a {@link #now} value). */
  public void renewed(long sentAt) {
    if (!held || sentAt - renewedAt > 0) {
      renewedAt = sentAt;
    }
    held = true;
  }

  /** Leadership (or the fence) was lost. */
  public void dropped() {
    held = false;
  }

  public boolean fresh() {
    return freshWithin(VALID_FOR);
  }

  /** Renewed by a majority within {@code window}. */
  public boolean freshWithin(Duration window) {
    return held && now() - renewedAt < window.toNanos();
  }
}
