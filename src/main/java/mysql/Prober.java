package mysql;

import io.asyncer.r2dbc.mysql.MySqlConnectionConfiguration;
import io.asyncer.r2dbc.mysql.MySqlConnectionFactory;
import io.asyncer.r2dbc.mysql.api.MySqlBatch;
import io.asyncer.r2dbc.mysql.api.MySqlConnection;
import io.asyncer.r2dbc.mysql.api.MySqlResult;
import io.netty.resolver.AddressResolverGroup;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.RowMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import mysql.ServerAnswers.CustomAnswer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;

/**
 * Probes servers over R2DBC without blocking a thread: {@link #probe} reads one server's
 * variables, status, replication status, binlog position, replicas and the configured custom
 * queries, and returns a {@link ProbeResult} — never an exception.
 *
 * <p>Cost: at most one open connection per server, kept and reused by the next probe (no
 * handshake per probe). The statements of a probe go to the server as one multi-statement batch,
 * so a probe is one round trip (two on a server whose SHOW SLAVE HOSTS lists nobody, the first
 * time: the processlist fallback then joins the batch of the next probes). Errors are attributed
 * to the statement that failed; the statements after it are sent again.
 *
 * <p>Bounds: the connect timeout covers TCP, handshake and login; the query timeout bounds every
 * statement (each statement's answer must come within it); the probe timeout bounds the whole
 * probe. On any failure or timeout the connection is closed at once (socket closed, not a polite
 * goodbye queued behind a hung statement); a reused connection found dead is replaced once within
 * the same probe. The caller runs one probe per server at a time; should two overlap anyway,
 * they are queued, never interleaved on one connection.
 */
