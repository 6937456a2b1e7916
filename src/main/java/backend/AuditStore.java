package backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The node's audit log of operations (who did what to which server, and how it ended), in its
 * backend's {@code audit} table, newest first in pages. Blocking JDBC on a fresh connection per
 * call: run it on the blocking dispatcher. Thread-safe.
 */
public final class AuditStore {

  /** One audit row, as orchestrator's {@code audit} API shows it. */
  public record Entry(long id, Instant at, String type, String hostname, int port,
      String clusterName, String user, String message) {}

  private final BackendSettings settings;
  private final WriteObserver observer;

  public AuditStore(BackendSettings settings) {
    this(settings, WriteObserver.NONE);
  }

  /** {@code observer} is told of every row written ({@link WriteObserver#AUDIT}). */
  public AuditStore(BackendSettings settings, WriteObserver observer) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** Appends a row; returns its id. */
  public long append(Instant at, String type, String hostname, int port, String clusterName,
      String user, String message) {
    return observer.timed(WriteObserver.AUDIT,
        () -> insert(at, type, hostname, port, clusterName, user, message));
  }

  private long insert(Instant at, String type, String hostname, int port, String clusterName,
      String user, String message) {
    String sql = "INSERT INTO audit (audit_timestamp, audit_type, hostname, port, cluster_name,"
        + " audit_user, message) VALUES (?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = Jdbc.open(settings);
         PreparedStatement ps = c.prepareStatement(sql, java.sql.Statement.RETURN_GENERATED_KEYS)) {
      ps.setQueryTimeout(10);
      ps.setString(1, at.toString());
      ps.setString(2, nz(type));
      ps.setString(3, nz(hostname));
      ps.setInt(4, port);
      ps.setString(5, nz(clusterName));
      ps.setString(6, nz(user));
      ps.setString(7, nz(message));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        return keys.next() ? keys.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "writing the audit log", e);
    }
  }

  /** A page of rows, newest first; for one server when {@code hostname} is not null. */
  public List<Entry> page(String hostname, int port, int page, int pageSize) {
    String where = hostname == null ? "" : " WHERE hostname = ? AND port = ?";
    String sql = "SELECT audit_id, audit_timestamp, audit_type, hostname, port, cluster_name,"
        + " audit_user, message FROM audit" + where + " ORDER BY audit_id DESC LIMIT ? OFFSET ?";
    try (Connection c = Jdbc.open(settings); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(10);
      int i = 1;
      if (hostname != null) {
        ps.setString(i++, hostname);
        ps.setInt(i++, port);
      }
      ps.setInt(i++, pageSize);
      ps.setLong(i, (long) page * pageSize);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3),
              rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7), rs.getString(8)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "reading the audit log", e);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
