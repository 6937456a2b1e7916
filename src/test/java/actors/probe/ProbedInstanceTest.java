package actors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;

/** The journal of one server persists changed facts and reachability transitions only. */
class ProbedInstanceTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  static final InstanceKey KEY = new InstanceKey("127.0.0.1", 10111);
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  EventSourcedBehaviorTestKit<ProbedInstance.Command, ProbedInstance.Event, ProbedInstance.State> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), ProbedInstance.create(KEY));
    kit.clear();
  }

  static Instance observed(long pos, boolean readOnly) {
    return Instance.builder(KEY).serverId(1).flavor(Flavor.MARIADB).version("10.11.19-MariaDB")
        .readOnly(readOnly).selfCoordinates(BinlogCoordinates.binary("mysql-bin.000001", pos))
        .uptimeSeconds(pos).build();
  }

  @Test
  void firstObservationIsPersistedAndAnUnchangedOneIsNot() {
    var first = kit.<StatusReply<Boolean>>runCommand(r -> new ProbedInstance.RecordReached(observed(4, true), T0, r));
    assertTrue(first.reply().getValue());
    assertInstanceOf(ProbedInstance.InstanceObserved.class, first.event());
    // positions and uptime moved, nothing else did: no event
    var second = kit.<StatusReply<Boolean>>runCommand(
        r -> new ProbedInstance.RecordReached(observed(900, true), T0.plusSeconds(5), r));
    assertFalse(second.reply().getValue());
    assertTrue(second.hasNoEvents());
    // read_only changed: an event, carrying facts only (no positions)
    var third = kit.<StatusReply<Boolean>>runCommand(
        r -> new ProbedInstance.RecordReached(observed(950, false), T0.plusSeconds(10), r));
    assertTrue(third.reply().getValue());
    var e = (ProbedInstance.InstanceObserved) third.event();
    assertFalse(e.instance().readOnly());
    assertEquals(BinlogCoordinates.EMPTY, e.instance().selfCoordinates());
  }

  @Test
  void onlyTheTransitionToUnreachableIsPersisted() {
    ProbeFailure refused = new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED, "refused");
    var neverSeen = kit.<StatusReply<Boolean>>runCommand(r -> new ProbedInstance.RecordUnreachable(refused, T0, r));
    assertTrue(neverSeen.hasNoEvents(), "a server never reached has nothing to record");
    kit.<StatusReply<Boolean>>runCommand(r -> new ProbedInstance.RecordReached(observed(4, true), T0, r));
    var down = kit.<StatusReply<Boolean>>runCommand(
        r -> new ProbedInstance.RecordUnreachable(refused, T0.plusSeconds(1), r));
    assertInstanceOf(ProbedInstance.InstanceBecameUnreachable.class, down.event());
    var stillDown = kit.<StatusReply<Boolean>>runCommand(
        r -> new ProbedInstance.RecordUnreachable(refused, T0.plusSeconds(2), r));
    assertTrue(stillDown.hasNoEvents());
    var back = kit.<StatusReply<Boolean>>runCommand(
        r -> new ProbedInstance.RecordReached(observed(8, true), T0.plusSeconds(3), r));
    assertInstanceOf(ProbedInstance.InstanceObserved.class, back.event(), "back up is a fact");
    assertTrue(back.state().reachable());
  }

  @Test
  void stateSurvivesARestartAndForgetClearsIt() {
    kit.<StatusReply<Boolean>>runCommand(r -> new ProbedInstance.RecordReached(observed(4, false), T0, r));
    var restarted = kit.restart();
    assertFalse(restarted.state().instance().readOnly());
    assertEquals(T0, restarted.state().observedAt());
    var forgot = kit.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new ProbedInstance.Forget(T0.plusSeconds(1), r));
    assertInstanceOf(ProbedInstance.InstanceForgotten.class, forgot.event());
    assertNull(kit.restart().state().instance());
  }

  @Test
  void backoffDoublesUpToTheCap() {
    ProbeSchedule s = new ProbeSchedule(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(1), s.retryAfter(0));
    assertEquals(Duration.ofSeconds(1), s.retryAfter(1));
    assertEquals(Duration.ofSeconds(2), s.retryAfter(2));
    assertEquals(Duration.ofSeconds(4), s.retryAfter(3));
    assertEquals(Duration.ofSeconds(5), s.retryAfter(4));
    assertEquals(Duration.ofSeconds(5), s.retryAfter(40));
  }
}
