package topology;

import java.util.List;

/**
 * The facts one successful probe collected from one server. Immutable; derived facts that need
 * the whole picture (cluster name, depth, co-master) live in {@link InstanceView}.
 *
 * <p>{@link #facts()} is the part whose change is worth persisting: everything except the
 * positions, lag and uptime that move on every write or every second.
 *
 * @param replicas direct replicas as the server reports them (SHOW SLAVE HOSTS or processlist),
 *     sorted
 * @param warnings what the probe could not read (a failed custom query, a missing privilege for
 *     one statement) while the rest of the probe succeeded
 */
public record Instance(
    InstanceKey key,
    long serverId,
    String serverUuid,
    String version,
    String versionComment,
    Flavor flavor,
    String reportedHostname,
    boolean readOnly,
    boolean superReadOnly,
    boolean logBinEnabled,
    boolean logReplicationUpdatesEnabled,
    String binlogFormat,
    String binlogRowImage,
    BinlogCoordinates selfCoordinates,
    long uptimeSeconds,
    GtidState gtid,
    ReplicationStatus replication,
    List<InstanceKey> replicas,
    SemiSync semiSync,
    InstanceLabels labels,
    List<String> warnings) {

  public Instance {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    serverUuid = nz(serverUuid);
    version = nz(version);
    versionComment = nz(versionComment);
    flavor = flavor == null ? Flavor.UNKNOWN : flavor;
    reportedHostname = nz(reportedHostname);
    binlogFormat = nz(binlogFormat);
    binlogRowImage = nz(binlogRowImage);
    selfCoordinates = selfCoordinates == null ? BinlogCoordinates.EMPTY : selfCoordinates;
    gtid = gtid == null ? GtidState.NONE : gtid;
    replication = replication == null ? ReplicationStatus.NONE : replication;
    replicas = replicas == null ? List.of() : replicas.stream().distinct().sorted().toList();
    semiSync = semiSync == null ? SemiSync.NONE : semiSync;
    labels = labels == null ? InstanceLabels.NONE : labels;
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  public static Builder builder(InstanceKey key) {
    return new Builder(key);
  }

  public Builder toBuilder() {
    return new Builder(key).serverId(serverId).serverUuid(serverUuid).version(version)
        .versionComment(versionComment).flavor(flavor).reportedHostname(reportedHostname)
        .readOnly(readOnly).superReadOnly(superReadOnly).logBinEnabled(logBinEnabled)
        .logReplicationUpdatesEnabled(logReplicationUpdatesEnabled).binlogFormat(binlogFormat)
        .binlogRowImage(binlogRowImage).selfCoordinates(selfCoordinates)
        .uptimeSeconds(uptimeSeconds).gtid(gtid).replication(replication).replicas(replicas)
        .semiSync(semiSync).labels(labels).warnings(warnings);
  }

  /** The MasterKey of orchestrator's JSON: {@link InstanceKey#NONE} when not a replica. */
  public InstanceKey masterKey() {
    return replication.masterKey();
  }

  /** orchestrator's "is replica": replicates from a valid master host. */
  public boolean isReplica() {
    return replication.isConfigured();
  }

  /** The persistable facts: this instance without positions, lag, uptime and warnings. */
  public Instance facts() {
    return new Instance(key, serverId, serverUuid, version, versionComment, flavor,
        reportedHostname, readOnly, superReadOnly, logBinEnabled, logReplicationUpdatesEnabled,
        binlogFormat, binlogRowImage, BinlogCoordinates.EMPTY, 0, gtid.withoutPositions(),
        replication.withoutPositions(), replicas, semiSync, labels.withoutLag(), List.of());
  }

  /** Whether the facts worth persisting differ between two observations. */
  public boolean sameFactsAs(Instance other) {
    return other != null && facts().equals(other.facts());
  }

  /** Major version for comparisons within one flavour ("10.11", "8.0"); never across flavours. */
  public String majorVersion() {
    String[] parts = version.split("[.-]");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
  }

  /** GTIDs are available: MySQL with gtid_mode supporting them, or any MariaDB (always on). */
  public boolean supportsGtid() {
    return gtid.supportsOracleGtid() || flavor.isMariaDb();
  }

  /**
   * What this server has executed, as the API's ExecutedGtidSet shows it: MySQL's
   * gtid_executed; MariaDB's gtid_current_pos (its own and replicated transactions, per domain).
   */
  public String executedGtids() {
    return flavor.isMariaDb() ? gtid.mariaDbCurrentPos() : gtid.executedGtidSet();
  }

  /** Replication lag as orchestrator reports it: the lag query if configured, else SBM. */
  public Long replicationLagSeconds() {
    return labels.replicationLagSeconds() != null
        ? labels.replicationLagSeconds()
        : replication.secondsBehindMaster();
  }

  /** Mutable assembler for the prober; {@link #build()} gives the immutable value. */
  public static final class Builder {
    private final InstanceKey key;
    private long serverId;
    private String serverUuid = "";
    private String version = "";
    private String versionComment = "";
    private Flavor flavor = Flavor.UNKNOWN;
    private String reportedHostname = "";
    private boolean readOnly;
    private boolean superReadOnly;
    private boolean logBinEnabled;
    private boolean logReplicationUpdatesEnabled;
    private String binlogFormat = "";
    private String binlogRowImage = "";
    private BinlogCoordinates selfCoordinates = BinlogCoordinates.EMPTY;
    private long uptimeSeconds;
    private GtidState gtid = GtidState.NONE;
    private ReplicationStatus replication = ReplicationStatus.NONE;
    private List<InstanceKey> replicas = List.of();
    private SemiSync semiSync = SemiSync.NONE;
    private InstanceLabels labels = InstanceLabels.NONE;
    private List<String> warnings = List.of();

    private Builder(InstanceKey key) {
      this.key = key;
    }

    public Builder serverId(long v) { serverId = v; return this; }
    public Builder serverUuid(String v) { serverUuid = v; return this; }
    public Builder version(String v) { version = v; return this; }
    public Builder versionComment(String v) { versionComment = v; return this; }
    public Builder flavor(Flavor v) { flavor = v; return this; }
    public Builder reportedHostname(String v) { reportedHostname = v; return this; }
    public Builder readOnly(boolean v) { readOnly = v; return this; }
    public Builder superReadOnly(boolean v) { superReadOnly = v; return this; }
    public Builder logBinEnabled(boolean v) { logBinEnabled = v; return this; }
    public Builder logReplicationUpdatesEnabled(boolean v) { logReplicationUpdatesEnabled = v; return this; }
    public Builder binlogFormat(String v) { binlogFormat = v; return this; }
    public Builder binlogRowImage(String v) { binlogRowImage = v; return this; }
    public Builder selfCoordinates(BinlogCoordinates v) { selfCoordinates = v; return this; }
    public Builder uptimeSeconds(long v) { uptimeSeconds = v; return this; }
    public Builder gtid(GtidState v) { gtid = v; return this; }
    public Builder replication(ReplicationStatus v) { replication = v; return this; }
    public Builder replicas(List<InstanceKey> v) { replicas = v; return this; }
    public Builder semiSync(SemiSync v) { semiSync = v; return this; }
    public Builder labels(InstanceLabels v) { labels = v; return this; }
    public Builder warnings(List<String> v) { warnings = v; return this; }

    public Instance build() {
      return new Instance(key, serverId, serverUuid, version, versionComment, flavor,
          reportedHostname, readOnly, superReadOnly, logBinEnabled, logReplicationUpdatesEnabled,
          binlogFormat, binlogRowImage, selfCoordinates, uptimeSeconds, gtid, replication,
          replicas, semiSync, labels, warnings);
    }
  }
}
