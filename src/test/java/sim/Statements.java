package sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers one SQL statement for a simulated server: the probe's reads (SHOW GLOBAL VARIABLES /
 * STATUS, SHOW SLAVE STATUS, SHOW MASTER STATUS, SHOW SLAVE HOSTS, the processlist's dump
 * threads), the driver's session reads ({@code SELECT @@x}), and the statements of a failover
 * (STOP/START SLAVE, CHANGE MASTER TO, RESET SLAVE ALL, SET GLOBAL read_only). Anything else that
 * changes nothing is acknowledged and remembered in {@link #unknown}, so a test can see what the
 * simulator does not model.
 */
final class Statements {

  /** A statement's answer: a result set, an OK, or an error. */
  sealed interface Answer permits Rows, Ok, Err {}

  record Rows(List<String> columns, List<Map<String, String>> rows, boolean numeric)
      implements Answer {}

  record Ok() implements Answer {}

  record Err(int code, String sqlState, String message) implements Answer {}

  private static final Pattern IN_LIST = Pattern.compile("'([^']*)'");
  private static final Pattern SELECT_VAR =
      Pattern.compile("@@(?:session\\.|global\\.)?(\\w+)(?:\\s+AS\\s+`?(\\w+)`?)?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern OPTION =
      Pattern.compile("(\\w+)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|[\\w.]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SET_READ_ONLY = Pattern.compile(
      "SET\\s+(?:GLOBAL\\s+|@@GLOBAL\\.)read_only\\s*=\\s*(\\w+)", Pattern.CASE_INSENSITIVE);
  /** session variables the driver reads when it connects */
  private static final Map<String, String> SESSION = Map.of(
      "transaction_isolation", "REPEATABLE-READ", "tx_isolation", "REPEATABLE-READ",
      "system_time_zone", "UTC", "time_zone", "SYSTEM", "lower_case_table_names", "0",
      "innodb_lock_wait_timeout", "50", "autocommit", "1", "max_allowed_packet", "16777216",
      "wait_timeout", "28800");

  final Set<String> unknown = ConcurrentHashMap.newKeySet();
  private final Fleet fleet;

  Statements(Fleet fleet) {
    this.fleet = fleet;
  }

  Answer answer(SimServer s, String sql) {
    String t = sql.trim();
    String u = t.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    long now = fleet.clock.getAsLong();
    synchronized (fleet) {
      if (u.startsWith("SHOW GLOBAL VARIABLES")) {
        return nameValue(s.variables(now), t);
      }
      if (u.startsWith("SHOW VARIABLES LIKE") || u.startsWith("SHOW SESSION VARIABLES LIKE")) {
        Map<String, String> all = new LinkedHashMap<>(SESSION);
        all.putAll(s.variables(now));
        return nameValue(all, t);
      }
      if (u.startsWith("SHOW GLOBAL STATUS")) {
        return nameValue(s.status(now), t);
      }
      if (u.equals("SHOW SLAVE STATUS") || u.equals("SHOW ALL SLAVES STATUS")) {
        Map<String, String> row = s.replicaStatus(now);
        List<String> cols = new ArrayList<>(Fleet.REPLICA_STATUS_TEMPLATE.keySet());
        return new Rows(cols, row == null ? List.of() : List.of(row), false);
      }
      if (u.equals("SHOW MASTER STATUS")) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("File", "mysql-bin.000001");
        r.put("Position", Long.toString(1000 + 100 * s.gtid(now)[1]));
        r.put("Binlog_Do_DB", "");
        r.put("Binlog_Ignore_DB", "");
        return new Rows(List.copyOf(r.keySet()), List.of(r), false);
      }
      if (u.equals("SHOW SLAVE HOSTS")) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (SimServer r : fleet.connectedReplicas(s)) {
          rows.add(Map.of("Server_id", Long.toString(r.serverId), "Host", r.host,
              "Port", Integer.toString(r.port), "Master_id", Long.toString(s.serverId)));
        }
        return new Rows(List.of("Server_id", "Host", "Port", "Master_id"), rows, false);
      }
      if (u.contains("INFORMATION_SCHEMA.PROCESSLIST") && u.contains("BINLOG DUMP")) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (SimServer r : fleet.connectedReplicas(s)) {
          rows.add(Map.of("Host", r.host));
        }
        return new Rows(List.of("Host"), rows, false);
      }
      if (u.startsWith("SELECT") && u.contains("@@") && !u.contains(" FROM ")) {
        return sessionVariables(s, t, now);
      }
      if (u.startsWith("STOP SLAVE")) {
        s.changing(now, () -> threads(s, u, false));
        return new Ok();
      }
      if (u.startsWith("START SLAVE")) {
        if (!s.channel) {
          return new Err(1200, "HY000", "Misconfigured slave: MASTER_HOST was not set;"
              + " Fix in config file or with CHANGE MASTER TO");
        }
        s.changing(now, () -> {
          s.sqlErrno = 0;
          s.sqlError = "";
          s.ioErrno = 0;
          s.ioError = "";
          threads(s, u, true);
        });
        return new Ok();
      }
      if (u.startsWith("CHANGE MASTER TO")) {
        return changeMaster(s, t, now);
      }
      if (u.startsWith("RESET SLAVE")) {
        if (s.ioRunning || s.sqlRunning) {
          return new Err(1198, "HY000",
              "This operation cannot be performed as you have a running slave ''; run STOP SLAVE '' first");
        }
        if (u.contains(" ALL")) {
          s.changing(now, () -> {
            s.channel = false;
            s.masterHost = "";
            s.masterPort = 0;
          });
        }
        return new Ok();
      }
      Matcher ro = SET_READ_ONLY.matcher(t);
      if (ro.find()) {
        String v = ro.group(1).toUpperCase(Locale.ROOT);
        boolean on = v.equals("1") || v.equals("ON") || v.equals("TRUE");
        s.changing(now, () -> s.readOnly = on);
        return new Ok();
      }
    }
    unknown.add(t);
    if (u.startsWith("SELECT")) {
      return new Rows(List.of("result"), List.of(Map.of("result", "0")), true);
    }
    if (u.startsWith("SHOW")) {
      return new Rows(List.of("Variable_name", "Value"), List.of(), false);
    }
    return new Ok();
  }

  private static void threads(SimServer s, String u, boolean running) {
    boolean io = !u.contains("SQL_THREAD");
    boolean sql = !u.contains("IO_THREAD");
    if (io) {
      s.ioRunning = running;
    }
    if (sql) {
      s.sqlRunning = running;
    }
  }

  private Answer changeMaster(SimServer s, String sql, long now) {
    if (s.ioRunning || s.sqlRunning) {
      return new Err(1198, "HY000", "This operation cannot be performed as you have a running"
          + " slave ''; run STOP SLAVE '' first");
    }
    Map<String, String> opts = new LinkedHashMap<>();
    Matcher m = OPTION.matcher(sql.substring(sql.toUpperCase(Locale.ROOT).indexOf(" TO ") + 4));
    while (m.find()) {
      String v = m.group(2);
      if (v.startsWith("'")) {
        v = v.substring(1, v.length() - 1);
      }
      opts.put(m.group(1).toUpperCase(Locale.ROOT), v);
    }
    String port = opts.get("MASTER_PORT");
    if (port != null && !port.matches("\\d+")) {
      return new Err(1064, "42000", "You have an error in your SQL syntax near '" + port + "'");
    }
    s.changing(now, () -> {
      s.channel = true;
      if (opts.containsKey("MASTER_HOST")) {
        s.masterHost = opts.get("MASTER_HOST");
      }
      if (port != null) {
        s.masterPort = Integer.parseInt(port);
      }
      String g = opts.get("MASTER_USE_GTID");
      if (g != null) {
        s.useGtid = switch (g.toLowerCase(Locale.ROOT)) {
          case "current_pos" -> "Current_Pos";
          case "no" -> "No";
          default -> "Slave_Pos";
        };
      }
    });
    return new Ok();
  }

  private static Rows nameValue(Map<String, String> all, String sql) {
    List<Map<String, String>> rows = new ArrayList<>();
    Map<String, String> lower = new LinkedHashMap<>();
    all.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), k));
    Matcher m = IN_LIST.matcher(sql);
    List<String> wanted = new ArrayList<>();
    while (m.find()) {
      wanted.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    for (String w : wanted.isEmpty() ? lower.keySet() : wanted) {
      String name = lower.get(w);
      if (name != null) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("Variable_name", name);
        r.put("Value", all.get(name) == null ? "" : all.get(name));
        rows.add(r);
      }
    }
    return new Rows(List.of("Variable_name", "Value"), rows, false);
  }

  private static Answer sessionVariables(SimServer s, String sql, long now) {
    Map<String, String> vars = s.variables(now);
    Map<String, String> row = new LinkedHashMap<>();
    boolean numeric = true;
    Matcher m = SELECT_VAR.matcher(sql);
    while (m.find()) {
      String name = m.group(1).toLowerCase(Locale.ROOT);
      String label = m.group(2) != null ? m.group(2) : m.group(0).split("\\s")[0];
      String v = vars.containsKey(name) ? vars.get(name) : SESSION.get(name);
      if (v == null) {
        return new Err(1193, "HY000", "Unknown system variable '" + name + "'");
      }
      numeric &= v.matches("-?\\d+");
      row.put(label, v);
    }
    return new Rows(List.copyOf(row.keySet()), List.of(row), numeric);
  }
}
