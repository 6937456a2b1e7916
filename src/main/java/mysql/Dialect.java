package mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import topology.BinlogCoordinates;
import topology.Flavor;

/**
 * The SQL a server understands, chosen once from {@code @@version} / {@code @@version_comment}
 * (or the handshake version). Four families:
 *
 * <ul>
 *   <li>{@link Family#MYSQL_57}: MySQL 5.x (and unknown versions: the oldest syntax);
 *   <li>{@link Family#MYSQL_80}: MySQL 8.0 to 8.3; {@code REPLICA} statements and
 *       {@code Source_*}/{@code Replica_*} columns from 8.0.22, {@code CHANGE REPLICATION SOURCE}
 *       from 8.0.23, {@code SHOW BINARY LOG STATUS} from 8.2;
 *   <li>{@link Family#MYSQL_84}: MySQL 8.4 and later, where {@code SHOW SLAVE STATUS} and
 *       {@code SHOW MASTER STATUS} are gone;
 *   <li>{@link Family#MARIADB}: MariaDB 10.x/11.x ({@code SLAVE} statements, {@code Using_Gtid},
 *       {@code MASTER_USE_GTID}, no {@code super_read_only}).
 * </ul>
 *
 * <p>Version numbers are compared only within a family: MariaDB "10.11" is never compared with
 * MySQL "8.0". Operation statements are only texts here; nothing in this class executes.
 */
public final class Dialect {

  public enum Family { MYSQL_57, MYSQL_80, MYSQL_84, MARIADB }

  /**
   * Every global variable the probe reads, of every flavour. One {@code SHOW GLOBAL VARIABLES
   * WHERE Variable_name IN (...)} asks for all of them: a variable a flavour lacks is simply absent
   * from the answer, so it can never blank the others (unlike {@code SELECT @@a, @@b}, which fails
   * whole with error 1193 on the first unknown name).
   */
  public static final List<String> PROBE_VARIABLES = List.of(
      "version", "version_comment", "server_id", "server_uuid", "hostname", "report_host", "port",
      "read_only", "super_read_only", "log_bin", "log_slave_updates", "log_replica_updates",
      "binlog_format", "binlog_row_image",
      // MySQL GTID
      "gtid_mode", "gtid_executed", "gtid_purged",
      // MariaDB GTID
      "gtid_binlog_pos", "gtid_current_pos", "gtid_slave_pos", "gtid_domain_id", "gtid_strict_mode",
      // semi-sync, names before and after MySQL 8.0.26 (MariaDB uses the old ones)
      "rpl_semi_sync_master_enabled", "rpl_semi_sync_slave_enabled",
      "rpl_semi_sync_master_timeout", "rpl_semi_sync_master_wait_for_slave_count",
      "rpl_semi_sync_source_enabled", "rpl_semi_sync_replica_enabled",
      "rpl_semi_sync_source_timeout", "rpl_semi_sync_source_wait_for_replica_count");

  /** Every global status variable the probe reads, of every flavour. */
  public static final List<String> PROBE_STATUS = List.of(
      "Uptime",
      "Rpl_semi_sync_master_status", "Rpl_semi_sync_master_clients", "Rpl_semi_sync_slave_status",
      "Rpl_semi_sync_source_status", "Rpl_semi_sync_source_clients",
      "Rpl_semi_sync_replica_status");

  private static final String VARIABLES_QUERY =
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + inList(PROBE_VARIABLES) + ")";
  private static final String STATUS_QUERY =
      "SHOW GLOBAL STATUS WHERE Variable_name IN (" + inList(PROBE_STATUS) + ")";
  // orchestrator's fallback when SHOW SLAVE HOSTS lists nobody: the binlog dump threads' client hosts
  private static final String BINLOG_DUMP_HOSTS_QUERY =
      "SELECT SUBSTRING_INDEX(HOST, ':', 1) AS Host FROM information_schema.PROCESSLIST"
          + " WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')";

