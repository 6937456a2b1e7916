package backend;

import testkit.Sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MySQL backend against a real MariaDB from the sandbox script (port 10311). Tagged
 * "sandbox": exclude with {@code -Dorcha.test.excludedGroups=sandbox} where no MariaDB can run.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlBackendTest {

  static final int PORT = 10311;
  /** Nothing listens here: the sandbox never uses it. */
  static final int CLOSED_PORT = 10319;

  private final Sandbox sandbox = new Sandbox(Path.of("/tmp/orcha-sb-backend"));

  private static BackendSettings settings(String database) {
    return BackendSettings.mysql("127.0.0.1", PORT, database, "orcha", "orcha", 4);
  }

  @BeforeAll
  void up() {
    sandbox.up(PORT);
  }

  @AfterAll
  void down() {
    sandbox.down();
  }

  @Test
  void ensureCreatesTheDatabaseAndTablesIdempotently() {
    String db = "orcha_schema_test";
    assertFalse(sandbox.sql(PORT, "SHOW DATABASES").lines().anyMatch(db::equals),
        "the fresh sandbox has no " + db);
    BackendSettings s = settings(db);
    Schema.ensure(s);
    Schema.ensure(s);
    assertTrue(sandbox.sql(PORT, "SHOW DATABASES").lines().anyMatch(db::equals));
    String tables = sandbox.sql(PORT, "SELECT table_name FROM information_schema.tables"
        + " WHERE table_schema = '" + db + "' ORDER BY table_name");
    assertEquals("audit\nevent_journal\nevent_tag\nnode_health\nsnapshot\ntopology_history",
        tables.strip());
    String orderingIndexes = sandbox.sql(PORT, "SELECT COUNT(*) FROM information_schema.statistics"
        + " WHERE table_schema = '" + db + "' AND index_name = 'event_journal_ordering_idx'");
    assertEquals("1", orderingIndexes.strip(), "the guarded unique index exists exactly once");
  }

  @Test
  void persistRestartRecoverAndQuery() throws Exception {
    BackendSettings s = settings("orcha_backend");
    Schema.ensure(s);
    JournalScenarios.persistRestartRecover(s, "mysql");
    assertEquals(13 + 1 + 1, JournalScenarios.journalRows(s, "TestCounter|mysql-restart"));
  }

  @Test
  void healthRoundTrip() {
    BackendSettings s = settings("orcha_backend");
    Schema.ensure(s);
    BackendHealth health = new BackendHealth(s);
    assertEquals(Optional.empty(), health.lastHeartbeat("mysql-node"));
    Instant first = Instant.parse("2026-11-25T18:00:00.123456789Z");
    health.recordHeartbeat("mysql-node", first);
    health.recordHeartbeat("mysql-node", first.plusMillis(1500));
    assertEquals(Optional.of(first.plusMillis(1500)), health.lastHeartbeat("mysql-node"));
    assertEquals("2", sandbox.sql(PORT,
        "SELECT writes FROM orcha_backend.node_health WHERE node = 'mysql-node'").strip());
  }

  @Test
  void historyRoundTrip() {
    BackendSettings s = settings("orcha_backend");
    Schema.ensure(s);
    HistoryStore store = new HistoryStore(s, WriteObserver.NONE);
    Instant t = Instant.parse("2026-11-25T18:00:00.123Z");
    java.util.List<HistoryStore.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      rows.add(new HistoryStore.Row(0, t.plusSeconds(i), "127.0.0.1", 10111 + i % 3,
          i % 2 == 0 ? "c1" : "c2", "ci", "MasterChanged", "a", "b", "change " + i));
    }
    store.append(rows);
    var c1 = store.query(new HistoryStore.Query(null, java.util.Set.of("c1"), java.util.Set.of(),
        java.util.List.of(new HistoryStore.Key("127.0.0.1", 10112)), t.plusSeconds(10),
        t.plusSeconds(20), 100, true));
    assertEquals(java.util.List.of("change 10", "change 12", "change 13", "change 14",
        "change 16", "change 18", "change 19", "change 20"),
        c1.stream().map(HistoryStore.Row::message).toList(), "c1 or server 10112, 10 s to 20 s");
    assertEquals(t.plusSeconds(10), c1.get(0).at(), "milliseconds kept");
    assertEquals(50, store.purge(t.minusSeconds(1), 100));
    assertEquals(100, store.count());
  }

  @Test
  void unreachableServerNamesTheHostKeyAndTheCause() {
    BackendSettings s = BackendSettings.mysql("127.0.0.1", CLOSED_PORT, "orcha", "orcha",
        "orcha", 2).withConnectTimeout(Duration.ofSeconds(1));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(s));
    System.out.println("MESSAGE unreachable: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("creating the database failed: cannot reach the MySQL"
        + " backend orcha.backend.mysql.host = \"127.0.0.1\", orcha.backend.mysql.port = "
        + CLOSED_PORT
        + " within orcha.backend.connect-timeout = 1000ms: "), e.getMessage());
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
  }

  @Test
  void wrongPasswordNamesTheUserKeyAndHidesThePassword() {
    BackendSettings s = BackendSettings.mysql("127.0.0.1", PORT, "orcha", "orcha",
        "not-the-password", 2);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(s));
    System.out.println("MESSAGE wrong password: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("creating the database failed: the MySQL backend"
        + " refused orcha.backend.mysql.user = \"orcha\""
        + " (check it and orcha.backend.mysql.password): "),
        e.getMessage());
    assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
  }

  @Test
  void databaseTheUserMayNotCreateNamesTheDatabaseKey() {
    // sandbox user app/app has ALL on app.* only
    BackendSettings s = BackendSettings.mysql("127.0.0.1", PORT, "orcha_not_for_app", "app",
        "app", 2);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Schema.ensure(s));
    System.out.println("MESSAGE no privilege: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("creating the database failed: the MySQL backend"
        + " orcha.backend.mysql.database = \"orcha_not_for_app\" is not usable by"
        + " orcha.backend.mysql.user = \"app\": "), e.getMessage());
    assertTrue(e.getMessage().contains("error 1044"), e.getMessage());
  }

  @Test
  void healthWriteFailsWhileTheServerIsDown() {
    BackendSettings s = settings("orcha_backend").withConnectTimeout(Duration.ofSeconds(1));
    Schema.ensure(s);
    BackendHealth health = new BackendHealth(s);
    health.recordHeartbeat("n", Instant.EPOCH);
    sandbox.stop(PORT);
    try {
      BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
          () -> health.recordHeartbeat("n", Instant.EPOCH.plusSeconds(1)));
      assertTrue(e.getMessage().startsWith("writing the health row of node n failed: cannot"
          + " reach the MySQL backend orcha.backend.mysql.host = \"127.0.0.1\""), e.getMessage());
    } finally {
      sandbox.start(PORT);
    }
    health.recordHeartbeat("n", Instant.EPOCH.plusSeconds(2));
    assertEquals(Optional.of(Instant.EPOCH.plusSeconds(2)), health.lastHeartbeat("n"));
  }

  @Test
  void measureSchemaStartAndThroughput() throws Exception {
    BackendSettings s = settings("orcha_measure");
    long t0 = System.nanoTime();
    Schema.ensure(s);
    long ensureFirstMicros = (System.nanoTime() - t0) / 1000;
    t0 = System.nanoTime();
    Schema.ensure(s);
    long ensureAgainMicros = (System.nanoTime() - t0) / 1000;

    long startNanos = System.nanoTime();
    ActorTestKit kit = JournalScenarios.start(s, "measure");
    try {
      ActorRef<TestCounter.Command> first = kit.spawn(TestCounter.create("first"));
      assertEquals(1, JournalScenarios.add(kit, first, 1).count());
      long startToFirstEventMillis = (System.nanoTime() - startNanos) / 1_000_000;

      JournalScenarios.measure(kit, "warmup", 5, 20);
      JournalScenarios.Throughput one = JournalScenarios.measure(kit, "one", 1, 500);
      JournalScenarios.Throughput fifty = JournalScenarios.measure(kit, "fifty", 50, 40);
      assertEquals(500, JournalScenarios.journalRows(s, "TestCounter|one-"));
      assertEquals(2000, JournalScenarios.journalRows(s, "TestCounter|fifty-"));

      System.out.printf("MEASURE mysql Schema.ensure: first %d us, again %d us%n",
          ensureFirstMicros, ensureAgainMicros);
      System.out.printf("MEASURE mysql ActorSystem start -> first persisted event: %d ms%n",
          startToFirstEventMillis);
      System.out.println("MEASURE mysql sequential: " + one);
      System.out.println("MEASURE mysql concurrent: " + fifty);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
