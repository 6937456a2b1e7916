package http;

import static http.Fixtures.connectingReplica;
import static http.Fixtures.labels;
import static http.Fixtures.master;
import static http.Fixtures.reached;
import static http.Fixtures.replica;
import static http.Fixtures.stoppedReplica;
import static http.Fixtures.unreachable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import http.TopologyText.Format;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.Instance;
import topology.ObservedInstance;
import topology.Thresholds;
import topology.TopologySnapshot;

/** orchestrator-api.md §8.2: one named case per scenario. */
class TopologyTextTest {

  /** How a case compares: exactly, or as the CI does (cut -d'|' -f1,2,3 | diff -b). */
  enum Compare { EXACT, CI_CUT_1_3 }

  record Case(String name, List<ObservedInstance> observed, Format format, Compare compare,
      String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<ObservedInstance> allReached(List<Instance> instances) {
    return instances.stream().map(Fixtures::reached).toList();
  }

  static String lines(String... lines) {
    return String.join("\n", lines);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("CI star (tabulated, cut 1-3)", allReached(Fixtures.star()), Format.TABULATED,
            Compare.CI_CUT_1_3, lines(
                "127.0.0.1:10111  |0s|ok",
                "+ 127.0.0.1:10112|0s|ok",
                "+ 127.0.0.1:10113|0s|ok",
                "+ 127.0.0.1:10114|0s|ok")),
        new Case("CI chain (tabulated, cut 1-3)", allReached(Fixtures.chain()), Format.TABULATED,
            Compare.CI_CUT_1_3, lines(
                "127.0.0.1:10111      |0s|ok",
                "+ 127.0.0.1:10112    |0s|ok",
                "  + 127.0.0.1:10113  |0s|ok",
                "    + 127.0.0.1:10114|0s|ok")),
        new Case("CI co-masters (tabulated, cut 1-3)", allReached(Fixtures.coMasters()),
            Format.TABULATED, Compare.CI_CUT_1_3, lines(
                "+ 127.0.0.1:10111  |0s|ok",
                "  + 127.0.0.1:10112|0s|ok",
                "  + 127.0.0.1:10114|0s|ok",
                "+ 127.0.0.1:10113  |0s|ok")),
        new Case("star, tabulated, exact", allReached(Fixtures.star()), Format.TABULATED,
            Compare.EXACT, lines(
                "127.0.0.1:10111  |0s|ok|8.0.36|rw|ROW|>>,GTID",
                "+ 127.0.0.1:10112|0s|ok|8.0.36|ro|ROW|>>,GTID",
                "+ 127.0.0.1:10113|0s|ok|8.0.36|ro|ROW|>>,GTID",
                "+ 127.0.0.1:10114|0s|ok|8.0.36|ro|ROW|>>,GTID")),
        new Case("star, plain, brackets aligned", allReached(Fixtures.star()), Format.PLAIN,
            Compare.EXACT, lines(
                "127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID]",
                "+ 127.0.0.1:10112 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
                "+ 127.0.0.1:10113 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
                "+ 127.0.0.1:10114 [0s,ok,8.0.36,ro,ROW,>>,GTID]")),
        new Case("star, tags (none yet)", allReached(Fixtures.star()), Format.TAGS,
            Compare.EXACT, lines(
                "127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID] []",
                "+ 127.0.0.1:10112 [0s,ok,8.0.36,ro,ROW,>>,GTID] []",
                "+ 127.0.0.1:10113 [0s,ok,8.0.36,ro,ROW,>>,GTID] []",
                "+ 127.0.0.1:10114 [0s,ok,8.0.36,ro,ROW,>>,GTID] []")),
        new Case("co-masters, plain", allReached(Fixtures.coMasters()), Format.PLAIN,
            Compare.EXACT, lines(
                "+ 127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID]",
                "  + 127.0.0.1:10112 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
                "  + 127.0.0.1:10114 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
                "+ 127.0.0.1:10113   [0s,ok,8.0.36,ro,ROW,>>,GTID]")),
        new Case("unreachable master: unknown, invalid; replicas connecting", List.of(
                unreachable(master(10111, 10112, 10113)),
                reached(connectingReplica(10112, 10111)),
                reached(connectingReplica(10113, 10111))), Format.TABULATED, Compare.EXACT,
            lines(
                "127.0.0.1:10111  |unknown|invalid       |8.0.36|rw|ROW|>>,GTID",
                "- 127.0.0.1:10112|   null|nonreplicating|8.0.36|ro|ROW|>>,GTID",
                "- 127.0.0.1:10113|   null|nonreplicating|8.0.36|ro|ROW|>>,GTID")),
        new Case("stopped replica: '-', null, nonreplicating", allReached(List.of(
                master(10111, 10112, 10113), replica(10112, 10111), stoppedReplica(10113, 10111))),
            Format.TABULATED, Compare.EXACT, lines(
                "127.0.0.1:10111  |  0s|ok            |8.0.36|rw|ROW|>>,GTID",
                "+ 127.0.0.1:10112|  0s|ok            |8.0.36|ro|ROW|>>,GTID",
                "- 127.0.0.1:10113|null|nonreplicating|8.0.36|ro|ROW|>>,GTID")),
        new Case("lagging replica: lag right-aligned, status lag", allReached(List.of(
                master(10111, 10112, 10113), replica(10112, 10111, 125L),
                replica(10113, 10111, 3L))),
            Format.TABULATED, Compare.EXACT, lines(
                "127.0.0.1:10111  |  0s|ok |8.0.36|rw|ROW|>>,GTID",
                "+ 127.0.0.1:10112|125s|lag|8.0.36|ro|ROW|>>,GTID",
                "+ 127.0.0.1:10113|  3s|ok |8.0.36|ro|ROW|>>,GTID")),
        new Case("instance alias and nobinlog", allReached(List.of(
                master(10111, 10112).toBuilder().labels(labels("db-a", "", "")).build(),
                replica(10112, 10111).toBuilder().logBinEnabled(false).build())),
            Format.PLAIN, Compare.EXACT, lines(
                "127.0.0.1:10111 (db-a) [0s,ok,8.0.36,rw,ROW,>>,GTID]",
                "+ 127.0.0.1:10112      [0s,ok,8.0.36,ro,nobinlog,GTID]")),
        new Case("empty cluster", List.of(), Format.TABULATED, Compare.EXACT, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void renders(Case c) {
    TopologySnapshot s = Fixtures.snapshot(c.observed());
    String cluster = s.clusters().keySet().stream().findFirst().orElse("");
    String text = TopologyText.render(s.clusterInstances(cluster), c.format(),
        Thresholds.DEFAULTS, k -> List.of());
    assertFalse(text.endsWith("\n"), "no trailing newline");
    if (c.compare() == Compare.EXACT) {
      assertEquals(c.expected(), text);
    } else {
      assertEquals(diffB(c.expected()), diffB(cutFields123(text)));
    }
  }

  @Test
  void tagsAreListedPerInstance() {
    TopologySnapshot s = Fixtures.snapshot(allReached(List.of(master(10111, 10112),
        replica(10112, 10111))));
    String text = TopologyText.render(s.clusterInstances("127.0.0.1:10111"), Format.TAGS,
        Thresholds.DEFAULTS, k -> k.port() == 10112 ? List.of("role=backup", "dc=east") : List.of());
    assertEquals(lines(
        "127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID] []",
        "+ 127.0.0.1:10112 [0s,ok,8.0.36,ro,ROW,>>,GTID] [role=backup,dc=east]"), text);
  }

  /** {@code cut -d'|' -f 1,2,3}. */
  static String cutFields123(String text) {
    return Arrays.stream(text.split("\n", -1))
        .map(l -> Arrays.stream(l.split("\\|", -1)).limit(3).collect(Collectors.joining("|")))
        .collect(Collectors.joining("\n"));
  }

  /** {@code diff -b}: runs of blanks compare equal, trailing blanks are ignored. */
  static String diffB(String text) {
    return Arrays.stream(text.split("\n", -1))
        .map(l -> l.replaceAll("[ \\t]+", " ").replaceAll(" +$", ""))
        .collect(Collectors.joining("\n"));
  }
}
