package backend;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where this node keeps its own database: an embedded SQLite file (the default) or a MySQL
 * server. Read once from the HOCON block {@code orcha.backend}; every validation error names the
 * HOCON key. Fields that belong to the backend type not chosen are not validated and may be
 * null. {@link #toString()} never shows the password.
 *
 * @param type           {@code orcha.backend.type}
 * @param sqliteFile     {@code orcha.backend.sqlite-file}; a relative path stays relative (to the
 *                       working directory), as given
 * @param mysqlHost      {@code orcha.backend.mysql.host}
 * @param mysqlPort      {@code orcha.backend.mysql.port}
 * @param mysqlDatabase  {@code orcha.backend.mysql.database}; created when missing
 * @param mysqlUser      {@code orcha.backend.mysql.user}
 * @param mysqlPassword  {@code orcha.backend.mysql.password}; may be empty, never logged
 * @param mysqlPoolSize  {@code orcha.backend.mysql.pool-size}: JDBC connections (and Slick
 *                       threads) of the Pekko Persistence pool
 * @param connectTimeout {@code orcha.backend.connect-timeout}: how long to wait for a connection
 *                       (MySQL TCP connect, pool checkout)
 */
public record BackendSettings(
    Type type,
    Path sqliteFile,
    String mysqlHost,
    int mysqlPort,
    String mysqlDatabase,
    String mysqlUser,
    String mysqlPassword,
    int mysqlPoolSize,
    Duration connectTimeout) {

  /** Which database engine holds the node's journal, snapshots and health table. */
  public enum Type {
    SQLITE,
    MYSQL
  }

  public static final String KEY_PREFIX = "orcha.backend.";
  public static final String KEY_TYPE = KEY_PREFIX + "type";
  public static final String KEY_SQLITE_FILE = KEY_PREFIX + "sqlite-file";
  public static final String KEY_MYSQL_HOST = KEY_PREFIX + "mysql.host";
  public static final String KEY_MYSQL_PORT = KEY_PREFIX + "mysql.port";
  public static final String KEY_MYSQL_DATABASE = KEY_PREFIX + "mysql.database";
  public static final String KEY_MYSQL_USER = KEY_PREFIX + "mysql.user";
  public static final String KEY_MYSQL_PASSWORD = KEY_PREFIX + "mysql.password";
  public static final String KEY_MYSQL_POOL_SIZE = KEY_PREFIX + "mysql.pool-size";
  public static final String KEY_CONNECT_TIMEOUT = KEY_PREFIX + "connect-timeout";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MYSQL_PORT = 3306;
  public static final int DEFAULT_MYSQL_POOL_SIZE = 8;
  /** More connections than this only add contention on the backend; orcha writes on change. */
  public static final int MAX_MYSQL_POOL_SIZE = 64;

  // The database name is spliced into DDL (CREATE DATABASE), so keep it to plain identifiers.
  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  public BackendSettings {
    require(type != null, KEY_TYPE + " must be sqlite or mysql, got: null");
    require(connectTimeout != null, KEY_CONNECT_TIMEOUT + " is missing");
    require(
        !connectTimeout.isNegative() && connectTimeout.toMillis() >= 250,
        KEY_CONNECT_TIMEOUT + " must be at least 250ms, got: " + connectTimeout);
    require(
        connectTimeout.compareTo(Duration.ofMinutes(10)) <= 0,
        KEY_CONNECT_TIMEOUT + " must be at most 10m, got: " + connectTimeout);
    if (type == Type.SQLITE) {
      require(sqliteFile != null, KEY_SQLITE_FILE + " is missing");
      String file = sqliteFile.toString();
      require(!file.isBlank(), KEY_SQLITE_FILE + " must be a file path, got an empty string");
      require(
          !file.startsWith(":memory:") && !file.contains("mode=memory"),
          KEY_SQLITE_FILE + " must be a file, an in-memory database loses the node's state, got: "
              + file);
      // sqlite-jdbc reads everything after '?' in the URL as pragmas
      require(!file.contains("?"), KEY_SQLITE_FILE + " must not contain '?', got: " + file);
    } else {
      require(mysqlHost != null && !mysqlHost.isBlank(), KEY_MYSQL_HOST + " is missing");
      require(
          !mysqlHost.contains("/") && !mysqlHost.contains("?") && !mysqlHost.contains(" "),
          KEY_MYSQL_HOST + " must be a host name or IP address, got: " + mysqlHost);
      require(
          mysqlPort >= 1 && mysqlPort <= 65535,
          KEY_MYSQL_PORT + " must be 1-65535, got: " + mysqlPort);
      require(mysqlDatabase != null && !mysqlDatabase.isBlank(),
          KEY_MYSQL_DATABASE + " is missing");
      require(
          DATABASE_NAME.matcher(mysqlDatabase).matches(),
          KEY_MYSQL_DATABASE + " must be 1-64 letters, digits or '_', got: " + mysqlDatabase);
      require(mysqlUser != null && !mysqlUser.isBlank(), KEY_MYSQL_USER + " is missing");
      require(mysqlPassword != null, KEY_MYSQL_PASSWORD + " is missing (use \"\" for none)");
      require(
          mysqlPoolSize >= 1 && mysqlPoolSize <= MAX_MYSQL_POOL_SIZE,
          KEY_MYSQL_POOL_SIZE + " must be 1-" + MAX_MYSQL_POOL_SIZE + ", got: " + mysqlPoolSize);
    }
  }

  /** An SQLite backend in {@code file}, default connect timeout. */
  public static BackendSettings sqlite(Path file) {
    return new BackendSettings(Type.SQLITE, file, null, 0, null, null, null, 0,
        DEFAULT_CONNECT_TIMEOUT);
  }

  /** A MySQL backend, default connect timeout. */
  public static BackendSettings mysql(
      String host, int port, String database, String user, String password, int poolSize) {
    return new BackendSettings(Type.MYSQL, null, host, port, database, user, password, poolSize,
        DEFAULT_CONNECT_TIMEOUT);
  }

  public BackendSettings withConnectTimeout(Duration timeout) {
    return new BackendSettings(type, sqliteFile, mysqlHost, mysqlPort, mysqlDatabase, mysqlUser,
        mysqlPassword, mysqlPoolSize, timeout);
  }

  /**
   * Reads the {@code orcha.backend} block ({@code config.getConfig("orcha.backend")}).
   *
   * <p>Keys: {@code type} (sqlite | mysql), {@code sqlite-file}, {@code mysql.host},
   * {@code mysql.port} (default 3306), {@code mysql.database}, {@code mysql.user},
   * {@code mysql.password}, {@code mysql.pool-size} (default 8), {@code connect-timeout}
   * (default 5s). Only the keys of the chosen type are required.
   *
   * @throws IllegalArgumentException naming the full HOCON key, e.g. {@code orcha.backend.type
   *     must be sqlite or mysql, got: x}
   */
  public static BackendSettings fromConfig(Config block) {
    Objects.requireNonNull(block, "orcha.backend block");
    Type type = parseType(requiredString(block, "type"));
    Duration connectTimeout =
        block.hasPath("connect-timeout")
            ? duration(block, "connect-timeout")
            : DEFAULT_CONNECT_TIMEOUT;
    if (type == Type.SQLITE) {
      String file = requiredString(block, "sqlite-file");
      return new BackendSettings(type, Path.of(file), null, 0, null, null, null, 0,
          connectTimeout);
    }
    return new BackendSettings(
        type,
        null,
        requiredString(block, "mysql.host"),
        block.hasPath("mysql.port") ? integer(block, "mysql.port") : DEFAULT_MYSQL_PORT,
        requiredString(block, "mysql.database"),
        requiredString(block, "mysql.user"),
        requiredString(block, "mysql.password"),
        block.hasPath("mysql.pool-size")
            ? integer(block, "mysql.pool-size")
            : DEFAULT_MYSQL_POOL_SIZE,
        connectTimeout);
  }

  /**
   * {@code sqlite} or {@code mysql}, any case; {@code sqlite3} (orchestrator's BackendDB value) is
   * accepted as sqlite.
   */
  public static Type parseType(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "sqlite":
      case "sqlite3":
        return Type.SQLITE;
      case "mysql":
        return Type.MYSQL;
      default:
        throw new IllegalArgumentException(KEY_TYPE + " must be sqlite or mysql, got: " + value);
    }
  }

  /** A short description for logs and error messages: never includes the password. */
  public String describe() {
    if (type == Type.SQLITE) {
      return "SQLite " + KEY_SQLITE_FILE + " = \"" + sqliteFile + "\"";
    }
    return "MySQL " + mysqlUser + "@" + mysqlHost + ":" + mysqlPort + "/" + mysqlDatabase;
  }

  @Override
  public String toString() {
    return "BackendSettings[type=" + type
        + ", sqliteFile=" + sqliteFile
        + ", mysqlHost=" + mysqlHost
        + ", mysqlPort=" + mysqlPort
        + ", mysqlDatabase=" + mysqlDatabase
        + ", mysqlUser=" + mysqlUser
        + ", mysqlPassword=" + (mysqlPassword == null ? "null" : "***")
        + ", mysqlPoolSize=" + mysqlPoolSize
        + ", connectTimeout=" + connectTimeout + "]";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static String requiredString(Config block, String key) {
    if (!block.hasPathOrNull(key) || block.getIsNull(key)) {
      throw new IllegalArgumentException(KEY_PREFIX + key + " is missing");
    }
    try {
      return block.getString(key);
    } catch (ConfigException.WrongType e) {
      // never echo what was written under a password key
      String got = key.contains("password") ? block.getValue(key).valueType().name().toLowerCase(
          Locale.ROOT) : block.getValue(key).render();
      throw new IllegalArgumentException(KEY_PREFIX + key + " must be a string, got: " + got, e);
    }
  }

  private static int integer(Config block, String key) {
    try {
      return block.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          KEY_PREFIX + key + " must be a whole number, got: " + block.getValue(key).render(), e);
    }
  }

  private static Duration duration(Config block, String key) {
    try {
      return block.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          KEY_PREFIX + key + " must be a duration such as 5s, got: "
              + block.getValue(key).render(), e);
    }
  }
}
