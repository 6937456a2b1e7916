package topology;

/**
 * What a replica says about its replication channel (SHOW SLAVE STATUS / SHOW REPLICA STATUS).
 * {@link #NONE} for a server that replicates from nobody.
 *
 * @param usingMariaDbGtid MariaDB {@code Using_Gtid}: {@code No}, {@code Slave_Pos}, {@code Current_Pos}
 * @param executedGtidSet MySQL {@code Executed_Gtid_Set}; MariaDB {@code Gtid_Slave_Pos}
 * @param retrievedGtidSet MySQL {@code Retrieved_Gtid_Set}; MariaDB {@code Gtid_IO_Pos}
 */
public record ReplicationStatus(
    InstanceKey masterKey,
    String masterUuid,
    String masterUser,
    ThreadState ioThread,
    ThreadState sqlThread,
    int lastIoErrno,
    String lastIoError,
    int lastSqlErrno,
    String lastSqlError,
    Long secondsBehindMaster,
    long sqlDelay,
    BinlogCoordinates readCoordinates,
    BinlogCoordinates execCoordinates,
    BinlogCoordinates relayCoordinates,
    boolean autoPosition,
    String usingMariaDbGtid,
    String retrievedGtidSet,
    String executedGtidSet,
    boolean sslAllowed,
    boolean hasReplicationFilters) {

  public static final ReplicationStatus NONE = new ReplicationStatus(
      InstanceKey.NONE, "", "", ThreadState.NONE, ThreadState.NONE, 0, "", 0, "", null, 0,
      BinlogCoordinates.EMPTY, BinlogCoordinates.EMPTY, BinlogCoordinates.EMPTY_RELAY, false, "",
      "", "", false, false);

  public ReplicationStatus {
    masterKey = masterKey == null ? InstanceKey.NONE : masterKey;
    masterUuid = nz(masterUuid);
    masterUser = nz(masterUser);
    ioThread = ioThread == null ? ThreadState.NONE : ioThread;
    sqlThread = sqlThread == null ? ThreadState.NONE : sqlThread;
    lastIoError = nz(lastIoError);
    lastSqlError = nz(lastSqlError);
    readCoordinates = readCoordinates == null ? BinlogCoordinates.EMPTY : readCoordinates;
    execCoordinates = execCoordinates == null ? BinlogCoordinates.EMPTY : execCoordinates;
    relayCoordinates = relayCoordinates == null ? BinlogCoordinates.EMPTY_RELAY : relayCoordinates;
    usingMariaDbGtid = nz(usingMariaDbGtid);
    retrievedGtidSet = nz(retrievedGtidSet);
    executedGtidSet = nz(executedGtidSet);
    if (secondsBehindMaster != null && secondsBehindMaster < 0) {
      secondsBehindMaster = 0L; // orchestrator corrects negative lag to 0
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Configured to replicate from somebody (orchestrator's "is replica" predicate, minus GTID). */
  public boolean isConfigured() {
    return masterKey.isValid() && !"_".equals(masterKey.hostname());
  }

  public boolean usingMariaDbGtidReplication() {
    return !usingMariaDbGtid.isEmpty() && !"no".equalsIgnoreCase(usingMariaDbGtid);
  }

  public boolean isRunning() {
    return ioThread == ThreadState.RUNNING && sqlThread == ThreadState.RUNNING;
  }

  /** The same channel with the fields that change on every write cleared. */
  ReplicationStatus withoutPositions() {
    return new ReplicationStatus(masterKey, masterUuid, masterUser, ioThread, sqlThread,
        lastIoErrno, lastIoError, lastSqlErrno, lastSqlError, null, sqlDelay,
        BinlogCoordinates.EMPTY, BinlogCoordinates.EMPTY, BinlogCoordinates.EMPTY_RELAY,
        autoPosition, usingMariaDbGtid, "", "", sslAllowed, hasReplicationFilters);
  }
}
