package telemetry;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The time one recovery spends in each phase, added up while it runs (steps complete on
 * several threads) and reported once when it ends: one observation per phase it reached.
 */
public final class RecoveryPhases {

  private final AtomicLongArray nanos = new AtomicLongArray(RecoveryMetrics.Phase.values().length);
  private final Set<RecoveryMetrics.Phase> reached =
      java.util.Collections.synchronizedSet(EnumSet.noneOf(RecoveryMetrics.Phase.class));

  public void add(RecoveryMetrics.Phase phase, long elapsedNanos) {
    nanos.addAndGet(phase.ordinal(), Math.max(0, elapsedNanos));
    reached.add(phase);
  }

  public Duration of(RecoveryMetrics.Phase phase) {
    return Duration.ofNanos(nanos.get(phase.ordinal()));
  }

  public boolean reached(RecoveryMetrics.Phase phase) {
    return reached.contains(phase);
  }

  /** Records every phase reached in {@code metrics}. */
  public void reportTo(RecoveryMetrics metrics) {
    for (RecoveryMetrics.Phase p : RecoveryMetrics.Phase.values()) {
      if (reached(p)) {
        metrics.phase(p, of(p));
      }
    }
  }
}
