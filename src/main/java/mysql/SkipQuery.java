package mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import topology.GtidSet;
import topology.MariaDbGtidPosition;
import topology.ReplicationStatus;
import topology.ThreadState;

/**
 * How {@code skip-query} skips the one transaction a replica's SQL thread stopped on, decided
 * from the replica's channel and GTID variables. Pure: it returns statements, it runs none.
 *
 * <ul>
 *   <li>MySQL with {@code gtid_mode=ON} refuses {@code sql_slave_skip_counter} (error 1858): the
 *       failing transaction's GTID is committed empty instead (orchestrator's
 *       skipQueryOracleGtid). Its GTID is the first one of the master's UUID received but not
 *       executed ({@code Retrieved_Gtid_Set} minus {@code Executed_Gtid_Set}); failing that,
 *       the one after the last executed of that UUID (orchestrator's only heuristic).
 *   <li>MySQL without GTID and MariaDB: {@code SET GLOBAL sql_slave_skip_counter = 1} (MariaDB
 *       skips a whole event group and moves gtid_slave_pos with it). orchestrator refuses
 *       MariaDB GTID replication; MariaDB accepts the counter there, except with several
 *       replication domains in gtid_slave_pos (error 1966): then gtid_slave_pos is set past the
 *       failing GTID, which MariaDB names in Last_SQL_Error ({@code Gtid 0-1-5}).
 * </ul>
 *
 * <p>Refused, as orchestrator does, on a server that is not a replica, whose SQL thread runs,
 * or that has no SQL error.
 */
public final class SkipQuery {

  /** What to do; {@link Refused} changes nothing. */
  public sealed interface Plan {}

  public record Refused(String reason) implements Plan {}

  /**
   * Statements to run with replication stopped ({@code session}: on the operation's own
   * session, {@code GTID_NEXT} must be put back with {@code restore} even after a failure),
   * then START SLAVE.
   */
  public record Skip(List<String> statements, String restore, String description)
      implements Plan {}

  private static final Pattern ERROR_GTID = Pattern.compile("\\bGtid (\\d+-\\d+-\\d+)");

  private SkipQuery() {}

  /**
   * @param gtidMode MySQL's {@code gtid_mode} ("" on MariaDB)
   * @param gtidSlavePos MariaDB's {@code gtid_slave_pos} ("" on MySQL)
   */
  public static Plan plan(Dialect dialect, ReplicationStatus channel, String gtidMode,
      String gtidSlavePos) {
    if (channel == null || !channel.isConfigured()) {
      return new Refused("not a replica: nothing to skip");
    }
    if (channel.sqlThread() == ThreadState.RUNNING) {
      return new Refused("the replication SQL thread is running: nothing to skip");
    }
    if (channel.lastSqlError().isEmpty() && channel.lastSqlErrno() == 0) {
      return new Refused("no SQL error: nothing to skip");
    }
    if (!dialect.isMariaDb() && "ON".equalsIgnoreCase(gtidMode == null ? "" : gtidMode.trim())) {
      return nextGtid(channel).<Plan>map(g -> new Skip(List.of(dialect.setGtidNext(g), "BEGIN",
              "COMMIT"), dialect.setGtidNext("AUTOMATIC"), "committed GTID " + g + " empty"))
          .orElseGet(() -> new Refused("cannot tell the GTID of the failing transaction"
              + " (Master_UUID " + (channel.masterUuid().isEmpty() ? "unknown" : channel.masterUuid())
              + ", Retrieved_Gtid_Set " + channel.retrievedGtidSet() + ", Executed_Gtid_Set "
              + channel.executedGtidSet() + ")"));
    }
    if (dialect.isMariaDb() && channel.usingMariaDbGtidReplication()
        && domains(gtidSlavePos) > 1) {
      return pastFailingGtid(dialect, channel, gtidSlavePos);
    }
    return new Skip(List.of(dialect.skipCounter(1)), null, "skipped one event group");
  }

  /** The failing transaction's GTID on MySQL, if the channel tells. */
  static Optional<String> nextGtid(ReplicationStatus channel) {
    String uuid = channel.masterUuid().trim().toLowerCase(java.util.Locale.ROOT);
    if (uuid.isEmpty()) {
      return Optional.empty();
    }
    GtidSet executed;
    GtidSet retrieved;
    try {
      executed = GtidSet.parse(channel.executedGtidSet());
      retrieved = GtidSet.parse(channel.retrievedGtidSet());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    List<GtidSet.Interval> pending = retrieved.subtract(executed).intervals(uuid);
    if (!pending.isEmpty()) {
      return Optional.of(uuid + ":" + pending.get(0).start());
    }
    List<GtidSet.Interval> done = executed.intervals(uuid);
    if (!done.isEmpty()) {
      return Optional.of(uuid + ":" + (done.get(done.size() - 1).end() + 1));
    }
    return Optional.empty();
  }

  private static Plan pastFailingGtid(Dialect dialect, ReplicationStatus channel,
      String gtidSlavePos) {
    Matcher m = ERROR_GTID.matcher(channel.lastSqlError());
    if (!m.find()) {
      return new Refused("MariaDB refuses sql_slave_skip_counter with GTID replication of several"
          + " domains (gtid_slave_pos " + gtidSlavePos + "), and the SQL error"
          + " names no GTID: set gtid_slave_pos past the failing transaction by hand");
    }
    MariaDbGtidPosition.Gtid failing = MariaDbGtidPosition.parse(m.group(1)).entries().get(0);
    List<MariaDbGtidPosition.Gtid> next = new ArrayList<>();
    for (MariaDbGtidPosition.Gtid g : MariaDbGtidPosition.parse(gtidSlavePos).entries()) {
      if (g.domainId() != failing.domainId()) {
        next.add(g);
      }
    }
    next.add(failing);
    String pos = new MariaDbGtidPosition(next).toString();
    return new Skip(List.of(dialect.setGtidSlavePos(pos)), null,
        "set gtid_slave_pos past " + failing + " (" + pos + ")");
  }

  private static long domains(String gtidSlavePos) {
    try {
      return MariaDbGtidPosition.parse(gtidSlavePos).entries().stream()
          .mapToLong(MariaDbGtidPosition.Gtid::domainId).distinct().count();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }
}
