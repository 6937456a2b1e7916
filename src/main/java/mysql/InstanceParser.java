package mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mysql.ServerAnswers.CustomAnswer;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.GtidState;
import topology.Instance;
import topology.InstanceKey;
import topology.InstanceLabels;
import topology.PromotionRule;
import topology.ReplicationStatus;
import topology.SemiSync;
import topology.ThreadState;

/**
 * Pure functions from what a server answered ({@link ServerAnswers}) to the pieces of a
 * {@link Instance}. Every flavour's column and variable names are handled here: MySQL 5.7
 * ({@code Master_*}/{@code Slave_*}), MySQL 8.0.22+ and 8.4 ({@code Source_*}/{@code Replica_*}),
 * MariaDB ({@code Using_Gtid}, {@code Gtid_IO_Pos}, {@code gtid_*_pos} variables), and both
 * generations of semi-sync names.
 */
public final class InstanceParser {

  private InstanceParser() {}

  private static final List<String> FILTER_COLUMNS = List.of("Replicate_Do_DB",
      "Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table",
      "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table");

  /** The whole instance. Warnings: the answers' own plus any from the custom-query values. */
  public static Instance toInstance(InstanceKey key, ServerAnswers a, ProberSettings settings) {
    Map<String, String> v = a.variables();
    String version = nz(v.get("version"));
    String versionComment = nz(v.get("version_comment"));
    Flavor flavor = Flavor.detect(version, versionComment);
    boolean logBin = on(v.get("log_bin"));
    List<String> warnings = new ArrayList<>(a.warnings());
    InstanceLabels labels = labels(key.hostname(), a.custom(), settings.hostPatterns(), warnings);
    String reportHost = nz(v.get("report_host"));
    return Instance.builder(key)
        .serverId(parseLong(v.get("server_id"), 0))
        .serverUuid(flavor.isMariaDb() ? "" : nz(v.get("server_uuid")))
        .version(version)
        .versionComment(versionComment)
        .flavor(flavor)
        .reportedHostname(reportHost.isEmpty() ? nz(v.get("hostname")) : reportHost)
        .readOnly(on(v.get("read_only")))
        .superReadOnly(on(v.get("super_read_only")))
        .logBinEnabled(logBin)
        .logReplicationUpdatesEnabled(on(first(v, "log_replica_updates", "log_slave_updates")))
        .binlogFormat(nz(v.get("binlog_format")))
        .binlogRowImage(nz(v.get("binlog_row_image")))
        .selfCoordinates(logBin ? selfCoordinates(a.binlogStatus()) : BinlogCoordinates.EMPTY)
        .uptimeSeconds(parseLong(a.status().get("uptime"), 0))
        .gtid(gtid(flavor, v))
        .replication(replication(a.replicaStatus(), v))
        .replicas(replicas(a.replicaHosts(), a.binlogDumpHosts(), key.port()).stream()
            .filter(r -> !r.equals(key)) // host + own port can name the server itself
            .toList())
        .semiSync(semiSync(v, a.status()))
        .labels(labels)
        .warnings(warnings)
        .build();
  }

  /**
   * A server's own GTID state. MariaDB has no gtid_mode: it always assigns GTIDs, reported as
   * {@code ON}, and never supports Oracle GTID.
   */
  public static GtidState gtid(Flavor flavor, Map<String, String> vars) {
    if (flavor.isMariaDb()) {
      return new GtidState("ON", "", "", false, gtidSet(vars.get("gtid_binlog_pos")),
          gtidSet(vars.get("gtid_current_pos")), gtidSet(vars.get("gtid_slave_pos")),
          parseLong(vars.get("gtid_domain_id"), 0), on(vars.get("gtid_strict_mode")));
    }
    String mode = vars.get("gtid_mode");
    return new GtidState(nz(mode).toUpperCase(Locale.ROOT), gtidSet(vars.get("gtid_executed")),
        gtidSet(vars.get("gtid_purged")), mode != null, "", "", "", 0, false);
  }

