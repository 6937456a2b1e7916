package backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates the backend's tables when missing, idempotently, over plain JDBC, before the actor
 * system starts: Pekko Persistence JDBC's {@code event_journal}, {@code event_tag} and
 * {@code snapshot} (durable_state is not used), and orcha's own {@code node_health},
 * {@code audit} and {@code topology_history}.
 *
 * <p>SQLite: the plugin ships no SQLite DDL; the tables below carry exactly the plugin's columns
 * (its MySQL/H2 DDL and Slick table definitions, 1.1.1) with {@code ordering} as the rowid alias
 * ({@code INTEGER PRIMARY KEY AUTOINCREMENT}: never reused, so event_tag rows cannot point at a
 * later event) and the plugin's primary key as {@code UNIQUE(persistence_id, sequence_number)}.
 * MySQL: the plugin's own {@code schema/mysql/mysql-create-schema.sql}, with the one statement
 * that is not idempotent there ({@code CREATE UNIQUE INDEX}) guarded; the database is created
 * when missing.
 */
public final class Schema {

  /** Tables {@link #ensure} creates, in creation order. */
  public static final List<String> TABLES =
      List.of("event_journal", "event_tag", "snapshot", "node_health", "audit",
          "topology_history");

  static final List<String> SQLITE_DDL = List.of(
      """
      CREATE TABLE IF NOT EXISTS event_journal (
        ordering INTEGER PRIMARY KEY AUTOINCREMENT,
        deleted BOOLEAN DEFAULT 0 NOT NULL,
        persistence_id VARCHAR(255) NOT NULL,
        sequence_number BIGINT NOT NULL,
        writer TEXT NOT NULL,
        write_timestamp BIGINT NOT NULL,
        adapter_manifest TEXT NOT NULL,
        event_payload BLOB NOT NULL,
        event_ser_id INTEGER NOT NULL,
        event_ser_manifest TEXT NOT NULL,
        meta_payload BLOB,
        meta_ser_id INTEGER,
        meta_ser_manifest TEXT,
        UNIQUE (persistence_id, sequence_number)
      )""",
      // The foreign key documents the plugin's ON DELETE CASCADE; SQLite enforces it only on
      // connections with PRAGMA foreign_keys=ON (not the default).
      """
      CREATE TABLE IF NOT EXISTS event_tag (
        event_id BIGINT NOT NULL,
        tag VARCHAR(255) NOT NULL,
        PRIMARY KEY (event_id, tag),
        FOREIGN KEY (event_id) REFERENCES event_journal(ordering) ON DELETE CASCADE
      )""",
      """
      CREATE TABLE IF NOT EXISTS snapshot (
        persistence_id VARCHAR(255) NOT NULL,
        sequence_number BIGINT NOT NULL,
        created BIGINT NOT NULL,
        snapshot_ser_id INTEGER NOT NULL,
        snapshot_ser_manifest TEXT NOT NULL,
        snapshot_payload BLOB NOT NULL,
        meta_ser_id INTEGER,
        meta_ser_manifest TEXT,
        meta_payload BLOB,
        PRIMARY KEY (persistence_id, sequence_number)
      )""",
      """
      CREATE TABLE IF NOT EXISTS node_health (
        node VARCHAR(255) NOT NULL PRIMARY KEY,
        last_write TEXT NOT NULL,
        writes BIGINT NOT NULL DEFAULT 0
      )""",
      """
      CREATE TABLE IF NOT EXISTS audit (
        audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
        audit_timestamp TEXT NOT NULL,
        audit_type VARCHAR(128) NOT NULL,
        hostname VARCHAR(255) NOT NULL,
        port INTEGER NOT NULL,
        cluster_name VARCHAR(255) NOT NULL,
        audit_user VARCHAR(255) NOT NULL,
        message TEXT NOT NULL
      )""",
      "CREATE INDEX IF NOT EXISTS audit_instance_idx ON audit (hostname, port, audit_id)",
      // event_time: epoch milliseconds (ranges compare as numbers, not as text)
      """
      CREATE TABLE IF NOT EXISTS topology_history (
        history_id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_time BIGINT NOT NULL,
        hostname VARCHAR(255) NOT NULL,
        port INTEGER NOT NULL,
        cluster_name VARCHAR(255) NOT NULL,
        cluster_alias VARCHAR(255) NOT NULL,
        kind VARCHAR(64) NOT NULL,
        before_value TEXT NOT NULL,
        after_value TEXT NOT NULL,
        message TEXT NOT NULL
      )""",
      "CREATE INDEX IF NOT EXISTS history_instance_idx ON topology_history (hostname, port, event_time)",
      "CREATE INDEX IF NOT EXISTS history_cluster_idx ON topology_history (cluster_name, event_time)",
      "CREATE INDEX IF NOT EXISTS history_alias_idx ON topology_history (cluster_alias, event_time)",
      "CREATE INDEX IF NOT EXISTS history_time_idx ON topology_history (event_time)");

