package mysql;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import mysql.OperationResult.Outcome;
import mysql.OperationSessions.Connector;
import mysql.OperationSessions.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import topology.InstanceKey;
import topology.ProbeFailure;

/**
 * How one {@link Operations} call runs, whatever it does: a fresh connection (bounded by the
 * connect timeout), the connection id and exact version, every statement bounded by the
 * statement timeout and logged with its masked text, waits that poll the server with a deadline,
 * and the end — a {@link OperationResult} for every outcome, the connection closed in every case
 * (at once when a statement did not answer), the stuck statement killed from a second
 * connection, passwords scrubbed from every message.
 */
final class OperationRunner {

  // the operations' logger: one place to look (and to raise or lower) for everything they do
  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  private final OperationSettings settings;
  private final Connector connector;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicLong connectionsOpened = new AtomicLong();

  OperationRunner(OperationSettings settings, Connector connector) {
    this.settings = settings;
    this.connector = connector;
  }

  int openConnections() {
    return openConnections.get();
  }

  long connectionsOpened() {
    return connectionsOpened.get();
  }

  void close() {
    connector.close();
  }

  // =============================================================================================
  // the pieces an operation is made of

  /** What an operation returns when it succeeded: the value read back and the message. */
  record Done<T>(T value, String message) {}

  enum Kind {
    /** reads the server */
    READ,
    /** changes only this connection's session (listed for the audit, not a server change) */
    SESSION,
    /** may change the server */
    CHANGE,
    /** the same change again (a retry): listed once */
    REPEAT
  }

  /** What one look at the server says while waiting for an effect. */
  sealed interface Check<T> {
    record Ok<T>(T value) implements Check<T> {}

    /** Will not happen: the message says why. */
    record Fail<T>(String why) implements Check<T> {}

    /** Not yet: what was seen, and whether it shows an error (then expiry is a failure). */
    record Wait<T>(String seen, boolean withError) implements Check<T> {}
  }

  /** Refused (or failed) by orcha's own check, with the message for the result. */
  static final class Stop extends RuntimeException {
    final Outcome outcome;
    final ProbeFailure.Reason cause;

    Stop(Outcome outcome, ProbeFailure.Reason cause, String message) {
      super(message, null, false, false);
      this.outcome = outcome;
      this.cause = cause;
    }
  }

  /** A statement that failed (server error, timeout, lost connection). */
  static final class StatementError extends RuntimeException {
    final String label;
    final String logText;
    final Kind kind;
    /** how many statements of {@link Run#sent} were sent before this one */
    final int sentBefore;

    StatementError(String label, String logText, Kind kind, int sentBefore, Throwable cause) {
      super(label + ": " + cause, cause, false, false);
      this.label = label;
      this.logText = logText;
      this.kind = kind;
      this.sentBefore = sentBefore;
    }

    /** The server answered with an error: the connection is still usable. */
    boolean serverError() {
      return OperationRunner.serverError(getCause());
    }
  }

