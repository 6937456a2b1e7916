package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Quorum-agreed detection, one named case per scenario. */
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
}
