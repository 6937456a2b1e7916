package topology;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Errant GTIDs: transactions a replica has that did not come from its replication chain.
 *
 * <p><b>MySQL</b> (orchestrator's rule, contract §5 {@code GtidErrant}): the replica's
 * {@code gtid_executed}, without the UUIDs of its master and of every ancestor (and without its
 * own UUID when it is a co-master), minus the master's {@code gtid_executed}. Ignoring the
 * ancestry's UUIDs keeps a replica whose master was probed a moment earlier from looking ahead.
 *
 * <p><b>MariaDB</b> (MARIADB.md item 3): MariaDB has no executed set, only positions, one entry
 * per domain in {@code gtid_binlog_pos}. An entry of the replica's {@code gtid_binlog_pos} is
 * errant when it was written under the replica's own server_id (not for a co-master), or under a
 * server_id that is neither in the master's positions nor an ancestor's, <em>and</em> the master
 * does not have it: the master has no position in that domain, or a lower sequence there. A
 * replica that is merely behind is never errant. Because {@code gtid_binlog_pos} keeps only the
 * last GTID per domain, a local write that later replicated transactions cover is no longer
 * visible (orcha reports what the position still shows).
 */
public final class ErrantGtid {

  private ErrantGtid() {}

  /** MySQL: {@code executed} without {@code ignoredUuids}, minus {@code masterExecuted}. */
  public static GtidSet mysql(GtidSet executed, GtidSet masterExecuted,
      Collection<String> ignoredUuids) {
    GtidSet own = executed.withoutUuids(ignoredUuids);
    return own.isEmpty() ? GtidSet.EMPTY : own.subtract(masterExecuted);
  }

  /**
   * MariaDB: the entries of {@code replicaBinlogPos} that are errant (see the class comment).
   *
   * @param masterHistory every position the master reports (binlog, current and slave pos)
   * @param ancestorServerIds server ids of the master and the servers above it
   */
  public static MariaDbGtidPosition mariaDb(MariaDbGtidPosition replicaBinlogPos,
      long ownServerId, MariaDbGtidPosition masterHistory, Set<Long> ancestorServerIds,
      boolean coMaster) {
    Set<Long> known = masterHistory.serverIds();
    List<MariaDbGtidPosition.Gtid> errant = replicaBinlogPos.entries().stream()
        .filter(g -> g.serverId() == ownServerId
            ? !coMaster
            : !known.contains(g.serverId()) && !ancestorServerIds.contains(g.serverId()))
        .filter(g -> {
          OptionalLong masterSeq = masterHistory.sequence(g.domainId());
          return masterSeq.isEmpty() || g.sequence() > masterSeq.getAsLong();
        })
        .toList();
    return new MariaDbGtidPosition(errant);
  }

  /**
   * The errant GTID text of one server as the API shows it ({@code ""} when none, or when it
   * cannot be told: not a replica, master never reached, unreadable GTID text, mixed flavours).
   *
   * @param reached every server reached at least once, by key
   */
  public static String of(Instance instance, Map<InstanceKey, Instance> reached,
      boolean coMaster) {
    if (!instance.isReplica()) {
      return "";
    }
    Instance master = reached.get(instance.masterKey());
    if (master == null || master.key().equals(instance.key())) {
      return "";
    }
    try {
      if (instance.flavor().isMariaDb()) {
        if (!master.flavor().isMariaDb()) {
          return "";
        }
        GtidState m = master.gtid();
        MariaDbGtidPosition history = MariaDbGtidPosition.parse(m.mariaDbBinlogPos())
            .plus(MariaDbGtidPosition.parse(m.mariaDbCurrentPos()))
            .plus(MariaDbGtidPosition.parse(m.mariaDbSlavePos()));
        Set<Long> ancestors = new HashSet<>();
        for (Instance a : ancestry(instance, reached)) {
          ancestors.add(a.serverId());
        }
        return mariaDb(MariaDbGtidPosition.parse(instance.gtid().mariaDbBinlogPos()),
            instance.serverId(), history, ancestors, coMaster).toString();
      }
      String own = instance.gtid().executedGtidSet();
      String theirs = master.gtid().executedGtidSet();
      if (own.isBlank() || theirs.isBlank()) {
        return "";
      }
      Set<String> ignored = new LinkedHashSet<>();
      ignored.add(instance.replication().masterUuid());
      for (Instance a : ancestry(instance, reached)) {
        ignored.add(a.serverUuid());
        ignored.add(a.replication().masterUuid());
      }
      ignored.remove("");
      if (coMaster) {
        ignored.add(instance.serverUuid());
      } else {
        ignored.remove(instance.serverUuid());
      }
      return mysql(GtidSet.parse(own), GtidSet.parse(theirs), ignored).toString();
    } catch (IllegalArgumentException e) {
      // a garbled probe answer must not break the picture; the probe reports it elsewhere
      return "";
    }
  }

  /** The master, its master, ... up to the top or a server already seen (a ring). */
  static List<Instance> ancestry(Instance instance, Map<InstanceKey, Instance> reached) {
    Set<InstanceKey> seen = new HashSet<>();
    seen.add(instance.key());
    java.util.ArrayList<Instance> chain = new java.util.ArrayList<>();
    Instance cur = instance;
    while (cur.isReplica()) {
      Instance up = reached.get(cur.masterKey());
      if (up == null || !seen.add(up.key())) {
        break;
      }
      chain.add(up);
      cur = up;
    }
    return chain;
  }
}
