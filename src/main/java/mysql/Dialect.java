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
