package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema, health row and the error messages on an SQLite file in a temporary directory. */
class SqliteBackendTest {

  @TempDir
  Path dir;

  private BackendSettings settings() {
    return BackendSettings.sqlite(dir.resolve("orcha.db"));
  }

  @Test
  void ensureCreatesThePluginTablesAndIsIdempotent() throws SQLException {
    BackendSettings s = settings();
    Schema.ensure(s);
    Schema.ensure(s);
    assertTrue(Files.exists(s.sqliteFile()));
    try (Connection c = Jdbc.open(s)) {
      for (String table : Schema.TABLES) {
        assertTrue(columns(c, table).size() > 1, "table " + table);
      }
      assertEquals(List.of("ordering", "deleted", "persistence_id", "sequence_number", "writer",
              "write_timestamp", "adapter_manifest", "event_payload", "event_ser_id",
              "event_ser_manifest", "meta_payload", "meta_ser_id", "meta_ser_manifest"),
          columns(c, "event_journal"));
      assertEquals(List.of("event_id", "tag"), columns(c, "event_tag"));
      assertEquals(List.of("persistence_id", "sequence_number", "created", "snapshot_ser_id",
              "snapshot_ser_manifest", "snapshot_payload", "meta_ser_id", "meta_ser_manifest",
              "meta_payload"),
          columns(c, "snapshot"));
      try (Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertEquals("wal", rs.getString(1));
      }
    }
  }

  @Test
  void duplicateSequenceNumbersAreRejected() throws SQLException {
    BackendSettings s = settings();
    Schema.ensure(s);
    String insert = "INSERT INTO event_journal (persistence_id, sequence_number, writer,"
        + " write_timestamp, adapter_manifest, event_payload, event_ser_id, event_ser_manifest)"
        + " VALUES ('p', 1, 'w', 0, '', x'00', 1, '')";
    try (Connection c = Jdbc.open(s); Statement st = c.createStatement()) {
      st.executeUpdate(insert);
      SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate(insert));
      assertTrue(e.getMessage().contains("UNIQUE"), e.getMessage());
    }
  }

  @Test
  void healthRoundTrip() {
    BackendSettings s = settings();
    Schema.ensure(s);
    BackendHealth health = new BackendHealth(s);
    assertEquals(Optional.empty(), health.lastHeartbeat("node-a"));
    Instant first = Instant.parse("2026-11-25T18:00:00.123456789Z");
    health.recordHeartbeat("node-a", first);
    assertEquals(Optional.of(first), health.lastHeartbeat("node-a"));
    Instant second = first.plusSeconds(5);
    health.recordHeartbeat("node-a", second);
    health.recordHeartbeat("node-b", first);
    assertEquals(Optional.of(second), health.lastHeartbeat("node-a"));
    assertEquals(Optional.of(first), health.lastHeartbeat("node-b"));
  }

  @Test
  void healthWriteFailsWhenTheBackendIsGone() throws Exception {
    BackendSettings s = BackendSettings.sqlite(dir.resolve("sub/orcha.db"));
    Files.createDirectory(dir.resolve("sub"));
    Schema.ensure(s);
    BackendHealth health = new BackendHealth(s);
    health.recordHeartbeat("n", Instant.EPOCH);
    for (String f : List.of("orcha.db", "orcha.db-wal", "orcha.db-shm")) {
      Files.deleteIfExists(dir.resolve("sub").resolve(f));
    }
    Files.delete(dir.resolve("sub"));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> health.recordHeartbeat("n", Instant.EPOCH.plusSeconds(1)));
    System.out.println("MESSAGE backend gone: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("writing the health row of node n failed on the SQLite"
        + " backend orcha.backend.sqlite-file = \"" + s.sqliteFile() + "\": "), e.getMessage());
  }

  @Test
  void missingDirectoryNamesTheKey() {
    Path file = dir.resolve("no/such/dir/orcha.db");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(BackendSettings.sqlite(file)));
    System.out.println("MESSAGE missing dir: " + e.getMessage());
    assertEquals("cannot use the SQLite backend orcha.backend.sqlite-file = \"" + file
        + "\": directory " + file.getParent() + " does not exist", e.getMessage());
    assertFalse(Files.exists(file.getParent()), "nothing created");
  }

  @Test
  void parentThatIsAFileNamesTheKey() throws Exception {
    Files.writeString(dir.resolve("plain"), "x");
    Path file = dir.resolve("plain/orcha.db");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(BackendSettings.sqlite(file)));
    assertEquals("cannot use the SQLite backend orcha.backend.sqlite-file = \"" + file + "\": "
        + file.getParent() + " is not a directory", e.getMessage());
  }

  @Test
  void fileThatIsADirectoryNamesTheKey() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(BackendSettings.sqlite(dir)));
    assertTrue(e.getMessage().startsWith("cannot use the SQLite backend orcha.backend.sqlite-file"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(" is a directory, not a file"), e.getMessage());
  }

  @Test
  void notAnSqliteFileNamesTheKeyAndTheCause() throws Exception {
    Path file = dir.resolve("garbage.db");
    Files.writeString(file, "this is not an SQLite database, just text long enough to matter"
        .repeat(20));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(BackendSettings.sqlite(file)));
    System.out.println("MESSAGE not sqlite: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("creating the schema failed on the SQLite backend"
        + " orcha.backend.sqlite-file = \"" + file + "\": "), e.getMessage());
    assertTrue(e.getMessage().contains("SQLITE_NOTADB"), e.getMessage());
  }

  @Test
  void readOnlyDirectoryNamesTheKey() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")),
        "root may write into any directory; this check needs an ordinary user");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    Path file = ro.resolve("orcha.db");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(BackendSettings.sqlite(file)));
    assertEquals("cannot use the SQLite backend orcha.backend.sqlite-file = \"" + file
        + "\": directory " + ro + " is not writable by this process", e.getMessage());
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        names.add(rs.getString("name"));
      }
    }
    return names;
  }
}
