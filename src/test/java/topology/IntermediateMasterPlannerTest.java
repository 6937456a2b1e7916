package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.key;
import static topology.Fleet.mariaDb;
import static topology.Fleet.mysql;
import static topology.Fleet.snapshot;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import topology.IntermediateMasterPlan.Strategy;

class IntermediateMasterPlannerTest {

  static final RecoverySettings S = RecoverySettings.DEFAULTS;
  static final InstanceKey IM = key(10112);

  /** The master 10111 (dc1), alive. */
  static Fleet.Server master() {
    return mariaDb(10111).writable().gtid("0-10111-60").at("dc1", "r1");
  }

  /** The dead intermediate master 10112 (dc1), which had executed 0-10111-57. */
  static Fleet.Server deadIm() {
    return mariaDb(10112).replicaOf(10111).gtid("0-10111-57").at("dc1", "r1").unreachable();
  }

  static Fleet.Server sibling(int port, String dc) {
    return mariaDb(port).replicaOf(10111).gtid("0-10111-58").at(dc, "r1");
  }

  static Fleet.Server below(int port, String position) {
    return mariaDb(port).replicaOf(10112).gtid(position).at("dc1", "r1");
  }

  static Planned<IntermediateMasterPlan> recover(Fleet.Server... servers) {
    return IntermediateMasterPlanner.recoverDeadIntermediateMaster(snapshot(servers), IM, S);
  }

