package topology;

import java.time.Duration;
import java.time.Instant;

/**
 * When a server was last probed and last reached. Kept in memory only (never persisted per
 * probe); after a restart the last persisted observation gives {@code lastSeen} and
 * {@code lastAttempt} stays null until the first new probe ("not yet re-checked").
 *
 * @param lastAttempt when the last probe finished (successful or not); null = not re-checked
 * @param lastSeen when a probe last succeeded; null = never reached
 * @param lastFailure the failure of the last probe, null when it succeeded
 * @param partial the last failed probe had connected (LastCheckPartialSuccess)
 */
public record Liveness(
    Instant lastAttempt,
    Instant lastSeen,
    ProbeFailure lastFailure,
    boolean partial,
    Duration lastLatency,
    int consecutiveFailures) {

  public static Liveness restored(Instant lastSeen) {
    return new Liveness(null, lastSeen, null, false, Duration.ZERO, 0);
  }

  public static Liveness never() {
    return new Liveness(null, null, null, false, Duration.ZERO, 0);
  }

  public Liveness afterSuccess(Instant at, Duration latency) {
    return new Liveness(at, at, null, false, latency, 0);
  }

  public Liveness afterFailure(Instant at, ProbeFailure failure, boolean wasPartial,
      Duration latency) {
    return new Liveness(at, lastSeen, failure, wasPartial, latency, consecutiveFailures + 1);
  }

  /** Checked since this node started. */
  public boolean rechecked() {
    return lastAttempt != null;
  }

  /** The last attempt succeeded (orchestrator: last_checked &lt;= last_seen). */
  public boolean lastAttemptSucceeded() {
    return lastAttempt != null && lastSeen != null && !lastSeen.isBefore(lastAttempt);
  }
}
