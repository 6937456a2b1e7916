package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import java.lang.reflect.Constructor;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeFailure.Reason;

/** Driver errors (as r2dbc-mysql and Netty raise them) → stable reasons and clear messages. */
class MysqlErrorsTest {

  static final InstanceKey K = new InstanceKey("127.0.0.1", 10211);
  static final MysqlErrors.Context CONNECTING = MysqlErrors.Context.connecting(K, "orcha");
  static final MysqlErrors.Context LOGIN = new MysqlErrors.Context(K, "orcha", null, true, null);

  record Case(Throwable error, MysqlErrors.Context ctx, Reason reason, String message) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        c("wrong password", new Case(
            new R2dbcPermissionDeniedException(
                "Access denied for user 'orcha'@'127.0.0.1' (using password: YES)", "28000", 1045),
            LOGIN, Reason.ACCESS_DENIED,
            "127.0.0.1:10211: access denied for user orcha (check MySQLTopologyUser/"
                + "MySQLTopologyPassword): Access denied for user 'orcha'@'127.0.0.1' (using"
                + " password: YES)")),
        c("host not allowed", new Case(
            new R2dbcPermissionDeniedException("Host '10.1.1.1' is not allowed to connect to this"
                + " MariaDB server", "HY000", 1130), LOGIN, Reason.ACCESS_DENIED,
            "127.0.0.1:10211: login refused for user orcha: error 1130 (HY000): Host '10.1.1.1' is"
                + " not allowed to connect to this MariaDB server")),
        c("too many connections", new Case(
            new R2dbcNonTransientResourceException("Too many connections", "08004", 1040), LOGIN,
            Reason.SERVER_ERROR,
            "127.0.0.1:10211: login as orcha failed: error 1040 (08004): Too many connections")),
        c("missing privilege (MariaDB text)", new Case(
            new R2dbcPermissionDeniedException("Access denied; you need (at least one of) the"
                + " SUPER, SLAVE MONITOR privilege(s) for this operation", "42000", 1227),
            LOGIN.at("SHOW SLAVE STATUS"), Reason.MISSING_PRIVILEGE,
            "127.0.0.1:10211: user orcha lacks a privilege for SHOW SLAVE STATUS: Access denied;"
                + " you need (at least one of) the SUPER, SLAVE MONITOR privilege(s) for this"
                + " operation")),
        c("table privilege", new Case(
            new R2dbcPermissionDeniedException("SELECT command denied to user 'orcha'@'127.0.0.1'"
                + " for table `meta`.`cluster`", "42000", 1142), LOGIN.at("DetectClusterAliasQuery"),
            Reason.MISSING_PRIVILEGE,
            "127.0.0.1:10211: user orcha lacks a privilege for DetectClusterAliasQuery: SELECT"
                + " command denied to user 'orcha'@'127.0.0.1' for table `meta`.`cluster`")),
        c("other server error", new Case(
            new R2dbcBadGrammarException("Unknown column 'x' in 'SELECT'", "42S22", 1054),
            LOGIN.at("SHOW SLAVE HOSTS"), Reason.SERVER_ERROR,
            "127.0.0.1:10211: SHOW SLAVE HOSTS failed: error 1054 (42S22): Unknown column 'x' in"
                + " 'SELECT'")),
        c("unknown host", new Case(
            new RuntimeException(new UnknownHostException("Failed to resolve 'no-such-host.invalid'"
                + " [A(1), AAAA(28)] after 2 queries")),
            MysqlErrors.Context.connecting(new InstanceKey("no-such-host.invalid", 3306), "orcha"),
            Reason.UNKNOWN_HOST, "no-such-host.invalid:3306: unknown host no-such-host.invalid")),
        c("refused (epoll)", new Case(
            new RuntimeException(new ConnectException(
                "finishConnect(..) failed: Connection refused: /127.0.0.1:1")),
            MysqlErrors.Context.connecting(new InstanceKey("127.0.0.1", 1), "orcha"),
            Reason.CONNECTION_REFUSED, "127.0.0.1:1: connection refused")),
        c("TCP connect timeout", new Case(
            new io.netty.channel.ConnectTimeoutException("connection timed out: /10.0.0.1:3306"),
            CONNECTING, Reason.TIMEOUT, "127.0.0.1:10211: no answer while connecting")),
        c("no answer at all", new Case(
            new MysqlErrors.Timeout(Duration.ofSeconds(2), null, false), CONNECTING,
            Reason.TIMEOUT, "127.0.0.1:10211: no answer within 2s")),
        c("handshake, then silence", new Case(
            new MysqlErrors.Timeout(Duration.ofMillis(1500), null, false), LOGIN, Reason.TIMEOUT,
            "127.0.0.1:10211: connected, but login did not complete within 1.5s")),
        c("statement timeout", new Case(
            new MysqlErrors.Timeout(Duration.ofSeconds(3), "SHOW SLAVE STATUS", false),
            LOGIN.at("SHOW SLAVE STATUS"), Reason.TIMEOUT,
            "127.0.0.1:10211: no answer to SHOW SLAVE STATUS within 3s")),
        c("probe deadline", new Case(
            new MysqlErrors.Timeout(Duration.ofSeconds(6), "SHOW GLOBAL STATUS", true),
            LOGIN.at("SHOW GLOBAL STATUS"), Reason.TIMEOUT,
            "127.0.0.1:10211: probe did not complete within 6s (waiting for SHOW GLOBAL STATUS)")),
        c("probe deadline while connecting", new Case(
            new MysqlErrors.Timeout(Duration.ofMillis(500), null, true), CONNECTING, Reason.TIMEOUT,
            "127.0.0.1:10211: probe did not complete within 500ms (connecting)")),
        c("not a MySQL server", new Case(
            new RuntimeException("Connection unexpectedly closed"),
            new MysqlErrors.Context(K, "orcha", null, false, "48 54 54 50 (\"HTTP\")"),
            Reason.PROTOCOL_ERROR,
            "127.0.0.1:10211: not a MySQL server: its first bytes are 48 54 54 50 (\"HTTP\")")),
        c("garbage the driver cannot decode is not 'permission denied'", new Case(
            new io.netty.handler.codec.DecoderException(new R2dbcPermissionDeniedException(
                "Unknown message header 0x63 and readable bytes is 5 on connection phase")),
            CONNECTING, Reason.PROTOCOL_ERROR,
            "127.0.0.1:10211: unreadable answer during login: Unknown message header 0x63 and"
                + " readable bytes is 5 on connection phase")),
        c("connection lost mid-statement", new Case(
            driverClosed("Connection unexpectedly closed"), LOGIN.at("SHOW GLOBAL VARIABLES"),
            Reason.PROTOCOL_ERROR, "127.0.0.1:10211: connection closed by the server during SHOW"
                + " GLOBAL VARIABLES (Connection unexpectedly closed)")),
        c("connection closed before the handshake", new Case(
            new ClosedChannelException(), CONNECTING, Reason.PROTOCOL_ERROR,
            "127.0.0.1:10211: connection closed by the server before the handshake"
                + " (ClosedChannelException)")));
  }

  private static Arguments c(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  /** The driver's package-private MySqlConnectionClosedException, as it raises it. */
  static Throwable driverClosed(String message) {
    try {
      Class<?> type = Class.forName("io.asyncer.r2dbc.mysql.client.MySqlConnectionClosedException");
      Constructor<?> c = type.getDeclaredConstructor(String.class);
      c.setAccessible(true);
      return (Throwable) c.newInstance(message);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("r2dbc-mysql changed its connection-closed exception", e);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void classify(Case c) {
    ProbeFailure f = MysqlErrors.classify(c.error(), c.ctx());
    assertEquals(c.reason(), f.reason(), f.message());
    assertEquals(c.message(), f.message());
  }

  @Test
  void describeForWarnings() {
    assertEquals("error 1054 (42S22): Unknown column 'x' in 'SELECT'", MysqlErrors.describe(
        new R2dbcBadGrammarException("Unknown column 'x' in 'SELECT'", "42S22", 1054)));
    assertEquals("no answer within 3s",
        MysqlErrors.describe(new MysqlErrors.Timeout(Duration.ofSeconds(3), "q", false)));
    assertEquals("boom", MysqlErrors.describe(new RuntimeException("wrapped", new IllegalStateException("boom"))));
  }

  @Test
  void whatLeavesTheConnectionUsable() {
    assertFalse(MysqlErrors.connectionUnusable(
        new R2dbcBadGrammarException("Unknown column", "42S22", 1054)));
    assertTrue(MysqlErrors.connectionUnusable(new MysqlErrors.Timeout(Duration.ofSeconds(1), null, false)));
    assertTrue(MysqlErrors.connectionUnusable(driverClosed("Connection unexpectedly closed")));
    assertTrue(MysqlErrors.isConnectionLost(new RuntimeException(driverClosed("closed"))));
    assertFalse(MysqlErrors.isConnectionLost(
        new R2dbcPermissionDeniedException("Access denied", "28000", 1045)));
  }

  @Test
  void humanDurations() {
    assertEquals("2s", MysqlErrors.human(Duration.ofSeconds(2)));
    assertEquals("1.5s", MysqlErrors.human(Duration.ofMillis(1500)));
    assertEquals("250ms", MysqlErrors.human(Duration.ofMillis(250)));
  }
}
