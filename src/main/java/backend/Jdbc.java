package backend;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * JDBC URLs and plain connections to the backend, shared by {@link Schema},
 * {@link BackendHealth} and {@link PersistenceConfig} so that all three talk to the same
 * database the same way; and the one place that turns a JDBC failure into a message naming the
 * HOCON key an operator has to fix.
 */
final class Jdbc {

  static final String SQLITE_DRIVER = "org.sqlite.JDBC";
  static final String MYSQL_DRIVER = "com.mysql.cj.jdbc.Driver";

  /**
   * WAL lets readers run beside the one writer and is ~2.5x faster than the rollback journal;
   * busy_timeout makes a second connection (health check, another process) wait for the writer
   * instead of failing with SQLITE_BUSY; synchronous=NORMAL is durable across process crashes in
   * WAL mode (only a power loss may lose the last transactions).
   */
  static final String SQLITE_PRAGMAS = "journal_mode=WAL&busy_timeout=10000&synchronous=NORMAL";

  /**
   * A statement on the MySQL backend that takes longer than this fails instead of hanging a
   * thread forever (the socket read timeout of Connector/J).
   */
  static final Duration MYSQL_SOCKET_TIMEOUT = Duration.ofSeconds(30);

  private Jdbc() {}

  static String driver(BackendSettings s) {
    return s.type() == BackendSettings.Type.SQLITE ? SQLITE_DRIVER : MYSQL_DRIVER;
  }

  /** The URL Pekko Persistence, the schema and the health check use. */
  static String url(BackendSettings s) {
    if (s.type() == BackendSettings.Type.SQLITE) {
      return "jdbc:sqlite:" + s.sqliteFile() + "?" + SQLITE_PRAGMAS;
    }
    return mysqlUrl(s, s.mysqlDatabase());
  }

  /** MySQL: the server without a default database, to create the database. */
  static String mysqlServerUrl(BackendSettings s) {
    return mysqlUrl(s, "");
  }

  private static String mysqlUrl(BackendSettings s, String database) {
    String host = s.mysqlHost().contains(":") ? "[" + s.mysqlHost() + "]" : s.mysqlHost();
    return "jdbc:mysql://" + host + ":" + s.mysqlPort() + "/" + database + "?"
        + "connectTimeout=" + s.connectTimeout().toMillis()
        + "&socketTimeout=" + MYSQL_SOCKET_TIMEOUT.toMillis()
        + "&tcpKeepAlive=true"
        + "&characterEncoding=UTF-8";
  }

  /** Opens a plain connection to the backend database (MySQL: the database must exist). */
  static Connection open(BackendSettings s) throws SQLException {
    return open(s, url(s));
  }

  static Connection open(BackendSettings s, String url) throws SQLException {
    loadDriver(s);
    Properties props = new Properties();
    if (s.type() == BackendSettings.Type.MYSQL) {
      props.setProperty("user", s.mysqlUser());
      props.setProperty("password", s.mysqlPassword());
    }
    return DriverManager.getConnection(url, props);
  }

  private static void loadDriver(BackendSettings s) {
    try {
      Class.forName(driver(s));
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("JDBC driver " + driver(s) + " is not on the classpath", e);
    }
  }

  /**
   * SQLite: checks the file's directory before opening, because the driver's own error for a
   * missing directory is only "path to '...' does not exist".
   */
  static void checkSqlitePath(BackendSettings s) {
    Path file = s.sqliteFile();
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    String prefix = "cannot use the SQLite backend " + BackendSettings.KEY_SQLITE_FILE + " = \""
        + file + "\"";
    if (Files.isDirectory(abs)) {
      throw new BackendUnavailableException(prefix + ": " + abs + " is a directory, not a file");
    }
    if (dir == null || !Files.exists(dir)) {
      throw new BackendUnavailableException(prefix + ": directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new BackendUnavailableException(prefix + ": " + dir + " is not a directory");
    }
    if (Files.exists(abs) && !(Files.isReadable(abs) && Files.isWritable(abs))) {
      throw new BackendUnavailableException(
          prefix + ": file " + abs + " is not readable and writable by this process");
    }
    if (!Files.exists(abs) && !Files.isWritable(dir)) {
      throw new BackendUnavailableException(
          prefix + ": directory " + dir + " is not writable by this process");
    }
  }

  /**
   * Wraps a JDBC failure into a message that names the key to look at and the root cause, e.g.
   * {@code cannot reach the MySQL backend orcha.backend.mysql.host = "127.0.0.1",
   * orcha.backend.mysql.port = 3306: Connection refused}. Never includes the password.
   */
  static BackendUnavailableException failure(BackendSettings s, String doing, SQLException e) {
    String cause = rootCause(e);
    if (s.type() == BackendSettings.Type.SQLITE) {
      return new BackendUnavailableException(
          doing + " failed on the SQLite backend " + BackendSettings.KEY_SQLITE_FILE + " = \""
              + s.sqliteFile() + "\": " + cause, e);
    }
    String where;
    int code = e.getErrorCode();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (code == 1045) { // ER_ACCESS_DENIED_ERROR: wrong user or password
      where = "the MySQL backend refused " + BackendSettings.KEY_MYSQL_USER + " = \""
          + s.mysqlUser() + "\" (check it and " + BackendSettings.KEY_MYSQL_PASSWORD + ")";
    } else if (code == 1044 || code == 1049 || code == 1142 || code == 1227) {
      // no access to the database / unknown database / command denied / needs privilege
      where = "the MySQL backend " + BackendSettings.KEY_MYSQL_DATABASE + " = \""
          + s.mysqlDatabase() + "\" is not usable by " + BackendSettings.KEY_MYSQL_USER + " = \""
          + s.mysqlUser() + "\"";
    } else if (state.startsWith("08") || isNetwork(e)) {
      where = "cannot reach the MySQL backend " + BackendSettings.KEY_MYSQL_HOST + " = \""
          + s.mysqlHost() + "\", " + BackendSettings.KEY_MYSQL_PORT + " = " + s.mysqlPort()
          + " within " + BackendSettings.KEY_CONNECT_TIMEOUT + " = "
          + s.connectTimeout().toMillis() + "ms";
    } else {
      where = "the MySQL backend " + BackendSettings.KEY_MYSQL_HOST + " = \"" + s.mysqlHost()
          + "\", " + BackendSettings.KEY_MYSQL_PORT + " = " + s.mysqlPort() + ", "
          + BackendSettings.KEY_MYSQL_DATABASE + " = \"" + s.mysqlDatabase() + "\"";
    }
    return new BackendUnavailableException(
        doing + " failed: " + where + ": " + cause + " [SQLState " + state + ", error " + code
            + "]", e);
  }

  private static boolean isNetwork(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The first line of the top message plus the innermost cause when it says something else. */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = firstLine(e.getMessage());
    if (root == e) {
      return top;
    }
    String inner = root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    return top.contains(firstLine(root.getMessage())) ? top : top + " (cause: " + inner + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
