package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackendSettingsTest {

  private static Config block(String hocon) {
    return ConfigFactory.parseString(hocon);
  }

  /** The defaults shipped in persistence.conf. */
  private static Config shippedDefaults() {
    return ConfigFactory.parseResources("persistence.conf").resolve().getConfig("orcha.backend");
  }

  @Test
  void shippedDefaultsAreAnSqliteFileInTheWorkingDirectory() {
    BackendSettings s = BackendSettings.fromConfig(shippedDefaults());
    assertEquals(BackendSettings.Type.SQLITE, s.type());
    assertEquals(Path.of("orcha.db"), s.sqliteFile());
    assertEquals(Duration.ofSeconds(5), s.connectTimeout());
  }

  @Test
  void mysqlOverShippedDefaults() {
    BackendSettings s = BackendSettings.fromConfig(block("""
        type = MySQL
        mysql { host = db1.example, port = 3307, password = "s3cret", pool-size = 4 }
        connect-timeout = 2s
        """).withFallback(shippedDefaults()));
    assertEquals(BackendSettings.Type.MYSQL, s.type());
    assertEquals("db1.example", s.mysqlHost());
    assertEquals(3307, s.mysqlPort());
    assertEquals("orcha", s.mysqlDatabase());
    assertEquals("orcha", s.mysqlUser());
    assertEquals("s3cret", s.mysqlPassword());
    assertEquals(4, s.mysqlPoolSize());
    assertEquals(Duration.ofSeconds(2), s.connectTimeout());
  }

  @Test
  void relativeSqlitePathIsKeptAsGiven() {
    BackendSettings s =
        BackendSettings.fromConfig(block("type = sqlite3, sqlite-file = data/x.db"));
    assertEquals(Path.of("data/x.db"), s.sqliteFile());
    assertFalse(s.sqliteFile().isAbsolute());
    assertEquals("jdbc:sqlite:data/x.db?journal_mode=WAL&busy_timeout=10000&synchronous=NORMAL",
        Jdbc.url(s));
  }

  static Stream<Arguments> badBlocks() {
    return Stream.of(
        Arguments.of("type = x", "orcha.backend.type must be sqlite or mysql, got: x"),
        Arguments.of("sqlite-file = a.db", "orcha.backend.type is missing"),
        Arguments.of("type = sqlite", "orcha.backend.sqlite-file is missing"),
        Arguments.of("type = sqlite, sqlite-file = \"\"",
            "orcha.backend.sqlite-file must be a file path, got an empty string"),
        Arguments.of("type = sqlite, sqlite-file = \":memory:\"",
            "orcha.backend.sqlite-file must be a file, an in-memory database loses the node's"
                + " state, got: :memory:"),
        Arguments.of("type = sqlite, sqlite-file = \"a.db?x=1\"",
            "orcha.backend.sqlite-file must not contain '?', got: a.db?x=1"),
        Arguments.of("type = sqlite, sqlite-file = a.db, connect-timeout = soon",
            "orcha.backend.connect-timeout must be a duration such as 5s, got: \"soon\""),
        Arguments.of("type = sqlite, sqlite-file = a.db, connect-timeout = 10ms",
            "orcha.backend.connect-timeout must be at least 250ms, got: PT0.01S"),
        Arguments.of("type = mysql, mysql { database = d, user = u, password = p }",
            "orcha.backend.mysql.host is missing"),
        Arguments.of("type = mysql, mysql { host = h, port = 0, database = d, user = u,"
                + " password = p }",
            "orcha.backend.mysql.port must be 1-65535, got: 0"),
        Arguments.of("type = mysql, mysql { host = h, port = abc, database = d, user = u,"
                + " password = p }",
            "orcha.backend.mysql.port must be a whole number, got: \"abc\""),
        Arguments.of("type = mysql, mysql { host = h, database = \"or-cha\", user = u,"
                + " password = p }",
            "orcha.backend.mysql.database must be 1-64 letters, digits or '_', got: or-cha"),
        Arguments.of("type = mysql, mysql { host = h, database = d, password = p }",
            "orcha.backend.mysql.user is missing"),
        Arguments.of("type = mysql, mysql { host = h, database = d, user = u }",
            "orcha.backend.mysql.password is missing"),
        Arguments.of("type = mysql, mysql { host = h, database = d, user = u, password = p,"
                + " pool-size = 0 }",
            "orcha.backend.mysql.pool-size must be 1-64, got: 0"),
        Arguments.of("type = mysql, mysql { host = \"h/x\", database = d, user = u,"
                + " password = p }",
            "orcha.backend.mysql.host must be a host name or IP address, got: h/x"));
  }

  @ParameterizedTest
  @MethodSource("badBlocks")
  void badValuesAreRejectedNamingTheKey(String hocon, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BackendSettings.fromConfig(block(hocon)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void passwordOfTheWrongShapeIsNotEchoed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BackendSettings.fromConfig(block(
            "type = mysql, mysql { host = h, database = d, user = u, password = [topsecret] }")));
    assertEquals("orcha.backend.mysql.password must be a string, got: list", e.getMessage());
  }

  @Test
  void toStringAndDescribeHideThePassword() {
    BackendSettings s = BackendSettings.mysql("h", 3306, "d", "u", "topsecret", 2);
    assertFalse(s.toString().contains("topsecret"), s.toString());
    assertTrue(s.toString().contains("mysqlPassword=***"), s.toString());
    assertFalse(s.describe().contains("topsecret"));
    assertEquals("MySQL u@h:3306/d", s.describe());
  }
}
