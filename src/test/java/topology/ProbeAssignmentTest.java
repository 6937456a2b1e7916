package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Shared probing's assignment of servers to nodes (rendezvous hash), one named case each. */
class ProbeAssignmentTest {

  static final List<String> THREE = List.of("10.0.0.1:10091", "10.0.0.2:10091", "10.0.0.3:10091");
  static final List<String> FIVE = List.of("10.0.0.1:10091", "10.0.0.2:10091", "10.0.0.3:10091",
      "10.0.0.4:10091", "10.0.0.5:10091");

  /** 10,000 servers as a fleet names them: 127.x.y.z on one port. */
  static List<InstanceKey> fleet() {
    List<InstanceKey> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add(new InstanceKey("127." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff),
          3306));
    }
    return keys;
  }

  static Map<String, Integer> load(List<String> nodes, int k) {
    Map<String, Integer> count = new HashMap<>();
    nodes.forEach(n -> count.put(n, 0));
    for (InstanceKey key : fleet()) {
      ProbeAssignment.observers(key, nodes, k).forEach(n -> count.merge(n, 1, Integer::sum));
    }
    return count;
  }

  static Stream<Arguments> cases() {
    return Stream.<Arguments>of(
        Arguments.of("stable: the same answer every time, whatever the order of the nodes",
            (Consumer<List<InstanceKey>>) keys -> {
              for (InstanceKey key : keys) {
                List<String> once = ProbeAssignment.observers(key, THREE, 1);
                assertEquals(once, ProbeAssignment.observers(key, List.of(THREE.get(2), THREE.get(0), THREE.get(1)), 1), key.toString());
                assertEquals(once, ProbeAssignment.observers(key, List.copyOf(THREE), 1));
              }
            }),
        Arguments.of("balanced over three nodes within 3% of a third",
            (Consumer<List<InstanceKey>>) keys -> load(THREE, 1).forEach((n, c) ->
                assertTrue(Math.abs(c - 10_000 / 3.0) < 10_000 / 3.0 * 0.03, n + " probes " + c))),
        Arguments.of("balanced over five nodes within 5% of a fifth",
            (Consumer<List<InstanceKey>>) keys -> load(FIVE, 1).forEach((n, c) ->
                assertTrue(Math.abs(c - 2_000) < 2_000 * 0.05, n + " probes " + c))),
        Arguments.of("k = 2 over five nodes: each server twice, each node ~2/5",
            (Consumer<List<InstanceKey>>) keys -> {
              Map<String, Integer> l = load(FIVE, 2);
              assertEquals(20_000, l.values().stream().mapToInt(Integer::intValue).sum());
              l.forEach((n, c) -> assertTrue(Math.abs(c - 4_000) < 4_000 * 0.05, n + " " + c));
              for (InstanceKey key : keys.subList(0, 500)) {
                assertEquals(2, ProbeAssignment.observers(key, FIVE, 2).stream().distinct().count());
              }
            }),
        Arguments.of("a node leaves: only its servers move, spread over the others",
            (Consumer<List<InstanceKey>>) keys -> {
              String lost = FIVE.get(2);
              List<String> left = FIVE.stream().filter(n -> !n.equals(lost)).toList();
              Map<String, Integer> gained = new HashMap<>();
              for (InstanceKey key : keys) {
                String before = ProbeAssignment.observers(key, FIVE, 1).get(0);
                String after = ProbeAssignment.observers(key, left, 1).get(0);
                if (!before.equals(lost)) {
                  assertEquals(before, after, key + " moved although " + before + " is alive");
                } else {
                  gained.merge(after, 1, Integer::sum);
                }
              }
              assertEquals(4, gained.size(), "every survivor takes a share: " + gained);
            }),
        Arguments.of("a node leaves with k = 2: servers keep the surviving observer",
            (Consumer<List<InstanceKey>>) keys -> {
              String lost = FIVE.get(0);
              List<String> left = FIVE.subList(1, 5);
              for (InstanceKey key : keys.subList(0, 2_000)) {
                List<String> before = new ArrayList<>(ProbeAssignment.observers(key, FIVE, 2));
                List<String> after = ProbeAssignment.observers(key, left, 2);
                before.remove(lost);
                assertTrue(after.containsAll(before), key + ": " + before + " → " + after);
              }
            }),
        Arguments.of("k larger than the nodes: every node probes every server",
            (Consumer<List<InstanceKey>>) keys -> {
              for (InstanceKey key : keys.subList(0, 100)) {
                assertEquals(3, ProbeAssignment.observers(key, THREE, 5).size());
                assertTrue(ProbeAssignment.assigned(key, THREE.get(1), THREE, 3));
              }
            }),
        Arguments.of("one node: it probes everything",
            (Consumer<List<InstanceKey>>) keys -> {
              for (InstanceKey key : keys.subList(0, 100)) {
                assertEquals(List.of("solo:1"), ProbeAssignment.observers(key, List.of("solo:1"), 1));
              }
            }),
        Arguments.of("duplicate node names count once",
            (Consumer<List<InstanceKey>>) keys -> assertEquals(2, ProbeAssignment.observers(
                keys.get(0), List.of("a:1", "a:1", "b:1"), 3).size())),
        Arguments.of("k below 1 is refused, naming it",
            (Consumer<List<InstanceKey>>) keys -> assertTrue(assertThrows(
                IllegalArgumentException.class, () -> ProbeAssignment.observers(keys.get(0), THREE, 0))
                .getMessage().contains("observers"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assignment(String name, Consumer<List<InstanceKey>> check) {
    check.accept(fleet());
  }
}
