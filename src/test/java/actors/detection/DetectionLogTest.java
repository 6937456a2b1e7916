package actors.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import testkit.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import topology.AnalysisCode;
import topology.AnalysisContext;
import topology.Analyzer;
import topology.InstanceKey;
import topology.ReplicationAnalysis;

/** A failure is registered once per block period, again after acknowledgement or expiry. */
class DetectionLogTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final InstanceKey KEY = new InstanceKey("127.0.0.1", 10111);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static DetectionLog.Candidate candidate(String code) {
    // a real analysis entry of a single dead master, so events carry the full record
    var observed = new topology.ObservedInstance(KEY,
        topology.Instance.builder(KEY).serverId(1).flavor(topology.Flavor.MARIADB).build(),
        topology.Liveness.never());
    var snapshot = topology.TopologyAssembler.assemble(List.of(observed), java.util.Set.of(),
        topology.AliasRules.NONE, topology.Thresholds.DEFAULTS, T0);
    ReplicationAnalysis a = Analyzer.analyze(snapshot, AnalysisContext.of(T0)).get(0);
    return new DetectionLog.Candidate(KEY, code, true, "127.0.0.1:10111", "ci", a, List.of());
  }

  @Test
  void oneRegistrationPerFailurePerPeriod() {
    MovingClock clock = new MovingClock(T0);
    var kit = EventSourcedBehaviorTestKit.<DetectionLog.Command, DetectionLog.Event, DetectionLog.State>create(
        testKit.system(), DetectionLog.create(clock));
    Duration block = Duration.ofMinutes(60);
    var first = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("DeadMaster"), block, r));
    assertTrue(first.reply().getValue().isPresent());
    assertEquals(1, first.reply().getValue().get().id());

    clock.now = T0.plusSeconds(30);
    var again = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("DeadMaster"), block, r));
    assertTrue(again.reply().getValue().isEmpty(), "same failure within the period: blocked");
    assertTrue(again.hasNoEvents());

    var other = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("NoWriteableMasterStructureWarning"), block, r));
    assertTrue(other.reply().getValue().isPresent(), "a different failure is registered");

    var acked = kit.<StatusReply<Integer>>runCommand(
        r -> new DetectionLog.Acknowledge(KEY, null, "ops", "looked at it", r));
    assertEquals(2, acked.reply().getValue());
    var afterAck = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("DeadMaster"), block, r));
    assertTrue(afterAck.reply().getValue().isPresent(), "acknowledgement ends the block");

    clock.now = T0.plus(block).plusSeconds(60);
    var afterExpiry = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("DeadMaster"), block, r));
    assertTrue(afterExpiry.reply().getValue().isPresent(), "the block expires");

    kit.runCommand(new DetectionLog.RecordHooks(1, List.of("Running 1 OnFailureDetectionProcesses hooks"), true));
    var restarted = kit.restart().state();
    assertEquals(4, restarted.detections().size());
    DetectionLog.Detection d1 = restarted.detections().get(0);
    assertTrue(d1.acknowledged());
    assertEquals("ops", d1.acknowledgedBy());
    assertTrue(d1.hooksFailed());
    assertFalse(restarted.detections().get(3).acknowledged());
    assertEquals(AnalysisCode.DeadMasterWithoutReplicas, d1.candidate().analysis().analysis());
  }

  /**
   * A detection is dated when its analysis saw the failure, not when its registration got its
   * turn: the recovery decision made on the same analysis comes after it in the history.
   */
  @Test
  void aDetectionIsDatedWhenTheAnalysisSawIt() {
    MovingClock clock = new MovingClock(T0.plusMillis(40));
    var kit = EventSourcedBehaviorTestKit.<DetectionLog.Command, DetectionLog.Event, DetectionLog.State>create(
        testKit.system(), DetectionLog.create(clock));
    Duration block = Duration.ofMinutes(60);
    DetectionLog.Detection seen = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("DeadMaster"), block, T0, r)).reply().getValue()
        .orElseThrow();
    assertEquals(T0, seen.detectedAt());
    assertEquals(T0.plus(block), seen.blockedUntil());
    // a time ahead of the log's clock is not believed
    DetectionLog.Detection ahead = kit.<StatusReply<Optional<DetectionLog.Detection>>>runCommand(
        r -> new DetectionLog.Register(candidate("UnreachableMaster"), block, T0.plusSeconds(5),
            r)).reply().getValue().orElseThrow();
    assertEquals(T0.plusMillis(40), ahead.detectedAt());
  }
}