  static final List<String> MYSQL_DDL = List.of(
      """
      CREATE TABLE IF NOT EXISTS event_journal (
        ordering SERIAL,
        deleted BOOLEAN DEFAULT false NOT NULL,
        persistence_id VARCHAR(255) NOT NULL,
        sequence_number BIGINT NOT NULL,
        writer TEXT NOT NULL,
        write_timestamp BIGINT NOT NULL,
        adapter_manifest TEXT NOT NULL,
        event_payload BLOB NOT NULL,
        event_ser_id INTEGER NOT NULL,
        event_ser_manifest TEXT NOT NULL,
        meta_payload BLOB,
        meta_ser_id INTEGER,
        meta_ser_manifest TEXT,
        PRIMARY KEY (persistence_id, sequence_number)
      )""",
      // CREATE UNIQUE INDEX event_journal_ordering_idx: guarded in ensureMysql (MySQL 8 has no
      // CREATE INDEX IF NOT EXISTS; MariaDB has)
      """
      CREATE TABLE IF NOT EXISTS event_tag (
        event_id BIGINT UNSIGNED NOT NULL,
        tag VARCHAR(255) NOT NULL,
        PRIMARY KEY (event_id, tag),
        FOREIGN KEY (event_id) REFERENCES event_journal(ordering) ON DELETE CASCADE
      )""",
      """
      CREATE TABLE IF NOT EXISTS snapshot (
        persistence_id VARCHAR(255) NOT NULL,
        sequence_number BIGINT NOT NULL,
        created BIGINT NOT NULL,
        snapshot_ser_id INTEGER NOT NULL,
        snapshot_ser_manifest TEXT NOT NULL,
        snapshot_payload BLOB NOT NULL,
        meta_ser_id INTEGER,
        meta_ser_manifest TEXT,
        meta_payload BLOB,
        PRIMARY KEY (persistence_id, sequence_number)
      )""",
      """
      CREATE TABLE IF NOT EXISTS node_health (
        node VARCHAR(255) NOT NULL PRIMARY KEY,
        last_write VARCHAR(64) NOT NULL,
        writes BIGINT NOT NULL DEFAULT 0
      )""",
      """
      CREATE TABLE IF NOT EXISTS audit (
        audit_id BIGINT AUTO_INCREMENT PRIMARY KEY,
        audit_timestamp VARCHAR(64) NOT NULL,
        audit_type VARCHAR(128) NOT NULL,
        hostname VARCHAR(255) NOT NULL,
        port INT NOT NULL,
        cluster_name VARCHAR(255) NOT NULL,
        audit_user VARCHAR(255) NOT NULL,
        message TEXT NOT NULL,
        KEY audit_instance_idx (hostname, port, audit_id)
      )""",
      """
      CREATE TABLE IF NOT EXISTS topology_history (
        history_id BIGINT AUTO_INCREMENT PRIMARY KEY,
        event_time BIGINT NOT NULL,
        hostname VARCHAR(255) NOT NULL,
        port INT NOT NULL,
        cluster_name VARCHAR(255) NOT NULL,
        cluster_alias VARCHAR(255) NOT NULL,
        kind VARCHAR(64) NOT NULL,
        before_value TEXT NOT NULL,
        after_value TEXT NOT NULL,
        message TEXT NOT NULL,
        KEY history_instance_idx (hostname, port, event_time),
        KEY history_cluster_idx (cluster_name, event_time),
        KEY history_alias_idx (cluster_alias, event_time),
        KEY history_time_idx (event_time)
      )""");

  private static final int ER_DUP_KEYNAME = 1061;

  private Schema() {}

  /**
   * Creates whatever is missing; safe to run on every start and from several nodes at once.
   *
   * @throws BackendUnavailableException naming {@code orcha.backend.sqlite-file} or
   *     {@code orcha.backend.mysql.*} and the cause, when the backend cannot be opened or a
   *     statement fails
   */
  public static void ensure(BackendSettings s) {
    if (s.type() == BackendSettings.Type.SQLITE) {
      ensureSqlite(s);
    } else {
      ensureMysql(s);
    }
  }

  private static void ensureSqlite(BackendSettings s) {
    Jdbc.checkSqlitePath(s);
    try (Connection c = Jdbc.open(s)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (String ddl : SQLITE_DDL) {
          st.execute(ddl);
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw Jdbc.failure(s, "creating the schema", e);
    }
  }

  private static void ensureMysql(BackendSettings s) {
    try (Connection c = Jdbc.open(s, Jdbc.mysqlServerUrl(s))) {
      if (!databaseExists(c, s.mysqlDatabase())) {
        try (Statement st = c.createStatement()) {
          // the name is validated as [A-Za-z0-9_]{1,64} by BackendSettings
          st.execute("CREATE DATABASE IF NOT EXISTS `" + s.mysqlDatabase()
              + "` CHARACTER SET utf8mb4");
        }
      }
    } catch (SQLException e) {
      throw Jdbc.failure(s, "creating the database", e);
    }
    try (Connection c = Jdbc.open(s)) {
      try (Statement st = c.createStatement()) {
        // DDL commits implicitly in MySQL: each statement stands alone and is idempotent
        st.execute(MYSQL_DDL.get(0));
        if (!indexExists(c, "event_journal", "event_journal_ordering_idx")) {
          try {
            st.execute(
                "CREATE UNIQUE INDEX event_journal_ordering_idx ON event_journal(ordering)");
          } catch (SQLException e) {
            if (e.getErrorCode() != ER_DUP_KEYNAME) { // else: created meanwhile by another start
              throw e;
            }
          }
        }
        for (String ddl : MYSQL_DDL.subList(1, MYSQL_DDL.size())) {
          st.execute(ddl);
        }
      }
    } catch (SQLException e) {
      throw Jdbc.failure(s, "creating the schema", e);
    }
  }

  private static boolean databaseExists(Connection c, String database) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean indexExists(Connection c, String table, String index)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM information_schema.statistics"
            + " WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, index);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
