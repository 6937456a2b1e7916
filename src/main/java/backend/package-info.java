/**
 * The node's own database: embedded SQLite (default) or MySQL, same code. Uses libraries only.
 *
 * <ul>
 *   <li>{@link backend.BackendSettings}: the {@code orcha.backend} block, validated, errors name
 *       the HOCON key.
 *   <li>{@link backend.Schema#ensure}: creates Pekko Persistence JDBC's tables and
 *       {@code node_health} before the actor system starts; fails with
 *       {@link backend.BackendUnavailableException} naming the key and the cause.
 *   <li>{@link backend.PersistenceConfig}: the Pekko overlay (journal, snapshot store, read
 *       journal on one shared Slick pool) and {@code compose}, the one correct way to layer it.
 *   <li>{@link backend.BackendHealth}: the node's heartbeat row; blocking, run it on
 *       {@code orcha.blocking-jdbc-dispatcher} (persistence.conf).
 * </ul>
 *
 * <p>Start-up order in Main:
 *
 * <pre>{@code
 * Config app = ConfigFactory.defaultApplication();   // application.conf, or -Dconfig.file
 * BackendSettings backend = BackendSettings.fromConfig(
 *     ConfigFactory.load(app).getConfig("orcha.backend"));
 * Schema.ensure(backend);                            // BackendUnavailableException: exit 1
 * Config config = PersistenceConfig.compose(backend, app);
 * ActorSystem<...> system = ActorSystem.create(Guardian.create(...), "orcha", config);
 * }</pre>
 */
package backend;
