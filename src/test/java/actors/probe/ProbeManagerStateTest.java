package actors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * The probe set is mutable inside the manager (copying it on every event made a fleet's first
 * discovery quadratic): snapshots, recovery and replies must still see exact, separate copies.
 */
class ProbeManagerStateTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Probes never end: the manager's set is what is tested, not probing. */
  static final ProbeClient NEVER = new ProbeClient() {
    @Override
    public CompletionStage<ProbeResult> probe(InstanceKey key) {
      return new CompletableFuture<>();
    }

    @Override
    public void forget(InstanceKey key) {}
  };

  @Test
  void theSetSurvivesSnapshotsAndARestartAndRepliesAreCopies() {
    TestProbe<actors.topology.TopologyView.Command> view = testKit.createTestProbe();
    var kit = EventSourcedBehaviorTestKit.<ProbeManager.Command, ProbeManager.Event,
        ProbeManager.State>create(testKit.system(), ProbeManager.create(NEVER,
        new ProbeSchedule(Duration.ofSeconds(5), Duration.ofSeconds(6), Duration.ofSeconds(15)),
        Clock.systemUTC(), view.ref()), EventSourcedBehaviorTestKit
        // commands stay on this node; events and the state are checked
        .enabledSerializationSettings().withVerifyCommands(false));
    for (int i = 0; i < 250; i++) { // snapshots after events 100 and 200
      InstanceKey k = new InstanceKey("10.0." + i / 200 + "." + i % 200, 3306);
      kit.<StatusReply<Done>>runCommand(r -> new ProbeManager.Discover(k, r));
    }
    kit.<StatusReply<Done>>runCommand(r -> new ProbeManager.Forget(
        new InstanceKey("10.0.0.7", 3306), r));
    assertEquals(249, kit.getState().keys().size());

    TestProbe<Set<InstanceKey>> listed = testKit.createTestProbe();
    kit.runCommand(new ProbeManager.ListKeys(listed.ref()));
    Set<InstanceKey> reply = listed.receiveMessage();
    assertEquals(249, reply.size());
    assertNotSame(kit.getState().keys(), reply, "a reply is a copy, not the live set");

    kit.restart(); // from the snapshot at event 200 and the events after it
    assertEquals(249, kit.getState().keys().size());
    kit.<StatusReply<Done>>runCommand(r -> new ProbeManager.Discover(
        new InstanceKey("10.0.9.9", 3306), r));
    assertEquals(250, kit.getState().keys().size());
  }
}