  /**
   * Semi-sync from variables and status, old ({@code master}/{@code slave}) or new
   * ({@code source}/{@code replica}, MySQL 8.0.26+) names. MariaDB has no wait-count variable and
   * always waits for one acknowledgement: 1 when semi-sync variables exist without it.
   */
  public static SemiSync semiSync(Map<String, String> vars, Map<String, String> status) {
    String masterEnabled = first(vars, "rpl_semi_sync_source_enabled", "rpl_semi_sync_master_enabled");
    String replicaEnabled = first(vars, "rpl_semi_sync_replica_enabled", "rpl_semi_sync_slave_enabled");
    if (masterEnabled == null && replicaEnabled == null) {
      return SemiSync.NONE;
    }
    String waitCount = first(vars, "rpl_semi_sync_source_wait_for_replica_count",
        "rpl_semi_sync_master_wait_for_slave_count");
    int wait = masterEnabled == null ? 0 : (int) parseLong(waitCount, 1);
    return new SemiSync(
        masterEnabled != null && replicaEnabled != null,
        on(masterEnabled),
        on(replicaEnabled),
        parseLong(first(vars, "rpl_semi_sync_source_timeout", "rpl_semi_sync_master_timeout"), 0),
        wait,
        on(first(status, "rpl_semi_sync_source_status", "rpl_semi_sync_master_status")),
        (int) parseLong(first(status, "rpl_semi_sync_source_clients", "rpl_semi_sync_master_clients"), 0),
        on(first(status, "rpl_semi_sync_replica_status", "rpl_semi_sync_slave_status")));
  }

