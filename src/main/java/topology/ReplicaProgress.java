package topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one replica has <em>received</em> from its master and what it has <em>executed</em>, in
 * the most precise terms it offers, so that promotion can tell which replica holds the most of a
 * dead master's transactions (orcha's lossless gate, beyond orchestrator which compares executed
 * coordinates only).
 *
 * <ul>
 *   <li><b>MariaDB GTID</b>: executed = gtid_slave_pos, plus gtid_current_pos when the server has
 *       no errant GTID (so a co-master's own writes count); received = executed plus Gtid_IO_Pos.
 *       Compared per replication domain by sequence number (MariaDB numbers a domain's
 *       transactions in one sequence across masters).</li>
 *   <li><b>MySQL GTID</b> (gtid_mode=ON): executed = gtid_executed, received = gtid_executed
 *       plus Retrieved_Gtid_Set, both without the server's errant GTIDs. Compared by set
 *       containment.</li>
 *   <li><b>Coordinates</b> otherwise: received = Master_Log_File:Read_Master_Log_Pos, executed =
 *       Relay_Master_Log_File:Exec_Master_Log_Pos, both positions in the master's binary log, so
 *       replicas of one master compare exactly.</li>
 * </ul>
 * Two replicas compare by GTID when both have the same GTID kind, else by coordinates; when
 * neither works they are {@link Order#INCOMPARABLE}. GTID sets and multi-domain positions are
 * only partially ordered: {@link #covers} is the exact relation; {@link #receivedRank} is a
 * total order consistent with it, for sorting.
 */
public record ReplicaProgress(
    InstanceKey key,
    Kind kind,
    MariaDbGtidPosition mariaDbReceived,
    MariaDbGtidPosition mariaDbExecuted,
    GtidSet mysqlReceived,
    GtidSet mysqlExecuted,
    BinlogCoordinates read,
    BinlogCoordinates exec) {

  public enum Kind { MARIADB_GTID, MYSQL_GTID, COORDINATES }

  /** How one replica's progress relates to another's. */
  public enum Order { AHEAD, EQUAL, BEHIND, INCOMPARABLE }

  public ReplicaProgress {
    mariaDbReceived = mariaDbReceived == null ? MariaDbGtidPosition.EMPTY : mariaDbReceived;
    mariaDbExecuted = mariaDbExecuted == null ? MariaDbGtidPosition.EMPTY : mariaDbExecuted;
    mysqlReceived = mysqlReceived == null ? GtidSet.EMPTY : mysqlReceived;
    mysqlExecuted = mysqlExecuted == null ? GtidSet.EMPTY : mysqlExecuted;
    read = read == null ? BinlogCoordinates.EMPTY : read;
    exec = exec == null ? BinlogCoordinates.EMPTY : exec;
  }

  /** The progress of a replica as the snapshot shows it. */
  public static ReplicaProgress of(InstanceView v) {
    Instance i = v.instance();
    ReplicationStatus r = i.replication();
    BinlogCoordinates read = r.readCoordinates();
    BinlogCoordinates exec = r.execCoordinates();
    try {
      if (i.flavor().isMariaDb()) {
        GtidState g = i.gtid();
        MariaDbGtidPosition executed = MariaDbGtidPosition.parse(g.mariaDbSlavePos())
            .plus(MariaDbGtidPosition.parse(r.executedGtidSet()));
        if (v.gtidErrant().isEmpty()) {
          executed = executed.plus(MariaDbGtidPosition.parse(g.mariaDbCurrentPos()));
        }
        executed = newestPerDomain(executed);
        MariaDbGtidPosition received = newestPerDomain(executed.plus(
            MariaDbGtidPosition.parse(r.retrievedGtidSet())));
        if (!received.isEmpty()) {
          return new ReplicaProgress(i.key(), Kind.MARIADB_GTID, received, executed, null, null,
              read, exec);
        }
      } else if ("ON".equalsIgnoreCase(i.gtid().gtidMode())) {
        GtidSet errant = GtidSet.parse(v.gtidErrant());
        GtidSet executed = GtidSet.parse(i.gtid().executedGtidSet()).subtract(errant);
        GtidSet received = executed.union(GtidSet.parse(r.retrievedGtidSet())).subtract(errant);
        if (!received.isEmpty()) {
          return new ReplicaProgress(i.key(), Kind.MYSQL_GTID, null, null, received, executed,
              read, exec);
        }
      }
    } catch (IllegalArgumentException e) {
      // unreadable GTID text: coordinates still tell
    }
    return new ReplicaProgress(i.key(), Kind.COORDINATES, null, null, null, null, read, exec);
  }

  /** How what this replica received relates to what {@code other} received. */
  public Order compareReceived(ReplicaProgress other) {
    if (kind == Kind.MARIADB_GTID && other.kind == Kind.MARIADB_GTID) {
      return compare(mariaDbReceived, other.mariaDbReceived);
    }
    if (kind == Kind.MYSQL_GTID && other.kind == Kind.MYSQL_GTID) {
      return compare(mysqlReceived, other.mysqlReceived);
    }
    return compare(read, other.read);
  }

  /** This replica received everything {@code other} received. */
  public boolean covers(ReplicaProgress other) {
    Order o = compareReceived(other);
    return o == Order.AHEAD || o == Order.EQUAL;
  }

  /** Its SQL thread has applied everything its IO thread received (as the snapshot shows). */
  public boolean sqlThreadCaughtUp() {
    return switch (kind) {
      case MARIADB_GTID -> compare(mariaDbExecuted, mariaDbReceived) == Order.EQUAL;
      case MYSQL_GTID -> mysqlExecuted.containsAll(mysqlReceived);
      case COORDINATES -> read.isEmpty() || read.compareTo(exec) == 0;
    };
  }

  /** What it received, for audit lines. */
  public String received() {
    return switch (kind) {
      case MARIADB_GTID -> mariaDbReceived.toString();
      case MYSQL_GTID -> mysqlReceived.toString();
      case COORDINATES -> read.isEmpty() ? "nothing known" : read.displayString();
    };
  }

  /** What it executed, for audit lines. */
  public String executed() {
    return switch (kind) {
      case MARIADB_GTID -> mariaDbExecuted.toString();
      case MYSQL_GTID -> mysqlExecuted.toString();
      case COORDINATES -> exec.isEmpty() ? "nothing known" : exec.displayString();
    };
  }

  /**
   * What {@code other} received and this replica did not, as text: how many transactions and
   * which ({@code 2 transactions (0-10111-56..57)}); by coordinates, the stretch of the master's
   * binary log (the transaction count is unknown there). {@code ""} when nothing.
   */
  public String missing(ReplicaProgress other) {
    if (covers(other)) {
      return "";
    }
    if (kind == Kind.MARIADB_GTID && other.kind == Kind.MARIADB_GTID) {
      long count = 0;
      List<String> parts = new ArrayList<>();
      for (long domain : domains(mariaDbReceived, other.mariaDbReceived)) {
        long mine = mariaDbReceived.sequence(domain).orElse(0);
        long theirs = other.mariaDbReceived.sequence(domain).orElse(0);
        if (theirs > mine) {
          count += theirs - mine;
          long server = other.mariaDbReceived.entries().stream()
              .filter(g -> g.domainId() == domain && g.sequence() == theirs)
              .mapToLong(MariaDbGtidPosition.Gtid::serverId).findFirst().orElse(0);
          parts.add(domain + "-" + server + "-" + (mine + 1)
              + (theirs > mine + 1 ? ".." + theirs : ""));
        }
      }
      return count + (count == 1 ? " transaction (" : " transactions (")
          + String.join(",", parts) + ")";
    }
    if (kind == Kind.MYSQL_GTID && other.kind == Kind.MYSQL_GTID) {
      GtidSet lack = other.mysqlReceived.subtract(mysqlReceived);
      long count = count(lack);
      return count + (count == 1 ? " transaction (" : " transactions (") + lack + ")";
    }
    if (read.isEmpty() || other.read.isEmpty()) {
      return "an unknown amount (no comparable position: " + key + " received " + received()
          + ", " + other.key + " received " + other.received() + ")";
    }
    return "the master's binary log from " + read.displayString() + " to "
        + other.read.displayString();
  }

  /**
   * A total order consistent with {@link #covers} within one kind: the number of transactions
   * received (MariaDB: the sum of the highest sequence per domain; MySQL: the size of the set).
   * Coordinates have no count: 0, sort by {@link #read} instead.
   */
  public long receivedRank() {
    return rank(mariaDbReceived, mysqlReceived);
  }

  /** {@link #receivedRank} of what it executed. */
  public long executedRank() {
    return rank(mariaDbExecuted, mysqlExecuted);
  }

  private long rank(MariaDbGtidPosition maria, GtidSet mysql) {
    return switch (kind) {
      case MARIADB_GTID -> domains(maria, MariaDbGtidPosition.EMPTY).stream()
          .mapToLong(d -> maria.sequence(d).orElse(0)).sum();
      case MYSQL_GTID -> count(mysql);
      case COORDINATES -> 0;
    };
  }

  /**
   * A position as MariaDB's gtid_current_pos shows it: per replication domain the GTID with the
   * highest sequence number (the last transaction of the domain).
   */
  static MariaDbGtidPosition newestPerDomain(MariaDbGtidPosition p) {
    Map<Long, MariaDbGtidPosition.Gtid> newest = new TreeMap<>();
    for (MariaDbGtidPosition.Gtid g : p.entries()) {
      newest.merge(g.domainId(), g, (a, b) -> a.sequence() >= b.sequence() ? a : b);
    }
    return new MariaDbGtidPosition(List.copyOf(newest.values()));
  }

  // ---- comparisons ----------------------------------------------------------------------------

  private static Set<Long> domains(MariaDbGtidPosition a, MariaDbGtidPosition b) {
    Set<Long> all = new TreeSet<>();
    a.entries().forEach(g -> all.add(g.domainId()));
    b.entries().forEach(g -> all.add(g.domainId()));
    return all;
  }

  static Order compare(MariaDbGtidPosition a, MariaDbGtidPosition b) {
    boolean ahead = false;
    boolean behind = false;
    for (long d : domains(a, b)) {
      long x = a.sequence(d).orElse(0);
      long y = b.sequence(d).orElse(0);
      ahead |= x > y;
      behind |= x < y;
    }
    return order(ahead, behind);
  }

  static Order compare(GtidSet a, GtidSet b) {
    boolean ahead = !a.subtract(b).isEmpty();
    boolean behind = !b.subtract(a).isEmpty();
    return order(ahead, behind);
  }

  static Order compare(BinlogCoordinates a, BinlogCoordinates b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Order.INCOMPARABLE; // a position never read tells nothing
    }
    int c = a.compareTo(b);
    return c > 0 ? Order.AHEAD : c < 0 ? Order.BEHIND : Order.EQUAL;
  }

  private static Order order(boolean ahead, boolean behind) {
    if (ahead && behind) {
      return Order.INCOMPARABLE;
    }
    return ahead ? Order.AHEAD : behind ? Order.BEHIND : Order.EQUAL;
  }

  static long count(GtidSet set) {
    long n = 0;
    for (String uuid : set.uuids()) {
      for (GtidSet.Interval in : set.intervals(uuid)) {
        n += in.end() - in.start() + 1;
      }
    }
    return n;
  }
}