  private final Family family;
  private final Flavor flavor;
  private final ServerVersion version;

  private Dialect(Family family, Flavor flavor, ServerVersion version) {
    this.family = family;
    this.flavor = flavor;
    this.version = version;
  }

  /**
   * Chooses the dialect from {@code @@version} and {@code @@version_comment} (either may be
   * empty; the handshake's version alone is enough to choose the syntax).
   */
  public static Dialect of(String version, String versionComment) {
    Flavor flavor = Flavor.detect(version, versionComment);
    ServerVersion v = ServerVersion.parse(version);
    Family family;
    if (flavor == Flavor.MARIADB) {
      family = Family.MARIADB;
    } else if (!v.isKnown() || v.major() < 8) {
      family = Family.MYSQL_57;
    } else if (v.atLeast(8, 4, 0)) {
      family = Family.MYSQL_84;
    } else {
      family = Family.MYSQL_80;
    }
    return new Dialect(family, flavor == Flavor.UNKNOWN ? Flavor.MYSQL : flavor, v);
  }

  public Family family() {
    return family;
  }

  public Flavor flavor() {
    return flavor;
  }

  public ServerVersion version() {
    return version;
  }

  public boolean isMariaDb() {
    return family == Family.MARIADB;
  }

  /** MySQL 8.0.22+: REPLICA/SOURCE keywords and column names. */
  private boolean replicaTerms() {
    return family == Family.MYSQL_84 || (family == Family.MYSQL_80 && version.atLeast(8, 0, 22));
  }

  // ---------------------------------------------------------------------------------------------
  // probe statements

  /** {@code SHOW GLOBAL VARIABLES WHERE Variable_name IN (...)} with the names of all flavours. */
  public static String variablesQuery() {
    return VARIABLES_QUERY;
  }

  /** {@code SHOW GLOBAL STATUS WHERE Variable_name IN (...)} with the names of all flavours. */
  public static String statusQuery() {
    return STATUS_QUERY;
  }

  /** Client hosts of the binlog dump threads (replica discovery fallback); column {@code Host}. */
  public static String binlogDumpHostsQuery() {
    return BINLOG_DUMP_HOSTS_QUERY;
  }

  public String replicaStatusQuery() {
    return replicaTerms() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
  }

  /** The server's own binlog position; empty answer when log_bin is off. */
  public String binlogStatusQuery() {
    return switch (family) {
      case MYSQL_84 -> "SHOW BINARY LOG STATUS";
      case MYSQL_80 -> version.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
      default -> "SHOW MASTER STATUS";
    };
  }

  /** Replicas registered with this server (those with report_host set show a Host). */
  public String replicaHostsQuery() {
    return replicaTerms() ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";
  }

  // ---------------------------------------------------------------------------------------------
  // operation statements (texts only)

  public String startReplica() {
    return replicaTerms() ? "START REPLICA" : "START SLAVE";
  }

  public String stopReplica() {
    return replicaTerms() ? "STOP REPLICA" : "STOP SLAVE";
  }

  public String startReplicaIoThread() {
    return startReplica() + " IO_THREAD";
  }

  public String stopReplicaIoThread() {
    return stopReplica() + " IO_THREAD";
  }

  public String startReplicaSqlThread() {
    return startReplica() + " SQL_THREAD";
  }

  public String stopReplicaSqlThread() {
    return stopReplica() + " SQL_THREAD";
  }

  /** Forgets the replication source entirely (the server stops being a replica). */
  public String resetReplicaAll() {
    return replicaTerms() ? "RESET REPLICA ALL" : "RESET SLAVE ALL";
  }

  /** {@code SET GLOBAL read_only}. On MariaDB this does not stop SUPER / READ ONLY ADMIN users. */
  public String setReadOnly(boolean on) {
    return "SET GLOBAL read_only = " + (on ? "ON" : "OFF");
  }

