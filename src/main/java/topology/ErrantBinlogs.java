package topology;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code locate-gtid-errant}: which of a server's binary logs hold its errant transactions.
 * Every binary log starts with the GTID state before it (MySQL {@code Previous_gtids}, MariaDB
 * {@code Gtid_list}); a log holds what the next log's start state (or the server's state now,
 * for the last log) adds to its own. Pure.
 */
public final class ErrantBinlogs {

  /** One binary log and the GTID state its first events record. */
  public record Binlog(String file, String startState) {}

  /**
   * The errant transactions of one MariaDB server_id in one domain: sequence numbers above
   * {@code afterSequence} (the master's sequence in that domain, or 0) up to the errant entry.
   */
  public record MariaDbErrant(long domainId, long serverId, long afterSequence) {}

  private ErrantBinlogs() {}

  /**
   * MySQL: the logs whose transactions ({@code Previous_gtids} of the next log, or
   * {@code gtid_executed} now, minus their own {@code Previous_gtids}) include an errant GTID.
   *
   * @throws IllegalArgumentException when a state is not a GTID set (naming the log)
   */
  public static List<String> mysql(List<Binlog> logs, String executedNow, GtidSet errant) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < logs.size(); i++) {
      GtidSet before = parseSet(logs.get(i));
      GtidSet after = i + 1 < logs.size() ? parseSet(logs.get(i + 1))
          : GtidSet.parse(executedNow == null ? "" : executedNow);
      GtidSet written = after.subtract(before);
      if (!errant.subtract(errant.subtract(written)).isEmpty()) {
        out.add(logs.get(i).file());
      }
    }
    return out;
  }

  /**
   * MariaDB: the logs in which an errant server_id's last sequence in a domain moved to a value
   * above the master's (a log's Gtid_list and gtid_binlog_state keep the last GTID of every
   * domain and server_id).
   */
  public static List<String> mariaDb(List<Binlog> logs, String binlogStateNow,
      List<MariaDbErrant> errant) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < logs.size(); i++) {
      MariaDbGtidPosition before = parsePosition(logs.get(i));
      MariaDbGtidPosition after = i + 1 < logs.size() ? parsePosition(logs.get(i + 1))
          : MariaDbGtidPosition.parse(binlogStateNow);
      for (MariaDbErrant e : errant) {
        long from = last(before, e).orElse(0);
        long to = last(after, e).orElse(0);
        if (to > from && to > e.afterSequence()) {
          out.add(logs.get(i).file());
          break;
        }
      }
    }
    return out;
  }

  /**
   * The errant ranges of a MariaDB replica: each errant entry's domain and server_id, above
   * the sequence the master has in that domain.
   *
   * @param errant the replica's errant entries (GtidErrant)
   * @param masterHistory the master's binlog, current and slave positions together
   */
  public static List<MariaDbErrant> mariaDbErrant(MariaDbGtidPosition errant,
      MariaDbGtidPosition masterHistory) {
    return errant.entries().stream().map(g -> new MariaDbErrant(g.domainId(), g.serverId(),
        masterHistory.sequence(g.domainId()).orElse(0))).toList();
  }

  /**
   * The logs holding {@code errant} (the replica's GtidErrant) of {@code replica}, in its
   * flavour; {@code master} (null when unknown) bounds MariaDB's errant sequences from below.
   *
   * @throws IllegalArgumentException when a GTID text is unreadable
   */
  public static List<String> locate(Instance replica, String errant, Instance master,
      List<Binlog> logs, String stateNow) {
    if (replica.flavor().isMariaDb()) {
      MariaDbGtidPosition history = MariaDbGtidPosition.EMPTY;
      if (master != null) {
        history = MariaDbGtidPosition.parse(master.gtid().mariaDbBinlogPos())
            .plus(MariaDbGtidPosition.parse(master.gtid().mariaDbCurrentPos()))
            .plus(MariaDbGtidPosition.parse(master.gtid().mariaDbSlavePos()));
      }
      return mariaDb(logs, stateNow, mariaDbErrant(MariaDbGtidPosition.parse(errant), history));
    }
    return mysql(logs, stateNow, GtidSet.parse(errant));
  }

  private static OptionalLong last(MariaDbGtidPosition p, MariaDbErrant e) {
    return p.entries().stream()
        .filter(g -> g.domainId() == e.domainId() && g.serverId() == e.serverId())
        .mapToLong(MariaDbGtidPosition.Gtid::sequence).max();
  }

  private static GtidSet parseSet(Binlog b) {
    try {
      return GtidSet.parse(b.startState() == null ? "" : b.startState());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(b.file() + ": " + e.getMessage(), e);
    }
  }

  private static MariaDbGtidPosition parsePosition(Binlog b) {
    String s = b.startState() == null ? "" : b.startState().trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    try {
      return MariaDbGtidPosition.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(b.file() + ": " + e.getMessage(), e);
    }
  }
}
