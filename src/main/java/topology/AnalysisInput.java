package topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What failure detection knows about one server and its direct replicas: the aggregate that
 * orchestrator's analysis query computes per instance (orchestrator-api.md §7.1, §7.2), and
 * that every {@link AnalysisCode} and {@link StructureWarning} predicate reads. Built from a
 * snapshot by {@link #from}; tests build it directly with {@link #builder}.
 *
 * <p>Notation of the contract: M = {@link #isMaster}, V = {@link #lastCheckValid},
 * P = {@link #lastCheckPartialSuccess}, R = {@link #countReplicas}, VR =
 * {@link #countValidReplicas}, VRR = {@link #countValidReplicatingReplicas}, FC =
 * {@link #countReplicasFailingToConnectToMaster}, L = {@link #countLaggingReplicas}, D =
 * {@link #countDelayedReplicas}.
 *
 * <p>Definitions, as orchestrator's query has them:
 * <ul>
 *   <li>a replica is <em>valid</em> when its {@link InstanceView#lastCheckValid()} holds;</li>
 *   <li><em>replicating</em> means both threads RUNNING: an IO thread in {@code Connecting} is
 *       not (orchestrator stores {@code Slave_IO_Running == 'Yes'});</li>
 *   <li><em>failing to connect</em>: IO thread not running, SQL thread running, and the last IO
 *       error like {@code %error %connecting to master%} (so MariaDB's {@code error reconnecting
 *       to master ...} matches);</li>
 *   <li>downtimed replicas count in R, VR, VRR like any other, and also in
 *       {@link #countDowntimedReplicas}; their errant GTIDs are left out of
 *       {@link #maxReplicaGtidErrant};</li>
 *   <li>L, D, the semi-sync, logging and GTID-mode aggregates count every replica, valid or
 *       not.</li>
 * </ul>
 *
 * <p>A server never re-checked since this node started ({@link Liveness#restored}) is not
 * valid, exactly like a server whose last probe failed: a freshly started node therefore sees
 * every server as unreachable until its first probes complete. Holding back recovery for the
 * start-up delay (3 x InstancePollSeconds) is the caller's job, not this aggregate's.
 *
 * @param isClusterMaster its key-string is its cluster's name (an ordering key only)
 * @param binlogCoordinatesStale its own binlog coordinates have not moved for the locked
 *     semi-sync window (from {@link AnalysisContext#binlogStale})
 * @param recoverNonWriteableMaster configuration read by {@code NoWriteableMasterStructureWarning}
 * @param enforceExactSemiSyncReplicas configuration read by {@code MasterWithTooManySemiSyncReplicas}
 * @param lostInRecovery the server has an active downtime with reason {@code lost-in-recovery}
 *     ({@link TopologyAssembler#LOST_IN_RECOVERY}): a master recovery left it behind (orcha)
 */
public record AnalysisInput(
    InstanceKey key,
    InstanceKey masterKey,
    String dataCenter,
    String region,
    String physicalEnvironment,
    BinlogCoordinates binlogCoordinates,
    boolean isMaster,
    boolean isClusterMaster,
    boolean isReplicationGroupMember,
    boolean isCoMaster,
    boolean isBinlogServer,
    boolean lastCheckValid,
    boolean lastCheckPartialSuccess,
    List<InstanceKey> replicas,
    int countReplicas,
    int countValidReplicas,
    int countValidReplicatingReplicas,
    int countReplicasFailingToConnectToMaster,
    int countDowntimedReplicas,
    int countLaggingReplicas,
    int countDelayedReplicas,
    int replicationDepth,
    boolean isFailingToConnectToMaster,
    boolean isReadOnly,
    boolean lostInRecovery,
    boolean semiSyncMasterEnabled,
    boolean semiSyncMasterStatus,
    int semiSyncMasterWaitForReplicaCount,
    int semiSyncMasterClients,
    int countSemiSyncReplicasEnabled,
    boolean binlogCoordinatesStale,
    int countLoggingReplicas,
    int countStatementBasedLoggingReplicas,
    int countMixedBasedLoggingReplicas,
    int countRowBasedLoggingReplicas,
    int countDistinctMajorVersionsLoggingReplicas,
    boolean oracleGtidImmediateTopology,
    boolean mariaDbGtidImmediateTopology,
    boolean binlogServerImmediateTopology,
    boolean pseudoGtidImmediateTopology,
    String gtidMode,
    String minReplicaGtidMode,
    String maxReplicaGtidMode,
    String maxReplicaGtidErrant,
    boolean recoverNonWriteableMaster,
    boolean enforceExactSemiSyncReplicas) {

  /** orchestrator's {@code last_io_error LIKE '%error %connecting to master%'}. */
  private static final Pattern CONNECTING_ERROR = Pattern.compile("error .*connecting to master",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  public AnalysisInput {
    masterKey = masterKey == null ? InstanceKey.NONE : masterKey;
    dataCenter = nz(dataCenter);
    region = nz(region);
    physicalEnvironment = nz(physicalEnvironment);
    binlogCoordinates = binlogCoordinates == null ? BinlogCoordinates.EMPTY : binlogCoordinates;
    replicas = replicas == null ? List.of() : replicas.stream().distinct().sorted().toList();
    gtidMode = nz(gtidMode);
    minReplicaGtidMode = nz(minReplicaGtidMode);
    maxReplicaGtidMode = nz(maxReplicaGtidMode);
    maxReplicaGtidErrant = nz(maxReplicaGtidErrant);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * The server's IO thread is not running, its SQL thread is, and the IO error says it cannot
   * connect (MySQL {@code error connecting to master}, MariaDB {@code error reconnecting to
   * master}).
   */
  public static boolean failingToConnect(ReplicationStatus r) {
    return r.ioThread() != ThreadState.RUNNING && r.sqlThread() == ThreadState.RUNNING
        && CONNECTING_ERROR.matcher(r.lastIoError()).find();
  }

  /**
   * The aggregate for {@code view}.
   *
   * @param replicas the servers whose master is {@code view}'s key (any order)
   */
  public static AnalysisInput from(InstanceView view, List<InstanceView> replicas,
      AnalysisContext ctx) {
    Instance i = view.instance();
    ReplicationStatus r = i.replication();
    SemiSync s = i.semiSync();
    long lagLimit = ctx.settings().thresholds().reasonableReplicationLagSeconds();

    Builder b = builder(i.key())
        .masterKey(i.masterKey())
        .dataCenter(i.labels().dataCenter())
        .region(i.labels().region())
        .physicalEnvironment(i.labels().physicalEnvironment())
        .binlogCoordinates(i.selfCoordinates())
        .isMaster(!r.isConfigured() || i.masterKey().isDetached())
        .isClusterMaster(i.key().displayString().equals(view.clusterName()))
        .lastCheckValid(view.lastCheckValid())
        .lastCheckPartialSuccess(view.liveness().partial())
        .replicationDepth(view.replicationDepth())
        .isFailingToConnectToMaster(failingToConnect(r))
        .isReadOnly(i.readOnly())
        .lostInRecovery(ctx.activeDowntime(i.key())
            .filter(d -> TopologyAssembler.LOST_IN_RECOVERY.equals(d.reason())).isPresent())
        .semiSyncMasterEnabled(s.masterEnabled())
        .semiSyncMasterStatus(s.masterStatus())
        // MariaDB always waits for one acknowledgement and has no variable saying so
        .semiSyncMasterWaitForReplicaCount(i.flavor().isMariaDb() && s.masterEnabled()
            && s.masterWaitForReplicaCount() <= 0 ? 1 : s.masterWaitForReplicaCount())
        .semiSyncMasterClients(s.masterClients())
        .binlogCoordinatesStale(ctx.binlogStale(i.key()))
        .gtidMode(i.gtid().gtidMode())
        .recoverNonWriteableMaster(ctx.settings().recoverNonWriteableMaster())
        .enforceExactSemiSyncReplicas(ctx.settings().enforceExactSemiSyncReplicas());

    boolean coMasterReplica = false;
    int valid = 0;
    int validOracleGtid = 0;
    int validMariaDbGtid = 0;
    String minMode = null;
    String maxMode = null;
    String maxErrant = "";
    Set<String> loggingMajors = new HashSet<>();
    List<InstanceKey> keys = new ArrayList<>();
    for (InstanceView rv : replicas) {
      Instance ri = rv.instance();
      ReplicationStatus rr = ri.replication();
      keys.add(ri.key());
      b.countReplicas++;
      coMasterReplica |= rv.coMaster();
      boolean downtimed = ctx.activeDowntime(ri.key()).isPresent();
      if (downtimed) {
        b.countDowntimedReplicas++;
      } else if (rv.gtidErrant().compareTo(maxErrant) > 0) {
        maxErrant = rv.gtidErrant();
      }
      if (rv.lastCheckValid()) {
        valid++;
        if (rr.isRunning()) {
          b.countValidReplicatingReplicas++;
        }
        if (failingToConnect(rr)) {
          b.countReplicasFailingToConnectToMaster++;
        }
        if (rr.autoPosition()) {
          validOracleGtid++;
        }
        if (rr.usingMariaDbGtidReplication()) {
          validMariaDbGtid++;
        }
      }
      Long lag = ri.replicationLagSeconds();
      if (lag != null && lag > lagLimit) {
        b.countLaggingReplicas++;
      }
      if (rr.sqlDelay() > 0) {
        b.countDelayedReplicas++;
      }
      if (ri.semiSync().replicaEnabled()) {
        b.countSemiSyncReplicasEnabled++;
      }
      if (ri.logBinEnabled() && ri.logReplicationUpdatesEnabled()) {
        b.countLoggingReplicas++;
        switch (ri.binlogFormat().toUpperCase(Locale.ROOT)) {
          case "STATEMENT" -> b.countStatementBasedLoggingReplicas++;
          case "MIXED" -> b.countMixedBasedLoggingReplicas++;
          case "ROW" -> b.countRowBasedLoggingReplicas++;
          default -> { }
        }
        loggingMajors.add(majorVersionFamily(ri));
      }
      String mode = ri.gtid().gtidMode();
      minMode = minMode == null || mode.compareTo(minMode) < 0 ? mode : minMode;
      maxMode = maxMode == null || mode.compareTo(maxMode) > 0 ? mode : maxMode;
    }
    return b.replicas(keys)
        .countValidReplicas(valid)
        .isCoMaster(view.coMaster() || coMasterReplica)
        .countDistinctMajorVersionsLoggingReplicas(loggingMajors.size())
        .oracleGtidImmediateTopology(valid > 0 && validOracleGtid == valid)
        .mariaDbGtidImmediateTopology(valid > 0 && validMariaDbGtid == valid)
        // orcha knows no binlog servers and no Pseudo-GTID: both stay false
        .minReplicaGtidMode(minMode == null ? "" : minMode)
        .maxReplicaGtidMode(maxMode == null ? "" : maxMode)
        .maxReplicaGtidErrant(maxErrant)
        .build();
  }

  /**
   * A major version qualified by its flavour family, so that MariaDB "10.11" and MySQL "8.0"
   * are two versions and are never compared as numbers (MARIADB.md item 7). Percona Server
   * counts as MySQL.
   */
  static String majorVersionFamily(Instance i) {
    String family = i.flavor().isMariaDb() ? "MariaDB"
        : i.flavor() == Flavor.UNKNOWN ? "unknown" : "MySQL";
    return family + " " + i.majorVersion();
  }

  // ---- derived views the predicates share ------------------------------------------------------

  /** R > 0 and every replica reachable: VR = R. */
  public boolean allReplicasValid() {
    return countReplicas > 0 && countValidReplicas == countReplicas;
  }

  /** Some but not all replicas reachable: 0 < VR < R. */
  public boolean someReplicasValid() {
    return countValidReplicas > 0 && countValidReplicas < countReplicas;
  }

  public static Builder builder(InstanceKey key) {
    return new Builder(key);
  }

  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.masterKey = masterKey;
    b.dataCenter = dataCenter;
    b.region = region;
    b.physicalEnvironment = physicalEnvironment;
    b.binlogCoordinates = binlogCoordinates;
    b.isMaster = isMaster;
    b.isClusterMaster = isClusterMaster;
    b.isReplicationGroupMember = isReplicationGroupMember;
    b.isCoMaster = isCoMaster;
    b.isBinlogServer = isBinlogServer;
    b.lastCheckValid = lastCheckValid;
    b.lastCheckPartialSuccess = lastCheckPartialSuccess;
    b.replicas = replicas;
    b.countReplicas = countReplicas;
    b.countValidReplicas = countValidReplicas;
    b.countValidReplicatingReplicas = countValidReplicatingReplicas;
    b.countReplicasFailingToConnectToMaster = countReplicasFailingToConnectToMaster;
    b.countDowntimedReplicas = countDowntimedReplicas;
    b.countLaggingReplicas = countLaggingReplicas;
    b.countDelayedReplicas = countDelayedReplicas;
    b.replicationDepth = replicationDepth;
    b.isFailingToConnectToMaster = isFailingToConnectToMaster;
    b.isReadOnly = isReadOnly;
    b.lostInRecovery = lostInRecovery;
    b.semiSyncMasterEnabled = semiSyncMasterEnabled;
    b.semiSyncMasterStatus = semiSyncMasterStatus;
    b.semiSyncMasterWaitForReplicaCount = semiSyncMasterWaitForReplicaCount;
    b.semiSyncMasterClients = semiSyncMasterClients;
    b.countSemiSyncReplicasEnabled = countSemiSyncReplicasEnabled;
    b.binlogCoordinatesStale = binlogCoordinatesStale;
    b.countLoggingReplicas = countLoggingReplicas;
    b.countStatementBasedLoggingReplicas = countStatementBasedLoggingReplicas;
    b.countMixedBasedLoggingReplicas = countMixedBasedLoggingReplicas;
    b.countRowBasedLoggingReplicas = countRowBasedLoggingReplicas;
    b.countDistinctMajorVersionsLoggingReplicas = countDistinctMajorVersionsLoggingReplicas;
    b.oracleGtidImmediateTopology = oracleGtidImmediateTopology;
    b.mariaDbGtidImmediateTopology = mariaDbGtidImmediateTopology;
    b.binlogServerImmediateTopology = binlogServerImmediateTopology;
    b.pseudoGtidImmediateTopology = pseudoGtidImmediateTopology;
    b.gtidMode = gtidMode;
    b.minReplicaGtidMode = minReplicaGtidMode;
    b.maxReplicaGtidMode = maxReplicaGtidMode;
    b.maxReplicaGtidErrant = maxReplicaGtidErrant;
    b.recoverNonWriteableMaster = recoverNonWriteableMaster;
    b.enforceExactSemiSyncReplicas = enforceExactSemiSyncReplicas;
    return b;
  }

  /** Mutable builder; every field defaults to its zero value. */
  public static final class Builder {
    private final InstanceKey key;
    private InstanceKey masterKey = InstanceKey.NONE;
    private String dataCenter = "";
    private String region = "";
    private String physicalEnvironment = "";
    private BinlogCoordinates binlogCoordinates = BinlogCoordinates.EMPTY;
    private boolean isMaster;
    private boolean isClusterMaster;
    private boolean isReplicationGroupMember;
    private boolean isCoMaster;
    private boolean isBinlogServer;
    private boolean lastCheckValid;
    private boolean lastCheckPartialSuccess;
    private List<InstanceKey> replicas = List.of();
    private int countReplicas;
    private int countValidReplicas;
    private int countValidReplicatingReplicas;
    private int countReplicasFailingToConnectToMaster;
    private int countDowntimedReplicas;
    private int countLaggingReplicas;
    private int countDelayedReplicas;
    private int replicationDepth;
    private boolean isFailingToConnectToMaster;
    private boolean isReadOnly;
    private boolean lostInRecovery;
    private boolean semiSyncMasterEnabled;
    private boolean semiSyncMasterStatus;
    private int semiSyncMasterWaitForReplicaCount;
    private int semiSyncMasterClients;
    private int countSemiSyncReplicasEnabled;
    private boolean binlogCoordinatesStale;
    private int countLoggingReplicas;
    private int countStatementBasedLoggingReplicas;
    private int countMixedBasedLoggingReplicas;
    private int countRowBasedLoggingReplicas;
    private int countDistinctMajorVersionsLoggingReplicas;
    private boolean oracleGtidImmediateTopology;
    private boolean mariaDbGtidImmediateTopology;
    private boolean binlogServerImmediateTopology;
    private boolean pseudoGtidImmediateTopology;
    private String gtidMode = "";
    private String minReplicaGtidMode = "";
    private String maxReplicaGtidMode = "";
    private String maxReplicaGtidErrant = "";
    private boolean recoverNonWriteableMaster;
    private boolean enforceExactSemiSyncReplicas;

    private Builder(InstanceKey key) {
      this.key = key;
    }

    public Builder masterKey(InstanceKey v) { masterKey = v; return this; }
    public Builder dataCenter(String v) { dataCenter = v; return this; }
    public Builder region(String v) { region = v; return this; }
    public Builder physicalEnvironment(String v) { physicalEnvironment = v; return this; }
    public Builder binlogCoordinates(BinlogCoordinates v) { binlogCoordinates = v; return this; }
    public Builder isMaster(boolean v) { isMaster = v; return this; }
    public Builder isClusterMaster(boolean v) { isClusterMaster = v; return this; }
    public Builder isReplicationGroupMember(boolean v) { isReplicationGroupMember = v; return this; }
    public Builder isCoMaster(boolean v) { isCoMaster = v; return this; }
    public Builder isBinlogServer(boolean v) { isBinlogServer = v; return this; }
    public Builder lastCheckValid(boolean v) { lastCheckValid = v; return this; }
    public Builder lastCheckPartialSuccess(boolean v) { lastCheckPartialSuccess = v; return this; }
    public Builder replicas(List<InstanceKey> v) { replicas = v; return this; }
    public Builder countReplicas(int v) { countReplicas = v; return this; }
    public Builder countValidReplicas(int v) { countValidReplicas = v; return this; }
    public Builder countValidReplicatingReplicas(int v) { countValidReplicatingReplicas = v; return this; }
    public Builder countReplicasFailingToConnectToMaster(int v) { countReplicasFailingToConnectToMaster = v; return this; }
    public Builder countDowntimedReplicas(int v) { countDowntimedReplicas = v; return this; }
    public Builder countLaggingReplicas(int v) { countLaggingReplicas = v; return this; }
    public Builder countDelayedReplicas(int v) { countDelayedReplicas = v; return this; }
    public Builder replicationDepth(int v) { replicationDepth = v; return this; }
    public Builder isFailingToConnectToMaster(boolean v) { isFailingToConnectToMaster = v; return this; }
    public Builder isReadOnly(boolean v) { isReadOnly = v; return this; }
    public Builder lostInRecovery(boolean v) { lostInRecovery = v; return this; }
    public Builder semiSyncMasterEnabled(boolean v) { semiSyncMasterEnabled = v; return this; }
    public Builder semiSyncMasterStatus(boolean v) { semiSyncMasterStatus = v; return this; }
    public Builder semiSyncMasterWaitForReplicaCount(int v) { semiSyncMasterWaitForReplicaCount = v; return this; }
    public Builder semiSyncMasterClients(int v) { semiSyncMasterClients = v; return this; }
    public Builder countSemiSyncReplicasEnabled(int v) { countSemiSyncReplicasEnabled = v; return this; }
    public Builder binlogCoordinatesStale(boolean v) { binlogCoordinatesStale = v; return this; }
    public Builder countLoggingReplicas(int v) { countLoggingReplicas = v; return this; }
    public Builder countStatementBasedLoggingReplicas(int v) { countStatementBasedLoggingReplicas = v; return this; }
    public Builder countMixedBasedLoggingReplicas(int v) { countMixedBasedLoggingReplicas = v; return this; }
    public Builder countRowBasedLoggingReplicas(int v) { countRowBasedLoggingReplicas = v; return this; }
    public Builder countDistinctMajorVersionsLoggingReplicas(int v) { countDistinctMajorVersionsLoggingReplicas = v; return this; }
    public Builder oracleGtidImmediateTopology(boolean v) { oracleGtidImmediateTopology = v; return this; }
    public Builder mariaDbGtidImmediateTopology(boolean v) { mariaDbGtidImmediateTopology = v; return this; }
    public Builder binlogServerImmediateTopology(boolean v) { binlogServerImmediateTopology = v; return this; }
    public Builder pseudoGtidImmediateTopology(boolean v) { pseudoGtidImmediateTopology = v; return this; }
    public Builder gtidMode(String v) { gtidMode = v; return this; }
    public Builder minReplicaGtidMode(String v) { minReplicaGtidMode = v; return this; }
    public Builder maxReplicaGtidMode(String v) { maxReplicaGtidMode = v; return this; }
    public Builder maxReplicaGtidErrant(String v) { maxReplicaGtidErrant = v; return this; }
    public Builder recoverNonWriteableMaster(boolean v) { recoverNonWriteableMaster = v; return this; }
    public Builder enforceExactSemiSyncReplicas(boolean v) { enforceExactSemiSyncReplicas = v; return this; }

    public AnalysisInput build() {
      return new AnalysisInput(key, masterKey, dataCenter, region, physicalEnvironment,
          binlogCoordinates, isMaster, isClusterMaster, isReplicationGroupMember, isCoMaster,
          isBinlogServer, lastCheckValid, lastCheckPartialSuccess, replicas, countReplicas,
          countValidReplicas, countValidReplicatingReplicas,
          countReplicasFailingToConnectToMaster, countDowntimedReplicas, countLaggingReplicas,
          countDelayedReplicas, replicationDepth, isFailingToConnectToMaster, isReadOnly,
          lostInRecovery, semiSyncMasterEnabled, semiSyncMasterStatus,
          semiSyncMasterWaitForReplicaCount, semiSyncMasterClients, countSemiSyncReplicasEnabled,
          binlogCoordinatesStale,
          countLoggingReplicas, countStatementBasedLoggingReplicas,
          countMixedBasedLoggingReplicas, countRowBasedLoggingReplicas,
          countDistinctMajorVersionsLoggingReplicas, oracleGtidImmediateTopology,
          mariaDbGtidImmediateTopology, binlogServerImmediateTopology,
          pseudoGtidImmediateTopology, gtidMode, minReplicaGtidMode, maxReplicaGtidMode,
          maxReplicaGtidErrant, recoverNonWriteableMaster, enforceExactSemiSyncReplicas);
    }
  }
}