public final class Prober implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Prober.class);
  private static final java.util.concurrent.atomic.AtomicBoolean DROPPED_HOOK =
      new java.util.concurrent.atomic.AtomicBoolean();
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]", Locale.ROOT);

  private final ProberSettings settings;
  private final LoopResources loops;
  private final AddressResolverGroup<?> resolver;
  private final ConcurrentHashMap<InstanceKey, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong connectionsOpened = new AtomicLong();
  private final AtomicLong roundTrips = new AtomicLong();
  private volatile boolean closed;
  private volatile java.util.function.Consumer<InstanceKey> connectionLost = k -> { };

  /** A prober with its own event loops (2 threads, daemon), released by {@link #close()}. */
  public Prober(ProberSettings settings) {
    this.settings = settings;
    installDroppedErrorHook();
    this.loops = LoopResources.create("orcha-mysql", 1, 2, true);
    // One DNS resolver for every connection: the driver would otherwise build one (with its own
    // UDP socket, never closed) per connection attempt, as each attempt has its own LoopResources.
    this.resolver = NameResolverProvider.builder().build().newNameResolverGroup(loops, true);
  }

  /**
   * When a probe or an operation gives up (timeout, not a MySQL server) it closes the socket under
   * the driver, which then reports "connection closed" to nobody; Reactor's default logs that at
   * ERROR with a stack trace, once per probe of a bad server. Reactor is used only by this
   * package, so the JVM-wide hook is ours to set (once: Reactor's hooks accumulate).
   */
  static void installDroppedErrorHook() {
    if (DROPPED_HOOK.compareAndSet(false, true)) {
      Hooks.onErrorDropped(e -> log.debug("error after the probe was over: {}", e.toString()));
    }
  }

  public ProberSettings settings() {
    return settings;
  }

  /**
   * Probes one server. The stage always completes normally, with {@link ProbeResult.Reached} or
   * {@link ProbeResult.Failed}, within about the probe timeout.
   */
  public CompletionStage<ProbeResult> probe(InstanceKey key) {
    if (closed) {
      return CompletableFuture.completedFuture(new ProbeResult.Failed(key,
          new ProbeFailure(ProbeFailure.Reason.OTHER, key.displayString() + ": prober is closed"),
          false, Duration.ZERO));
    }
    Slot slot = slots.computeIfAbsent(key, Slot::new);
    return slot.enqueue(() -> probeOnce(slot).toFuture());
  }

  /**
   * Tells {@code listener} when a kept connection is closed by the other side while orcha did
   * not close it — a server that died, restarted or dropped us — so that it can be probed at
   * once instead of at its next poll. Called on a network thread: keep it short.
   */
  public void onConnectionLost(java.util.function.Consumer<InstanceKey> listener) {
    this.connectionLost = listener;
  }

  /** Closes the connection to a server that is no longer probed. */
  public CompletionStage<Void> forget(InstanceKey key) {
    Slot slot = slots.remove(key);
    return slot == null ? CompletableFuture.completedFuture(null) : slot.close().toFuture();
  }

  /** Servers with an open connection right now. */
  public int openConnections() {
    int n = 0;
    for (Slot s : slots.values()) {
      n += s.hasOpenConnection() ? 1 : 0;
    }
    return n;
  }

  /** Connections opened since start (a reused connection is not counted again). */
  public long connectionsOpened() {
    return connectionsOpened.get();
  }

  /** Requests sent to servers since start (a batch of statements is one). */
  public long roundTrips() {
    return roundTrips.get();
  }

  /** Closes every connection, then the event loops. */
  public CompletionStage<Void> closeAsync() {
    closed = true;
    List<Mono<Void>> closing = new ArrayList<>();
    for (InstanceKey k : List.copyOf(slots.keySet())) {
      Slot s = slots.remove(k);
      if (s != null) {
        closing.add(s.close());
      }
    }
    return Mono.when(closing)
        .then(Mono.fromRunnable(resolver::close))
        .then(loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)))
        .onErrorResume(e -> Mono.empty())
        .toFuture();
  }

  /** {@link #closeAsync()}, waiting at most a few seconds. */
  @Override
  public void close() {
    try {
      closeAsync().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("closing the MySQL prober: {}", e.toString());
    }
  }

  /**
   * Reads a server's raw answers (what {@link #probe} parses): for capturing test fixtures and
   * for diagnostics. Uses and keeps the server's connection like a probe.
   */
  public CompletionStage<ServerAnswers> readAnswers(InstanceKey key) {
    Slot slot = slots.computeIfAbsent(key, Slot::new);
    return slot.enqueue(() -> {
      Run run = new Run(key);
      return withConnection(slot, run, true)
          .timeout(settings.probeTimeout(), Mono.error(() ->
              new MysqlErrors.Timeout(settings.probeTimeout(), run.waitingFor, true)))
          .doOnSuccess(a -> slot.releaseIfPoisoned())
          .doOnError(e -> slot.discardCurrent())
          .toFuture();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // one probe

  private Mono<ProbeResult> probeOnce(Slot slot) {
    long start = System.nanoTime();
    Run run = new Run(slot.key);
    return withConnection(slot, run, true)
        .map(answers -> (ProbeResult) new ProbeResult.Reached(parse(slot.key, answers), since(start)))
        .timeout(settings.probeTimeout(), Mono.error(() ->
            new MysqlErrors.Timeout(settings.probeTimeout(), run.waitingFor, true)))
        .doOnSuccess(r -> slot.releaseIfPoisoned())
        .onErrorResume(e -> {
          slot.discardCurrent();
          return Mono.just(failed(slot.key, e, run, start));
        });
  }

  private Instance parse(InstanceKey key, ServerAnswers answers) {
    try {
      return InstanceParser.toInstance(key, answers, settings);
    } catch (RuntimeException e) {
      throw new UnreadableAnswers(e);
    }
  }

  private ProbeResult failed(InstanceKey key, Throwable e, Run run, long start) {
    if (e instanceof UnreadableAnswers) {
      log.warn("{}: cannot make sense of the answers", key, e.getCause());
      return new ProbeResult.Failed(key, new ProbeFailure(ProbeFailure.Reason.OTHER,
          key.displayString() + ": cannot make sense of the answers: " + e.getCause()), true,
          since(start));
    }
    String statement = e instanceof StatementFailure sf ? sf.label : run.waitingFor;
    Throwable cause = e instanceof StatementFailure sf ? sf.getCause() : e;
    String rejected = run.rejected();
    if (rejected != null) {
      // the answer guard closed the connection: say why, not "closed by the server"
      cause = new MysqlErrors.AnswerRejected(rejected, cause);
    }
    MysqlErrors.Context ctx = new MysqlErrors.Context(key, settings.user(),
        run.connected ? statement : null, run.handshakeSeen(), run.notMySql());
    ProbeFailure failure = MysqlErrors.withTlsHint(MysqlErrors.classify(cause, ctx), settings.tls());
    if (log.isDebugEnabled()) {
      log.debug("probe failed: {} ({})", failure.message(), failure.reason());
    }
    return new ProbeResult.Failed(key, failure, run.handshakeSeen(), since(start));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Reads the answers over the slot's connection; replaces a dead reused connection once. */
  private Mono<ServerAnswers> withConnection(Slot slot, Run run, boolean mayRetry) {
    return acquire(slot, run).flatMap(conn -> collect(conn, run)
        .onErrorResume(e -> {
          if (mayRetry && run.reused && !run.answered && MysqlErrors.isConnectionLost(e)
              && conn.tracker.rejected() == null) {
            // a kept connection that died since the last probe (server restarted, wait_timeout)
            slot.discard(conn);
            run.resetForRetry();
            return withConnection(slot, run, false);
          }
          return Mono.error(e);
        }));
  }

  private Mono<Conn> acquire(Slot slot, Run run) {
    return Mono.defer(() -> {
      Conn current = slot.current();
      if (current != null && current.isOpen()) {
        run.reused = true;
        run.connected = true;
        run.tracker = current.tracker;
        return Mono.just(current);
      }
      if (current != null) {
        slot.discard(current);
      }
      return connect(slot.key, run).flatMap(conn -> {
        if (closed || !slot.install(conn)) {
          conn.forceClose();
          return Mono.error(new IllegalStateException("probing of this server was stopped"));
        }
        // closed while still the slot's connection = closed by the server's side, not by us
        // (every close of ours takes the connection out of the slot first)
        conn.tracker.onClose(() -> {
          if (!closed && slot.current() == conn) {
            connectionLost.accept(slot.key);
          }
        });
        return Mono.just(conn);
      });
    });
  }

  private Mono<Conn> connect(InstanceKey key, Run run) {
    return Mono.defer(() -> {
      ChannelTracker tracker = new ChannelTracker(loops);
      run.tracker = tracker;
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
      connectionsOpened.incrementAndGet();
      return Mono.from(MySqlConnectionFactory.from(config).create())
          .timeout(settings.connectTimeout(), Mono.error(() ->
              new MysqlErrors.Timeout(settings.connectTimeout(), null, false)))
          .map(c -> {
            run.connected = true;
            return new Conn(c, tracker, Dialect.of(c.getMetadata().getDatabaseVersion(),
                c.getMetadata().getDatabaseProductName()));
          })
          .doOnError(e -> tracker.forceClose())
          .doOnCancel(tracker::forceClose);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // the statements of a probe

  private enum Kind { VARIABLES, STATUS, REPLICA_STATUS, BINLOG_STATUS, REPLICA_HOSTS, DUMP_HOSTS, CUSTOM }

  /** One statement: its text, the short label used in messages, and whether the probe needs it. */
  private record Stmt(Kind kind, String label, String sql, CustomQuery custom) {
    boolean required() {
      return kind == Kind.VARIABLES || kind == Kind.REPLICA_STATUS || kind == Kind.BINLOG_STATUS;
    }

    /** Runs on its own: a multi-statement text, or a CALL that may return extra results. */
    boolean solo() {
      String s = sql.trim().toUpperCase(Locale.ROOT);
      return kind == Kind.CUSTOM && (sql.contains(";") || s.startsWith("CALL"));
    }
  }

  private record Outcome(Stmt stmt, List<Map<String, String>> rows, Throwable error) {}

  private List<Stmt> statements(Conn conn) {
    Dialect d = conn.dialect;
    List<Stmt> s = new ArrayList<>();
    s.add(new Stmt(Kind.VARIABLES, "SHOW GLOBAL VARIABLES", Dialect.variablesQuery(), null));
    s.add(new Stmt(Kind.STATUS, "SHOW GLOBAL STATUS", Dialect.statusQuery(), null));
    s.add(new Stmt(Kind.REPLICA_STATUS, d.replicaStatusQuery(), d.replicaStatusQuery(), null));
    s.add(new Stmt(Kind.BINLOG_STATUS, d.binlogStatusQuery(), d.binlogStatusQuery(), null));
    if (settings.discoverByShowSlaveHosts()) {
      s.add(new Stmt(Kind.REPLICA_HOSTS, d.replicaHostsQuery(), d.replicaHostsQuery(), null));
    }
    if (!settings.discoverByShowSlaveHosts() || conn.expectDumpHosts) {
      s.add(dumpHosts());
    }
    settings.queries().forEach((q, sql) -> s.add(new Stmt(Kind.CUSTOM, q.settingName(), sql, q)));
    return s;
  }

  private static Stmt dumpHosts() {
    return new Stmt(Kind.DUMP_HOSTS, "the processlist's binlog dump threads",
        Dialect.binlogDumpHostsQuery(), null);
  }

  private Mono<ServerAnswers> collect(Conn conn, Run run) {
    List<Stmt> stmts = statements(conn);
    return execute(conn, run, stmts).flatMap(outcomes -> {
      for (Outcome o : outcomes) {
        if (o.error() != null && o.stmt().required()) {
          return Mono.error(new StatementFailure(o.stmt().label(), o.error()));
        }
      }
      Answers a = new Answers(outcomes);
      if (a.variables.get("version") != null) {
        conn.dialect = Dialect.of(a.variables.get("version"), a.variables.get("version_comment"));
      }
      boolean listedNobody = InstanceParser.replicas(a.replicaHosts, List.of(), run.key.port()).isEmpty();
      boolean askedDumpHosts = outcomes.stream().anyMatch(o -> o.stmt().kind() == Kind.DUMP_HOSTS);
      if (settings.discoverByShowSlaveHosts()) {
        conn.expectDumpHosts = listedNobody;
      }
      if (listedNobody && !askedDumpHosts && !conn.poisoned) {
        return execute(conn, run, List.of(dumpHosts())).map(more -> {
          a.add(more);
          return a.answers();
        });
      }
      return Mono.just(a.answers());
    });
  }

  /** Accumulates outcomes into {@link ServerAnswers}; optional failures become warnings. */
  private final class Answers {
    Map<String, String> variables = Map.of();
    Map<String, String> status = Map.of();
    List<Map<String, String>> replicaStatus = List.of();
    List<Map<String, String>> binlogStatus = List.of();
    List<Map<String, String>> replicaHosts = List.of();
    final List<String> dumpHosts = new ArrayList<>();
    final Map<CustomQuery, CustomAnswer> custom = new EnumMap<>(CustomQuery.class);
    final List<String> warnings = new ArrayList<>();

    Answers(List<Outcome> outcomes) {
      add(outcomes);
    }

    void add(List<Outcome> outcomes) {
      for (Outcome o : outcomes) {
        Stmt s = o.stmt();
        if (o.error() != null) {
          String why = MysqlErrors.describe(o.error());
          switch (s.kind()) {
            case CUSTOM -> custom.put(s.custom(), CustomAnswer.failed(why));
            case STATUS -> warnings.add(s.label() + " failed (uptime and semi-sync status unknown): " + why);
            case REPLICA_HOSTS -> warnings.add(s.label() + " failed (replicas looked up in the processlist): " + why);
            case DUMP_HOSTS -> warnings.add("reading " + s.label() + " failed: " + why);
            default -> warnings.add(s.label() + " failed: " + why);
          }
          continue;
        }
        switch (s.kind()) {
          case VARIABLES -> variables = ServerAnswers.nameValue(o.rows());
          case STATUS -> status = ServerAnswers.nameValue(o.rows());
          case REPLICA_STATUS -> replicaStatus = o.rows();
          case BINLOG_STATUS -> binlogStatus = o.rows();
          case REPLICA_HOSTS -> replicaHosts = o.rows();
          case DUMP_HOSTS -> o.rows().forEach(r -> dumpHosts.add(firstValue(r)));
          case CUSTOM -> custom.put(s.custom(), o.rows().isEmpty()
              ? CustomAnswer.noRow() : CustomAnswer.value(firstValue(o.rows().get(0))));
        }
      }
    }

    ServerAnswers answers() {
      return new ServerAnswers(variables, status, replicaStatus, binlogStatus, replicaHosts,
          dumpHosts, custom, warnings);
    }
  }

  private static String firstValue(Map<String, String> row) {
    return row.isEmpty() ? null : row.values().iterator().next();
  }

  /**
   * Runs the statements in order, as few requests as possible. A server error in statement k
   * (missing privilege, bad custom query) is that statement's outcome; the rest are sent again
   * unless k was required. A lost, stuck or unreadable connection fails the whole run — unless
   * only optional statements (custom queries) were left, which then fail one by one as warnings.
   */
  private Mono<List<Outcome>> execute(Conn conn, Run run, List<Stmt> stmts) {
    if (stmts.isEmpty()) {
      return Mono.just(List.of());
    }
    int n = 1;
    if (!stmts.get(0).solo()) {
      while (n < stmts.size() && !stmts.get(n).solo()) {
        n++;
      }
    }
    List<Stmt> group = stmts.subList(0, n);
    return executeGroup(conn, run, group).flatMap(done -> {
      Outcome last = done.get(done.size() - 1);
      boolean stop = last.error() != null && last.stmt().required();
      if (stop || done.size() >= stmts.size()) {
        return Mono.just(done);
      }
      List<Stmt> rest = stmts.subList(done.size(), stmts.size());
      if (conn.poisoned) {
        List<Outcome> all = new ArrayList<>(done);
        for (Stmt s : rest) {
          all.add(new Outcome(s, List.of(), new IllegalStateException(
              "not sent: the connection was closed after an earlier statement timed out")));
        }
        return Mono.just(all);
      }
      return execute(conn, run, rest).map(more -> {
        List<Outcome> all = new ArrayList<>(done);
        all.addAll(more);
        return all;
      });
    }).onErrorMap(e -> !(e instanceof StatementFailure),
        e -> new StatementFailure(run.waitingFor, e));
  }

  /** One request: a single statement or a multi-statement batch. Outcomes of a prefix of it. */
  private Mono<List<Outcome>> executeGroup(Conn conn, Run run, List<Stmt> group) {
    return Mono.defer(() -> {
      List<Outcome> outcomes = new ArrayList<>(group.size());
      run.waitingFor = group.get(0).label();
      Publisher<? extends MySqlResult> results;
      if (group.size() == 1) {
        results = conn.connection.createStatement(group.get(0).sql()).execute();
      } else {
        MySqlBatch batch = conn.connection.createBatch();
        group.forEach(s -> batch.add(s.sql()));
        results = batch.execute();
      }
      roundTrips.incrementAndGet();
      Duration qt = settings.queryTimeout();
      return Flux.from(results)
          // bounded: a server answering with endless rows fails the probe (AnswerGuard)
          .concatMap(r -> AnswerGuard.rows(r.map(Prober::row)))
          // each statement's answer must come within the query timeout of the previous one
          .timeout(Mono.delay(qt), x -> Mono.delay(qt), Flux.defer(() ->
              Flux.error(new MysqlErrors.Timeout(qt, run.waitingFor, false))))
          .doOnNext(rows -> {
            if (outcomes.size() < group.size()) {
              outcomes.add(new Outcome(group.get(outcomes.size()), rows, null));
            }
            run.answered = true;
            if (outcomes.size() < group.size()) {
              run.waitingFor = group.get(outcomes.size()).label();
            }
          })
          .then(Mono.fromSupplier(() -> outcomes))
          .onErrorResume(e -> {
            int k = outcomes.size();
            if (k >= group.size()) {
              return Mono.error(e);
            }
            if (!MysqlErrors.connectionUnusable(e)) {
              outcomes.add(new Outcome(group.get(k), List.of(), e));
              return Mono.just(outcomes);
            }
            boolean restOptional = group.subList(k, group.size()).stream()
                .allMatch(s -> s.kind() == Kind.CUSTOM);
            if (restOptional && e instanceof MysqlErrors.Timeout) {
              // a slow custom query: a warning, not a failed probe; the connection is dropped
              // after the probe, since the server may still be working on it
              conn.poisoned = true;
              outcomes.add(new Outcome(group.get(k), List.of(), e));
              return Mono.just(outcomes);
            }
            return Mono.error(e);
          });
    });
  }

  /** A row as column name → text, as the server would print it. */
  private static Map<String, String> row(Readable row, RowMetadata md) {
    Map<String, String> m = new LinkedHashMap<>();
    var columns = md.getColumnMetadatas();
    for (int i = 0; i < columns.size(); i++) {
      m.putIfAbsent(columns.get(i).getName(), text(row.get(i)));
    }
    return m;
  }

  static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (v instanceof ByteBuffer b) {
      return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof LocalDateTime t) {
      return DATETIME.format(t);
    }
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    return v.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // state

  /** What one probe knows about its own progress, for the failure message. */
  private static final class Run {
    final InstanceKey key;
    volatile ChannelTracker tracker;
    volatile boolean reused;
    volatile boolean connected;
    volatile boolean answered;
    volatile String waitingFor;

    Run(InstanceKey key) {
      this.key = key;
    }

    boolean handshakeSeen() {
      ChannelTracker t = tracker;
      return reused || connected || (t != null && t.handshakeSeen());
    }

    String notMySql() {
      ChannelTracker t = tracker;
      return t == null ? null : t.notMySql();
    }

    String rejected() {
      ChannelTracker t = tracker;
      return t == null ? null : t.rejected();
    }

    void resetForRetry() {
      tracker = null;
      reused = false;
      connected = false;
      answered = false;
      waitingFor = null;
    }
  }

  /** The server answered, but {@link InstanceParser} failed on it (a bug, or a very odd server). */
  private static final class UnreadableAnswers extends RuntimeException {
    UnreadableAnswers(RuntimeException cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** The error of one named statement. */
  private static final class StatementFailure extends RuntimeException {
    final String label;

    StatementFailure(String label, Throwable cause) {
      super(label + ": " + cause, cause, false, false);
      this.label = label;
    }
  }

  /** An open connection and what we learned about the server over it. */
  private static final class Conn {
    final MySqlConnection connection;
    final ChannelTracker tracker;
    volatile Dialect dialect;
    /** SHOW SLAVE HOSTS listed nobody last time: ask the processlist in the same batch. */
    volatile boolean expectDumpHosts;
    /** A statement may still be running on the server: do not reuse. */
    volatile boolean poisoned;

    Conn(MySqlConnection connection, ChannelTracker tracker, Dialect dialect) {
      this.connection = connection;
      this.tracker = tracker;
      this.dialect = dialect;
    }

    boolean isOpen() {
      return tracker.isOpen() && !poisoned;
    }

    void forceClose() {
      tracker.forceClose();
    }

    /** COM_QUIT when the connection is idle, and the socket closed in any case. */
    Mono<Void> closeGracefully() {
      if (poisoned || !tracker.isOpen()) {
        forceClose();
        return Mono.empty();
      }
      return Mono.from(connection.close())
          .timeout(CLOSE_GRACE)
          .onErrorResume(e -> Mono.empty())
          .doFinally(s -> forceClose());
    }
  }

  /** One server: its connection and the queue of its probes. */
  private static final class Slot {
    final InstanceKey key;
    private Conn conn;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private boolean closed;

    Slot(InstanceKey key) {
      this.key = key;
    }

    synchronized Conn current() {
      return conn;
    }

    synchronized boolean hasOpenConnection() {
      return conn != null && conn.isOpen();
    }

    /** Runs {@code work} after the previous probe of this server completed. */
    synchronized <T> CompletableFuture<T> enqueue(Supplier<CompletableFuture<T>> work) {
      CompletableFuture<T> next = tail.handle((x, e) -> null).thenCompose(x -> work.get());
      tail = next;
      return next;
    }

    /** Keeps a new connection, unless the slot was closed meanwhile. */
    synchronized boolean install(Conn c) {
      if (closed) {
        return false;
      }
      if (conn != null && conn != c) {
        conn.forceClose();
      }
      conn = c;
      return true;
    }

    void discard(Conn c) {
      synchronized (this) {
        if (conn == c) {
          conn = null;
        }
      }
      c.forceClose();
    }

    void discardCurrent() {
      Conn c;
      synchronized (this) {
        c = conn;
        conn = null;
      }
      if (c != null) {
        c.forceClose();
      }
    }

    void releaseIfPoisoned() {
      Conn c;
      synchronized (this) {
        c = conn;
        if (c == null || !c.poisoned) {
          return;
        }
        conn = null;
      }
      c.forceClose();
    }

    Mono<Void> close() {
      Conn c;
      synchronized (this) {
        closed = true;
        c = conn;
        conn = null;
      }
      return c == null ? Mono.empty() : c.closeGracefully();
    }
  }
}
