package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.ThreeDataCenters;

/**
 * The seed's promise, for real: three data centers as network namespaces, DC1 holding the
 * master, two replicas and orcha node 1 (the leader). DC1 is cut off; the majority (nodes 2
 * and 3) promotes a server outside DC1 and re-points the rest, node 1 changes nothing; then
 * the partition heals: the old master is fenced, reported as FormerMasterReturned, never
 * re-attached, and node 1 rejoins by itself without moving leadership. Ten runs, each passing.
 * Times are printed; bench/results/three-dc.md holds a measured table (ThreeDataCenterBenchmark).
 */
@Tag("sandbox")
class ThreeDataCenterTest {

  static final int RUNS = Integer.getInteger("orcha.threedc.runs", 10);

  @TempDir
  Path tmp;

  @Test
  void isolatingTheMastersDataCenterNeverSplitsTheBrain() throws Exception {
    List<ThreeDataCenters.Run> runs = new ArrayList<>();
    try (ThreeDataCenters dcs = new ThreeDataCenters(tmp)) {
      for (int i = 1; i <= RUNS; i++) {
        ThreeDataCenters.Run r = dcs.run(i);
        System.out.println("three-dc " + r);
        runs.add(r);
        check(r);
      }
    }
    assertEquals(RUNS, runs.size());
  }

  static void check(ThreeDataCenters.Run r) {
    String at = "run " + r.run() + ": " + r;
    assertTrue(Set.of(ThreeDataCenters.S2, ThreeDataCenters.S2B, ThreeDataCenters.S3)
        .contains(r.promoted()), "promoted outside DC1: " + at);
    assertEquals(1, r.recoveries(), "exactly one recovery: " + at);
    assertEquals(1, r.maxWritableOutsideDc1(), "one writable master outside DC1 at most: " + at);
    assertEquals(Set.of(ThreeDataCenters.M, r.promoted()), r.everWritable(),
        "no server but the old and the new master was ever writable: " + at);
    assertEquals("FormerMasterReturned", r.oldMasterAnalysis(), at);
    String live = r.clustersWithTheAlias().isEmpty() ? "" : r.clustersWithTheAlias().get(0)
        .replaceFirst("^node 1: ", "");
    assertEquals(List.of("node 1: " + live, "node 2: " + live, "node 3: " + live),
        r.clustersWithTheAlias(), "one cluster has the alias, the same on every node: " + at);
    assertTrue(live.endsWith(":" + r.promoted()), "the alias is the new master's cluster's: " + at);
    assertEquals(Set.of(r.leaderBefore()), r.leadersSeenDuringHeal(),
        "the heal neither moved nor interrupted leadership: " + at);
  }
}
