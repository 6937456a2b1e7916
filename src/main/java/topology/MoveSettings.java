package topology;

/**
 * The configuration the move rules read.
 *
 * @param reasonableMaintenanceLagSeconds ReasonableMaintenanceReplicationLagSeconds: a replica
 *     lagging more may not be moved by binlog coordinates; a master delayed by more (SQL_Delay)
 *     may not take a less delayed replica
 * @param verifyReplicationFilters refuse a replica without replication filters below a master
 *     that has some (orchestrator's VerifyReplicationFilters; orcha's default is on, see
 *     {@link ReplicationRules})
 * @param mariaDbCurrentPos MariaDB GTID moves use {@code MASTER_USE_GTID=current_pos} instead of
 *     {@code slave_pos}; only when an operator asks for it (MARIADB.md item 5)
 */
public record MoveSettings(
    long reasonableMaintenanceLagSeconds,
    boolean verifyReplicationFilters,
    boolean mariaDbCurrentPos) {

  public static final MoveSettings DEFAULTS = new MoveSettings(20, true, false);

  public MoveSettings {
    if (reasonableMaintenanceLagSeconds < 0) {
      throw new IllegalArgumentException(
          "reasonable maintenance lag must be >= 0, got " + reasonableMaintenanceLagSeconds);
    }
  }

  public static MoveSettings from(Thresholds t) {
    return new MoveSettings(t.reasonableMaintenanceLagSeconds(), true, false);
  }

  public MoveSettings withMariaDbCurrentPos(boolean currentPos) {
    return new MoveSettings(reasonableMaintenanceLagSeconds, verifyReplicationFilters, currentPos);
  }

  public MoveSettings withVerifyReplicationFilters(boolean verify) {
    return new MoveSettings(reasonableMaintenanceLagSeconds, verify, mariaDbCurrentPos);
  }
}
