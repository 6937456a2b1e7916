package topology;

import static topology.Fixtures.NOW;
import static topology.Fixtures.key;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A named topology for analysis tests: servers with their liveness, downtimes, binlog history
 * and settings; {@link #analyze()} runs the real assembler and analyzer at {@link Fixtures#NOW}.
 * Servers are MariaDB 10.11 with GTID replication unless a case says otherwise.
 */
final class Scenario {

  /** What MariaDB 10.11's IO thread reports while its master is down. */
  static final String MARIADB_RECONNECTING = "error reconnecting to master "
      + "'repl@127.0.0.1:10111' - retry-time: 1  maximum-retries: 100000  message: "
      + "Can't connect to server on '127.0.0.1' (111 \"Connection refused\")";
  static final String MYSQL_CONNECTING = "error connecting to master 'repl@127.0.0.1:10111' - "
      + "retry-time: 60 retries: 1 message: Can't connect to MySQL server on '127.0.0.1:10111' (111)";

  final String name;
  private final List<ObservedInstance> observed = new ArrayList<>();
  private final Map<InstanceKey, Downtime> downtimes = new LinkedHashMap<>();
  private final Map<InstanceKey, Instant> binlogSince = new LinkedHashMap<>();
  private AnalysisSettings settings = AnalysisSettings.DEFAULTS;
  private AliasRules aliasRules = AliasRules.NONE;

  private Scenario(String name) {
    this.name = name;
  }

  static Scenario named(String name) {
    return new Scenario(name);
  }

  @Override
  public String toString() {
    return name;
  }

  // ---- servers --------------------------------------------------------------------------------

  static ReplicationStatus channel(int masterPort, ThreadState io, ThreadState sql,
      String ioError, Long lag, long sqlDelay) {
    return new ReplicationStatus(key(masterPort), "", "repl", io, sql, ioError.isEmpty() ? 0 : 2003,
        ioError, 0, "", lag, sqlDelay, BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.relay("relay-bin.000002", 4), false, "Slave_Pos", "", "", false, false);
  }

  static List<InstanceKey> keys(int... ports) {
    List<InstanceKey> out = new ArrayList<>();
    for (int p : ports) {
      out.add(key(p));
    }
    return out;
  }

  /** A writable master reporting the given replicas. */
  static Instance master(int port, int... replicas) {
    return Fixtures.master(port, replicas);
  }

  /** A replica with both threads running. */
  static Instance running(int port, int masterPort, int... replicas) {
    return Fixtures.replica(port, masterPort, replicas);
  }

  /** Both threads stopped by an SQL error (no IO error). */
  static Instance stopped(int port, int masterPort, int... replicas) {
    return Fixtures.server(port).replicas(keys(replicas)).replication(channel(masterPort,
        ThreadState.STOPPED, ThreadState.STOPPED, "", null, 0)).build();
  }

  /** IO thread {@code Connecting} with MariaDB's reconnect error, SQL thread running. */
  static Instance connecting(int port, int masterPort, int... replicas) {
    return Fixtures.server(port).replicas(keys(replicas)).replication(channel(masterPort,
        ThreadState.OTHER, ThreadState.RUNNING, MARIADB_RECONNECTING, null, 0)).build();
  }

  /** Running, {@code lag} seconds behind. */
  static Instance lagging(int port, int masterPort, long lag) {
    return Fixtures.server(port).replication(channel(masterPort, ThreadState.RUNNING,
        ThreadState.RUNNING, "", lag, 0)).build();
  }

  /** Running with SQL_Delay, and as far behind as it is delayed. */
  static Instance delayed(int port, int masterPort, long delay) {
    return Fixtures.server(port).replication(channel(masterPort, ThreadState.RUNNING,
        ThreadState.RUNNING, "", delay, delay)).build();
  }

  // ---- liveness -------------------------------------------------------------------------------

  Scenario seen(Instance... is) {
    for (Instance i : is) {
      observed.add(Fixtures.seen(i));
    }
    return this;
  }

  /** Reached a minute ago; the last probe (half a second ago) was refused. */
  Scenario unreachable(Instance... is) {
    for (Instance i : is) {
      observed.add(Fixtures.unreachable(i));
    }
    return this;
  }

  /** The last probe connected but did not complete (LastCheckPartialSuccess). */
  Scenario partial(Instance i) {
    Liveness l = Liveness.never().afterSuccess(NOW.minusSeconds(60), Duration.ofMillis(3))
        .afterFailure(NOW.minusMillis(500),
            new ProbeFailure(ProbeFailure.Reason.MISSING_PRIVILEGE, "denied"), true,
            Duration.ofMillis(1));
    observed.add(new ObservedInstance(i.key(), i, l));
    return this;
  }

  /** Known from before this node started; not probed since ({@link Liveness#restored}). */
  Scenario restored(Instance i) {
    observed.add(new ObservedInstance(i.key(), i, Liveness.restored(NOW.minusSeconds(30))));
    return this;
  }

  // ---- context --------------------------------------------------------------------------------

  /** Downtimed for an hour since ten minutes ago. */
  Scenario downtimed(int... ports) {
    for (int p : ports) {
      downtimes.put(key(p), new Downtime(key(p), "ops", "maintenance",
          NOW.minus(Duration.ofMinutes(10)), NOW.plus(Duration.ofMinutes(50))));
    }
    return this;
  }

  /** Downtimed {@code lost-in-recovery} by a recovery ten minutes ago (for a year, as it does). */
  Scenario lostInRecovery(int... ports) {
    for (int p : ports) {
      downtimes.put(key(p), new Downtime(key(p), "orcha", TopologyAssembler.LOST_IN_RECOVERY,
          NOW.minus(Duration.ofMinutes(10)), NOW.plus(Duration.ofDays(365))));
    }
    return this;
  }

  /** A downtime that ended a minute ago. */
  Scenario downtimeEnded(int port) {
    downtimes.put(key(port), new Downtime(key(port), "ops", "done",
        NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
    return this;
  }

  Scenario binlogUnchangedFor(int port, Duration d) {
    binlogSince.put(key(port), NOW.minus(d));
    return this;
  }

  Scenario settings(UnaryOperator<AnalysisSettings> change) {
    settings = change.apply(settings);
    return this;
  }

  Scenario aliases(AliasRules rules) {
    aliasRules = rules;
    return this;
  }

  TopologySnapshot snapshot() {
    return TopologyAssembler.assemble(observed, Set.of(), aliasRules, settings.thresholds(), NOW);
  }

  AnalysisContext context() {
    return new AnalysisContext(downtimes, binlogSince, settings, NOW, "orcha-1", "token-1");
  }

  List<ReplicationAnalysis> analyze() {
    return Analyzer.analyze(snapshot(), context());
  }

  /** The entry of one server whatever it says (NoProblem included). */
  ReplicationAnalysis entry(int port) {
    return Analyzer.entry(snapshot(), context(), key(port)).orElseThrow();
  }
}
