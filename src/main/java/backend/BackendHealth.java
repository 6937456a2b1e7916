package backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's health row in its backend ({@code node_health}): a node is healthy only while it
 * can write there. Blocking JDBC on a fresh connection per call (so a backend that went away is
 * noticed, and the check does not borrow the Pekko Persistence pool's single SQLite
 * connection); run it on {@link PersistenceConfig#BLOCKING_DISPATCHER}, never on the default
 * dispatcher. Thread-safe.
 *
 * <p>{@code last_write} holds the instant as ISO-8601 UTC text ({@link Instant#toString()}), the
 * same on SQLite and MySQL, so it reads back exactly; {@code writes} counts heartbeats.
 */
public final class BackendHealth {

  private static final String SQLITE_UPSERT =
      "INSERT INTO node_health (node, last_write, writes) VALUES (?, ?, 1)"
          + " ON CONFLICT (node) DO UPDATE SET last_write = excluded.last_write,"
          + " writes = node_health.writes + 1";
  // The parameter repeated rather than VALUES(last_write): MySQL 8.0.20+ deprecates VALUES()
  // here, and MariaDB does not know the row-alias syntax that replaces it.
  private static final String MYSQL_UPSERT =
      "INSERT INTO node_health (node, last_write, writes) VALUES (?, ?, 1)"
          + " ON DUPLICATE KEY UPDATE last_write = ?, writes = writes + 1";
  private static final String SELECT =
      "SELECT last_write FROM node_health WHERE node = ?";

  private final BackendSettings settings;
  private final WriteObserver observer;

  public BackendHealth(BackendSettings settings) {
    this(settings, WriteObserver.NONE);
  }

  /** {@code observer} is told of every heartbeat write ({@link WriteObserver#HEARTBEAT}). */
  public BackendHealth(BackendSettings settings, WriteObserver observer) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Writes (inserts or updates) the node's heartbeat.
   *
   * @throws BackendUnavailableException when the write fails; the message names the key and
   *     the cause
   */
  public void recordHeartbeat(String node, Instant at) {
    requireNode(node);
    Objects.requireNonNull(at, "at");
    observer.timed(WriteObserver.HEARTBEAT, () -> {
      write(node, at);
      return null;
    });
  }

  private void write(String node, Instant at) {
    boolean sqlite = settings.type() == BackendSettings.Type.SQLITE;
    try (Connection c = Jdbc.open(settings);
         PreparedStatement ps = c.prepareStatement(sqlite ? SQLITE_UPSERT : MYSQL_UPSERT)) {
      ps.setQueryTimeout(queryTimeoutSeconds());
      ps.setString(1, node);
      ps.setString(2, at.toString());
      if (!sqlite) {
        ps.setString(3, at.toString());
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "writing the health row of node " + node, e);
    }
  }

  /**
   * The last heartbeat written for {@code node}, or empty if none was.
   *
   * @throws BackendUnavailableException when the read fails
   */
  public Optional<Instant> lastHeartbeat(String node) {
    requireNode(node);
    try (Connection c = Jdbc.open(settings);
         PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setQueryTimeout(queryTimeoutSeconds());
      ps.setString(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String text = rs.getString(1);
        try {
          return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
          throw new BackendUnavailableException("node_health.last_write of node " + node
              + " is not an ISO-8601 instant: " + text + " (" + settings.describe() + ")", e);
        }
      }
    } catch (SQLException e) {
      throw Jdbc.failure(settings, "reading the health row of node " + node, e);
    }
  }

  private int queryTimeoutSeconds() {
    // SQLite waits up to busy_timeout (10 s) for the writer; MySQL up to its socket timeout
    return (int) Math.max(1, Jdbc.MYSQL_SOCKET_TIMEOUT.toSeconds());
  }

  private static void requireNode(String node) {
    if (node == null || node.isBlank() || node.length() > 255) {
      throw new IllegalArgumentException("node must be a name of 1-255 characters, got: " + node);
    }
  }
}
