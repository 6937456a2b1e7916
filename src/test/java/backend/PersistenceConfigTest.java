package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersistenceConfigTest {

  private static final String SHARED =
      "pekko-persistence-jdbc.shared-databases." + PersistenceConfig.SHARED_DB;

  @Test
  void sqliteHasOneWriterConnectionAndTheWalUrl() {
    Config c = JournalScenarios.config(BackendSettings.sqlite(Path.of("/tmp/x/orcha.db")));
    assertEquals("slick.jdbc.SQLiteProfile$", c.getString(SHARED + ".profile"));
    assertEquals("org.sqlite.JDBC", c.getString(SHARED + ".db.driver"));
    assertEquals("jdbc:sqlite:/tmp/x/orcha.db?journal_mode=WAL&busy_timeout=10000"
        + "&synchronous=NORMAL", c.getString(SHARED + ".db.url"));
    assertEquals(1, c.getInt(SHARED + ".db.numThreads"));
    assertEquals(1, c.getInt(SHARED + ".db.maxConnections"));
    assertEquals(1, c.getInt(SHARED + ".db.minConnections"));
  }

  @Test
  void composedConfigSelectsTheJdbcPluginsOverReferenceConf() {
    // the pitfall: reference.conf's journal.plugin = "" must not win
    Config c = JournalScenarios.config(BackendSettings.sqlite(Path.of("orcha.db")));
    assertEquals("jdbc-journal", c.getString("pekko.persistence.journal.plugin"));
    assertEquals("jdbc-snapshot-store", c.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals(List.of("jdbc-journal"),
        c.getStringList("pekko.persistence.journal.auto-start-journals"));
    for (String plugin : List.of("jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal")) {
      assertEquals(PersistenceConfig.SHARED_DB, c.getString(plugin + ".use-shared-db"), plugin);
    }
    // reference.conf's substitutions are resolved (read journal tables copy the journal's)
    assertEquals("event_journal", c.getString("jdbc-read-journal.tables.event_journal.tableName"));
    // persistence.conf and serialization.conf came in through backend-test.conf
    assertEquals("thread-pool-executor",
        c.getString(PersistenceConfig.BLOCKING_DISPATCHER + ".executor"));
    assertEquals("jackson-cbor",
        c.getString("pekko.actor.serialization-bindings.\"orcha.CborSerializable\""));
  }

  @Test
  void wrongOrderLosesThePluginSilently() {
    // documents why compose() exists: a loaded config as the *primary* hides the overlay
    Config loadedFirst = ConfigFactory.load(ConfigFactory.parseResources("backend-test.conf"))
        .withFallback(PersistenceConfig.forBackend(BackendSettings.sqlite(Path.of("o.db"))));
    assertEquals("", loadedFirst.getString("pekko.persistence.journal.plugin"));
  }

  @Test
  void mysqlHasARealPoolAndTimeoutsInTheUrl() {
    BackendSettings s = BackendSettings.mysql("10.0.0.5", 3307, "orcha", "orcha", "pw", 6);
    Config c = JournalScenarios.config(s);
    assertEquals("slick.jdbc.MySQLProfile$", c.getString(SHARED + ".profile"));
    assertEquals("com.mysql.cj.jdbc.Driver", c.getString(SHARED + ".db.driver"));
    String url = c.getString(SHARED + ".db.url");
    assertTrue(url.startsWith("jdbc:mysql://10.0.0.5:3307/orcha?"), url);
    assertTrue(url.contains("connectTimeout=5000"), url);
    assertTrue(url.contains("socketTimeout=30000"), url);
    assertEquals(6, c.getInt(SHARED + ".db.numThreads"));
    assertEquals(6, c.getInt(SHARED + ".db.maxConnections"));
    assertEquals("orcha", c.getString(SHARED + ".db.user"));
  }

  @Test
  void ipv6MysqlHostIsBracketed() {
    BackendSettings s = BackendSettings.mysql("::1", 3306, "orcha", "u", "", 1);
    assertTrue(Jdbc.url(s).startsWith("jdbc:mysql://[::1]:3306/orcha?"), Jdbc.url(s));
  }
}
