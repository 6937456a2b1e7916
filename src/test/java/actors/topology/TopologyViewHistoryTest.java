package actors.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.control.ControlState;
import actors.detection.FailureDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testkit.MovingClock;
import topology.AliasRules;
import topology.AnalysisSettings;
import topology.BinlogCoordinates;
import topology.Downtime;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;
import topology.ReplicationStatus;
import topology.ThreadState;

/**
 * What the view tells the topology history: changes only, never the steady state; the first
 * probes of a server compared with what its journal remembered, whichever comes first; downtimes
 * from the control state after the first one; forgotten servers.
 */
class TopologyViewHistoryTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  final List<String> told = new CopyOnWriteArrayList<>();
  ActorRef<TopologyView.Command> view;
  ActorRef<ControlState.Snapshot> control;
  MovingClock clock;

  static InstanceKey key(int port) {
    return new InstanceKey("127.0.0.1", port);
  }

  static Instance master(int port) {
    return Instance.builder(key(port)).serverId(port).flavor(Flavor.MARIADB).version("10.11.6")
        .build();
  }

  static Instance replica(int port, int master, long lag) {
    return Instance.builder(key(port)).serverId(port).flavor(Flavor.MARIADB).version("10.11.6")
        .readOnly(true).replication(new ReplicationStatus(key(master), "", "repl",
            ThreadState.RUNNING, ThreadState.RUNNING, 0, "", 0, "", lag, 0,
            BinlogCoordinates.binary("b.000001", 4 + lag), BinlogCoordinates.EMPTY,
            BinlogCoordinates.EMPTY_RELAY, false, "Slave_Pos", "", "", false, false)).build();
  }

  @BeforeEach
  void start() {
    told.clear();
    clock = new MovingClock(T0);
    TestProbe<FailureDetector.Command> detector = testKit.createTestProbe();
    TestProbe<ControlState.Command> controlState = testKit.createTestProbe();
    view = testKit.spawn(TopologyView.create(AliasRules.NONE, AnalysisSettings.DEFAULTS, "n1",
        clock, detector.ref(), controlState.ref(), telemetry.FleetMetrics.unreported(),
        changes -> changes.forEach(c -> told.add(c.kind().label() + " " + c.key().port() + " @"
            + Duration.between(T0, c.at()).toSeconds()))));
    control = controlState.expectMessageClass(ControlState.Subscribe.class).subscriber();
  }

  void probed(Instance i, long second) {
    view.tell(new TopologyView.InstanceProbed(i.key(), new ProbeResult.Reached(i,
        Duration.ofMillis(1)), T0.plusSeconds(second)));
  }

  void failed(int port, long second) {
    view.tell(new TopologyView.InstanceProbed(key(port), new ProbeResult.Failed(key(port),
        new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED, "refused"), false,
        Duration.ofMillis(1)), T0.plusSeconds(second)));
  }

  /** Waits until the view handled everything sent so far. */
  List<String> told() {
    TestProbe<topology.TopologySnapshot> p = testKit.createTestProbe();
    view.tell(new TopologyView.GetSnapshot(p.ref()));
    p.receiveMessage();
    return List.copyOf(told);
  }

  @Test
  void aNewServerAppearsOnceAndItsSteadyStateTellsNothing() {
    probed(master(1), 0); // probed before its journal answered
    assertEquals(List.of(), told());
    view.tell(new TopologyView.NothingRestored(key(1)));
    for (int s = 1; s <= 20; s++) {
      probed(master(1), s);
    }
    assertEquals(List.of("Appeared 1 @0"), told(), "dated at its first probe");
    failed(1, 21);
    failed(1, 22);
    probed(master(1), 23);
    assertEquals(List.of("Appeared 1 @0", "Unreachable 1 @21", "Reachable 1 @23"), told());
  }

  @Test
  void aRestoredServerIsComparedWithWhatItsJournalRemembers() {
    // unchanged since the restart, its journal answering after or before the first probe
    probed(replica(2, 1, 0), 0);
    view.tell(new TopologyView.InstanceRestored(key(2), replica(2, 1, 0).facts(), T0, true));
    view.tell(new TopologyView.InstanceRestored(key(3), replica(3, 1, 0).facts(), T0, true));
    probed(replica(3, 1, 5), 1);
    assertEquals(List.of(), told(), "a restart over an unchanged topology tells nothing");
    // changed while orcha was down: told once the journal answered
    probed(master(4), 2);
    view.tell(new TopologyView.InstanceRestored(key(4), replica(4, 1, 0).facts(), T0, true));
    assertEquals(List.of("Promoted 4 @2", "ReadOnlyChanged 4 @2"), told());
    // lag: judged silently after the restart, then above the reasonable lag (10 s)
    probed(replica(3, 1, 60), 3);
    probed(replica(3, 1, 70), 4);
    assertEquals(List.of("Promoted 4 @2", "ReadOnlyChanged 4 @2", "LagAboveThreshold 3 @3"),
        told());
  }

  @Test
  void downtimesAfterTheFirstControlStateAndForgottenServers() {
    Downtime old = new Downtime(key(1), "ops", "known before", T0.minusSeconds(60),
        T0.plusSeconds(3600));
    control.tell(snapshot(Map.of(key(1), old)));
    assertEquals(List.of(), told(), "the first control state is where we start");
    Downtime d = new Downtime(key(2), "ops", "upgrade", T0.plusSeconds(5), T0.plusSeconds(600));
    clock.now = T0.plusSeconds(6);
    control.tell(snapshot(Map.of(key(1), old, key(2), d)));
    clock.now = T0.plusSeconds(9);
    control.tell(snapshot(Map.of(key(2), d)));
    assertEquals(List.of("DowntimeBegun 2 @5", "DowntimeEnded 1 @9"), told());

    probed(master(5), 10);
    view.tell(new TopologyView.NothingRestored(key(5)));
    clock.now = T0.plusSeconds(12);
    view.tell(new TopologyView.InstanceForgotten(key(5)));
    assertEquals(List.of("DowntimeBegun 2 @5", "DowntimeEnded 1 @9", "Appeared 5 @10",
        "Forgotten 5 @12"), told());
  }

  static ControlState.Snapshot snapshot(Map<InstanceKey, Downtime> downtimes) {
    return new ControlState.Snapshot(downtimes, Map.of(), Map.of(), false, Map.of(), Map.of());
  }
}
