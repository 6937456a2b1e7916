package topology;

import java.time.Duration;
import java.time.Instant;

/**
 * What recovery policy needs to know of one recovery, running or done: enough for "one at a time
 * per cluster" and for the anti-flapping block. The backend keeps the full TopologyRecovery;
 * this is the part {@link RecoveryPolicy} reads.
 *
 * @param uid the recovery's UID
 * @param clusterName the cluster's name when the recovery started
 * @param clusterAlias its alias then ({@code ""} = none); aliases survive a failover, names do not
 * @param failed the instance the recovery was about (AnalyzedInstanceKey)
 * @param successor the promoted / successor instance, {@link InstanceKey#NONE} when none (yet)
 * @param startedAt when it started
 * @param endedAt when it ended; null while it runs
 * @param acknowledged acknowledged (ack-* endpoints, implicitly by a forced recovery)
 */
public record RecoveryRecord(
    String uid,
    String clusterName,
    String clusterAlias,
    InstanceKey failed,
    InstanceKey successor,
    Instant startedAt,
    Instant endedAt,
    boolean acknowledged) {

  public RecoveryRecord {
    uid = uid == null ? "" : uid;
    clusterName = clusterName == null ? "" : clusterName;
    clusterAlias = clusterAlias == null ? "" : clusterAlias;
    if (failed == null || startedAt == null) {
      throw new IllegalArgumentException("failed instance and start are required");
    }
    successor = successor == null ? InstanceKey.NONE : successor;
    if (endedAt != null && endedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException("recovery " + uid + " ends before it starts");
    }
  }

  /** Still running: started, not ended. */
  public boolean running() {
    return endedAt == null;
  }

  /**
   * In its active (blocking) period at {@code now}: not acknowledged, and running or ended less
   * than {@code block} ago. orcha counts the block from the end, so a long recovery still leaves
   * the cluster a full block of quiet afterwards.
   */
  public boolean activeAt(Instant now, Duration block) {
    if (acknowledged) {
      return false;
    }
    return endedAt == null || now.isBefore(endedAt.plus(block));
  }

  /** When the active period ends (null while running: it has no end yet). */
  public Instant activeUntil(Duration block) {
    return endedAt == null ? null : endedAt.plus(block);
  }

  /**
   * About the same cluster as an analysis entry: same cluster name, same (real) alias, or the
   * same failed server. A failover renames the cluster after its new master, so the name alone
   * would forget it.
   */
  public boolean sameClusterAs(String name, String alias, InstanceKey key) {
    if (clusterName.equals(name) || failed.equals(key)) {
      return true;
    }
    return !clusterAlias.isEmpty() && !clusterAlias.equals(clusterName)
        && clusterAlias.equals(alias);
  }

  public RecoveryRecord ended(Instant at, InstanceKey successorKey) {
    return new RecoveryRecord(uid, clusterName, clusterAlias, failed, successorKey, startedAt, at,
        acknowledged);
  }

  public RecoveryRecord withAcknowledged() {
    return new RecoveryRecord(uid, clusterName, clusterAlias, failed, successor, startedAt,
        endedAt, true);
  }
}