  /** MySQL 5.7.8+ has super_read_only; MariaDB has none. */
  public boolean supportsSuperReadOnly() {
    return !isMariaDb() && (family != Family.MYSQL_57 || version.atLeast(5, 7, 8));
  }

  /**
   * {@code SET GLOBAL super_read_only} (turning it on also turns read_only on).
   *
   * @throws UnsupportedOperationException on MariaDB and MySQL before 5.7.8
   */
  public String setSuperReadOnly(boolean on) {
    if (!supportsSuperReadOnly()) {
      throw new UnsupportedOperationException(flavor.apiName() + " " + version.text()
          + " has no super_read_only; fence writers another way (read_only does not stop SUPER users)");
    }
    return "SET GLOBAL super_read_only = " + (on ? "ON" : "OFF");
  }

  /**
   * {@code CHANGE MASTER TO} / {@code CHANGE REPLICATION SOURCE TO} (MySQL 8.0.23+) for the given
   * source. The text contains the password when one is given: never log it; log
   * {@link #changeSourceForLog} instead.
   */
  public String changeSource(ChangeSource source) {
    return changeSource(source, false);
  }

  /** {@link #changeSource} with the password replaced by {@code '*****'}. */
  public String changeSourceForLog(ChangeSource source) {
    return changeSource(source, true);
  }

  private String changeSource(ChangeSource s, boolean redact) {
    boolean sourceTerms = family == Family.MYSQL_84
        || (family == Family.MYSQL_80 && version.atLeast(8, 0, 23));
    String p = sourceTerms ? "SOURCE_" : "MASTER_";
    List<String> opts = new ArrayList<>();
    opts.add(p + "HOST=" + quote(s.host()));
    opts.add(p + "PORT=" + s.port());
    if (s.user() != null) {
      opts.add(p + "USER=" + quote(s.user()));
      opts.add(p + "PASSWORD=" + (redact ? "'*****'" : quote(s.password() == null ? "" : s.password())));
    }
    if (s.positioning() instanceof Positioning.Gtid g) {
      if (isMariaDb()) {
        opts.add("MASTER_USE_GTID=" + (g.mariaDbCurrentPos() ? "current_pos" : "slave_pos"));
      } else {
        opts.add(p + "AUTO_POSITION=1");
      }
    } else if (s.positioning() instanceof Positioning.File f) {
      if (isMariaDb()) {
        opts.add("MASTER_USE_GTID=no");
      } else {
        opts.add(p + "AUTO_POSITION=0");
      }
      opts.add(p + "LOG_FILE=" + quote(f.coordinates().logFile()));
      opts.add(p + "LOG_POS=" + f.coordinates().logPos());
    }
    if (s.connectRetrySeconds() != null) {
      opts.add(p + "CONNECT_RETRY=" + s.connectRetrySeconds());
    }
    if (s.heartbeatPeriodSeconds() != null) {
      opts.add(p + "HEARTBEAT_PERIOD=" + formatSeconds(s.heartbeatPeriodSeconds()));
    }
    String head = sourceTerms ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ";
    return head + String.join(", ", opts);
  }

  private static String formatSeconds(double seconds) {
    if (seconds == Math.rint(seconds)) {
      return String.valueOf((long) seconds);
    }
    return String.format(Locale.ROOT, "%.3f", seconds).replaceAll("0+$", "");
  }

  // ---------------------------------------------------------------------------------------------
  // more operation statements (used by Operations; texts only)

  /** MySQL 8.0.23+: {@code CHANGE REPLICATION SOURCE}, {@code SOURCE_*} options and UNTIL names. */
  private boolean sourceTerms() {
    return family == Family.MYSQL_84 || (family == Family.MYSQL_80 && version.atLeast(8, 0, 23));
  }

