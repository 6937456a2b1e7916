package actors.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import testkit.MovingClock;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import topology.AnalysisContext;
import topology.Analyzer;
import topology.InstanceKey;
import topology.ReplicationAnalysis;

/**
 * The recovery log: registered before acting, one running recovery per cluster, steps with
 * their times, resolution, acknowledgement, skips recorded once; and a recovery cut short by a
 * crash is resolved as interrupted on restart, never run again.
 */
class RecoveryLogTest {

  // a system per test: logs register with the receptionist, and a new leader reads every log
  // it finds there — one test's log must not answer another's
  ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final InstanceKey MASTER = new InstanceKey("127.0.0.1", 10111);
  static final InstanceKey SUCCESSOR = new InstanceKey("127.0.0.1", 10112);

  @org.junit.jupiter.api.AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  static ReplicationAnalysis entry() {
    var observed = new topology.ObservedInstance(MASTER,
        topology.Instance.builder(MASTER).serverId(1).flavor(topology.Flavor.MARIADB).build(),
        topology.Liveness.never());
    var snapshot = topology.TopologyAssembler.assemble(List.of(observed), java.util.Set.of(),
        topology.AliasRules.NONE, topology.Thresholds.DEFAULTS, T0);
    return Analyzer.analyze(snapshot, AnalysisContext.of(T0)).get(0);
  }

  static RecoveryLog.Start start(String uid, String cluster) {
    return new RecoveryLog.Start(uid, MASTER, cluster, "ci", "MasterRecovery", "DeadMaster", "",
        false, entry(), "node-1", 0);
  }

  static RecoveryLog.Resolution success() {
    return new RecoveryLog.Resolution(true, SUCCESSOR, "", "", List.of(), List.of(), List.of(),
        "MasterRecoveryGTID", false);
  }

  EventSourcedBehaviorTestKit<RecoveryLog.Command, RecoveryLog.Event, RecoveryLog.State> kit(
      Clock clock) {
    var kit = EventSourcedBehaviorTestKit.<RecoveryLog.Command, RecoveryLog.Event, RecoveryLog.State>create(
        testKit.system(), RecoveryLog.create(clock, "node-1"));
    kit.clear(); // every test starts from an empty log (one persistence id for all)
    return kit;
  }

  @Test
  void oneRunningRecoveryPerClusterUntilResolved() {
    MovingClock clock = new MovingClock(T0);
    var kit = kit(clock);
    var first = kit.<StatusReply<RecoveryLog.Recovery>>runCommand(
        r -> new RecoveryLog.Register(start("u1", "c1"), r));
    assertEquals(1, first.reply().getValue().id());
    assertEquals("registered", first.reply().getValue().steps().get(0).phase());

    var same = kit.<StatusReply<RecoveryLog.Recovery>>runCommand(
        r -> new RecoveryLog.Register(start("u2", "c1"), r));
    assertTrue(same.reply().isError());
    assertTrue(same.reply().getError().getMessage().contains("already running: u1"));
    assertTrue(same.hasNoEvents());

    var other = kit.<StatusReply<RecoveryLog.Recovery>>runCommand(
        r -> new RecoveryLog.Register(start("u3", "c2"), T0.minusMillis(200), r));
    assertEquals(2, other.reply().getValue().id(), "another cluster recovers at the same time");
    List<RecoveryLog.Step> timeline = other.reply().getValue().steps();
    assertEquals("detected", timeline.get(0).phase(), "the timeline starts when it was seen");
    assertEquals(T0.minusMillis(200), timeline.get(0).at());
    assertEquals("registered", timeline.get(1).phase());

    clock.now = T0.plusMillis(300);
    kit.runCommand(new RecoveryLog.AddStep("u1", "promoted", "127.0.0.1:10112 writable"));
    clock.now = T0.plusMillis(500);
    var resolved = kit.<StatusReply<RecoveryLog.Recovery>>runCommand(
        r -> new RecoveryLog.Resolve("u1", success(), r));
    RecoveryLog.Recovery done = resolved.reply().getValue();
    assertEquals(T0.plusMillis(500), done.endedAt());
    assertEquals(T0.plusMillis(300), done.steps().get(1).at());
    assertTrue(done.activeAt(T0.plusSeconds(10), java.time.Duration.ofSeconds(60)));

    var again = kit.<StatusReply<RecoveryLog.Recovery>>runCommand(
        r -> new RecoveryLog.Register(start("u4", "c1"), r));
    assertFalse(again.reply().isError(), "after resolution the log registers (policy blocks)");
  }

