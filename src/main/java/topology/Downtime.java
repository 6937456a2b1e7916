package topology;

import java.time.Duration;
import java.time.Instant;

/**
 * A server's downtime: still probed and analysed, but skipped by automated recovery until
 * {@code endsAt}.
 */
public record Downtime(InstanceKey key, String owner, String reason, Instant begunAt,
    Instant endsAt) {

  public Downtime {
    owner = owner == null ? "" : owner;
    reason = reason == null ? "" : reason;
  }

  public boolean activeAt(Instant now) {
    return !now.isBefore(begunAt) && now.isBefore(endsAt);
  }

  public Duration remainingAt(Instant now) {
    Duration d = Duration.between(now, endsAt);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