  /** The statement's name for messages: {@code CHANGE MASTER} or {@code CHANGE REPLICATION SOURCE}. */
  public String changeSourceName() {
    return sourceTerms() ? "CHANGE REPLICATION SOURCE" : "CHANGE MASTER";
  }

  /**
   * {@code START SLAVE UNTIL MASTER_LOG_FILE='f', MASTER_LOG_POS=n} (MySQL 8.0.23+:
   * {@code START REPLICA UNTIL SOURCE_LOG_FILE=..., SOURCE_LOG_POS=...}): the SQL thread stops
   * once it executed up to these coordinates of the source's binary log.
   */
  public String startReplicaUntil(BinlogCoordinates sourceCoordinates) {
    if (sourceCoordinates == null || sourceCoordinates.isEmpty()) {
      throw new IllegalArgumentException("START ... UNTIL needs binlog coordinates");
    }
    String p = sourceTerms() ? "SOURCE_" : "MASTER_";
    return startReplica() + " UNTIL " + p + "LOG_FILE=" + quote(sourceCoordinates.logFile()) + ", "
        + p + "LOG_POS=" + sourceCoordinates.logPos();
  }

  /** {@code CHANGE MASTER TO MASTER_DELAY=n} / {@code CHANGE REPLICATION SOURCE TO SOURCE_DELAY=n}. */
  public String changeSourceDelay(long seconds) {
    if (seconds < 0 || seconds > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("replication delay must be 0.." + Integer.MAX_VALUE
          + " s, got " + seconds);
    }
    return (sourceTerms() ? "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=" : "CHANGE MASTER TO MASTER_DELAY=")
        + seconds;
  }