  @Test
  void interruptedRecoveryIsResolvedOnRestartAndNotRunAgain() {
    MovingClock clock = new MovingClock(T0);
    var kit = kit(clock);
    kit.<StatusReply<RecoveryLog.Recovery>>runCommand(r -> new RecoveryLog.Register(start("i1", "ci1"), r));
    kit.runCommand(new RecoveryLog.AddStep("i1", "planned", "promote 127.0.0.1:10112"));
    var restarted = kit.restart().state();
    // taking over as leader (the coordinator's claim) resolves what the predecessor left running
    var lead = kit.<StatusReply<actors.control.ControlState.Version>>runCommand(
        r -> new RecoveryLog.Lead(1, r));
    assertEquals(new actors.control.ControlState.Version(1, 0), lead.reply().getValue());
    RecoveryLog.Recovery r = org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.<RecoveryLog.State>create(
        testKit.system()).awaitAssert(java.time.Duration.ofSeconds(5), () -> {
          RecoveryLog.Recovery x = kit.getState().byUid("i1").orElseThrow();
          assertTrue(x.ended(), "resolved after restart");
          return x;
        });
    assertFalse(r.resolution().successful(), r.toString());
    assertTrue(r.resolution().errors().get(0).startsWith("interrupted"));
    assertFalse(r.acknowledged(), "it keeps blocking until someone looks");
    assertEquals(1, restarted.recoveries().size());
  }

  @Test
  void acknowledgementBySelectorAndSkipsRecordedOnce() {
    MovingClock clock = new MovingClock(T0);
    var kit = kit(clock);
    for (String c : List.of("c1", "c2")) {
      String uid = "u-" + c;
      kit.<StatusReply<RecoveryLog.Recovery>>runCommand(r -> new RecoveryLog.Register(start(uid, c), r));
      kit.<StatusReply<RecoveryLog.Recovery>>runCommand(r -> new RecoveryLog.Resolve(uid, success(), r));
    }
    var byCluster = kit.<StatusReply<Integer>>runCommand(
        r -> new RecoveryLog.Acknowledge(null, null, null, "c2", "ops", "seen", r));
    assertEquals(1, byCluster.reply().getValue());
    var byId = kit.<StatusReply<Integer>>runCommand(
        r -> new RecoveryLog.Acknowledge(null, 1L, null, null, "ops", "seen", r));
    assertEquals(1, byId.reply().getValue());
    var none = kit.<StatusReply<Integer>>runCommand(
        r -> new RecoveryLog.Acknowledge(null, null, null, null, "ops", "again", r));
    assertEquals(0, none.reply().getValue(), "nothing left unacknowledged");
    RecoveryLog.Recovery r1 = kit.getState().byUid("u-c1").orElseThrow();
    assertTrue(r1.acknowledged());
    assertEquals("ops", r1.acknowledgedBy());

    RecoveryLog.Skip skip = new RecoveryLog.Skip(T0, MASTER, "c1", "DeadMaster",
        "global recoveries disabled", "");
    kit.runCommand(new RecoveryLog.RecordSkip(skip));
    var same = kit.runCommand(new RecoveryLog.RecordSkip(new RecoveryLog.Skip(T0.plusSeconds(1),
        MASTER, "c1", "DeadMaster", "global recoveries disabled", "")));
    assertTrue(same.hasNoEvents(), "the same skip every tick is recorded once");
    kit.runCommand(new RecoveryLog.RecordSkip(new RecoveryLog.Skip(T0.plusSeconds(2), MASTER, "c1",
        "DeadMaster", "cluster c1 does not match RecoverMasterClusterFilters []", "")));
    assertEquals(2, kit.restart().state().skips().size());
    assertNull(kit.getState().byUid("nope").orElse(null));
  }
}
