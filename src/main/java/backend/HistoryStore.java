package backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The topology history in the node's backend ({@code topology_history}): appended in batches,
 * read by server or by cluster within a time range, and trimmed to its retention. Written only
 * when something changed (see topology.ChangeDetector), so a steady topology writes nothing.
 * Blocking JDBC on a fresh connection per call: run it on the blocking dispatcher. Thread-safe.
 */
public final class HistoryStore {

  /** One entry as stored; {@code at} has millisecond precision. */
  public record Row(long id, Instant at, String hostname, int port, String clusterName,
      String clusterAlias, String kind, String before, String after, String message) {}

  /** A server, as the store names it. */
  public record Key(String hostname, int port) {}

  /**
   * Which entries: of one server ({@code key} not null), else of any of the cluster names,
   * aliases or member servers; within {@code [since, until]} (null: open); at most {@code limit}
   * (the newest ones, or the oldest with {@code oldestFirst}), in that order.
   */
  public record Query(Key key, Set<String> clusterNames, Set<String> clusterAliases,
      List<Key> members, Instant since, Instant until, int limit, boolean oldestFirst) {
    public Query {
      clusterNames = clusterNames == null ? Set.of() : Set.copyOf(clusterNames);
      clusterAliases = clusterAliases == null ? Set.of() : Set.copyOf(clusterAliases);
      members = members == null ? List.of() : List.copyOf(members);
    }
  }

  /** Members named in one query at most; a larger cluster is found by its names. */
  static final int MAX_MEMBERS = 500;
  static final int MAX_VALUE = 512;
  static final int MAX_MESSAGE = 2000;

  private final BackendSettings settings;
  private final WriteObserver observer;

  public HistoryStore(BackendSettings settings, WriteObserver observer) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** Appends the rows in one transaction ({@link WriteObserver#HISTORY}); ids are ignored. */
  public void append(List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    observer.timed(WriteObserver.HISTORY, rows.size(), () -> insert(rows));
  }

  private Integer insert(List<Row> rows) {
    String sql = "INSERT INTO topology_history (event_time, hostname, port, cluster_name,"
        + " cluster_alias, kind, before_value, after_value, message)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = Jdbc.open(settings)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setQueryTimeout(10);
        for (Row r : rows) {
          ps.setLong(1, r.at().toEpochMilli());
          ps.setString(2, cut(r.hostname(), 255));
          ps.setInt(3, r.port());
          ps.setString(4, cut(r.clusterName(), 255));
          ps.setString(5, cut(r.clusterAlias(), 255));
          ps.setString(6, cut(r.kind(), 64));
          ps.setString(7, cut(r.before(), MAX_VALUE));
          ps.setString(8, cut(r.after(), MAX_VALUE));
          ps.setString(9, cut(r.message(), MAX_MESSAGE));
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
      return rows.size();
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "writing the topology history", e);
    }
  }

  public List<Row> query(Query q) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder();
    if (q.key() != null) {
      where.append("(hostname = ? AND port = ?)");
      args.add(q.key().hostname());
      args.add(q.key().port());
    } else {
      List<String> any = new ArrayList<>();
      if (!q.clusterNames().isEmpty()) {
        any.add("cluster_name IN (" + marks(q.clusterNames().size()) + ")");
        args.addAll(q.clusterNames());
      }
      if (!q.clusterAliases().isEmpty()) {
        any.add("cluster_alias IN (" + marks(q.clusterAliases().size()) + ")");
        args.addAll(q.clusterAliases());
      }
      for (Key k : q.members().subList(0, Math.min(q.members().size(), MAX_MEMBERS))) {
        any.add("(hostname = ? AND port = ?)");
        args.add(k.hostname());
        args.add(k.port());
      }
      if (any.isEmpty()) {
        return List.of();
      }
      where.append('(').append(String.join(" OR ", any)).append(')');
    }
    if (q.since() != null) {
      where.append(" AND event_time >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      where.append(" AND event_time <= ?");
      args.add(q.until().toEpochMilli());
    }
    String order = q.oldestFirst() ? "ASC" : "DESC";
    String sql = "SELECT history_id, event_time, hostname, port, cluster_name, cluster_alias, kind,"
        + " before_value, after_value, message FROM topology_history WHERE " + where
        + " ORDER BY event_time " + order + ", history_id " + order + " LIMIT ?";
    args.add(Math.max(0, q.limit()));
    try (Connection c = Jdbc.open(settings); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(10);
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<Row> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Row(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
              rs.getInt(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
              rs.getString(9), rs.getString(10)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "reading the topology history", e);
    }
  }

  /** How many entries the store holds. */
  public long count() {
    try (Connection c = Jdbc.open(settings);
         PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM topology_history")) {
      ps.setQueryTimeout(10);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "counting the topology history", e);
    }
  }

  /**
   * Deletes entries older than {@code olderThan} and all but the newest {@code keepNewest};
   * answers how many. Looks first and deletes only when there is something to delete, so an
   * idle store is not written to.
   */
  public int purge(Instant olderThan, long keepNewest) {
    try (Connection c = Jdbc.open(settings)) {
      long oldest;
      long maxId;
      long minId;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT MIN(event_time), MIN(history_id), MAX(history_id) FROM topology_history")) {
        ps.setQueryTimeout(10);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          oldest = rs.getLong(1);
          if (rs.wasNull()) {
            return 0; // empty
          }
          minId = rs.getLong(2);
          maxId = rs.getLong(3);
        }
      }
      // ids grow by one per entry: the newest keepNewest entries have ids above maxId - keep
      long idLimit = maxId - keepNewest;
      boolean tooOld = oldest < olderThan.toEpochMilli();
      boolean tooMany = minId <= idLimit;
      if (!tooOld && !tooMany) {
        return 0;
      }
      return observer.timed(WriteObserver.HISTORY, () -> {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM topology_history WHERE event_time < ? OR history_id <= ?")) {
          ps.setQueryTimeout(30);
          ps.setLong(1, olderThan.toEpochMilli());
          ps.setLong(2, idLimit);
          return ps.executeUpdate();
        } catch (SQLException e) {
          throw Jdbc.failure(settings, "trimming the topology history", e);
        }
      });
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "trimming the topology history", e);
    }
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static String cut(String s, int max) {
    String v = s == null ? "" : s;
    return v.length() <= max ? v : v.substring(0, max - 1) + "…";
  }
}