  /**
   * {@code CHANGE MASTER TO MASTER_SSL=..., MASTER_SSL_CA=..., ...}: every TLS option of the
   * channel, so that a channel read with {@code SHOW SLAVE STATUS} can be copied to another
   * server. Contains no secret (key files are paths).
   */
  public String changeSourceTls(SourceTls tls) {
    String p = sourceTerms() ? "SOURCE_" : "MASTER_";
    List<String> opts = new ArrayList<>();
    opts.add(p + "SSL=" + (tls.enabled() ? 1 : 0));
    opts.add(p + "SSL_CA=" + quote(tls.ca()));
    opts.add(p + "SSL_CAPATH=" + quote(tls.caPath()));
    opts.add(p + "SSL_CERT=" + quote(tls.cert()));
    opts.add(p + "SSL_KEY=" + quote(tls.key()));
    opts.add(p + "SSL_CIPHER=" + quote(tls.cipher()));
    opts.add(p + "SSL_CRL=" + quote(tls.crl()));
    opts.add(p + "SSL_CRLPATH=" + quote(tls.crlPath()));
    opts.add(p + "SSL_VERIFY_SERVER_CERT=" + (tls.verifyServerCert() ? 1 : 0));
    return (sourceTerms() ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ")
        + String.join(", ", opts);
  }

  /**
   * Forgets the server's binary logs and GTID history: {@code RESET MASTER}, on MySQL 8.2+
   * {@code RESET BINARY LOGS AND GTIDS} (RESET MASTER is gone in 8.4).
   */
  public String resetBinaryLogs() {
    boolean newName = family == Family.MYSQL_84
        || (family == Family.MYSQL_80 && version.atLeast(8, 2, 0));
    return newName ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER";
  }

  public String flushBinaryLogs() {
    return "FLUSH BINARY LOGS";
  }

  /** The server's binary log files, oldest first (columns Log_name, File_size). */
  public String binaryLogsQuery() {
    return "SHOW BINARY LOGS";
  }

  /**
   * The first events of a binary log: Format_desc, then MySQL's Previous_gtids or MariaDB's
   * Gtid_list (columns Log_name, Pos, Event_type, Server_id, End_log_pos, Info).
   */
  public String binlogFirstEventsQuery(String logFile) {
    if (logFile == null || logFile.isBlank()) {
      throw new IllegalArgumentException("binary log file name must not be empty");
    }
    return "SHOW BINLOG EVENTS IN " + quote(logFile) + " LIMIT 4";
  }

  public String purgeBinaryLogsTo(String logFile) {
    if (logFile == null || logFile.isBlank()) {
      throw new IllegalArgumentException("binary log file name must not be empty");
    }
    return "PURGE BINARY LOGS TO " + quote(logFile);
  }

  /** {@code KILL QUERY n}: ends the statement, keeps the connection. */
  public String killQuery(long processId) {
    return "KILL QUERY " + requireId(processId);
  }

  /** {@code KILL CONNECTION n}. */
  public String killConnection(long processId) {
    return "KILL CONNECTION " + requireId(processId);
  }

  private static long requireId(long processId) {
    if (processId < 1) {
      throw new IllegalArgumentException("process id must be >= 1, got " + processId);
    }
    return processId;
  }

  /** The statement's current row of the processlist: COMMAND, TIME, INFO. */
  public String processQuery(long processId) {
    return "SELECT COMMAND, TIME, INFO FROM information_schema.PROCESSLIST WHERE ID = "
        + requireId(processId);
  }

  /** How many binlog dump threads (connected replicas) the server serves; column {@code n}. */
  public String connectedReplicasQuery() {
    return "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST"
        + " WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')";
  }

  /**
   * Waits on the server until it executed {@code position}, for at most {@code timeout}; one row,
   * one column: MariaDB {@code MASTER_GTID_WAIT} (0 reached, -1 timed out; waits on
   * gtid_slave_pos), MySQL {@code WAIT_FOR_EXECUTED_GTID_SET} (0 reached, 1 timed out; whole
   * seconds before 8.0.18, so rounded up).
   */
  public String waitForGtid(String position, java.time.Duration timeout) {
    if (position == null || position.isBlank()) {
      throw new IllegalArgumentException("GTID position must not be empty");
    }
    long ms = Math.max(0, timeout.toMillis());
    if (isMariaDb()) {
      return "SELECT MASTER_GTID_WAIT(" + quote(position.trim()) + ", "
          + formatSeconds(ms / 1000.0) + ")";
    }
    return "SELECT WAIT_FOR_EXECUTED_GTID_SET(" + quote(position.trim()) + ", "
        + ((ms + 999) / 1000) + ")";
  }

  /** {@code SET GLOBAL name = ON|OFF} for a boolean server variable such as a semi-sync switch. */
  public static String setGlobalSwitch(String variable, boolean on) {
    return "SET GLOBAL " + identifier(variable) + " = " + (on ? "ON" : "OFF");
  }

  /**
   * {@code SET GLOBAL sql_slave_skip_counter = n} (MySQL 8.0.26+: {@code sql_replica_skip_counter}):
   * the SQL thread skips the next n event groups when it starts. MySQL refuses it with
   * gtid_mode=ON; MariaDB with GTID replication of several domains.
   */
  public String skipCounter(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("skip counter must be >= 1, got " + n);
    }
    boolean replicaName = family == Family.MYSQL_84
        || (family == Family.MYSQL_80 && version.atLeast(8, 0, 26));
    return "SET GLOBAL " + (replicaName ? "sql_replica_skip_counter" : "sql_slave_skip_counter")
        + " = " + n;
  }

  /** MariaDB: {@code SET GLOBAL gtid_slave_pos = '...'} (replication must be stopped). */
  public String setGtidSlavePos(String position) {
    requireMariaDb("gtid_slave_pos");
    return "SET GLOBAL gtid_slave_pos = " + quote(position == null ? "" : position.trim());
  }

  /** MySQL: {@code SET GLOBAL gtid_purged = '...'} (after RESET MASTER: gtid_executed is empty). */
  public String setGtidPurged(String gtidSet) {
    requireMySql("gtid_purged");
    return "SET GLOBAL gtid_purged = " + quote(gtidSet == null ? "" : gtidSet.trim());
  }

