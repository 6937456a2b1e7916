package mysql;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import topology.GtidSet;
import topology.InstanceKey;

/**
 * A scripted MySQL or MariaDB server for {@link Operations}' unit tests: a small model of one
 * replica (replication threads, the channel's columns, global variables, binary logs, GTIDs,
 * processes) that answers the statements orcha sends, and refuses the statements a version does
 * not have (MySQL 8.4 has no SLAVE/MASTER statements; 5.7 no REPLICA/SOURCE; MariaDB no
 * super_read_only) with a syntax error, as the real server would. Records every statement.
 * Rules added with {@link #on} answer first (errors, hangs).
 */
final class ScriptedServer implements OperationSessions.Connector {

  record Rule(Predicate<String> matches, Function<String, Mono<List<Map<String, String>>>> answer) {}

  final String version;
  final String comment;
  final Dialect dialect;
  /** every statement received, from every connection, in order */
  final List<String> statements = new CopyOnWriteArrayList<>();
  final Map<String, String> vars = new ConcurrentHashMap<>();
  final Map<String, String> status = new ConcurrentHashMap<>();
  /** SHOW SLAVE/REPLICA STATUS columns; null = no channel */
  volatile Map<String, String> replica;
  volatile String replicationPassword;
  final List<String> binlogs = new CopyOnWriteArrayList<>(List.of("binlog.000001"));
  volatile long binlogPos = 157;
  final Map<Long, Map<String, String>> processes = new ConcurrentHashMap<>();
  volatile long dumpThreads;
  /** SQL error the SQL thread stops with when started, e.g. "1062:Duplicate entry" */
  volatile String sqlErrorOnStart;
  /** the replica's semi-sync status takes the variable's value when the IO thread starts */
  volatile boolean semiSyncStatusFollows = true;
  final List<Rule> rules = new CopyOnWriteArrayList<>();
  volatile Throwable connectError;
  volatile boolean connectHangs;
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong nextId = new AtomicLong(100);
  private final Map<String, String> template;

  /** A server shaped like a fixture's replica, replicating cleanly. */
  static ScriptedServer replica(String fixture) {
    ServerAnswers a = Fixtures.load(fixture);
    return new ScriptedServer(a);
  }

  private ScriptedServer(ServerAnswers a) {
    this.version = a.variables().get("version");
    this.comment = a.variables().getOrDefault("version_comment", "");
    this.dialect = Dialect.of(version, comment);
    a.variables().forEach((k, v) -> vars.put(k, v == null ? "" : v));
    a.status().forEach((k, v) -> status.put(k, v == null ? "" : v));
    vars.putIfAbsent("read_only", "ON");
    Map<String, String> row = new LinkedHashMap<>();
    a.replicaStatus().get(0).forEach((k, v) -> row.put(k, v == null ? "" : v));
    this.template = Map.copyOf(row);
    this.replica = row;
    set("IO_Running", "Yes");
    set("SQL_Running", "Yes");
    replica.put("Last_IO_Errno", "0");
    replica.put("Last_IO_Error", "");
    replica.put("Last_SQL_Errno", "0");
    replica.put("Last_SQL_Error", "");
    replica.put("SQL_Delay", "0");
    replica.put(col("Log_File"), "binlog.000030");
    replica.put(relayCol(), "binlog.000030");
    replica.put(readPosCol(), "120");
    replica.put(execPosCol(), "120");
    replicationPassword = "secret";
  }

  ScriptedServer on(Predicate<String> matches,
      Function<String, Mono<List<Map<String, String>>>> answer) {
    rules.add(new Rule(matches, answer));
    return this;
  }

