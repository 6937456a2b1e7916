package mysql;

import io.r2dbc.spi.R2dbcException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeFailure.Reason;

/**
 * Classifies what went wrong talking to a server into a {@link ProbeFailure} with a message that
 * says what is wrong, names the server ({@code host:port}) and, for authentication and privilege
 * problems, the user and the statement. Never sees a password, so never prints one.
 */
public final class MysqlErrors {

  private MysqlErrors() {}

  /** ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
  private static final Set<Integer> BAD_CREDENTIALS = Set.of(1045, 1698);
  /**
   * Login refused for the account itself: host not allowed (1130), host blocked (1129),
   * auth plugin (1251), password expired (1820, 1862), account locked (MySQL 3118, MariaDB 4151).
   */
  private static final Set<Integer> LOGIN_REFUSED = Set.of(1129, 1130, 1251, 1820, 1862, 3118, 4151);
  /**
   * ER_SPECIFIC_ACCESS_DENIED_ERROR (1227), ER_TABLEACCESS_DENIED_ERROR (1142),
   * ER_COLUMNACCESS_DENIED_ERROR (1143), ER_DBACCESS_DENIED_ERROR (1044), ER_PROCACCESS (1370),
   * ER_KILL_DENIED (1095).
   */
  private static final Set<Integer> PRIVILEGE = Set.of(1227, 1142, 1143, 1044, 1370, 1095);

  /**
   * Where the error happened.
   *
   * @param statement the statement that was running (a short label, e.g. {@code SHOW SLAVE STATUS}),
   *     or null while connecting and logging in
   * @param handshakeSeen the server sent a MySQL handshake (it speaks the protocol)
   * @param notMySql when the server's first bytes were not a MySQL handshake: those bytes, for the
   *     message; otherwise null
   */
  public record Context(InstanceKey key, String user, String statement, boolean handshakeSeen,
      String notMySql) {

    public static Context connecting(InstanceKey key, String user) {
      return new Context(key, user, null, false, null);
    }

    public Context at(String statement) {
      return new Context(key, user, statement, true, null);
    }
  }

  /**
   * A bound that expired: connecting ({@code statement} null), one statement, or the whole probe.
   * The prober raises it instead of Reactor's anonymous TimeoutException so that the message can
   * say what did not answer.
   */
  public static final class Timeout extends RuntimeException {
    private final Duration after;
    private final String statement;
    private final boolean wholeProbe;

    public Timeout(Duration after, String statement, boolean wholeProbe) {
      super("no answer within " + human(after), null, false, false);
      this.after = after;
      this.statement = statement;
      this.wholeProbe = wholeProbe;
    }

    public Duration after() {
      return after;
    }

    public String statement() {
      return statement;
    }

    public boolean wholeProbe() {
      return wholeProbe;
    }
  }

  /**
   * orcha stopped reading an answer and closed the connection: it broke the protocol (packets
   * out of order, a packet of 16 MB announced) or orcha's bounds ({@link AnswerGuard}).
   */
  public static final class AnswerRejected extends RuntimeException {
    public AnswerRejected(String why, Throwable cause) {
      super(why, cause, false, false);
    }
  }