  /**
   * MariaDB: the session variables that give the next transaction of this session the GTID
   * {@code domain-serverId-sequence}. Needs SUPER (server_id); undo with
   * {@link #setSessionGtidOrigin}.
   */
  public String setSessionGtid(long domainId, long serverId, long sequence) {
    requireMariaDb("gtid_seq_no");
    return "SET SESSION gtid_domain_id = " + domainId + ", SESSION server_id = " + serverId
        + ", SESSION gtid_seq_no = " + sequence;
  }

  /** MariaDB: puts the session's gtid_domain_id and server_id back. */
  public String setSessionGtidOrigin(long domainId, long serverId) {
    requireMariaDb("gtid_domain_id");
    return "SET SESSION gtid_domain_id = " + domainId + ", SESSION server_id = " + serverId;
  }

  /**
   * MariaDB binlogs no empty transaction ({@code BEGIN; COMMIT} writes nothing), so an "empty"
   * transaction is a statement that is binlogged but changes nothing: dropping a table that does
   * not exist, in a schema orcha owns by name ({@link #EMPTY_TRANSACTION_SCHEMA}).
   */
  public static final String EMPTY_TRANSACTION_SCHEMA = "_orcha_empty_transaction";

  public String mariaDbEmptyTransaction() {
    requireMariaDb("empty transactions");
    return "DROP TABLE IF EXISTS `" + EMPTY_TRANSACTION_SCHEMA + "`.`" + EMPTY_TRANSACTION_SCHEMA + "`";
  }

  /** Rows when the placeholder of {@link #mariaDbEmptyTransaction} exists (it must not). */
  public String emptyTransactionPlaceholderQuery() {
    return "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
        + quote(EMPTY_TRANSACTION_SCHEMA) + " AND TABLE_NAME = " + quote(EMPTY_TRANSACTION_SCHEMA);
  }

  /** MySQL: {@code SET GTID_NEXT = 'uuid:n'} or {@code 'AUTOMATIC'}. */
  public String setGtidNext(String gtid) {
    requireMySql("GTID_NEXT");
    return "SET GTID_NEXT = " + quote(gtid);
  }

