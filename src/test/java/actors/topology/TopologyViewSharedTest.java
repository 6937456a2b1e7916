package actors.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.control.ControlState;
import actors.detection.FailureDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testkit.MovingClock;
import topology.AliasRules;
import topology.AnalysisSettings;
import topology.DetectionQuorum;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;
import topology.TopologySnapshot;

/**
 * Shared probing in the view: other nodes' observations enter the picture (so this node answers
 * for servers it does not probe), an observation older than what the view has is dropped, and
 * each analysis says which failures were this node's own.
 */
class TopologyViewSharedTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final InstanceKey A = new InstanceKey("127.0.0.1", 10111);
  static final InstanceKey B = new InstanceKey("127.0.0.1", 10211);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  ActorRef<TopologyView.Command> view;
  MovingClock clock;

  static Instance server(InstanceKey k) {
    return Instance.builder(k).serverId(k.port()).flavor(Flavor.MARIADB).version("10.11.6")
        .build();
  }

  static ProbeResult reached(InstanceKey k) {
    return new ProbeResult.Reached(server(k), Duration.ofMillis(2));
  }

  static ProbeResult failed(InstanceKey k) {
    return new ProbeResult.Failed(k, new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED,
        "refused"), false, Duration.ofMillis(1));
  }

  @BeforeEach
  void start() {
    clock = new MovingClock(T0);
    TestProbe<FailureDetector.Command> detector = testKit.createTestProbe();
    TestProbe<ControlState.Command> control = testKit.createTestProbe();
    view = testKit.spawn(TopologyView.create(AliasRules.NONE, AnalysisSettings.DEFAULTS, "n1",
        clock, detector.ref(), control.ref()));
  }

  TopologyView.AnalysisResult analysis() {
    TestProbe<TopologyView.AnalysisResult> p = testKit.createTestProbe();
    view.tell(new TopologyView.GetAnalysis(p.ref()));
    return p.receiveMessage();
  }

  TopologySnapshot snapshot() {
    TestProbe<TopologySnapshot> p = testKit.createTestProbe();
    view.tell(new TopologyView.GetSnapshot(p.ref()));
    return p.receiveMessage();
  }

  @Test
  void withoutOtherNodesObservationsEveryFailureIsOwn() {
    view.tell(new TopologyView.InstanceProbed(A, failed(A), T0));
    assertEquals(DetectionQuorum.OwnProbes.ALL, analysis().own());
  }

  @Test
  void anotherNodesObservationAnswersForAServerThisNodeDoesNotProbe() {
    view.tell(new TopologyView.ObservedElsewhere("b:1", List.of(
        new TopologyView.InstanceProbed(B, reached(B), T0))));
    clock.now = clock.now.plus(Duration.ofMillis(300));
    assertTrue(snapshot().instance(B).orElseThrow().lastCheckValid());
    TopologyView.AnalysisResult r = analysis();
    assertTrue(r.own().shared());
    assertTrue(r.confirms(B), "a reachable server has nothing to confirm");
  }

  @Test
  void onlyThisNodesOwnFailuresAreConfirmed() {
    view.tell(new TopologyView.InstanceProbed(A, reached(A), T0));
    view.tell(new TopologyView.InstanceProbed(B, reached(B), T0));
    // another node's probe of A failed: the picture shows it, but this node did not see it
    view.tell(new TopologyView.ObservedElsewhere("b:1", List.of(
        new TopologyView.InstanceProbed(A, failed(A), T0.plusMillis(500)))));
    clock.now = clock.now.plus(Duration.ofMillis(600));
    assertFalse(snapshot().instance(A).orElseThrow().lastCheckValid());
    assertFalse(analysis().confirms(A));
    // this node's own (emergent) probe fails too
    view.tell(new TopologyView.InstanceProbed(A, failed(A), T0.plusMillis(700)));
    clock.now = clock.now.plus(Duration.ofMillis(200));
    TopologyView.AnalysisResult r = analysis();
    assertEquals(Map.of(A, T0.plusMillis(700)), r.own().failedAt());
    assertTrue(r.confirms(A));
  }

  @Test
  void anObservationOlderThanWhatTheViewHasIsDropped() {
    view.tell(new TopologyView.InstanceProbed(A, reached(A), T0.plusSeconds(1)));
    // a late batch from another node: its failure was observed before this node's success
    view.tell(new TopologyView.ObservedElsewhere("b:1", List.of(
        new TopologyView.InstanceProbed(A, failed(A), T0.plusMillis(500)))));
    clock.now = clock.now.plus(Duration.ofMillis(1_200));
    var v = snapshot().instance(A).orElseThrow();
    assertTrue(v.lastCheckValid());
    assertEquals(T0.plusSeconds(1), v.liveness().lastAttempt());
  }
}
