package topology;

/**
 * A server's own GTID state. MySQL: {@code gtid_mode}, {@code gtid_executed},
 * {@code gtid_purged}. MariaDB: {@code gtid_binlog_pos}, {@code gtid_current_pos},
 * {@code gtid_slave_pos}, {@code gtid_domain_id}, {@code gtid_strict_mode} (MariaDB has no
 * gtid_mode: its GTIDs are always on, which orcha reports as {@code ON}).
 */
public record GtidState(
    String gtidMode,
    String executedGtidSet,
    String gtidPurged,
    boolean supportsOracleGtid,
    String mariaDbBinlogPos,
    String mariaDbCurrentPos,
    String mariaDbSlavePos,
    long mariaDbDomainId,
    boolean mariaDbStrictMode) {

  public static final GtidState NONE = new GtidState("", "", "", false, "", "", "", 0, false);

  public GtidState {
    gtidMode = nz(gtidMode);
    executedGtidSet = nz(executedGtidSet);
    gtidPurged = nz(gtidPurged);
    mariaDbBinlogPos = nz(mariaDbBinlogPos);
    mariaDbCurrentPos = nz(mariaDbCurrentPos);
    mariaDbSlavePos = nz(mariaDbSlavePos);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  GtidState withoutPositions() {
    return new GtidState(gtidMode, "", "", supportsOracleGtid, "", "", "", mariaDbDomainId,
        mariaDbStrictMode);
  }
}
