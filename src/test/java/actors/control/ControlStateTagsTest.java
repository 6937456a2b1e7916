package actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import testkit.MovingClock;
import topology.InstanceKey;

/**
 * Tags and pools in the control state: set, replaced, removed per server or fleet-wide (with or
 * without a value), pools replaced and expiring; all of it kept across a restart (replayed from
 * the journal), and serializable as the leader pushes it to the other nodes.
 */
class ControlStateTagsTest {

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final InstanceKey A = new InstanceKey("127.0.0.1", 11031);
  static final InstanceKey B = new InstanceKey("127.0.0.1", 11032);
  static final InstanceKey C = new InstanceKey("127.0.0.1", 11033);

  final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));
  final MovingClock clock = new MovingClock(T0);
  final EventSourcedBehaviorTestKit<ControlState.Command, ControlState.Event, ControlState.State>
      kit = EventSourcedBehaviorTestKit.create(testKit.system(), ControlState.create(clock),
          // events and states cross nodes and are checked; commands and replies stay on the node
          new EventSourcedBehaviorTestKit.SerializationSettings(true, false, false, true, true));

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  void tag(InstanceKey key, String name, String value) {
    var r = kit.<StatusReply<Boolean>>runCommand(t -> new ControlState.PutTag(key, name, value, t));
    assertTrue(r.reply().isSuccess());
  }

  List<InstanceKey> untag(InstanceKey key, String name, String value) {
    return kit.<StatusReply<List<InstanceKey>>>runCommand(
        t -> new ControlState.RemoveTags(key, name, value, t)).reply().getValue();
  }

  @Test
  void tagsAreSetReplacedAndRemovedAndSurviveARestart() {
    kit.clear();
    tag(A, "role", "backup");
    tag(A, "dc", "east");
    tag(B, "role", "serving");
    tag(A, "role", "primary"); // replaces the value
    assertEquals(Map.of(A, Map.of("role", "primary", "dc", "east"), B, Map.of("role", "serving")),
        kit.getState().tags());

    kit.restart();
    assertEquals(Map.of(A, Map.of("role", "primary", "dc", "east"), B, Map.of("role", "serving")),
        kit.getState().tags(), "replayed from the journal");

    assertEquals(List.of(), untag(null, "role", "backup"), "nobody has that value any more");
    assertEquals(List.of(A), untag(A, "dc", null));
    assertEquals(List.of(), untag(C, "role", null), "C has no tags");
    assertEquals(List.of(A, B), untag(null, "role", null));
    assertEquals(Map.of(), kit.getState().tags(), "servers left without tags are dropped");

    var snapshot = kit.<ControlState.Snapshot>runCommand(ControlState.Get::new).reply();
    assertEquals(Map.of(), snapshot.tags());
  }

  @Test
  void poolsAreReplacedAndExpire() {
    kit.clear();
    var first = kit.<StatusReply<ControlState.Pool>>runCommand(
        t -> new ControlState.SubmitPool("lb", List.of(A, B), Duration.ofHours(1), t));
    assertEquals(T0.plus(Duration.ofHours(1)), first.reply().getValue().expiresAt());
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    kit.<StatusReply<ControlState.Pool>>runCommand(
        t -> new ControlState.SubmitPool("lb", List.of(C), Duration.ofHours(1), t));
    kit.<StatusReply<ControlState.Pool>>runCommand(
        t -> new ControlState.SubmitPool("batch", List.of(A), Duration.ofHours(1), t));
    var snapshot = kit.<ControlState.Snapshot>runCommand(ControlState.Get::new).reply();
    assertEquals(List.of(C), snapshot.pools().get("lb").instances(), "a submission replaces");
    assertEquals(List.of("batch", "lb"), List.copyOf(snapshot.activePools(clock.instant()).keySet()));
    kit.restart();
    assertEquals(List.of(C), kit.getState().pools().get("lb").instances());
    assertEquals(Map.of(), kit.<ControlState.Snapshot>runCommand(ControlState.Get::new).reply()
        .activePools(T0.plus(Duration.ofHours(2))), "not submitted again within the hour");
  }

  @Test
  void aStateWrittenBeforeTagsExistedReadsAsNoTagsAndEverythingCrossesNodes() {
    ControlState.State old = new ControlState.State(Map.of(), Map.of(), 0, Map.of(), false,
        Map.of(), Map.of(), ControlState.Version.ZERO, Map.of());
    assertEquals(Map.of(), old.tags());
    assertEquals(Map.of(), old.pools());
    ControlState.State withTags = new ControlState.State(Map.of(), Map.of(), 0, Map.of(), false,
        Map.of(), Map.of(), new ControlState.Version(2, 5), Map.of(),
        Map.of(A, Map.of("role", "backup")),
        Map.of("lb", new ControlState.Pool("lb", List.of(A, B), T0, T0.plusSeconds(60))));
    // a journal written before tags and pools existed: the fields are simply absent
    var mapper = org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider
        .get(testKit.system()).getOrCreate("jackson-cbor", java.util.Optional.empty());
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.valueToTree(withTags);
    tree.remove("tags");
    tree.remove("pools");
    try {
      ControlState.State read = mapper.treeToValue(tree, ControlState.State.class);
      assertEquals(Map.of(), read.tags());
      assertEquals(Map.of(), read.pools());
      assertEquals(new ControlState.Version(2, 5), read.version());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    ser.verifySerialization(new ControlState.Replicate(withTags, null), true);
    ser.verifySerialization(new ControlState.TagsRemoved("role", List.of(A, B), T0), true);
    ser.verifySerialization(new ControlState.PoolsExpired(List.of("lb"), T0), true);
  }
}
