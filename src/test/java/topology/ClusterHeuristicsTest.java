package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static topology.Fixtures.key;
import static topology.Topo.Kind.MARIADB;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** orchestrator's cluster-osc-replicas and heuristic pool picks, one named case per shape. */
class ClusterHeuristicsTest {

  static Instance m(int port) {
    return Topo.master(MARIADB, port);
  }

  static Instance r(int port, int master) {
    return Topo.replica(MARIADB, port, master);
  }

  static Instance lagging(int port, int master, long lag) {
    return Topo.withChannel(r(port, master), c -> Topo.threads(c, c.ioThread(), c.sqlThread(),
        lag, 0));
  }

  record Osc(String name, TopologySnapshot snapshot, List<Integer> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Osc> oscCases() {
    return Stream.of(
        new Osc("two intermediate masters: both, one replica of each, two 3rd tier, two leaves",
            Topo.snapshot(m(100),
                r(101, 100), r(104, 101), r(105, 101), r(106, 101), r(109, 104), r(110, 104),
                r(111, 105),
                r(102, 100), r(107, 102),
                r(103, 100), r(108, 100), r(112, 100)),
            List.of(101, 102, 104, 107, 109, 110, 103, 108)),
        new Osc("one intermediate master: it and its two busiest replicas",
            Topo.snapshot(m(100), r(101, 100), r(104, 101), r(105, 101), r(106, 101),
                r(109, 105), r(103, 100)),
            List.of(101, 105, 104, 109, 103)),
        new Osc("a flat star: two first-tier leaves",
            Topo.snapshot(m(100), r(101, 100), r(102, 100), r(103, 100)),
            List.of(101, 102)),
        new Osc("an unreachable intermediate master is passed over",
            Topo.snapshot(List.of(m(100), r(104, 101), r(103, 100), r(102, 100), r(105, 102)),
                List.of(r(101, 100))),
            List.of(102, 105, 103)),
        new Osc("a master alone: nobody", Topo.snapshot(m(100)), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oscCases")
  void oscReplicas(Osc c) {
    List<Integer> got = ClusterHeuristics.oscReplicas(c.snapshot(), key(100).displayString())
        .stream().map(v -> v.key().port()).toList();
    assertEquals(c.expected(), got);
  }

  @org.junit.jupiter.api.Test
  void poolInstancesAreThePooledReachableServersOfTheCluster() {
    TopologySnapshot s = Topo.snapshot(List.of(m(100), r(101, 100), lagging(102, 100, 7),
        r(103, 100), m(200)), List.of(r(104, 100)));
    Set<InstanceKey> pooled = Set.of(key(103), key(102), key(104), key(200), key(999));
    List<InstanceView> got = ClusterHeuristics.poolInstances(s, key(100).displayString(), pooled);
    assertEquals(List.of(102, 103), got.stream().map(v -> v.key().port()).toList(),
        "104 is unreachable, 200 another cluster, 999 unknown");
    assertEquals(7, ClusterHeuristics.maxLag(got));
    assertEquals("No instances found in GetInstancesMaxLag", assertThrows(
        IllegalArgumentException.class, () -> ClusterHeuristics.maxLag(List.of())).getMessage());
  }
}
