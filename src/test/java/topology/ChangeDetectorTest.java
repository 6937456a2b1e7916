package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.key;
import static topology.Fixtures.master;
import static topology.Fixtures.replica;
import static topology.Fixtures.replicating;
import static topology.Fixtures.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.TopologyChange.Change;
import topology.TopologyChange.Kind;

/** What one observation after another records in the topology history: one case per change. */
class ChangeDetectorTest {

  static final long THRESHOLD = 10;

  /** A case: the state before (null: unknown server), the state after, the entries expected. */
  record Case(String name, ServerState before, ServerState after, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static ServerState seen(Instance i) {
    return ServerState.reached(i, null, THRESHOLD);
  }

  static ServerState seen(Instance i, ServerState previous) {
    return ServerState.reached(i, previous, THRESHOLD);
  }

  static Instance withThreads(int port, int masterPort, ThreadState io, ThreadState sql,
      int ioErrno, String ioError, int sqlErrno, String sqlError) {
    ReplicationStatus r = replicating(masterPort);
    return server(port).replication(new ReplicationStatus(r.masterKey(), "", "repl", io, sql,
        ioErrno, ioError, sqlErrno, sqlError, io == ThreadState.RUNNING && sql == ThreadState.RUNNING
            ? 0L : null, 0, r.readCoordinates(), r.execCoordinates(), r.relayCoordinates(), false,
        "Slave_Pos", "", "", false, false)).build();
  }

  static Instance lagging(int port, int masterPort, long seconds) {
    ReplicationStatus r = replicating(masterPort);
    return server(port).replication(new ReplicationStatus(r.masterKey(), "", "repl",
        ThreadState.RUNNING, ThreadState.RUNNING, 0, "", 0, "", seconds, 0, r.readCoordinates(),
        r.execCoordinates(), r.relayCoordinates(), false, "Slave_Pos", "", "", false, false))
        .build();
  }

  static final ServerState REPLICA = seen(replica(2, 1));
  static final ServerState MASTER = seen(master(1, 2, 3));
  static final ServerState CONNECTING = seen(withThreads(2, 1, ThreadState.OTHER,
      ThreadState.RUNNING, 2003, "Can't connect to server on '127.0.0.1' (111)", 0, ""));
  static final ServerState LAGGING = seen(lagging(2, 1, 60), REPLICA);

  static Stream<Case> cases() {
    return Stream.of(
        new Case("the same observation again records nothing", REPLICA, seen(replica(2, 1)),
            List.of()),
        new Case("positions and lag moving under the threshold record nothing", REPLICA,
            seen(lagging(2, 1, 9), REPLICA), List.of()),
        new Case("a new server appears, described once", null, REPLICA,
            List.of("Appeared: first seen: replica of 127.0.0.1:1 (IO: Yes, SQL: Yes),"
                + " read_only ON, version 10.11.19-MariaDB-0+deb12u1-log")),
        new Case("a server never reached records nothing", null,
            ServerState.neverReached("refused"), List.of()),
        new Case("a server reached after never answering appears",
            ServerState.neverReached("refused"), MASTER,
            List.of("Appeared: first seen: replicates from nobody, read_only OFF,"
                + " version 10.11.19-MariaDB-0+deb12u1-log")),
        new Case("a master stops answering", MASTER, MASTER.unreachable("connection refused"),
            List.of("Unreachable: stopped answering: connection refused")),
        new Case("a server still down records nothing",
            MASTER.unreachable("connection refused"), MASTER.unreachable("timeout"), List.of()),
        new Case("a server answers again, unchanged", MASTER.unreachable("refused"),
            seen(master(1, 2, 3)), List.of("Reachable: answers again")),
        new Case("a server answers again as a replica", MASTER.unreachable("refused"),
            seen(replica(1, 2)), List.of("Reachable: answers again",
                "Demoted: now replicates from 127.0.0.1:2",
                "ReadOnlyChanged: read_only OFF -> ON",
                "ReplicationStarted: replication running (IO: Yes, SQL: Yes)")),
        new Case("a replica is promoted: no master, writable", REPLICA,
            seen(server(2).readOnly(false).build()),
            List.of("Promoted: no longer replicates from 127.0.0.1:1",
                "ReadOnlyChanged: read_only ON -> OFF")),
        new Case("a replica re-pointed after a failover", CONNECTING, seen(replica(2, 3)),
            List.of("MasterChanged: master 127.0.0.1:1 -> 127.0.0.1:3",
                "ReplicationStarted: replication running (IO: Yes, SQL: Yes)")),
        new Case("read_only turned on", MASTER, seen(master(1, 2, 3).toBuilder().readOnly(true)
            .build()), List.of("ReadOnlyChanged: read_only OFF -> ON")),
        new Case("the master of a replica dies: IO thread connecting with an error", REPLICA,
            CONNECTING, List.of("ReplicationBroken: IO thread error 2003: Can't connect to"
                + " server on '127.0.0.1' (111)")),
        new Case("the same error again, with another text, records nothing", CONNECTING,
            seen(withThreads(2, 1, ThreadState.OTHER, ThreadState.RUNNING, 2003,
                "Can't connect (attempt 7)", 0, "")), List.of()),
        new Case("a SQL error stops the SQL thread", REPLICA,
            seen(withThreads(2, 1, ThreadState.RUNNING, ThreadState.STOPPED, 0, "", 1062,
                "Duplicate entry '1' for key 'PRIMARY'")),
            List.of("ReplicationBroken: SQL thread error 1062: Duplicate entry '1' for key"
                + " 'PRIMARY'")),
        new Case("stop slave", REPLICA, seen(withThreads(2, 1, ThreadState.STOPPED,
            ThreadState.STOPPED, 0, "", 0, "")),
            List.of("ReplicationStopped: replication stopped (IO: No, SQL: No)")),
        new Case("start slave", seen(withThreads(2, 1, ThreadState.STOPPED, ThreadState.STOPPED,
            0, "", 0, "")), REPLICA,
            List.of("ReplicationStarted: replication running (IO: Yes, SQL: Yes)")),
        new Case("a connecting IO thread stopped", CONNECTING,
            seen(withThreads(2, 1, ThreadState.STOPPED, ThreadState.RUNNING, 2003, "x", 0, "")),
            List.of("ReplicationStopped: replication stopped (IO: No, SQL: Yes)")),
        new Case("lag above the reasonable lag", REPLICA, LAGGING,
            List.of("LagAboveThreshold: replication lag 60s, above the reasonable replication"
                + " lag")),
        new Case("lag above, still above half the threshold: nothing (hysteresis)", LAGGING,
            seen(lagging(2, 1, 7), LAGGING), List.of()),
        new Case("lag back under half the threshold", LAGGING, seen(lagging(2, 1, 3), LAGGING),
            List.of("LagBelowThreshold: replication lag 3s, back under the reasonable"
                + " replication lag")),
        new Case("lag unknown (SQL thread stopped) keeps the judgement", LAGGING,
            seen(withThreads(2, 1, ThreadState.RUNNING, ThreadState.STOPPED, 0, "", 0, ""),
                LAGGING), List.of("ReplicationStopped: replication stopped (IO: Yes, SQL: No)")),
        new Case("after a restart the lag is judged without an entry",
            ServerState.restored(replica(2, 1), true), seen(lagging(2, 1, 60),
                ServerState.restored(replica(2, 1), true)), List.of()),
        new Case("a restored server found unchanged records nothing",
            ServerState.restored(replica(2, 1), true), seen(replica(2, 1)), List.of()),
        new Case("a restored server that was down answers", ServerState.restored(master(1), false),
            seen(master(1)), List.of("Reachable: answers again")),
        new Case("an upgrade", MASTER, seen(master(1, 2, 3).toBuilder()
            .version("11.4.2-MariaDB-log").build()),
            List.of("VersionChanged: version 10.11.19-MariaDB-0+deb12u1-log -> 11.4.2-MariaDB-log")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void changes(Case c) {
    List<String> got = ChangeDetector.changes(c.before(), c.after()).stream()
        .map(ch -> ch.kind().label() + ": " + ch.message()).toList();
    assertEquals(c.expected(), got);
  }

  @Test
  void changesSayWhatWasAndWhatIs() {
    Change moved = ChangeDetector.changes(CONNECTING, seen(replica(2, 3))).get(0);
    assertEquals(new Change(Kind.MASTER_CHANGED, "127.0.0.1:1", "127.0.0.1:3",
        "master 127.0.0.1:1 -> 127.0.0.1:3"), moved);
    Change promoted = ChangeDetector.changes(REPLICA, seen(server(2).readOnly(false).build()))
        .get(0);
    assertEquals("127.0.0.1:1", promoted.before());
    assertEquals("", promoted.after());
  }

  @Test
  void lagAroundTheThresholdDoesNotFlap() {
    // 9, 11, 9, 11, ...: above once, never back under half the threshold
    ServerState s = REPLICA;
    int entries = 0;
    for (int i = 0; i < 20; i++) {
      ServerState next = seen(lagging(2, 1, i % 2 == 0 ? 11 : 9), s);
      entries += ChangeDetector.changes(s, next).size();
      s = next;
    }
    assertEquals(1, entries);
    assertTrue(s.lagAboveThreshold());
  }

  static final Instant NOW = Fixtures.NOW;

  static Downtime downtime(int port, Instant begun, Duration length) {
    return new Downtime(key(port), "ops", "upgrade", begun, begun.plus(length));
  }

  @Test
  void downtimesBegunReplacedEndedAndExpired() {
    Downtime a = downtime(1, NOW.minusSeconds(60), Duration.ofHours(1));
    Downtime b = downtime(2, NOW.minusSeconds(600), Duration.ofSeconds(300)); // expired at -300s
    Downtime c = downtime(3, NOW.minusSeconds(30), Duration.ofHours(1));
    Downtime c2 = downtime(3, NOW.minusSeconds(5), Duration.ofHours(2)); // replaced
    Downtime d = downtime(4, NOW.minusSeconds(60), Duration.ofHours(1)); // ended early
    List<String> got = ChangeDetector.downtimes(Map.of(key(2), b, key(3), c, key(4), d),
            Map.of(key(1), a, key(3), c2), NOW).stream()
        .sorted(java.util.Comparator.comparing(k -> k.key().port()))
        .map(k -> k.key().port() + " " + k.at() + " " + k.change().kind().label() + ": "
            + k.change().message())
        .toList();
    assertEquals(List.of(
        "1 " + a.begunAt() + " DowntimeBegun: downtimed by ops until " + a.endsAt() + ": upgrade",
        "2 " + b.endsAt() + " DowntimeEnded: downtime by ops expired",
        "3 " + c2.begunAt() + " DowntimeBegun: downtimed by ops until " + c2.endsAt() + ": upgrade",
        "4 " + NOW + " DowntimeEnded: downtime by ops ended"), got);
    assertEquals(List.of(), ChangeDetector.downtimes(Map.of(key(1), a), Map.of(key(1), a), NOW),
        "the same downtimes again record nothing");
  }
}
