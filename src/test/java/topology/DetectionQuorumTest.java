package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quorum-agreed detection, one named case per scenario; with shared probing, the confirmation
 * rule (a node counts only failures its own latest probe saw) and the vote it leads to.
 */
class DetectionQuorumTest {

  static final Instant NOW = Instant.parse("2026-11-26T02:00:00Z");
  static final InstanceKey M = new InstanceKey("127.0.0.1", 10111);
  static final InstanceKey OTHER = new InstanceKey("127.0.0.1", 10211);
  static final Duration FRESH = Duration.ofSeconds(3);

  static DetectionQuorum.Opinion sees(String node, long secondsAgo, InstanceKey key,
      RecoveryAction action) {
    return new DetectionQuorum.Opinion(node, NOW.minusSeconds(secondsAgo), Map.of(key, action));
  }

  static Stream<Arguments> cases() {
    var f = RecoveryAction.MASTER_FAILOVER;
    return Stream.of(
        Arguments.of("one node alone decides", 1, List.of(), true, 1),
        Arguments.of("three nodes, nobody else sees it", 3, List.of(), false, 1),
        Arguments.of("three nodes, one other agrees", 3, List.of(sees("b", 1, M, f)), true, 2),
        Arguments.of("an old opinion does not count", 3, List.of(sees("b", 10, M, f)), false, 1),
        Arguments.of("another server's failure does not count", 3,
            List.of(sees("b", 1, OTHER, f)), false, 1),
        Arguments.of("another action does not count", 3,
            List.of(sees("b", 1, M, RecoveryAction.INTERMEDIATE_MASTER_RECOVERY)), false, 1),
        Arguments.of("this node's own opinion is not counted twice", 3,
            List.of(sees("a", 1, M, f)), false, 1),
        Arguments.of("five nodes need three", 5, List.of(sees("b", 1, M, f)), false, 2),
        Arguments.of("five nodes, three agree", 5,
            List.of(sees("b", 1, M, f), sees("c", 2, M, f)), true, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void agreement(String name, int members, List<DetectionQuorum.Opinion> others, boolean agreed,
      int nodes) {
    var a = DetectionQuorum.agree(M, RecoveryAction.MASTER_FAILOVER, "a", others, members, NOW, FRESH);
    assertEquals(agreed, a.agreed(), a.describe(AnalysisCode.DeadMaster, M));
    assertEquals(nodes, a.nodes().size());
    assertEquals("a", a.nodes().get(0));
  }

  // ---- shared probing: independent confirmation -----------------------------------------------

  static final Instance MASTER = Fixtures.master(10111, 10112);

  /** The picture every node shares: the master's last probe (by whoever) failed. */
  static TopologySnapshot pictureWith(ObservedInstance master) {
    return TopologyAssembler.assemble(List.of(master,
            Fixtures.seen(Fixtures.replica(10112, 10111))),
        java.util.Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, Fixtures.NOW);
  }

  static final TopologySnapshot FAILING = pictureWith(Fixtures.unreachable(MASTER));
  static final TopologySnapshot REACHABLE = pictureWith(Fixtures.seen(MASTER));
  static final InstanceKey MK = MASTER.key();

  static DetectionQuorum.OwnProbes own(Map<InstanceKey, Instant> failedAt) {
    return new DetectionQuorum.OwnProbes(true, failedAt);
  }

  static Stream<Arguments> confirmations() {
    Instant failedNow = Fixtures.NOW.minusMillis(400);
    return Stream.of(
        Arguments.of("without shared probing every failure in the picture is this node's own",
            DetectionQuorum.OwnProbes.ALL, FAILING, true),
        Arguments.of("shared: this node's own latest probe failed too", own(Map.of(MK, failedNow)),
            FAILING, true),
        Arguments.of("shared: only another node's probe failed", own(Map.of()), FAILING, false),
        Arguments.of("shared: another server's own failure confirms nothing",
            own(Map.of(Fixtures.key(10112), failedNow)), FAILING, false),
        Arguments.of("shared: an own failure from before the server was last seen is stale",
            own(Map.of(MK, Fixtures.NOW.minusSeconds(120))), FAILING, false),
        Arguments.of("shared: a reachable server has no failure to confirm", own(Map.of()),
            REACHABLE, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("confirmations")
  void confirmation(String name, DetectionQuorum.OwnProbes own, TopologySnapshot picture,
      boolean confirms) {
    assertEquals(confirms, own.confirms(MK, picture));
  }

  static Stream<Arguments> unconfirmedVotes() {
    var f = RecoveryAction.MASTER_FAILOVER;
    return Stream.of(
        Arguments.of("three nodes, this one unconfirmed, one other confirmed", 3,
            List.of(sees("b", 1, M, f)), false, List.of("b")),
        Arguments.of("three nodes, this one unconfirmed, two others confirmed", 3,
            List.of(sees("b", 1, M, f), sees("c", 1, M, f)), true, List.of("b", "c")),
        Arguments.of("two nodes, this one unconfirmed, the other confirmed", 2,
            List.of(sees("b", 1, M, f)), false, List.of("b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unconfirmedVotes")
  void aNodeThatDidNotConfirmDoesNotVote(String name, int members,
      List<DetectionQuorum.Opinion> others, boolean agreed, List<String> nodes) {
    var a = DetectionQuorum.agree(M, RecoveryAction.MASTER_FAILOVER, "a", false, others, members,
        NOW, FRESH);
    assertEquals(agreed, a.agreed(), a.describe(AnalysisCode.DeadMaster, M));
    assertEquals(nodes, a.nodes());
  }

  /**
   * Three nodes share one picture in which the master's failure was observed only by node a
   * (its regular observer): b and c have not probed it themselves. Each node's opinion holds
   * only what it confirms, so the failure has one vote — never a majority — until b or c
   * confirms it with its own probe.
   */
  @org.junit.jupiter.api.Test
  void aSharedFailureObservationAloneNeverMakesAMajority() {
    var f = RecoveryAction.MASTER_FAILOVER;
    Map<String, DetectionQuorum.OwnProbes> nodes = new java.util.LinkedHashMap<>();
    nodes.put("a", own(Map.of(MK, Fixtures.NOW.minusMillis(400))));
    nodes.put("b", own(Map.of()));
    nodes.put("c", own(Map.of()));
    for (String leader : nodes.keySet()) {
      List<DetectionQuorum.Opinion> others = nodes.entrySet().stream()
          .filter(e -> !e.getKey().equals(leader) && e.getValue().confirms(MK, FAILING))
          .map(e -> new DetectionQuorum.Opinion(e.getKey(), NOW, Map.of(MK, f))).toList();
      var a = DetectionQuorum.agree(MK, f, leader, nodes.get(leader).confirms(MK, FAILING),
          others, 3, NOW, FRESH);
      assertFalse(a.agreed(), leader + " leading: " + a.describe(AnalysisCode.DeadMaster, MK));
    }
    // b's emergent probe fails too: two own confirmations make the majority
    nodes.put("b", own(Map.of(MK, Fixtures.NOW.minusMillis(100))));
    List<DetectionQuorum.Opinion> others = List.of(new DetectionQuorum.Opinion("b", NOW,
        Map.of(MK, f)));
    var a = DetectionQuorum.agree(MK, f, "c", nodes.get("c").confirms(MK, FAILING), others, 3,
        NOW, FRESH);
    assertFalse(a.agreed(), "c leading, b confirmed: " + a.describe(AnalysisCode.DeadMaster, MK));
    a = DetectionQuorum.agree(MK, f, "a", nodes.get("a").confirms(MK, FAILING), others, 3, NOW,
        FRESH);
    assertEquals(List.of("a", "b"), a.nodes());
    assertEquals(true, a.agreed(), a.describe(AnalysisCode.DeadMaster, MK));
  }
}
