package topology;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * "May X replicate from Y", and the structure rules of moves. Pure: reads the values it is given.
 *
 * <p>{@link #canReplicateFrom} follows orchestrator's {@code Instance.CanReplicateFrom}
 * (go/inst/instance.go), in its order, with these differences:
 * <ul>
 *   <li>the master must be reachable (last check valid) and recently checked: orchestrator
 *       checks this in the operations, orcha in the rule;</li>
 *   <li>versions are compared only within one flavour family (MySQL and Percona; MariaDB).
 *       orchestrator compares "10.11" with "8.0" numerically, which happens to allow a MariaDB
 *       replica below a MySQL master and refuse the reverse; orcha keeps that outcome for a
 *       stated reason: MariaDB reads MySQL's binary logs (its documented migration path), MySQL
 *       cannot read MariaDB's (MariaDB GTID and annotate events), so MySQL below MariaDB is
 *       refused and MariaDB below MySQL is allowed without a version comparison (GTID is then
 *       never used between them);</li>
 *   <li>a server whose version is unknown is refused (orchestrator compares empty versions as
 *       0);</li>
 *   <li>replication filters are verified by default (orchestrator: only with
 *       VerifyReplicationFilters, default off), see {@link MoveSettings}.</li>
 * </ul>
 * Every refusal reads {@code <replica> cannot replicate from <master>: <why>}.
 */
public final class ReplicationRules {

  private ReplicationRules() {}

  /** GTID kinds two servers can share. */
  public enum GtidKind { MYSQL, MARIADB }

  /** {@link #canReplicateFrom(InstanceView, InstanceView, MoveSettings)} with the defaults. */
  public static Verdict canReplicateFrom(InstanceView replica, InstanceView master) {
    return canReplicateFrom(replica, master, MoveSettings.DEFAULTS);
  }

  /** orchestrator's CanReplicateFrom plus: the master is reachable and recently checked. */
  public static Verdict canReplicateFrom(InstanceView replica, InstanceView master,
      MoveSettings settings) {
    if (replica.key().equals(master.key())) {
      return itself(replica.key());
    }
    String p = prefix(replica.key(), master.key());
    if (!master.lastCheckValid()) {
      return Verdict.refused(p + master.key() + " is not reachable (last check invalid)");
    }
    if (!master.recentlyChecked()) {
      return Verdict.refused(p + master.key() + " was not recently checked");
    }
    return canReplicateFrom(replica.instance(), master.instance(), settings);
  }

  /**
   * The rules on the facts alone, without the master's liveness: for repoint (orchestrator
   * prefers the master alive but does not require it) and take-master (the grandparent may be
   * dead).
   */
  public static Verdict canReplicateFrom(Instance replica, Instance master,
      MoveSettings settings) {
    InstanceKey r = replica.key();
    InstanceKey m = master.key();
    if (r.equals(m)) {
      return itself(r);
    }
    String p = prefix(r, m);
    if (!master.logBinEnabled()) {
      return Verdict.refused(p + m + " has no binary log (log_bin=OFF)");
    }
    if (master.isReplica() && !master.logReplicationUpdatesEnabled()) {
      return Verdict.refused(p + m + " is itself a replica and does not log what it replicates"
          + " (log_slave_updates=OFF)");
    }
    for (Instance i : new Instance[] {replica, master}) {
      if (i.version().isBlank() || i.flavor() == Flavor.UNKNOWN) {
        return Verdict.refused(p + "the version of " + i.key() + " is unknown");
      }
    }
    boolean replicaMaria = replica.flavor().isMariaDb();
    boolean masterMaria = master.flavor().isMariaDb();
    if (!replicaMaria && masterMaria) {
      return Verdict.refused(p + "MySQL cannot replicate from MariaDB (" + r + " is "
          + replica.flavor().apiName() + " " + replica.majorVersion() + ", " + m + " is MariaDB "
          + master.majorVersion() + ")");
    }
    if (replicaMaria == masterMaria
        && compareMajorVersions(replica.majorVersion(), master.majorVersion()) < 0) {
      return Verdict.refused(p + r + " has version " + replica.version()
          + ", which is lower than " + master.version() + " on " + m);
    }
    if (replica.logBinEnabled() && replica.logReplicationUpdatesEnabled()
        && isSmallerBinlogFormat(replica.binlogFormat(), master.binlogFormat())) {
      return Verdict.refused(p + "cannot replicate from " + master.binlogFormat()
          + " binlog format on " + m + " to " + replica.binlogFormat() + " on " + r);
    }
    if (settings.verifyReplicationFilters() && master.replication().hasReplicationFilters()
        && !replica.replication().hasReplicationFilters()) {
      return Verdict.refused(p + m + " has replication filters and " + r + " has none");
    }
    if (replica.serverId() == master.serverId()) {
      return Verdict.refused(p + "identical server id: " + m + ", " + r + " both have "
          + replica.serverId());
    }
    if (!replica.serverUuid().isEmpty() && replica.serverUuid().equals(master.serverUuid())) {
      return Verdict.refused(p + "identical server UUID: " + m + ", " + r + " both have "
          + replica.serverUuid());
    }
    long replicaDelay = replica.replication().sqlDelay();
    long masterDelay = master.replication().sqlDelay();
    if (replicaDelay < masterDelay && masterDelay > settings.reasonableMaintenanceLagSeconds()) {
      return Verdict.refused(p + m + " has higher SQL_Delay (" + masterDelay + " seconds) than "
          + r + " does (" + replicaDelay + " seconds)");
    }
    return Verdict.ALLOWED;
  }

  private static String prefix(InstanceKey replica, InstanceKey master) {
    return replica + " cannot replicate from " + master + ": ";
  }

  private static Verdict itself(InstanceKey k) {
    return Verdict.refused(k + " cannot replicate from " + k + ": a server cannot replicate"
        + " from itself");
  }

  /**
   * orchestrator's IsSmallerMajorVersion on major versions ("10.11", "8.0"): token by token,
   * numerically; a missing or non-numeric token counts as 0. Only meaningful within one flavour.
   */
  public static int compareMajorVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(number(x, i), number(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static long number(String[] tokens, int i) {
    if (i >= tokens.length) {
      return 0;
    }
    try {
      return Long.parseLong(tokens[i].trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * orchestrator's IsSmallerBinlogFormat: a STATEMENT log cannot carry what a ROW or MIXED
   * master sends, nor a MIXED log what a ROW master sends.
   */
  public static boolean isSmallerBinlogFormat(String format, String otherFormat) {
    String f = format.toUpperCase(Locale.ROOT);
    String o = otherFormat.toUpperCase(Locale.ROOT);
    if (f.equals("STATEMENT")) {
      return o.equals("ROW") || o.equals("MIXED");
    }
    if (f.equals("MIXED")) {
      return o.equals("ROW");
    }
    return false;
  }

  // ---- GTID -----------------------------------------------------------------------------------

  /**
   * Whether {@code replica} can replicate from {@code master} by GTID, and which kind; empty
   * with a reason in {@code why} otherwise. MySQL: both gtid_mode=ON (the replica may not use
   * auto-position yet: orcha switches it on), and the master has not purged GTIDs the replica
   * lacks (orchestrator's canReplicateAssumingOracleGTID). MariaDB: both MariaDB 10.0+ (GTIDs
   * are always on). Never across flavours.
   */
  public static Optional<GtidKind> gtidKind(Instance replica, Instance master,
      StringBuilder why) {
    boolean rm = replica.flavor().isMariaDb();
    boolean mm = master.flavor().isMariaDb();
    if (rm && mm) {
      for (Instance i : new Instance[] {master, replica}) {
        if (compareMajorVersions(i.majorVersion(), "10.0") < 0) {
          why.append("no GTID on ").append(i.key()).append(" (MariaDB ")
              .append(i.majorVersion()).append(')');
          return Optional.empty();
        }
      }
      return Optional.of(GtidKind.MARIADB);
    }
    if (rm != mm) {
      why.append("GTID cannot be used between ").append(replica.flavor().apiName()).append(' ')
          .append(replica.key()).append(" and ").append(master.flavor().apiName()).append(' ')
          .append(master.key());
      return Optional.empty();
    }
    for (Instance i : new Instance[] {master, replica}) {
      if (!"ON".equalsIgnoreCase(i.gtid().gtidMode())) {
        String mode = i.gtid().gtidMode().isEmpty() ? "unsupported" : i.gtid().gtidMode();
        why.append("no GTID on ").append(i.key()).append(" (gtid_mode=").append(mode)
            .append(')');
        return Optional.empty();
      }
    }
    try {
      GtidSet purged = GtidSet.parse(master.gtid().gtidPurged());
      GtidSet executed = GtidSet.parse(replica.gtid().executedGtidSet());
      if (!executed.containsAll(purged)) {
        why.append("Instance ").append(master.key())
            .append(" has purged GTID entries not found on ").append(replica.key());
        return Optional.empty();
      }
    } catch (IllegalArgumentException e) {
      why.append("unreadable GTID sets on ").append(master.key()).append(" or ")
          .append(replica.key());
      return Optional.empty();
    }
    return Optional.of(GtidKind.MYSQL);
  }

  // ---- whether a server may be moved ----------------------------------------------------------

  /**
   * orchestrator's CanMoveViaMatch, used for GTID moves: the last check is valid and recent.
   * Reasons keep orchestrator's text {@code <key>: last check invalid}.
   */
  public static Verdict canMoveViaGtid(InstanceView v) {
    if (!v.lastCheckValid()) {
      return Verdict.refused(v.key() + ": last check invalid");
    }
    if (!v.recentlyChecked()) {
      return Verdict.refused(v.key() + ": not recently checked");
    }
    return Verdict.ALLOWED;
  }

  /**
   * orchestrator's CanMove, for moves by binlog coordinates: checked and recent, both threads
   * running, lag known and within ReasonableMaintenanceReplicationLagSeconds (SQL_Delay
   * discounted).
   */
  public static Verdict canMove(InstanceView v, MoveSettings settings) {
    Verdict basic = canMoveViaGtid(v);
    if (basic.refused()) {
      return basic;
    }
    ReplicationStatus r = v.instance().replication();
    if (r.sqlThread() != ThreadState.RUNNING || r.ioThread() != ThreadState.RUNNING) {
      return Verdict.refused(v.key() + ": instance is not replicating");
    }
    Long sbm = r.secondsBehindMaster();
    if (sbm == null) {
      return Verdict.refused(v.key() + ": cannot determine slave lag");
    }
    long lag = r.sqlDelay() > 0 ? Math.abs(sbm - r.sqlDelay()) : sbm;
    if (lag > settings.reasonableMaintenanceLagSeconds()) {
      return Verdict.refused(v.key() + ": lags too much");
    }
    return Verdict.ALLOWED;
  }

  // ---- structure ------------------------------------------------------------------------------

  /**
   * {@code candidate} replicates, directly or through others, from {@code of}: walking up the
   * masters from {@code candidate} reaches {@code of}. A server is not its own descendant; the
   * walk stops at a top master, an unknown or detached master, or a ring already walked.
   */
  public static boolean isDescendant(TopologySnapshot snapshot, InstanceKey candidate,
      InstanceKey of) {
    Set<InstanceKey> seen = new HashSet<>();
    InstanceKey cur = candidate;
    while (seen.add(cur)) {
      Optional<InstanceView> v = snapshot.instance(cur);
      if (v.isEmpty() || !v.get().instance().isReplica()) {
        return false;
      }
      InstanceKey m = v.get().instance().masterKey();
      if (m.isDetached()) {
        return false;
      }
      if (m.equals(of)) {
        return !candidate.equals(of);
      }
      cur = m;
    }
    return false;
  }

  /**
   * Structure: {@code replica} may be put below {@code target} without a cycle. Refuses a server
   * onto itself and a target that replicates (directly or not) from the replica; a target that
   * already is the replica's master is fine (a co-master's master is also its descendant).
   */
  public static Verdict canMoveBelow(TopologySnapshot snapshot, InstanceKey replica,
      InstanceKey target) {
    if (replica.equals(target)) {
      return Verdict.refused("cannot move " + replica + " below itself");
    }
    boolean alreadyBelow = snapshot.instance(replica)
        .map(v -> v.instance().masterKey().equals(target)).orElse(false);
    if (!alreadyBelow && isDescendant(snapshot, target, replica)) {
      boolean direct = snapshot.instance(target)
          .map(v -> v.instance().masterKey().equals(replica)).orElse(false);
      return Verdict.refused("cannot move " + replica + " below " + target + ": " + target
          + " is a descendant of " + replica + " (that would make a cycle"
          + (direct ? "; take-master on " + target + " swaps them" : "") + ")");
    }
    return Verdict.ALLOWED;
  }
}
