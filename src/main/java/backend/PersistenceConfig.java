package backend;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko configuration for Pekko Persistence JDBC on this node's backend: journal, snapshot
 * store and read journal all use one shared Slick database (one pool). Durable state is not used
 * (not available for SQLite or MySQL in pekko-persistence-jdbc 1.1.1).
 *
 * <p>The overlay must sit above application.conf and reference.conf before the configuration is
 * resolved, or reference.conf's {@code pekko.persistence.journal.plugin = ""} wins silently and
 * every persist times out. Use {@link #compose(BackendSettings, Config)}:
 *
 * <pre>{@code
 * Config app = ConfigFactory.defaultApplication();            // unresolved; honours -Dconfig.file
 * BackendSettings backend = BackendSettings.fromConfig(
 *     ConfigFactory.load(app).getConfig("orcha.backend"));   // read once, only for the settings
 * Schema.ensure(backend);                                     // fails fast with the key named
 * Config config = PersistenceConfig.compose(backend, app);    // overlay > app > reference
 * ActorSystem.create(Guardian.create(...), "orcha", config);
 * }</pre>
 */
public final class PersistenceConfig {

  /** Name of the shared Slick database under {@code pekko-persistence-jdbc.shared-databases}. */
  public static final String SHARED_DB = "orcha-backend";

  public static final String JOURNAL_PLUGIN = "jdbc-journal";
  public static final String SNAPSHOT_PLUGIN = "jdbc-snapshot-store";
  /** Identifier of the JDBC read journal ({@code JdbcReadJournal.Identifier()}). */
  public static final String READ_JOURNAL_PLUGIN = "jdbc-read-journal";

  /**
   * Dispatcher for blocking JDBC calls of our own ({@link BackendHealth}, audit, durable store),
   * defined in persistence.conf. Look it up with
   * {@code system.dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER))}.
   */
  public static final String BLOCKING_DISPATCHER = "orcha.blocking-jdbc-dispatcher";

  private PersistenceConfig() {}

  /**
   * The overlay for this backend; not resolved, put it above everything else with
   * {@link #compose}. It contains the MySQL password (Slick needs it): do not log it, and keep
   * {@code pekko.log-config-on-start} off.
   */
  public static Config forBackend(BackendSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.persistence.journal.plugin", JOURNAL_PLUGIN);
    m.put("pekko.persistence.snapshot-store.plugin", SNAPSHOT_PLUGIN);
    // Start both plugins with the system: the first persist does not pay for the pool start, and
    // a broken backend shows up in the log at start rather than at the first fact that changed.
    m.put("pekko.persistence.journal.auto-start-journals", List.of(JOURNAL_PLUGIN));
    m.put("pekko.persistence.snapshot-store.auto-start-snapshot-stores", List.of(SNAPSHOT_PLUGIN));
    // the plugin's own journal, timing its writes for the node's metrics (backend.MeteredJournal)
    m.put(JOURNAL_PLUGIN + ".class", MeteredJournal.class.getName());
    m.put(SNAPSHOT_PLUGIN + ".class", MeteredSnapshotStore.class.getName());
    m.put(JOURNAL_PLUGIN + ".use-shared-db", SHARED_DB);
    m.put(SNAPSHOT_PLUGIN + ".use-shared-db", SHARED_DB);
    m.put(READ_JOURNAL_PLUGIN + ".use-shared-db", SHARED_DB);

    String db = "pekko-persistence-jdbc.shared-databases." + SHARED_DB;
    String dbc = db + ".db";
    m.put(dbc + ".connectionPool", "HikariCP");
    m.put(dbc + ".url", Jdbc.url(s));
    m.put(dbc + ".driver", Jdbc.driver(s));
    long connectMs = Math.max(1000, s.connectTimeout().toMillis());
    m.put(dbc + ".connectionTimeout", connectMs);
    // Hikari wants validationTimeout <= connectionTimeout (else resets it, with a warning)
    m.put(dbc + ".validationTimeout", Math.min(5000, connectMs));
    m.put(dbc + ".queueSize", 10000);
    if (s.type() == BackendSettings.Type.SQLITE) {
      m.put(db + ".profile", "slick.jdbc.SQLiteProfile$");
      // SQLite has one writer per file: a larger pool is ~3x slower and fails with SQLITE_BUSY.
      m.put(dbc + ".numThreads", 1);
      m.put(dbc + ".maxConnections", 1);
      m.put(dbc + ".minConnections", 1);
    } else {
      m.put(db + ".profile", "slick.jdbc.MySQLProfile$");
      m.put(dbc + ".user", s.mysqlUser());
      m.put(dbc + ".password", s.mysqlPassword());
      // Slick needs numThreads == maxConnections, or its threads can wait on each other's
      // connections.
      m.put(dbc + ".numThreads", s.mysqlPoolSize());
      m.put(dbc + ".maxConnections", s.mysqlPoolSize());
      m.put(dbc + ".minConnections", Math.min(2, s.mysqlPoolSize()));
      // Retire connections before a server-side wait_timeout or a proxy drops them.
      m.put(dbc + ".maxLifetime", Duration.ofMinutes(10).toMillis());
      m.put(dbc + ".idleTimeout", Duration.ofMinutes(5).toMillis());
    }
    return ConfigFactory.parseMap(m, "orcha backend overlay (backend.PersistenceConfig)");
  }

  /**
   * The node's whole configuration: system properties, then this backend's overlay, then
   * {@code application} (unresolved, e.g. {@code ConfigFactory.defaultApplication()}, which
   * includes persistence.conf and serialization.conf), then every reference.conf; resolved once.
   */
  public static Config compose(BackendSettings s, Config application) {
    return ConfigFactory.load(forBackend(s).withFallback(application));
  }
}
