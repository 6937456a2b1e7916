package mysql;

import java.time.Duration;

/**
 * How {@link Operations} talks to servers. Built once from the application's settings
 * ({@code orcha.mysql.*}); validated here with messages that name the configuration keys.
 *
 * @param user orcha.mysql.topology-user (MySQLTopologyUser)
 * @param password orcha.mysql.topology-password (never printed: {@link #toString()} masks it)
 * @param connectTimeout orcha.mysql.connect-timeout: TCP connect + handshake + login
 * @param statementTimeout orcha.mysql.operation-timeout (MySQLTopologyReadTimeoutSeconds): bound
 *     on each statement of an operation; a wait on the server (MASTER_GTID_WAIT) gets its own
 *     timeout on top
 * @param replicationUser orcha.mysql.replication-user: the replication account used when a server
 *     without a replication channel is pointed at a master; empty = not configured
 * @param replicationPassword orcha.mysql.replication-password
 * @param replicationCredentialsQuery orcha.mysql.replication-credentials-query
 *     (ReplicationCredentialsQuery): run on the server being changed, returns (user, password);
 *     wins over the two settings above; empty = not configured
 * @param useSuperReadOnly UseSuperReadOnly: set-read-only also sets super_read_only (MySQL 5.7.8+;
 *     MariaDB has none)
 * @param tls TLS to the managed servers (orcha.mysql.tls)
 * @param verifyTimeout how long an operation waits for the server to show the effect (both
 *     replication threads running after START SLAVE, a variable read back, ...)
 * @param pollInterval how often it reads the server again while waiting
 */
public record OperationSettings(
    String user,
    String password,
    Duration connectTimeout,
    Duration statementTimeout,
    String replicationUser,
    String replicationPassword,
    String replicationCredentialsQuery,
    boolean useSuperReadOnly,
    ServerTls tls,
    Duration verifyTimeout,
    Duration pollInterval) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  public OperationSettings {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("orcha.mysql.topology-user must not be empty");
    }
    password = password == null ? "" : password;
    requirePositive("orcha.mysql.connect-timeout", connectTimeout);
    requirePositive("orcha.mysql.operation-timeout", statementTimeout);
    requirePositive("operation verify timeout", verifyTimeout);
    requirePositive("operation poll interval", pollInterval);
    replicationUser = replicationUser == null ? "" : replicationUser.trim();
    replicationPassword = replicationPassword == null ? "" : replicationPassword;
    replicationCredentialsQuery = ProberSettings.normalizeQuery(replicationCredentialsQuery);
    if (replicationUser.isEmpty() && !replicationPassword.isEmpty()) {
      throw new IllegalArgumentException(
          "orcha.mysql.replication-password is set but orcha.mysql.replication-user is empty");
    }
    tls = tls == null ? ServerTls.PREFERRED : tls;
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }

  /** Defaults: 2 s connect, 10 s per statement, 10 s to verify, polls every 100 ms. */
  public static Builder builder(String user, String password) {
    return new Builder(user, password);
  }

  /** A replication user is configured (the credentials query is separate). */
  public boolean hasReplicationUser() {
    return !replicationUser.isEmpty();
  }

  public boolean hasReplicationCredentialsQuery() {
    return !replicationCredentialsQuery.isEmpty();
  }

  @Override
  public String toString() {
    return "OperationSettings[user=" + user + ", password=*****, connectTimeout=" + connectTimeout
        + ", statementTimeout=" + statementTimeout + ", replicationUser=" + replicationUser
        + ", replicationPassword=" + (replicationPassword.isEmpty() ? "" : "*****")
        + ", replicationCredentialsQuery=" + (hasReplicationCredentialsQuery() ? "set" : "")
        + ", useSuperReadOnly=" + useSuperReadOnly + ", tls=" + tls + ", verifyTimeout="
        + verifyTimeout + ", pollInterval=" + pollInterval + "]";
  }

  public static final class Builder {
    private final String user;
    private final String password;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
    private String replicationUser = "";
    private String replicationPassword = "";
    private String replicationCredentialsQuery = "";
    private boolean useSuperReadOnly;
    private ServerTls tls = ServerTls.PREFERRED;
    private Duration verifyTimeout = DEFAULT_VERIFY_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;

    private Builder(String user, String password) {
      this.user = user;
      this.password = password;
    }

    public Builder connectTimeout(Duration d) { connectTimeout = d; return this; }
    public Builder statementTimeout(Duration d) { statementTimeout = d; return this; }
    public Builder useSuperReadOnly(boolean b) { useSuperReadOnly = b; return this; }
    public Builder tls(ProberSettings.Tls t) { tls = ServerTls.of(t); return this; }
    public Builder tls(ServerTls t) { tls = t; return this; }
    public Builder verifyTimeout(Duration d) { verifyTimeout = d; return this; }
    public Builder pollInterval(Duration d) { pollInterval = d; return this; }

    public Builder replicationCredentials(String user, String password) {
      replicationUser = user;
      replicationPassword = password;
      return this;
    }

    public Builder replicationCredentialsQuery(String query) {
      replicationCredentialsQuery = query;
      return this;
    }

    public OperationSettings build() {
      return new OperationSettings(user, password, connectTimeout, statementTimeout,
          replicationUser, replicationPassword, replicationCredentialsQuery, useSuperReadOnly, tls,
          verifyTimeout, pollInterval);
    }
  }
}
