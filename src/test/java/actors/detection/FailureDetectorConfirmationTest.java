package actors.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.probe.ProbeManager;
import actors.topology.TopologyView;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import topology.AliasRules;
import topology.AnalysisCode;
import topology.AnalysisContext;
import topology.Analyzer;
import topology.BinlogCoordinates;
import topology.DetectionQuorum;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.Liveness;
import topology.ObservedInstance;
import topology.ProbeFailure;
import topology.ReplicationAnalysis;
import topology.ReplicationStatus;
import topology.ThreadState;
import topology.Thresholds;
import topology.TopologyAssembler;
import topology.TopologySnapshot;

/**
 * Shared probing in the failure detector: a DeadMaster seen only through another node's
 * observation makes this node probe the master itself (an emergent probe of its passive
 * prober) and registers no detection; once its own probe failed too, the detection is
 * registered. Without shared probing (every observation own) it registers at once, as before.
 */
class FailureDetectorConfirmationTest {

  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  static final InstanceKey M = key(10111);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static InstanceKey key(int port) {
    return new InstanceKey("127.0.0.1", port);
  }

  static Instance.Builder server(int port) {
    return Instance.builder(key(port)).serverId(port).version("10.11.19-MariaDB-log")
        .flavor(Flavor.MARIADB).logBinEnabled(true).logReplicationUpdatesEnabled(true)
        .binlogFormat("ROW").readOnly(true);
  }

  /** A replica whose IO thread cannot reach its master (MariaDB reconnecting). */
  static Instance reconnecting(int port) {
    return server(port).replication(new ReplicationStatus(M, "", "repl", ThreadState.OTHER,
        ThreadState.RUNNING, 2003, "error reconnecting to master", 0, "", null, 0,
        BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.relay("relay-bin.000002", 4), false, "Slave_Pos", "", "", false,
        false)).build();
  }

  /** The master's last probe (whoever ran it) failed; its replicas confirm they lost it. */
  static TopologySnapshot deadMaster() {
    Liveness failed = Liveness.never().afterSuccess(NOW.minusSeconds(60), Duration.ofMillis(3))
        .afterFailure(NOW.minusMillis(300),
            new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED, "refused"), false,
            Duration.ofMillis(1));
    Liveness seen = Liveness.never().afterSuccess(NOW.minusMillis(300), Duration.ofMillis(3));
    return TopologyAssembler.assemble(List.of(
            new ObservedInstance(M, server(10111).readOnly(false)
                .replicas(List.of(key(10112), key(10113))).build(), failed),
            new ObservedInstance(key(10112), reconnecting(10112), seen),
            new ObservedInstance(key(10113), reconnecting(10113), seen)),
        java.util.Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
  }

  static TopologyView.AnalysisResult analysed(DetectionQuorum.OwnProbes own) {
    TopologySnapshot s = deadMaster();
    List<ReplicationAnalysis> analyses = Analyzer.analyze(s, AnalysisContext.of(NOW));
    assertTrue(analyses.stream().anyMatch(a -> a.analysis() == AnalysisCode.DeadMaster
        && a.analyzedInstanceKey().equals(M)), "the picture says DeadMaster: " + analyses);
    return new TopologyView.AnalysisResult(s, analyses, NOW, own);
  }

  record Detector(ActorRef<FailureDetector.Command> ref, TestProbe<DetectionLog.Command> log,
      TestProbe<ProbeManager.Command> manager) {}

  static Detector detector() {
    TestProbe<DetectionLog.Command> log = testKit.createTestProbe();
    TestProbe<ProbeManager.Command> manager = testKit.createTestProbe();
    ActorRef<FailureDetector.Command> d = testKit.spawn(FailureDetector.create(
        new FailureDetector.DetectionSettings(Duration.ZERO, Duration.ofMinutes(60),
            Duration.ofMillis(250)),
        log.ref(), (detection, snapshot) -> CompletableFuture.completedFuture(
            new FailureDetector.FailureHooks.Outcome(List.of(), false)),
        Clock.fixed(NOW, ZoneOffset.UTC), () -> true));
    d.tell(new FailureDetector.ProbeWith(manager.ref()));
    return new Detector(d, log, manager);
  }

  @Test
  void aFailureOnlyAnotherNodeSawIsProbedHereAndNotRegistered() {
    Detector d = detector();
    d.ref().tell(new FailureDetector.Analyzed(analysed(new DetectionQuorum.OwnProbes(true,
        Map.of()))));
    List<ProbeManager.ProbeSoon> confirming = confirmingProbes(d.manager());
    assertEquals(1, confirming.size(), confirming.toString());
    assertEquals(M, confirming.get(0).key());
    assertTrue(confirming.get(0).reason().contains("DeadMaster"), confirming.get(0).reason());
    d.log().expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void onceItsOwnProbeFailedTooTheDetectionIsRegistered() {
    Detector d = detector();
    d.ref().tell(new FailureDetector.Analyzed(analysed(new DetectionQuorum.OwnProbes(true,
        Map.of(M, NOW.minusMillis(100))))));
    DetectionLog.Register r = d.log().expectMessageClass(DetectionLog.Register.class);
    assertEquals(M, r.candidate().key());
    assertEquals("DeadMaster", r.candidate().analysisCode());
    assertEquals(List.of(), confirmingProbes(d.manager()));
  }

  @Test
  void withoutSharedProbingEveryFailureIsOwnAndRegisteredAtOnce() {
    Detector d = detector();
    d.ref().tell(new FailureDetector.Analyzed(analysed(DetectionQuorum.OwnProbes.ALL)));
    DetectionLog.Register r = d.log().expectMessageClass(DetectionLog.Register.class);
    assertEquals(M, r.candidate().key());
    assertEquals(List.of(), confirmingProbes(d.manager()));
  }

  /**
   * The emergent probes asked to confirm a failure, of all the manager was told until it was
   * told nothing for 300 ms (the usual emergent probes of the analyses come too).
   */
  static List<ProbeManager.ProbeSoon> confirmingProbes(TestProbe<ProbeManager.Command> manager) {
    List<ProbeManager.ProbeSoon> out = new java.util.ArrayList<>();
    while (true) {
      ProbeManager.Command c;
      try {
        c = manager.receiveMessage(Duration.ofMillis(300));
      } catch (AssertionError timeout) {
        return out;
      }
      if (c instanceof ProbeManager.ProbeSoon p && p.reason().startsWith("confirm")) {
        out.add(p);
      }
    }
  }
}