  /** Classifies {@code error} (any wrapping) that happened in {@code ctx}. */
  public static ProbeFailure classify(Throwable error, Context ctx) {
    String at = ctx.key().displayString() + ": ";
    if (ctx.notMySql() != null) {
      return new ProbeFailure(Reason.PROTOCOL_ERROR,
          at + "not a MySQL server: its first bytes are " + ctx.notMySql());
    }
    AnswerRejected rejected = find(error, AnswerRejected.class);
    if (rejected != null) {
      return new ProbeFailure(Reason.PROTOCOL_ERROR, at + "answer "
          + (ctx.statement() == null ? "during login" : "to " + ctx.statement())
          + " refused, connection closed: " + rejected.getMessage());
    }
    Timeout timeout = find(error, Timeout.class);
    if (timeout != null) {
      return new ProbeFailure(Reason.TIMEOUT, at + timeoutText(timeout, ctx));
    }
    UnknownHostException unknown = find(error, UnknownHostException.class);
    if (unknown != null) {
      return new ProbeFailure(Reason.UNKNOWN_HOST, at + "unknown host " + ctx.key().hostname());
    }
    java.util.concurrent.TimeoutException reactorTimeout =
        find(error, java.util.concurrent.TimeoutException.class);
    io.netty.channel.ConnectTimeoutException connectTimeout =
        find(error, io.netty.channel.ConnectTimeoutException.class);
    if (connectTimeout != null || reactorTimeout != null) {
      return new ProbeFailure(Reason.TIMEOUT, at + (ctx.statement() == null
          ? "no answer while connecting" : "no answer to " + ctx.statement()));
    }
    ConnectException refused = find(error, ConnectException.class);
    NoRouteToHostException noRoute = find(error, NoRouteToHostException.class);
    if (noRoute != null || refused != null && lower(refused).contains("no route")) {
      return new ProbeFailure(Reason.OTHER, at + "no route to host");
    }
    if (refused != null) {
      String m = lower(refused);
      if (m.contains("refused")) {
        return new ProbeFailure(Reason.CONNECTION_REFUSED, at + "connection refused");
      }
      if (m.contains("timed out")) {
        return new ProbeFailure(Reason.TIMEOUT, at + "no answer while connecting");
      }
      return new ProbeFailure(Reason.OTHER, at + "cannot connect: " + message(refused));
    }
    String tls = tlsProblem(error);
    if (tls != null) {
      return new ProbeFailure(Reason.TLS_ERROR, at + tls);
    }
    R2dbcException server = serverError(error);
    if (server != null) {
      return serverFailure(server, ctx, at);
    }
    if (isConnectionLost(error)) {
      String where = ctx.statement() == null
          ? (ctx.handshakeSeen() ? "during login" : "before the handshake")
          : "during " + ctx.statement();
      return new ProbeFailure(Reason.PROTOCOL_ERROR, at + "connection closed by the server "
          + where + " (" + rootMessage(error) + ")");
    }
    if (isDecodingProblem(error)) {
      return new ProbeFailure(Reason.PROTOCOL_ERROR, at + "unreadable answer "
          + (ctx.statement() == null ? "during login" : "to " + ctx.statement()) + ": "
          + rootMessage(error));
    }
    return new ProbeFailure(Reason.OTHER, at
        + (ctx.statement() == null ? "connecting failed: " : ctx.statement() + " failed: ")
        + rootMessage(error));
  }

  /**
   * A refused login with what orcha sent of TLS added (see {@link ServerTls#loginHint()}): the
   * server gives no other reason when the account REQUIREs SSL or X509.
   */
  public static ProbeFailure withTlsHint(ProbeFailure f, ServerTls tls) {
    if (f.reason() != Reason.ACCESS_DENIED || tls.loginHint().isEmpty()) {
      return f;
    }
    return new ProbeFailure(f.reason(), f.message() + tls.loginHint());
  }

  /**
   * What went wrong with TLS, or null when the error is not about TLS: the server's certificate
   * refused (not signed by the configured CA, expired, not naming the host), the handshake
   * failed, or the server offers no TLS where the mode requires it.
   */
  private static String tlsProblem(Throwable error) {
    javax.net.ssl.SSLException ssl = find(error, javax.net.ssl.SSLException.class);
    java.security.cert.CertificateException cert =
        find(error, java.security.cert.CertificateException.class);
    if (ssl == null && cert == null) {
      for (Throwable t = error; t != null; t = t.getCause()) {
        // r2dbc-mysql: "Server does not support SSL but mode 'REQUIRED' requires SSL"
        if (lower(t).contains("does not support ssl")) {
          return "the server does not offer TLS, which orcha.mysql.tls.mode requires ("
              + message(t) + ")";
        }
        if (t.getCause() == t) {
          break;
        }
      }
      return null;
    }
    String root = rootMessage(error);
    String m = root.toLowerCase(Locale.ROOT);
    if (m.contains("hostname") && m.contains("could not be verified")) {
      return "TLS: the server's certificate does not name the host orcha connects to"
          + " (orcha.mysql.tls.mode verify-identity): " + root;
    }
    if (cert != null || m.contains("certification path") || m.contains("certificate")) {
      return "TLS: the server's certificate was refused (is it signed by the CA in"
          + " orcha.mysql.tls.ca-file, and valid?): " + root;
    }
    return "TLS handshake failed: " + root;
  }