  /**
   * The replication channel from SHOW SLAVE/REPLICA STATUS rows: the default channel (empty
   * Channel_Name) or the first row; {@link ReplicationStatus#NONE} when there is no row.
   * MariaDB's executed position is {@code Gtid_Slave_Pos} (a column only in SHOW ALL SLAVES
   * STATUS, so usually the {@code gtid_slave_pos} variable).
   */
  public static ReplicationStatus replication(List<Map<String, String>> rows,
      Map<String, String> vars) {
    if (rows.isEmpty()) {
      return ReplicationStatus.NONE;
    }
    Map<String, String> r = ServerAnswers.caseInsensitive(rows.get(0));
    for (Map<String, String> row : rows) {
      Map<String, String> ci = ServerAnswers.caseInsensitive(row);
      if (nz(ci.get("Channel_Name")).isEmpty()) {
        r = ci;
        break;
      }
    }
    boolean mariaDbColumns = r.containsKey("Using_Gtid");
    String retrieved = mariaDbColumns ? r.get("Gtid_IO_Pos") : r.get("Retrieved_Gtid_Set");
    String executed;
    if (mariaDbColumns) {
      executed = r.containsKey("Gtid_Slave_Pos") ? r.get("Gtid_Slave_Pos") : vars.get("gtid_slave_pos");
    } else {
      executed = r.get("Executed_Gtid_Set");
    }
    boolean filters = false;
    for (String c : FILTER_COLUMNS) {
      filters |= !nz(r.get(c)).isBlank();
    }
    return new ReplicationStatus(
        new InstanceKey(nz(first(r, "Source_Host", "Master_Host")),
            (int) parseLong(first(r, "Source_Port", "Master_Port"), 0)),
        nz(first(r, "Source_UUID", "Master_UUID")),
        nz(first(r, "Source_User", "Master_User")),
        ThreadState.fromStatus(first(r, "Replica_IO_Running", "Slave_IO_Running")),
        ThreadState.fromStatus(first(r, "Replica_SQL_Running", "Slave_SQL_Running")),
        (int) parseLong(r.get("Last_IO_Errno"), 0),
        nz(r.get("Last_IO_Error")),
        (int) parseLong(r.get("Last_SQL_Errno"), 0),
        nz(r.get("Last_SQL_Error")),
        parseNullableLong(first(r, "Seconds_Behind_Source", "Seconds_Behind_Master")),
        parseLong(r.get("SQL_Delay"), 0),
        BinlogCoordinates.binary(nz(first(r, "Source_Log_File", "Master_Log_File")),
            parseLong(first(r, "Read_Source_Log_Pos", "Read_Master_Log_Pos"), 0)),
        BinlogCoordinates.binary(nz(first(r, "Relay_Source_Log_File", "Relay_Master_Log_File")),
            parseLong(first(r, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos"), 0)),
        BinlogCoordinates.relay(nz(r.get("Relay_Log_File")), parseLong(r.get("Relay_Log_Pos"), 0)),
        "1".equals(nz(r.get("Auto_Position")).trim()),
        nz(r.get("Using_Gtid")),
        gtidSet(retrieved),
        gtidSet(executed),
        "yes".equalsIgnoreCase(nz(first(r, "Source_SSL_Allowed", "Master_SSL_Allowed")).trim()),
        filters);
  }

  /** The server's own binlog position (File, Position), or empty. */
  public static BinlogCoordinates selfCoordinates(List<Map<String, String>> rows) {
    if (rows.isEmpty()) {
      return BinlogCoordinates.EMPTY;
    }
    Map<String, String> r = ServerAnswers.caseInsensitive(rows.get(0));
    return BinlogCoordinates.binary(nz(r.get("File")), parseLong(r.get("Position"), 0));
  }

  /**
   * Direct replicas: SHOW SLAVE HOSTS rows with a host and a port (replicas without report_host
   * list an empty Host and are skipped, as orchestrator does); when those give nobody, the binlog
   * dump threads' client hosts with the server's own port.
   */
  public static List<InstanceKey> replicas(List<Map<String, String>> hostRows,
      List<String> binlogDumpHosts, int ownPort) {
    List<InstanceKey> keys = new ArrayList<>();
    for (Map<String, String> row : hostRows) {
      Map<String, String> r = ServerAnswers.caseInsensitive(row);
      String host = nz(r.get("Host")).trim();
      int port = (int) parseLong(r.get("Port"), 0);
      if (!host.isEmpty() && port > 0) {
        keys.add(new InstanceKey(host, port));
      }
    }
    if (keys.isEmpty()) {
      for (String h : binlogDumpHosts) {
        String host = nz(h).trim();
        if (!host.isEmpty()) {
          keys.add(new InstanceKey(host, ownPort));
        }
      }
    }
    return keys.stream().distinct().sorted().toList();
  }

  /**
   * Labels from the custom queries, with the host-name patterns as the alternative (used when the
   * query is not configured, or failed). Bad values become warnings naming the setting.
   */
  public static InstanceLabels labels(String hostname, Map<CustomQuery, CustomAnswer> answers,
      Map<CustomQuery, Pattern> patterns, List<String> warnings) {
    Long lag = null;
    CustomAnswer lagAnswer = answers.get(CustomQuery.REPLICATION_LAG);
    if (lagAnswer != null) {
      String text = text(CustomQuery.REPLICATION_LAG, lagAnswer, warnings);
      if (text != null) {
        Optional<Long> parsed = parseSeconds(text);
        if (parsed.isPresent()) {
          lag = parsed.get();
        } else {
          warnings.add(CustomQuery.REPLICATION_LAG.settingName() + " returned '" + text
              + "', not a number of seconds");
        }
      }
    }
    String promotion = "";
    CustomAnswer rule = answers.get(CustomQuery.PROMOTION_RULE);
    if (rule != null) {
      String text = text(CustomQuery.PROMOTION_RULE, rule, warnings);
      if (text != null && !text.isBlank()) {
        Optional<PromotionRule> r = PromotionRule.parse(text);
        if (r.isPresent()) {
          promotion = r.get().apiName();
        } else {
          warnings.add(CustomQuery.PROMOTION_RULE.settingName() + " returned '" + text
              + "', not one of must, prefer, neutral, prefer_not, must_not");
        }
      }
    }
    int semiSyncPriority = 0;
    CustomAnswer semi = answers.get(CustomQuery.SEMI_SYNC_ENFORCED);
    if (semi != null) {
      String text = text(CustomQuery.SEMI_SYNC_ENFORCED, semi, warnings);
      if (text != null && !text.isBlank()) {
        Optional<Long> p = parseSeconds(text);
        if (p.isPresent() && p.get() <= Integer.MAX_VALUE) {
          semiSyncPriority = p.get().intValue();
        } else {
          warnings.add(CustomQuery.SEMI_SYNC_ENFORCED.settingName() + " returned '" + text
              + "', not a non-negative integer");
        }
      }
    }
    return new InstanceLabels(
        plain(CustomQuery.INSTANCE_ALIAS, answers, warnings),
        plain(CustomQuery.CLUSTER_ALIAS, answers, warnings),
        plain(CustomQuery.CLUSTER_DOMAIN, answers, warnings),
        withPattern(CustomQuery.DATA_CENTER, hostname, answers, patterns, warnings),
        withPattern(CustomQuery.REGION, hostname, answers, patterns, warnings),
        withPattern(CustomQuery.PHYSICAL_ENVIRONMENT, hostname, answers, patterns, warnings),
        promotion,
        semiSyncPriority,
        lag);
  }

  private static String plain(CustomQuery q, Map<CustomQuery, CustomAnswer> answers,
      List<String> warnings) {
    CustomAnswer a = answers.get(q);
    if (a == null) {
      return "";
    }
    String t = text(q, a, warnings);
    return t == null ? "" : t;
  }

  private static String withPattern(CustomQuery q, String hostname,
      Map<CustomQuery, CustomAnswer> answers, Map<CustomQuery, Pattern> patterns,
      List<String> warnings) {
    CustomAnswer a = answers.get(q);
    if (a != null) {
      String t = text(q, a, warnings);
      if (t != null) {
        return t; // the query wins over the pattern
      }
    }
    Pattern p = patterns.get(q);
    if (p != null) {
      Matcher m = p.matcher(hostname);
      if (m.find() && m.groupCount() >= 1 && m.group(1) != null) {
        return m.group(1);
      }
    }
    return "";
  }

  /** The value of a custom query, or null (with a warning) when it failed or gave no row. */
  private static String text(CustomQuery q, CustomAnswer a, List<String> warnings) {
    if (a.failed()) {
      warnings.add(q.settingName() + " failed: " + a.error());
      return null;
    }
    if (!a.hasRow()) {
      warnings.add(q.settingName() + " returned no row");
      return null;
    }
    return a.value() == null ? "" : a.value().trim();
  }

  // ---------------------------------------------------------------------------------------------

  /** A GTID set as one line: MySQL prints long sets over several lines. */
  static String gtidSet(String s) {
    if (s == null) {
      return "";
    }
    return s.replaceAll("\\s+", "");
  }

  static String first(Map<String, String> m, String... names) {
    for (String n : names) {
      if (m.containsKey(n)) {
        return m.get(n);
      }
    }
    return null;
  }

  static boolean on(String v) {
    if (v == null) {
      return false;
    }
    return switch (v.trim().toUpperCase(Locale.ROOT)) {
      case "ON", "1", "YES", "TRUE" -> true;
      default -> false;
    };
  }

  static long parseLong(String v, long otherwise) {
    Long l = parseNullableLong(v);
    return l == null ? otherwise : l;
  }

  /** Integer text to a Long; null for NULL, empty or not a number. */
  static Long parseNullableLong(String v) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      try {
        // BIGINT UNSIGNED beyond Long, or a decimal "1.0"
        return new java.math.BigDecimal(t).longValue();
      } catch (NumberFormatException e2) {
        return null;
      }
    }
  }

  /** Whole seconds from a lag/priority query: integers or decimals (truncated), >= 0. */
  private static Optional<Long> parseSeconds(String text) {
    try {
      java.math.BigDecimal d = new java.math.BigDecimal(text.trim());
      long l = d.longValue();
      return Optional.of(Math.max(0, l));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