  /** {@code SHOW GLOBAL VARIABLES WHERE Variable_name IN (...)}: unknown names are simply absent. */
  public static String variablesQuery(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no variable names");
    }
    return "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + inList(names) + ")";
  }

  /** {@code SHOW GLOBAL STATUS WHERE Variable_name IN (...)}. */
  public static String statusQuery(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no status names");
    }
    return "SHOW GLOBAL STATUS WHERE Variable_name IN (" + inList(names) + ")";
  }

  private void requireMariaDb(String what) {
    if (!isMariaDb()) {
      throw new UnsupportedOperationException(what + " is MariaDB only; " + this + " is not MariaDB");
    }
  }

  private void requireMySql(String what) {
    if (isMariaDb()) {
      throw new UnsupportedOperationException(what + " does not exist on MariaDB (" + this + ")");
    }
  }

  private static String identifier(String name) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a variable name: " + name);
    }
    return name;
  }

  /**
   * The TLS options of a replication channel, as {@code SHOW SLAVE STATUS} shows them
   * ({@code Master_SSL_*} / {@code Source_SSL_*}); empty strings for unset paths.
   */
  public record SourceTls(boolean enabled, String ca, String caPath, String cert, String key,
      String cipher, boolean verifyServerCert, String crl, String crlPath) {

    public static final SourceTls NONE = new SourceTls(false, "", "", "", "", "", false, "", "");

    public SourceTls {
      ca = ca == null ? "" : ca;
      caPath = caPath == null ? "" : caPath;
      cert = cert == null ? "" : cert;
      key = key == null ? "" : key;
      cipher = cipher == null ? "" : cipher;
      crl = crl == null ? "" : crl;
      crlPath = crlPath == null ? "" : crlPath;
    }
  }

  /**
   * How a replica finds its position at the source: by GTID (MySQL auto-position, MariaDB
   * {@code MASTER_USE_GTID}) or at explicit binlog coordinates.
   */
  public sealed interface Positioning {
    /**
     * GTID positioning. On MariaDB {@code slave_pos} unless {@code mariaDbCurrentPos}: with
     * current_pos a server's own binlogged writes count towards its position, so a demoted
     * master's local writes could put it "ahead" of its new master.
     */
    record Gtid(boolean mariaDbCurrentPos) implements Positioning {}

    /** File/position positioning at the given binary-log coordinates of the source. */
    record File(BinlogCoordinates coordinates) implements Positioning {
      public File {
        if (coordinates == null || coordinates.isEmpty()) {
          throw new IllegalArgumentException("binlog coordinates must not be empty");
        }
      }
    }

    /** Leave the positioning as it is (only change host, port, credentials, ...). */
    record Unchanged() implements Positioning {}

    Positioning GTID = new Gtid(false);
    Positioning UNCHANGED = new Unchanged();
  }

  /**
   * What to point a replica at.
   *
   * @param user replication user; null keeps the configured credentials (then password is ignored)
   * @param connectRetrySeconds MASTER_CONNECT_RETRY / SOURCE_CONNECT_RETRY; null to leave it
   * @param heartbeatPeriodSeconds MASTER_HEARTBEAT_PERIOD / SOURCE_HEARTBEAT_PERIOD; null to leave it
   */
  public record ChangeSource(String host, int port, String user, String password,
      Positioning positioning, Integer connectRetrySeconds, Double heartbeatPeriodSeconds) {

    public ChangeSource {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("source host must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("source port must be 1..65535, got " + port);
      }
      if (positioning == null) {
        positioning = Positioning.UNCHANGED;
      }
      if (connectRetrySeconds != null && connectRetrySeconds < 1) {
        throw new IllegalArgumentException("connect retry must be >= 1 s, got " + connectRetrySeconds);
      }
      if (heartbeatPeriodSeconds != null
          && (heartbeatPeriodSeconds < 0 || heartbeatPeriodSeconds.isNaN())) {
        throw new IllegalArgumentException("heartbeat period must be >= 0 s, got " + heartbeatPeriodSeconds);
      }
    }

    public static ChangeSource to(String host, int port, Positioning positioning) {
      return new ChangeSource(host, port, null, null, positioning, null, null);
    }

    public ChangeSource withCredentials(String user, String password) {
      return new ChangeSource(host, port, user, password, positioning, connectRetrySeconds,
          heartbeatPeriodSeconds);
    }

    public ChangeSource withRetry(Integer connectRetrySeconds, Double heartbeatPeriodSeconds) {
      return new ChangeSource(host, port, user, password, positioning, connectRetrySeconds,
          heartbeatPeriodSeconds);
    }

    @Override
    public String toString() {
      return "ChangeSource[" + host + ":" + port + ", user=" + user + ", password="
          + (password == null ? "null" : "*****") + ", " + positioning + "]";
    }
  }

  /**
   * A SQL string literal. Quotes are doubled and backslashes escaped (the server's default
   * sql_mode; with NO_BACKSLASH_ESCAPES a backslash in a value would be doubled).
   */
  public static String quote(String value) {
    if (value == null) {
      return "NULL";
    }
    StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\'' -> sb.append("''");
        case '\\' -> sb.append("\\\\");
        case '\0' -> sb.append("\\0");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  private static String inList(List<String> names) {
    return names.stream().map(Dialect::quote).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return family + "(" + flavor.apiName() + " " + version.text() + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dialect d && d.family == family && d.flavor == flavor
        && d.version.equals(version);
  }

  @Override
  public int hashCode() {
    return family.hashCode() * 31 + version.hashCode();
  }
}