  /**
   * A short description of an error for a warning (no server name): {@code error 1054 (42S22):
   * Unknown column 'x' in 'SELECT'}, {@code no answer within 3s}, or the root message.
   */
  public static String describe(Throwable error) {
    AnswerRejected rejected = find(error, AnswerRejected.class);
    if (rejected != null) {
      return "answer refused, connection closed: " + rejected.getMessage();
    }
    Timeout t = find(error, Timeout.class);
    if (t != null) {
      return "no answer within " + human(t.after());
    }
    R2dbcException server = serverError(error);
    if (server != null) {
      return serverText(server);
    }
    return rootMessage(error);
  }

  /**
   * The connection can no longer be used after this error (closed, timed out, unreadable). A
   * server error such as a missing privilege leaves it usable.
   */
  public static boolean connectionUnusable(Throwable error) {
    return serverError(error) == null;
  }

  /** The connection was closed or reset under us: a stale pooled connection looks like this. */
  public static boolean isConnectionLost(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String cls = t.getClass().getName();
      if (cls.startsWith("io.asyncer.r2dbc.mysql.client.MySqlConnection") // ...ClosedException, ...Exception
          || t instanceof ClosedChannelException
          || cls.startsWith("reactor.netty.channel.AbortedException")
          || cls.startsWith("reactor.netty.channel.PrematureCloseException")
          || (t instanceof IOException && lower(t).contains("connection reset"))
          || (t instanceof IOException && lower(t).contains("broken pipe"))) {
        // MySqlConnectionException also wraps decoder errors: those are not "lost"
        if (cls.endsWith("MySqlConnectionException") && t.getCause() != null
            && isDecodingProblem(t.getCause())) {
          return false;
        }
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean isDecodingProblem(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof io.netty.handler.codec.DecoderException
          || lower(t).contains("unknown message header")
          || lower(t).contains("unsupported protocol")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static ProbeFailure serverFailure(R2dbcException e, Context ctx, String at) {
    int code = e.getErrorCode();
    String user = ctx.user();
    if (ctx.statement() == null) {
      if (BAD_CREDENTIALS.contains(code)) {
        return new ProbeFailure(Reason.ACCESS_DENIED, at + "access denied for user " + user
            + " (check MySQLTopologyUser/MySQLTopologyPassword): " + message(e));
      }
      if (LOGIN_REFUSED.contains(code)) {
        return new ProbeFailure(Reason.ACCESS_DENIED, at + "login refused for user " + user
            + ": " + serverText(e));
      }
      return new ProbeFailure(Reason.SERVER_ERROR, at + "login as " + user + " failed: "
          + serverText(e));
    }
    if (PRIVILEGE.contains(code) || BAD_CREDENTIALS.contains(code)) {
      return new ProbeFailure(Reason.MISSING_PRIVILEGE, at + "user " + user
          + " lacks a privilege for " + ctx.statement() + ": " + message(e));
    }
    return new ProbeFailure(Reason.SERVER_ERROR, at + ctx.statement() + " failed: "
        + serverText(e));
  }

  private static String timeoutText(Timeout t, Context ctx) {
    String d = human(t.after());
    if (t.wholeProbe()) {
      return "probe did not complete within " + d
          + (t.statement() != null ? " (waiting for " + t.statement() + ")"
          : ctx.handshakeSeen() ? " (logging in)" : " (connecting)");
    }
    if (t.statement() != null) {
      return "no answer to " + t.statement() + " within " + d;
    }
    return ctx.handshakeSeen()
        ? "connected, but login did not complete within " + d
        : "no answer within " + d;
  }

  /** A server-sent error: an R2DBC exception with a MySQL error code. */
  private static R2dbcException serverError(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof R2dbcException r && r.getErrorCode() > 0) {
        return r;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String serverText(R2dbcException e) {
    String state = e.getSqlState();
    return "error " + e.getErrorCode()
        + (state == null || state.isEmpty() ? "" : " (" + state + ")") + ": " + message(e);
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < 20) {
      root = root.getCause();
    }
    String m = message(root);
    return m.isEmpty() ? root.getClass().getSimpleName() : m;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? "" : m.trim();
  }

  private static String lower(Throwable t) {
    return message(t).toLowerCase(Locale.ROOT);
  }

  /** {@code 2s}, {@code 1.5s}, {@code 250ms}. */
  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
