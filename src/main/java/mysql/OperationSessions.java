package mysql;

import io.asyncer.r2dbc.mysql.MySqlConnectionConfiguration;
import io.asyncer.r2dbc.mysql.MySqlConnectionFactory;
import io.asyncer.r2dbc.mysql.api.MySqlConnection;
import io.netty.resolver.AddressResolverGroup;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.RowMetadata;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;
import topology.InstanceKey;

/**
 * The connections {@link Operations} runs its statements on: one fresh connection per operation,
 * never shared with the {@link Prober}. An interface so that the operations' statement sequences
 * can be tested against scripted MySQL 5.7 / 8.0 / 8.4 servers without a wire protocol.
 */
final class OperationSessions {

  private OperationSessions() {}

  /** One open connection. Bounds are applied by the caller. */
  interface Session {
    /** The dialect from the handshake; the caller refines it from {@code @@version}. */
    Dialect dialect();

    /** Runs one statement (text protocol); its rows as column name to text (SQL NULL = null). */
    Mono<List<Map<String, String>>> execute(String sql);

    /** Closes the socket now, whatever is running on it. */
    void forceClose();

    /** COM_QUIT when idle, socket closed in any case; completes within about a second. */
    Mono<Void> close();
  }

  /** Opens sessions. */
  interface Connector extends AutoCloseable {
    /** Connects and logs in; fails with the driver's error. The caller bounds it in time. */
    Mono<Session> open(InstanceKey key);

    @Override
    void close();
  }

  /** Real connections over r2dbc-mysql, with their own event loops (released by {@link #close}). */
  static final class R2dbc implements Connector {
    private static final Logger log = LoggerFactory.getLogger(Operations.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final OperationSettings settings;
    private final LoopResources loops;
    private final AddressResolverGroup<?> resolver;

    R2dbc(OperationSettings settings) {
      this.settings = settings;
      this.loops = LoopResources.create("orcha-mysql-ops", 1, 2, true);
      this.resolver = NameResolverProvider.builder().build().newNameResolverGroup(loops, true);
    }

    @Override
    public Mono<Session> open(InstanceKey key) {
      return Mono.defer(() -> {
        ChannelTracker tracker = new ChannelTracker(loops);
        MySqlConnectionConfiguration config = settings.tls().applyTo(
                MySqlConnectionConfiguration.builder(), key.hostname())
            .host(key.hostname())
            .port(key.port())
            .user(settings.user())
            .password(settings.password())
            .connectTimeout(settings.connectTimeout())
            .tcpNoDelay(true)
            .tcpKeepAlive(true)
            .tinyInt1isBit(false)
            .loopResources(tracker)
            .resolver(resolver)
            .build();
        return Mono.from(MySqlConnectionFactory.from(config).create())
            .<Session>map(c -> new R2dbcSession(c, tracker, Dialect.of(
                c.getMetadata().getDatabaseVersion(), c.getMetadata().getDatabaseProductName())))
            .doOnError(e -> tracker.forceClose())
            .doOnCancel(tracker::forceClose);
      });
    }

    @Override
    public void close() {
      try {
        resolver.close();
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("closing the operations' event loops: {}", e.toString());
      }
    }
  }

  private static final class R2dbcSession implements Session {
    private final MySqlConnection connection;
    private final ChannelTracker tracker;
    private final Dialect dialect;

    R2dbcSession(MySqlConnection connection, ChannelTracker tracker, Dialect dialect) {
      this.connection = connection;
      this.tracker = tracker;
      this.dialect = dialect;
    }

    @Override
    public Dialect dialect() {
      return dialect;
    }

    @Override
    public Mono<List<Map<String, String>>> execute(String sql) {
      // bounded like a probe's answers (AnswerGuard); a refused answer says why
      return Flux.from(connection.createStatement(sql).execute())
          .concatMap(r -> AnswerGuard.rows(r.map(R2dbcSession::row)))
          .reduceWith(java.util.ArrayList<Map<String, String>>::new, (all, rows) -> {
            all.addAll(rows);
            return all;
          })
          .<List<Map<String, String>>>map(all -> all)
          .onErrorMap(e -> tracker.rejected() != null && !(e instanceof MysqlErrors.AnswerRejected),
              e -> new MysqlErrors.AnswerRejected(tracker.rejected(), e));
    }

    @Override
    public void forceClose() {
      tracker.forceClose();
    }

    @Override
    public Mono<Void> close() {
      if (!tracker.isOpen()) {
        forceClose();
        return Mono.empty();
      }
      return Mono.from(connection.close())
          .timeout(R2dbc.CLOSE_GRACE)
          .onErrorResume(e -> Mono.empty())
          .doFinally(s -> forceClose());
    }

    private static Map<String, String> row(Readable row, RowMetadata md) {
      Map<String, String> m = new LinkedHashMap<>();
      var columns = md.getColumnMetadatas();
      for (int i = 0; i < columns.size(); i++) {
        m.putIfAbsent(columns.get(i).getName(), Prober.text(row.get(i)));
      }
      return m;
    }
  }
}