  /** Statements that may change something (not reads), in order. */
  List<String> changes() {
    return statements.stream().filter(s -> {
      String u = s.toUpperCase(Locale.ROOT);
      return !u.startsWith("SHOW ") && !u.startsWith("SELECT ");
    }).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // naming per version

  private boolean replicaTerms() {
    return replica != null ? replica.containsKey("Replica_IO_Running")
        : template.containsKey("Replica_IO_Running");
  }

  String col(String suffix) {
    return (replicaTerms() ? "Source_" : "Master_") + suffix;
  }

  private String relayCol() {
    return replicaTerms() ? "Relay_Source_Log_File" : "Relay_Master_Log_File";
  }

  private String readPosCol() {
    return replicaTerms() ? "Read_Source_Log_Pos" : "Read_Master_Log_Pos";
  }

  private String execPosCol() {
    return replicaTerms() ? "Exec_Source_Log_Pos" : "Exec_Master_Log_Pos";
  }

  private String threadCol(String which) {
    return (replicaTerms() ? "Replica_" : "Slave_") + which;
  }

  void set(String threadSuffix, String value) {
    replica.put(threadCol(threadSuffix), value);
  }

  String thread(String threadSuffix) {
    return replica == null ? null : replica.get(threadCol(threadSuffix));
  }

  // ---------------------------------------------------------------------------------------------
  // Connector

  @Override
  public Mono<OperationSessions.Session> open(InstanceKey key) {
    if (connectHangs) {
      return Mono.never();
    }
    if (connectError != null) {
      return Mono.error(connectError);
    }
    long id = nextId.getAndIncrement();
    open.incrementAndGet();
    return Mono.just(new FakeSession(id));
  }

  @Override
  public void close() {
    // nothing to release
  }

  private final class FakeSession implements OperationSessions.Session {
    final long id;
    volatile boolean closed;
    volatile String gtidNext = "AUTOMATIC";

    FakeSession(long id) {
      this.id = id;
    }

    @Override
    public Dialect dialect() {
      return dialect;
    }

    @Override
    public Mono<List<Map<String, String>>> execute(String sql) {
      return Mono.defer(() -> {
        if (closed) {
          return Mono.error(new IllegalStateException("closed"));
        }
        statements.add(sql);
        for (Rule r : rules) {
          if (r.matches().test(sql)) {
            return r.answer().apply(sql);
          }
        }
        try {
          return Mono.just(handle(this, sql));
        } catch (R2dbcException e) {
          return Mono.error(e);
        }
      });
    }

    @Override
    public void forceClose() {
      if (!closed) {
        closed = true;
        open.decrementAndGet();
      }
    }

    @Override
    public Mono<Void> close() {
      return Mono.fromRunnable(this::forceClose);
    }
  }

  static R2dbcException syntax(String sql) {
    return new R2dbcBadGrammarException("You have an error in your SQL syntax; check the manual"
        + " near '" + sql + "' at line 1", "42000", 1064);
  }

  static R2dbcException error(int code, String state, String message) {
    return new R2dbcNonTransientResourceException(message, state, code);
  }

  // ---------------------------------------------------------------------------------------------
  // the model

  private static final Pattern IN_LIST = Pattern.compile("'([^']*)'");
  private static final Pattern OPTION = Pattern.compile("([A-Z_]+)=('(?:[^']|'')*'|[^,\\s]+)");

  private List<Map<String, String>> handle(FakeSession s, String sql) {
    String u = sql.toUpperCase(Locale.ROOT).trim();
    refuseForeignSyntax(sql, u);
    if (u.startsWith("SELECT CONNECTION_ID()")) {
      return List.of(row("id", String.valueOf(s.id), "version", version, "comment", comment));
    }
    if (u.equals("SHOW SLAVE STATUS") || u.equals("SHOW REPLICA STATUS")) {
      if (replica == null) {
        return List.of();
      }
      if ("Yes".equals(thread("SQL_Running"))) {
        // the SQL thread executes everything received at once
        replica.put(relayCol(), replica.get(col("Log_File")));
        replica.put(execPosCol(), replica.get(readPosCol()));
      }
      return List.of(new LinkedHashMap<>(replica));
    }
    if (u.startsWith("SHOW GLOBAL VARIABLES WHERE")) {
      return nameValues(sql, vars);
    }
    if (u.startsWith("SHOW GLOBAL STATUS WHERE")) {
      return nameValues(sql, status);
    }
    if (u.startsWith("STOP SLAVE") || u.startsWith("STOP REPLICA")) {
      requireChannel();
      if (!u.endsWith("SQL_THREAD")) {
        set("IO_Running", "No");
      }
      if (!u.endsWith("IO_THREAD")) {
        set("SQL_Running", "No");
      }
      return List.of();
    }
    if (u.startsWith("START SLAVE") || u.startsWith("START REPLICA")) {
      requireChannel();
      if (u.contains(" UNTIL ")) {
        Map<String, String> o = options(sql.substring(u.indexOf(" UNTIL ") + 7));
        set("IO_Running", "Yes");
        set("SQL_Running", "No");
        String p = o.containsKey("SOURCE_LOG_FILE") ? "SOURCE_" : "MASTER_";
        replica.put(relayCol(), unquote(o.get(p + "LOG_FILE")));
        replica.put(execPosCol(), o.get(p + "LOG_POS"));
        return List.of();
      }
      if (!u.endsWith("SQL_THREAD")) {
        set("IO_Running", "Yes");
        replica.put("Last_IO_Errno", "0");
        replica.put("Last_IO_Error", "");
        if (semiSyncStatusFollows) {
          // a (re)connecting receiver takes the semi-sync setting
          for (String n : List.of("replica", "slave")) {
            if (status.containsKey("rpl_semi_sync_" + n + "_status")) {
              status.put("rpl_semi_sync_" + n + "_status",
                  vars.getOrDefault("rpl_semi_sync_" + n + "_enabled", "OFF"));
            }
          }
        }
      }
      if (!u.endsWith("IO_THREAD")) {
        if (sqlErrorOnStart != null) {
          String[] e = sqlErrorOnStart.split(":", 2);
          set("SQL_Running", "No");
          replica.put("Last_SQL_Errno", e[0]);
          replica.put("Last_SQL_Error", e[1]);
        } else {
          set("SQL_Running", "Yes");
          replica.put("Last_SQL_Errno", "0");
          replica.put("Last_SQL_Error", "");
        }
      }
      return List.of();
    }
    if (u.startsWith("CHANGE MASTER TO") || u.startsWith("CHANGE REPLICATION SOURCE TO")) {
      if (replica != null && ("Yes".equals(thread("IO_Running"))
          || "Connecting".equals(thread("IO_Running")) || "Yes".equals(thread("SQL_Running")))) {
        throw error(1198, "HY000", "This operation cannot be performed with a running replica;"
            + " run STOP REPLICA first");
      }
      changeSource(options(sql.substring(u.indexOf(" TO ") + 4)));
      return List.of();
    }
    if (u.equals("RESET SLAVE ALL") || u.equals("RESET REPLICA ALL")) {
      replica = null;
      return List.of();
    }
    if (u.startsWith("SET GLOBAL ")) {
      setGlobal(sql.substring(11));
      return List.of();
    }
    if (u.startsWith("SET GTID_NEXT")) {
      s.gtidNext = unquote(sql.substring(sql.indexOf('=') + 1).trim());
      return List.of();
    }
    if (u.startsWith("SET SESSION ") || u.equals("BEGIN")) {
      return List.of();
    }
    if (u.equals("COMMIT")) {
      if (!"AUTOMATIC".equalsIgnoreCase(s.gtidNext)) {
        vars.put("gtid_executed", GtidSet.parse(vars.getOrDefault("gtid_executed", ""))
            .union(GtidSet.parse(s.gtidNext)).toString());
        s.gtidNext = "AUTOMATIC";
      }
      return List.of();
    }
    if (u.equals("RESET MASTER") || u.equals("RESET BINARY LOGS AND GTIDS")) {
      vars.put("gtid_executed", "");
      vars.put("gtid_purged", "");
      binlogs.clear();
      binlogs.add("binlog.000001");
      binlogPos = 157;
      return List.of();
    }
    if (u.equals("FLUSH BINARY LOGS")) {
      String last = binlogs.get(binlogs.size() - 1);
      long n = Long.parseLong(last.substring(last.indexOf('.') + 1)) + 1;
      binlogs.add(String.format("binlog.%06d", n));
      binlogPos = 157;
      return List.of();
    }
    if (u.equals("SHOW MASTER STATUS") || u.equals("SHOW BINARY LOG STATUS")) {
      return List.of(row("File", binlogs.get(binlogs.size() - 1), "Position",
          String.valueOf(binlogPos), "Executed_Gtid_Set", vars.getOrDefault("gtid_executed", "")));
    }
    if (u.equals("SHOW BINARY LOGS")) {
      List<Map<String, String>> rows = new ArrayList<>();
      binlogs.forEach(b -> rows.add(row("Log_name", b, "File_size", "1000")));
      return rows;
    }
    if (u.startsWith("PURGE BINARY LOGS TO ")) {
      String to = unquote(sql.substring(21).trim());
      int i = binlogs.indexOf(to);
      if (i < 0) {
        throw error(1373, "HY000", "Target log not found in binlog index");
      }
      binlogs.subList(0, i).clear();
      return List.of();
    }
    if (u.startsWith("SELECT WAIT_FOR_EXECUTED_GTID_SET(")) {
      Matcher m = IN_LIST.matcher(sql);
      m.find();
      boolean reached = GtidSet.parse(vars.getOrDefault("gtid_executed", ""))
          .containsAll(GtidSet.parse(m.group(1)));
      return List.of(row("r", reached ? "0" : "1"));
    }
    if (u.startsWith("SELECT MASTER_GTID_WAIT(")) {
      return List.of(row("r", "0"));
    }
    if (u.startsWith("SELECT COMMAND, TIME, INFO FROM INFORMATION_SCHEMA.PROCESSLIST WHERE ID = ")) {
      long id = Long.parseLong(sql.substring(sql.lastIndexOf('=') + 1).trim());
      Map<String, String> p = processes.get(id);
      return p == null ? List.of() : List.of(new LinkedHashMap<>(p));
    }
    if (u.startsWith("KILL QUERY ")) {
      long id = Long.parseLong(sql.substring(11).trim());
      Map<String, String> p = processes.get(id);
      if (p == null) {
        throw error(1094, "HY000", "Unknown thread id: " + id);
      }
      p.put("COMMAND", "Sleep");
      p.put("INFO", null);
      return List.of();
    }
    if (u.startsWith("KILL CONNECTION ")) {
      return List.of();
    }
    if (u.startsWith("SELECT COUNT(*) AS N FROM INFORMATION_SCHEMA.PROCESSLIST")) {
      return List.of(row("n", String.valueOf(dumpThreads)));
    }
    if (u.startsWith("SELECT HEARTBEAT_INTERVAL")) {
      return List.of(row("h", "30.000"));
    }
    if (u.startsWith("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES")) {
      return List.of();
    }
    if (u.startsWith("SELECT @@SESSION.GTID_DOMAIN_ID")) {
      return List.of(row("d", "0", "s", vars.getOrDefault("server_id", "1")));
    }
    if (u.startsWith("DROP TABLE IF EXISTS")) {
      return List.of();
    }
    throw syntax(sql);
  }

  private void refuseForeignSyntax(String sql, String u) {
    if (u.startsWith("SHOW GLOBAL") || u.startsWith("SET GLOBAL RPL_SEMI_SYNC")) {
      return; // variable names: an unknown one is absent (SHOW) or error 1193 (SET)
    }
    switch (dialect.family()) {
      case MYSQL_84 -> {
        if (u.contains("SLAVE") || u.contains("MASTER_") || u.startsWith("CHANGE MASTER")
            || u.equals("SHOW MASTER STATUS") || u.equals("RESET MASTER")) {
          throw syntax(sql);
        }
      }
      case MYSQL_57 -> {
        if (u.contains("REPLICA") || u.contains("SOURCE_") || u.contains("BINARY LOG STATUS")) {
          throw syntax(sql);
        }
      }
      case MARIADB -> {
        if (u.contains("SUPER_READ_ONLY") && u.startsWith("SET")) {
          throw error(1193, "HY000", "Unknown system variable 'super_read_only'");
        }
        if (u.contains("REPLICA ") || u.contains("SOURCE_") || u.contains("GTID_NEXT")) {
          throw syntax(sql);
        }
      }
      default -> {
        if (u.startsWith("CHANGE REPLICATION SOURCE") && !dialect.version().atLeast(8, 0, 23)) {
          throw syntax(sql);
        }
      }
    }
  }

  private void requireChannel() {
    if (replica == null) {
      throw error(1200, "HY000", "The server is not configured as replica");
    }
  }

  private void changeSource(Map<String, String> o) {
    if (replica == null) {
      Map<String, String> row = new LinkedHashMap<>();
      template.keySet().forEach(k -> row.put(k, ""));
      row.put("Auto_Position", "0");
      row.put("SQL_Delay", "0");
      row.put("Last_IO_Errno", "0");
      row.put("Last_SQL_Errno", "0");
      row.put("Connect_Retry", "60");
      if (row.containsKey("Using_Gtid")) {
        row.put("Using_Gtid", "No");
      }
      replica = row;
      set("IO_Running", "No");
      set("SQL_Running", "No");
    }
    o.forEach((k, v) -> {
      String name = k.startsWith("MASTER_") ? k.substring(7) : k.startsWith("SOURCE_") ? k.substring(7) : k;
      String value = unquote(v);
      switch (name) {
        case "HOST" -> replica.put(col("Host"), value);
        case "PORT" -> replica.put(col("Port"), value);
        case "USER" -> replica.put(col("User"), value);
        case "PASSWORD" -> replicationPassword = value;
        case "AUTO_POSITION" -> replica.put("Auto_Position", value);
        case "USE_GTID" -> replica.put("Using_Gtid", switch (value.toLowerCase(Locale.ROOT)) {
          case "slave_pos" -> "Slave_Pos";
          case "current_pos" -> "Current_Pos";
          default -> "No";
        });
        case "LOG_FILE" -> {
          replica.put(col("Log_File"), value);
          replica.put(relayCol(), value);
        }
        case "LOG_POS" -> {
          replica.put(readPosCol(), value);
          replica.put(execPosCol(), value);
        }
        case "CONNECT_RETRY" -> replica.put("Connect_Retry", value);
        case "DELAY" -> replica.put("SQL_Delay", value);
        case "HEARTBEAT_PERIOD" -> { }
        case "SSL" -> replica.put(col("SSL_Allowed"), "1".equals(value) ? "Yes" : "No");
        case "SSL_CA" -> replica.put(col("SSL_CA_File"), value);
        case "SSL_CAPATH" -> replica.put(col("SSL_CA_Path"), value);
        case "SSL_CERT" -> replica.put(col("SSL_Cert"), value);
        case "SSL_KEY" -> replica.put(col("SSL_Key"), value);
        case "SSL_CIPHER" -> replica.put(col("SSL_Cipher"), value);
        case "SSL_CRL" -> replica.put(col("SSL_Crl"), value);
        case "SSL_CRLPATH" -> replica.put(col("SSL_Crlpath"), value);
        case "SSL_VERIFY_SERVER_CERT" -> replica.put(col("SSL_Verify_Server_Cert"),
            "1".equals(value) ? "Yes" : "No");
        default -> throw syntax(k + "=" + v);
      }
    });
  }

  private void setGlobal(String assignment) {
    int eq = assignment.indexOf('=');
    String name = assignment.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    String value = unquote(assignment.substring(eq + 1).trim());
    if (!vars.containsKey(name)) {
      throw error(1193, "HY000", "Unknown system variable '" + name + "'");
    }
    vars.put(name, value);
    if (name.equals("super_read_only") && value.equals("ON")) {
      vars.put("read_only", "ON");
    }
    if (name.equals("read_only") && value.equals("OFF") && vars.containsKey("super_read_only")) {
      vars.put("super_read_only", "OFF");
    }
    if (name.equals("gtid_purged")) {
      vars.put("gtid_executed", value);
    }
  }

  private static Map<String, String> options(String text) {
    Map<String, String> o = new LinkedHashMap<>();
    Matcher m = OPTION.matcher(text);
    while (m.find()) {
      o.put(m.group(1), m.group(2));
    }
    return o;
  }

  private static String unquote(String v) {
    String t = v.trim();
    if (t.length() >= 2 && t.startsWith("'") && t.endsWith("'")) {
      return t.substring(1, t.length() - 1).replace("''", "'");
    }
    return t;
  }

  private static List<Map<String, String>> nameValues(String sql, Map<String, String> source) {
    List<Map<String, String>> rows = new ArrayList<>();
    Matcher m = IN_LIST.matcher(sql);
    while (m.find()) {
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (source.containsKey(name)) {
        rows.add(row("Variable_name", name, "Value", source.get(name)));
      }
    }
    return rows;
  }

  static Map<String, String> row(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