  record Case(String name, Supplier<Planned<IntermediateMasterPlan>> plan, String refusal,
      Strategy strategy, int successor, int sibling, int leader, Map<Integer, Integer> masters,
      List<Integer> unmoved) {

    static Case plans(String name, Supplier<Planned<IntermediateMasterPlan>> plan,
        Strategy strategy, int successor, int sibling, int leader, Map<Integer, Integer> masters,
        List<Integer> unmoved) {
      return new Case(name, plan, null, strategy, successor, sibling, leader, masters, unmoved);
    }

    static Case refuses(String name, Supplier<Planned<IntermediateMasterPlan>> plan,
        String refusal) {
      return new Case(name, plan, refusal, null, 0, 0, 0, Map.of(), List.of());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        Case.plans("a sibling in the same DC takes all the replicas (plan A)",
            () -> recover(master(), deadIm(), sibling(10113, "dc1"),
                below(10114, "0-10111-57"), below(10115, "0-10111-56")),
            Strategy.SIBLING_SAME_DC, 10113, 10113, 0, Map.of(10114, 10113, 10115, 10113),
            List.of()),
        Case.plans("a registered candidate sibling is preferred",
            () -> recover(master(), deadIm(), sibling(10113, "dc1"),
                sibling(10116, "dc1").rule("prefer"), below(10114, "0-10111-57")),
            Strategy.SIBLING_SAME_DC, 10116, 10116, 0, Map.of(10114, 10116), List.of()),
        Case.plans("a registered candidate in another DC beats a plain same-DC sibling",
            () -> recover(master(), deadIm(), sibling(10113, "dc1"),
                sibling(10116, "dc2").rule("prefer"), below(10114, "0-10111-57"),
                below(10115, "0-10111-56")),
            Strategy.REGROUP_THEN_SIBLING, 10116, 10116, 10114,
            Map.of(10114, 10116, 10115, 10114), List.of()),
        Case.plans("a sibling with more replicas first",
            () -> recover(master(), deadIm(), sibling(10113, "dc1"), sibling(10116, "dc1"),
                mariaDb(10117).replicaOf(10116).gtid("0-10111-58").at("dc1", "r1"),
                below(10114, "0-10111-57")),
            Strategy.SIBLING_SAME_DC, 10116, 10116, 0, Map.of(10114, 10116), List.of()),
        Case.plans("a sibling in another DC: regroup first, the leader below it (plans B, C)",
            () -> recover(master(), deadIm(), sibling(10113, "dc2"),
                below(10114, "0-10111-56"), below(10115, "0-10111-57")),
            Strategy.REGROUP_THEN_SIBLING, 10113, 10113, 10115,
            Map.of(10115, 10113, 10114, 10115), List.of()),
        Case.plans("no sibling: regroup, the leader below the IM's master (plans B, D)",
            () -> recover(master(), deadIm(), below(10114, "0-10111-57"),
                below(10115, "0-10111-56")),
            Strategy.REGROUP_THEN_MASTER, 10114, 0, 10114, Map.of(10114, 10111, 10115, 10114),
            List.of()),
        Case.plans("one replica, no sibling: below the IM's master (plan D)",
            () -> recover(master(), deadIm(), below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_MASTER, 10111, 0, 0, Map.of(10114, 10111), List.of()),
        Case.plans("one replica, a sibling in another DC (plan C)",
            () -> recover(master(), deadIm(), sibling(10113, "dc2"),
                below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_SIBLING, 10113, 10113, 0, Map.of(10114, 10113), List.of()),
        Case.plans("a sibling behind the IM is no candidate",
            () -> recover(master(), deadIm(), sibling(10113, "dc1").gtid("0-10111-50"),
                below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_MASTER, 10111, 0, 0, Map.of(10114, 10111), List.of()),
        Case.plans("a sibling that is not replicating is no candidate",
            () -> recover(master(), deadIm(), sibling(10113, "dc1").stopped(),
                below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_MASTER, 10111, 0, 0, Map.of(10114, 10111), List.of()),
        Case.plans("a must_not sibling is no candidate",
            () -> recover(master(), deadIm(), sibling(10113, "dc1").rule("must_not"),
                below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_MASTER, 10111, 0, 0, Map.of(10114, 10111), List.of()),
        Case.plans("an unreachable replica stays where it is",
            () -> recover(master(), deadIm(), sibling(10113, "dc1"),
                below(10114, "0-10111-57"), below(10115, "0-10111-57").unreachable()),
            Strategy.SIBLING_SAME_DC, 10113, 10113, 0, Map.of(10114, 10113), List.of(10115)),
        Case.plans("a replica that cannot go below the sibling goes to the master",
            () -> recover(master(), deadIm(),
                sibling(10113, "dc2").version("11.4.2-MariaDB-log"),
                below(10114, "0-10111-57")),
            Strategy.RELOCATE_TO_MASTER, 10111, 10113, 0, Map.of(10114, 10111), List.of()),
        Case.refuses("without GTID nothing can leave a dead intermediate master",
            () -> recover(mysql(10111).writable().noGtid(),
                mysql(10112).replicaOf(10111).noGtid().unreachable(),
                mysql(10114).replicaOf(10112).noGtid()),
            "RecoverDeadIntermediateMaster failed to match up any replica from 127.0.0.1:10112:"
                + " 127.0.0.1:10114 (cannot move 127.0.0.1:10114 below 127.0.0.1:10111: no GTID"
                + " on 127.0.0.1:10111 (gtid_mode=OFF); its binlog coordinates refer to the dead"
                + " intermediate master)"),
        Case.refuses("no replicas", () -> recover(master(), deadIm()),
            "RecoverDeadIntermediateMaster: no replicas found for 127.0.0.1:10112"),
        Case.refuses("a master is no intermediate master",
            () -> IntermediateMasterPlanner.recoverDeadIntermediateMaster(snapshot(master()),
                key(10111), S),
            "RecoverDeadIntermediateMaster: 127.0.0.1:10111 is not a replica"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(Case c) {
    Planned<IntermediateMasterPlan> planned = c.plan().get();
    if (c.refusal() != null) {
      assertFalse(planned.isReady());
      assertEquals(c.refusal(), planned.reason());
      return;
    }
    assertTrue(planned.isReady(), planned::reason);
    IntermediateMasterPlan p = planned.plan();
    String why = p.relocation().describe() + "\n" + String.join("\n", p.audit());
    assertEquals(c.strategy(), p.strategy(), why);
    assertEquals(key(c.successor()), p.successor(), why);
    assertEquals(c.sibling() == 0 ? InstanceKey.NONE : key(c.sibling()), p.candidateSibling(),
        why);
    assertEquals(c.leader() == 0 ? InstanceKey.NONE : key(c.leader()), p.regroupLeader(), why);
    Map<InstanceKey, InstanceKey> masters = new TreeMap<>();
    c.masters().forEach((r, m) -> masters.put(key(r), key(m)));
    assertEquals(masters, p.relocation().expectedMasters(), why);
    assertEquals(c.unmoved().stream().map(Fixtures::key).toList(),
        p.unmoved().stream().map(PromotionPlan.LostReplica::key).toList(), why);
    assertEquals(RecoveryType.IntermediateMasterRecovery, p.type());
    assertEquals(key(c.successor()), p.relocation().target());
  }

  @Test
  void regroupMovesTheLeaderFirstThenTheOthersInParallel() {
    IntermediateMasterPlan p = recover(master(), deadIm(), sibling(10113, "dc2"),
        below(10114, "0-10111-57"), below(10115, "0-10111-56")).orElseThrow();
    RefactoringPlan r = p.relocation();
    SlavePos pos = new SlavePos();
    assertEquals(List.of(pos.stop(10114), pos.await(10113, 10114), pos.cm(10114, 10113),
        pos.start(10114)), r.prepare());
    assertEquals(List.of(new MovePlan.MariaDbGtid(key(10115), key(10114), false, List.of(
        pos.stop(10115), pos.await(10114, 10115), pos.cm(10115, 10114), pos.start(10115)))),
        r.moves());
    assertTrue(r.independentMoves());
    assertEquals("recover-dead-intermediate-master", r.operation());
  }

  /** Step builders for MariaDB slave_pos moves. */
  static final class SlavePos {
    PlanStep stop(int p) {
      return new PlanStep.StopReplication(key(p));
    }

    PlanStep start(int p) {
      return new PlanStep.StartReplication(key(p));
    }

    PlanStep await(int p, int ref) {
      return new PlanStep.WaitUntilGtidCaughtUp(key(p), key(ref));
    }

    PlanStep cm(int p, int m) {
      return new PlanStep.ChangeMaster(key(p), key(m), new MasterPositioning.MariaDbGtid(false),
          false, false);
    }
  }
}
