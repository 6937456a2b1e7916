package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.NOW;
import static topology.Fixtures.key;
import static topology.Fixtures.master;
import static topology.Fixtures.replica;
import static topology.Fixtures.seen;
import static topology.Fixtures.unreachable;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TopologyAssemblerTest {

  /** expected: port -> "clusterPort/depth[/co]" */
  record Case(String name, List<ObservedInstance> observed, Set<String> previousNames,
      Map<Integer, String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("star: one master, three replicas",
            List.of(seen(master(1, 2, 3, 4)), seen(replica(2, 1)), seen(replica(3, 1)), seen(replica(4, 1))),
            Set.of(), Map.of(1, "1/0", 2, "1/1", 3, "1/1", 4, "1/1")),
        new Case("chain: master -> intermediate -> replica -> replica",
            List.of(seen(master(1, 2)), seen(replica(2, 1, 3)), seen(replica(3, 2, 4)), seen(replica(4, 3))),
            Set.of(), Map.of(1, "1/0", 2, "1/1", 3, "1/2", 4, "1/3")),
        new Case("intermediate master with two replicas",
            List.of(seen(master(1, 2)), seen(replica(2, 1, 3, 4)), seen(replica(3, 2)), seen(replica(4, 2))),
            Set.of(), Map.of(1, "1/0", 2, "1/1", 3, "1/2", 4, "1/2")),
        new Case("replica whose master was never reached names its own cluster",
            List.of(seen(replica(2, 1))), Set.of(), Map.of(2, "2/0")),
        new Case("unreachable master still heads its cluster",
            List.of(unreachable(master(1, 2)), seen(replica(2, 1))),
            Set.of(), Map.of(1, "1/0", 2, "1/1")),
        new Case("co-masters without history: smaller key names the cluster",
            List.of(seen(replica(1, 3, 2)), seen(replica(3, 1)), seen(replica(2, 1))),
            Set.of(), Map.of(1, "1/0/co", 3, "1/1/co", 2, "1/1")),
        new Case("co-masters: the member that named the cluster before keeps naming it",
            List.of(seen(replica(1, 3, 2)), seen(replica(3, 1)), seen(replica(2, 1))),
            Set.of("127.0.0.1:3"), Map.of(3, "3/0/co", 1, "3/1/co", 2, "3/2")),
        new Case("ring of three: no co-masters, anchor at depth 0",
            List.of(seen(replica(1, 3)), seen(replica(2, 1)), seen(replica(3, 2))),
            Set.of(), Map.of(1, "1/0", 2, "1/1", 3, "1/2")),
        new Case("two separate clusters",
            List.of(seen(master(1, 2)), seen(replica(2, 1)), seen(master(5, 6)), seen(replica(6, 5))),
            Set.of(), Map.of(1, "1/0", 2, "1/1", 5, "5/0", 6, "5/1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void placesEveryServer(Case c) {
    TopologySnapshot s = TopologyAssembler.assemble(c.observed(), c.previousNames(),
        AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    c.expected().forEach((port, want) -> {
      InstanceView v = s.instance(key(port)).orElseThrow();
      String got = v.clusterName().substring(v.clusterName().lastIndexOf(':') + 1) + "/"
          + v.replicationDepth() + (v.coMaster() ? "/co" : "");
      assertEquals(want, got, "placement of port " + port);
    });
    assertEquals(c.expected().size(), s.instances().size());
  }

  @Test
  void aliasFromReachableWritableServerWinsAndIsUnique() {
    Instance m1 = master(1, 2).toBuilder()
        .labels(new InstanceLabels("", "ci", "ci.local", "", "", "", "", 0, null)).build();
    Instance r2 = replica(2, 1).toBuilder()
        .labels(new InstanceLabels("", "stale", "", "", "", "", "", 0, null)).build();
    Instance m5 = master(5).toBuilder()
        .labels(new InstanceLabels("", "ci", "", "", "", "", "", 0, null)).readOnly(true).build();
    TopologySnapshot s = TopologyAssembler.assemble(List.of(seen(m1), seen(r2), seen(m5)),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    assertEquals("ci", s.clusters().get("127.0.0.1:1").alias());
    assertEquals("ci.local", s.clusters().get("127.0.0.1:1").domain());
    // the read-only master's cluster may not take the alias: it falls back to its name
    assertEquals("127.0.0.1:5", s.clusters().get("127.0.0.1:5").alias());
    assertEquals("127.0.0.1:1", s.resolveClusterHint("ci", 3306).orElseThrow());
  }

  @Test
  void clusterNameToAliasPatternAppliesWhenNoServerSuggests() {
    AliasRules rules = new AliasRules(
        List.of(new AliasRules.NamePattern(Pattern.compile(":1$"), "main")), Map.of());
    TopologySnapshot s = TopologyAssembler.assemble(List.of(seen(master(1, 2)), seen(replica(2, 1))),
        Set.of(), rules, Thresholds.DEFAULTS, NOW);
    assertEquals("main", s.clusters().get("127.0.0.1:1").alias());
  }

  @Test
  void lookupsFollowOrchestratorOrders() {
    TopologySnapshot s = TopologyAssembler.assemble(List.of(seen(master(1, 2, 3)),
        seen(replica(3, 1)), seen(replica(2, 1, 4)), seen(replica(4, 2))),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    assertEquals(List.of(key(1), key(2), key(3), key(4)),
        s.allInstances().stream().map(InstanceView::key).toList(), "depth, then replica count");
    assertEquals(List.of(key(2), key(3)), s.replicasOf(key(1)).stream().map(InstanceView::key).toList());
    assertEquals(key(1), s.master("127.0.0.1:1").orElseThrow().key());
    assertEquals(List.of(key(1)), s.masters().stream().map(InstanceView::key).toList());
    assertEquals("127.0.0.1:1", s.resolveClusterHint("127.0.0.1:4", 3306).orElseThrow());
    assertTrue(s.resolveClusterHint("", 3306).isEmpty());
    assertTrue(s.resolveClusterHint("nosuch", 3306).isEmpty());
    assertEquals(List.of(key(4)), s.search("4").stream().map(InstanceView::key).toList());
  }

  @Test
  void aFuzzyClusterHintNeedsTheExactPortAndNeverMatchesAnIpAddress() {
    Instance m = Instance.builder(new InstanceKey("db-main-1.example.com", 3306)).serverId(1)
        .version("10.11.19-MariaDB-0+deb12u1-log").flavor(Flavor.MARIADB).readOnly(false).build();
    TopologySnapshot s = TopologyAssembler.assemble(List.of(seen(master(1, 2)), seen(replica(2, 1)),
        seen(m)), Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    assertEquals("db-main-1.example.com:3306", s.resolveClusterHint("main-1", 3306).orElseThrow(),
        "host name contains the hint, default port");
    assertEquals("db-main-1.example.com:3306",
        s.resolveClusterHint("MAIN-1.example:3306", 3306).orElseThrow());
    assertTrue(s.resolveClusterHint("main-1:3307", 3306).isEmpty(), "another port");
    // a mistyped port must not name the 127.0.0.1 cluster (a forced failover would follow)
    assertTrue(s.resolveClusterHint("127.0.0.1:3306", 3306).isEmpty());
    assertTrue(s.resolveClusterHint("127.0.0", 3306).isEmpty(), "a part of the host, another port");
    assertTrue(s.resolveClusterHint("127.0.0.1", 3306).isEmpty());
    assertEquals("127.0.0.1:1", s.resolveClusterHint("127.0.0.1", 2).orElseThrow(),
        "an exact key with the default port");
  }

  @Test
  void livenessJudgements() {
    TopologySnapshot s = TopologyAssembler.assemble(
        List.of(unreachable(master(1, 2)), seen(replica(2, 1))),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    InstanceView m = s.instance(key(1)).orElseThrow();
    assertFalse(m.lastCheckValid());
    assertTrue(m.recentlyChecked());
    assertEquals(List.of("last_check_invalid"), m.problems());
    assertEquals(60L, m.secondsSinceLastSeen());
    InstanceView r = s.instance(key(2)).orElseThrow();
    assertTrue(r.lastCheckValid());
    assertTrue(r.healthyReplica());
    assertEquals(List.of(), r.problems());
    // a check older than poll + reasonable check is no longer valid
    TopologySnapshot later = TopologyAssembler.assemble(List.of(seen(replica(2, 1))),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW.plusSeconds(7));
    assertFalse(later.instance(key(2)).orElseThrow().lastCheckValid());
  }

  @Test
  void neverReachedServersArePendingNotListed() {
    ObservedInstance pending = new ObservedInstance(key(9), null, Liveness.never().afterFailure(NOW,
        new ProbeFailure(ProbeFailure.Reason.UNKNOWN_HOST, "unknown host"), false, java.time.Duration.ZERO));
    TopologySnapshot s = TopologyAssembler.assemble(List.of(pending, seen(master(1))),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    assertEquals(Set.of(key(1)), s.instances().keySet());
    assertEquals(Set.of(key(9)), s.pending().keySet());
  }
}
