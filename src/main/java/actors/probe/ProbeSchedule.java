package actors.probe;

import java.time.Duration;

/**
 * When probes run: every {@code pollInterval} while a server answers; after failures, with
 * exponential backoff from the poll interval up to {@code maxBackoff}; a probe that has not
 * come back after {@code probeDeadline} counts as timed out.
 */
public record ProbeSchedule(Duration pollInterval, Duration maxBackoff, Duration probeDeadline) {

  public ProbeSchedule {
    if (pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("poll interval must be > 0");
    }
    if (maxBackoff.compareTo(pollInterval) < 0) {
      maxBackoff = pollInterval;
    }
  }

  /** Delay after {@code failures} consecutive failures: interval x 2^(failures-1), capped. */
  public Duration retryAfter(int failures) {
    if (failures <= 0) {
      return pollInterval;
    }
    Duration d = pollInterval;
    for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