  /** Could not connect or log in. */
  private static final class ConnectError extends RuntimeException {
    ConnectError(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** The state of one operation call, and the statements it runs on its connection. */
  final class Run {
    final InstanceKey key;
    final String operation;
    final long start = System.nanoTime();
    final List<String> secrets = new CopyOnWriteArrayList<>();
    /** statements sent that change the server or the session, masked, in order */
    final List<String> sent = new CopyOnWriteArrayList<>();
    /** what the message should say besides (e.g. "threads started again") */
    final List<String> notes = new CopyOnWriteArrayList<>();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile Session session;
    volatile Dialect dialect;
    volatile long connectionId = -1;
    /** a CHANGE statement succeeded (or may have: sent, and the connection was lost) */
    volatile boolean changed;
    /** the connection cannot be used any more (timed out, lost) */
    volatile boolean broken;
    /** the statement that did not answer in time, to kill on the server */
    volatile String timedOut;

    Run(InstanceKey key, String operation, List<String> secrets) {
      this.key = key;
      this.operation = operation;
      for (String s : secrets) {
        if (s != null && !s.isEmpty()) {
          this.secrets.add(s);
        }
      }
    }

    OperationSettings settings() {
      return settings;
    }

    Mono<List<Map<String, String>>> read(String sql) {
      return exec(sql, sql, Kind.READ, settings.statementTimeout());
    }

    /** A read whose text is not shown in messages (e.g. a configured query): {@code label} is. */
    Mono<List<Map<String, String>>> read(String sql, String label) {
      return exec(sql, label, Kind.READ, settings.statementTimeout());
    }

    Mono<List<Map<String, String>>> change(String sql) {
      return exec(sql, sql, Kind.CHANGE, settings.statementTimeout());
    }

    /** A change whose text holds a secret: {@code logText} is what logs and messages show. */
    Mono<List<Map<String, String>>> change(String sql, String logText) {
      return exec(sql, logText, Kind.CHANGE, settings.statementTimeout());
    }

    Mono<List<Map<String, String>>> session(String sql) {
      return exec(sql, sql, Kind.SESSION, settings.statementTimeout());
    }

    Mono<List<Map<String, String>>> exec(String sql, String logText, Kind kind, Duration timeout) {
      return Mono.defer(() -> {
        String label = label(logText);
        int before = sent.size();
        if (kind == Kind.REPEAT) {
          log.debug("{}: {} (again)", key.displayString(), logText);
        } else if (kind != Kind.READ) {
          sent.add(logText);
          log.info("{}: {}", key.displayString(), logText);
        } else if (log.isDebugEnabled()) {
          log.debug("{}: {}", key.displayString(), logText);
        }
        if (broken) {
          return Mono.error(new StatementError(label, logText, kind, before,
              new IllegalStateException("not sent: the connection is no longer usable")));
        }
        return session.execute(sql)
            .timeout(timeout, Mono.error(() -> new MysqlErrors.Timeout(timeout, label, false)))
            .doOnSuccess(rows -> {
              if (kind == Kind.CHANGE || kind == Kind.REPEAT) {
                changed = true;
              }
            })
            .onErrorMap(e -> {
              if (MysqlErrors.connectionUnusable(e)) {
                broken = true;
                session.forceClose();
                if (e instanceof MysqlErrors.Timeout) {
                  timedOut = logText;
                }
                if (kind == Kind.CHANGE || kind == Kind.REPEAT) {
                  changed = true; // sent, outcome unknown
                }
              }
              return new StatementError(label, logText, kind, before, e);
            });
      });
    }

    /** Global variables by name, names lower-cased; unknown names are simply absent. */
    Mono<Map<String, String>> variables(String... names) {
      return read(Dialect.variablesQuery(List.of(names)), "SHOW GLOBAL VARIABLES")
          .map(ServerAnswers::nameValue);
    }

    /** Global status by name, names lower-cased. */
    Mono<Map<String, String>> status(String... names) {
      return read(Dialect.statusQuery(List.of(names)), "SHOW GLOBAL STATUS")
          .map(ServerAnswers::nameValue);
    }

    /** Refused before any change, by orcha's own check. */
    <T> Mono<T> refuse(String why) {
      return Mono.error(new Stop(Outcome.REFUSED, null, key.displayString() + ": " + why));
    }

    /** A failure found by verification: midway when something was changed, else a refusal. */
    <T> Mono<T> fail(String why) {
      return Mono.error(new Stop(changed ? Outcome.FAILED_MIDWAY : Outcome.REFUSED, null,
          key.displayString() + ": " + why));
    }

    /**
     * Runs {@code body}, then {@code restore} (putting session variables back) — also after a
     * failure, when the connection is still usable.
     */
    Mono<Void> restoring(Mono<Void> body, Supplier<Mono<?>> restore) {
      return body
          .onErrorResume(e -> {
            if (broken) {
              return Mono.error(e);
            }
            return restore.get()
                .onErrorResume(x -> {
                  notes.add("restoring the session failed: " + MysqlErrors.describe(x));
                  return Mono.empty();
                })
                .then(Mono.error(e));
          })
          .then(Mono.defer(restore))
          .then();
    }

    /**
     * Reads the server every poll interval until {@code check} says Ok or Fail, or
     * {@code within} has passed: then TIMED_OUT (FAILED_MIDWAY when the last look showed an
     * error), with the last thing seen and {@code afterExpiry} (what is left as it is) in the
     * message.
     */
    <S, T> Mono<T> poll(Duration within, String what, Supplier<Mono<S>> read,
        Function<S, Check<T>> check, String afterExpiry) {
      return poll(within, what, read, check, afterExpiry, Mono::empty);
    }

    /** {@link #poll}, running {@code between} before each look after the first. */
    <S, T> Mono<T> poll(Duration within, String what, Supplier<Mono<S>> read,
        Function<S, Check<T>> check, String afterExpiry, Supplier<Mono<?>> between) {
      return Mono.defer(() -> pollFrom(System.nanoTime() + within.toNanos(), within, what, read,
          check, afterExpiry, between));
    }

    private <S, T> Mono<T> pollFrom(long deadline, Duration within, String what,
        Supplier<Mono<S>> read, Function<S, Check<T>> check, String afterExpiry,
        Supplier<Mono<?>> between) {
      return Mono.defer(read).flatMap(s -> {
        Check<T> c = check.apply(s);
        if (c instanceof Check.Ok<T> ok) {
          return Mono.just(ok.value());
        }
        if (c instanceof Check.Fail<T> f) {
          return fail(f.why());
        }
        Check.Wait<T> w = (Check.Wait<T>) c;
        if (System.nanoTime() >= deadline) {
          return Mono.error(new Stop(w.withError() ? Outcome.FAILED_MIDWAY : Outcome.TIMED_OUT,
              ProbeFailure.Reason.TIMEOUT, key.displayString() + ": waited "
                  + MysqlErrors.human(within) + " in vain for " + what + "; last seen: "
                  + w.seen() + afterExpiry));
        }
        return Mono.delay(settings.pollInterval())
            .then(Mono.defer(between))
            .then(pollFrom(deadline, within, what, read, check, afterExpiry, between));
      });
    }

    String redact(String text) {
      String t = text;
      for (String s : secrets) {
        t = t.replace(Dialect.quote(s), "'*****'");
        if (s.length() >= 6) {
          t = t.replace(s, "*****");
        }
      }
      return t;
    }
  }

  // =============================================================================================
  // one call, start to end

  /**
   * Connects, runs {@code body} on the connection and turns whatever happens into a result; the
   * returned stage never fails.
   */
  <T> CompletionStage<OperationResult<T>> run(InstanceKey key, String operation,
      List<String> secrets, Function<Run, Mono<Done<T>>> body) {
    Run r = new Run(key, operation, secrets);
    Duration ct = settings.connectTimeout();
    return Mono.defer(() -> connector.open(key))
        .timeout(ct, Mono.error(() -> new MysqlErrors.Timeout(ct, null, false)))
        .onErrorMap(ConnectError::new)
        .flatMap(session -> {
          r.session = session;
          r.dialect = session.dialect();
          connectionsOpened.incrementAndGet();
          openConnections.incrementAndGet();
          return identify(r)
              .then(Mono.defer(() -> body.apply(r)))
              .map(done -> success(r, done))
              .onErrorResume(e -> failure(r, e))
              .flatMap(res -> closeSession(r).thenReturn(res))
              .doFinally(s -> closeSession(r).subscribe());
        })
        .onErrorResume(e -> Mono.just(e instanceof ConnectError ? connectFailure(r, e.getCause())
            : unexpected(r, e)))
        .toFuture();
  }

  /** Connection id (to kill a stuck statement) and the exact version (for the dialect). */
  private Mono<Void> identify(Run r) {
    return r.read("SELECT CONNECTION_ID() AS id, @@version AS version, @@version_comment AS comment")
        .doOnNext(rows -> {
          if (!rows.isEmpty()) {
            Map<String, String> row = rows.get(0);
            r.connectionId = InstanceParser.parseLong(row.get("id"), -1);
            if (row.get("version") != null) {
              r.dialect = Dialect.of(row.get("version"), row.get("comment"));
            }
          }
        })
        .then();
  }

  private Mono<Void> closeSession(Run r) {
    if (!r.closed.compareAndSet(false, true)) {
      return Mono.empty();
    }
    openConnections.decrementAndGet();
    if (r.broken) {
      r.session.forceClose();
      return Mono.empty();
    }
    return r.session.close().onErrorResume(e -> Mono.empty());
  }

  private <T> OperationResult<T> success(Run r, Done<T> done) {
    String message = r.redact(done.message() + notes(r));
    log.info("{} {}: {}", r.operation, r.key.displayString(), message);
    return new OperationResult<>(r.key, r.operation, Outcome.SUCCEEDED, message, done.value(),
        null, r.sent, since(r.start));
  }

  private <T> Mono<OperationResult<T>> failure(Run r, Throwable e) {
    Outcome outcome;
    ProbeFailure.Reason cause;
    String message;
    if (e instanceof Stop s) {
      outcome = s.outcome;
      cause = s.cause;
      message = s.getMessage();
    } else if (e instanceof StatementError se) {
      Throwable c = se.getCause();
      ProbeFailure f = MysqlErrors.classify(c, new MysqlErrors.Context(r.key, settings.user(),
          se.label, true, null));
      cause = f.reason();
      message = f.message() + (se.logText.equals(se.label) ? "" : " (statement: " + se.logText + ")");
      String earlier = se.sentBefore == 0 ? ""
          : "; changed before: " + String.join("; ", r.sent.subList(0, se.sentBefore));
      if (c instanceof MysqlErrors.Timeout) {
        outcome = Outcome.TIMED_OUT;
        message += se.sentBefore == 0 && se.kind == Kind.READ ? "; nothing had been changed"
            : earlier;
      } else if (!se.serverError() && (se.kind == Kind.CHANGE || se.kind == Kind.REPEAT)) {
        outcome = Outcome.FAILED_MIDWAY;
        message += "; the connection was lost, the statement may have taken effect" + earlier;
      } else {
        outcome = r.changed ? Outcome.FAILED_MIDWAY : Outcome.REFUSED;
        message += earlier;
      }
    } else {
      return Mono.just(unexpected(r, e));
    }
    Mono<String> killed = r.timedOut == null ? Mono.just("") : kill(r);
    Outcome o = outcome;
    ProbeFailure.Reason why = cause;
    String text = message;
    return killed.map(k -> {
      String m = r.redact(text + k + notes(r));
      log.warn("{} {} {}: {}", r.operation, r.key.displayString(), o, m);
      return new OperationResult<T>(r.key, r.operation, o, m, null, why, r.sent, since(r.start));
    });
  }

  /**
   * Kills the connection whose statement did not answer in time, from a new connection, so that
   * the statement cannot take effect after the caller was told it timed out.
   */
  private Mono<String> kill(Run r) {
    long id = r.connectionId;
    if (id <= 0) {
      return Mono.just("; the connection id is unknown, so the statement could not be killed on"
          + " the server: it may still take effect");
    }
    Duration ct = settings.connectTimeout();
    String sql = r.dialect.killConnection(id);
    return Mono.defer(() -> connector.open(r.key))
        .timeout(ct, Mono.error(() -> new MysqlErrors.Timeout(ct, null, false)))
        .flatMap(s -> {
          connectionsOpened.incrementAndGet();
          return s.execute(sql)
              .timeout(settings.statementTimeout(), Mono.error(() ->
                  new MysqlErrors.Timeout(settings.statementTimeout(), sql, false)))
              .thenReturn("; the statement was killed on the server (" + sql + ")")
              .onErrorResume(e -> Mono.just(serverErrorCode(e) == 1094
                  ? "; the statement had already ended on the server"
                  : "; killing it on the server failed (" + MysqlErrors.describe(e)
                      + "): it may still take effect"))
              .flatMap(m -> s.close().onErrorResume(x -> Mono.empty()).thenReturn(m))
              .doFinally(x -> s.forceClose());
        })
        .onErrorResume(e -> Mono.just("; killing it on the server failed (cannot connect: "
            + MysqlErrors.describe(e) + "): it may still take effect"));
  }

  private <T> OperationResult<T> connectFailure(Run r, Throwable e) {
    ProbeFailure f = MysqlErrors.withTlsHint(
        MysqlErrors.classify(e, MysqlErrors.Context.connecting(r.key, settings.user())), settings.tls());
    Outcome outcome = e instanceof MysqlErrors.Timeout ? Outcome.TIMED_OUT : Outcome.REFUSED;
    String m = r.redact(f.message() + "; " + r.operation + " not attempted, nothing changed");
    log.warn("{} {} {}: {}", r.operation, r.key.displayString(), outcome, m);
    return new OperationResult<>(r.key, r.operation, outcome, m, null, f.reason(), List.of(),
        since(r.start));
  }

  private <T> OperationResult<T> unexpected(Run r, Throwable e) {
    log.error("{} {}: unexpected failure", r.operation, r.key.displayString(), e);
    String m = r.redact(r.key.displayString() + ": " + r.operation + " failed unexpectedly: " + e
        + (r.sent.isEmpty() ? "; nothing had been changed" : "; sent: " + String.join("; ", r.sent)));
    return new OperationResult<>(r.key, r.operation, r.changed ? Outcome.FAILED_MIDWAY
        : Outcome.REFUSED, m, null, ProbeFailure.Reason.OTHER, r.sent, since(r.start));
  }

  private static String notes(Run r) {
    return r.notes.isEmpty() ? "" : "; " + String.join("; ", r.notes);
  }

  // =============================================================================================
  // small helpers

  /** A short name of a statement for messages: {@code CHANGE MASTER}, {@code SET GLOBAL read_only}. */
  static String label(String statement) {
    String s = statement.trim();
    String u = s.toUpperCase(Locale.ROOT);
    if (u.startsWith("CHANGE MASTER TO")) {
      return "CHANGE MASTER";
    }
    if (u.startsWith("CHANGE REPLICATION SOURCE TO")) {
      return "CHANGE REPLICATION SOURCE";
    }
    if (u.startsWith("SET GLOBAL ") || u.startsWith("SET SESSION ")) {
      int eq = s.indexOf('=');
      return (eq > 0 ? s.substring(0, eq) : s).trim();
    }
    for (String fn : List.of("MASTER_GTID_WAIT", "WAIT_FOR_EXECUTED_GTID_SET")) {
      if (u.startsWith("SELECT " + fn)) {
        return fn;
      }
    }
    for (String show : List.of("SHOW GLOBAL VARIABLES", "SHOW GLOBAL STATUS")) {
      if (u.startsWith(show)) {
        return show;
      }
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** The server answered with an error (the connection is still usable). */
  static boolean serverError(Throwable e) {
    return !MysqlErrors.connectionUnusable(e);
  }

  private static int serverErrorCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.r2dbc.spi.R2dbcException x && x.getErrorCode() > 0) {
        return x.getErrorCode();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return 0;
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
