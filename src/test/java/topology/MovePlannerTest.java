package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.key;
import static topology.Topo.Kind.MARIADB;
import static topology.Topo.Kind.MYSQL_FILE;
import static topology.Topo.Kind.MYSQL_GTID;
import static topology.Topo.master;
import static topology.Topo.replica;
import static topology.Topo.snapshot;
import static topology.Topo.with;
import static topology.Topo.withChannel;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MovePlannerTest {

  static final MoveSettings S = MoveSettings.DEFAULTS;
  static final MasterPositioning AUTO = MasterPositioning.AUTO_POSITION;
  static final MasterPositioning SLAVE_POS = new MasterPositioning.MariaDbGtid(false);

  static InstanceKey k(int port) {
    return key(port);
  }

  static PlanStep stop(int p) {
    return new PlanStep.StopReplication(k(p));
  }

  static PlanStep start(int p) {
    return new PlanStep.StartReplication(k(p));
  }

  static PlanStep cm(int p, int master, MasterPositioning pos) {
    return new PlanStep.ChangeMaster(k(p), k(master), pos, false, false);
  }

  static PlanStep cmWithCredentials(int p, int master, MasterPositioning pos) {
    return new PlanStep.ChangeMaster(k(p), k(master), pos, true, false);
  }

  static PlanStep await(int p, int reference) {
    return new PlanStep.WaitUntilGtidCaughtUp(k(p), k(reference));
  }

  static CoordinatesOf selfOf(int p) {
    return new CoordinatesOf(k(p), CoordinatesOf.Which.SELF, Topo.self(p));
  }

  static CoordinatesOf execOf(int p, int master) {
    return new CoordinatesOf(k(p), CoordinatesOf.Which.EXEC, Topo.exec(p, master));
  }

  static MasterPositioning file(CoordinatesOf c) {
    return new MasterPositioning.BinlogFile(c);
  }

  // ==== method choice ============================================================================

  /** One move: the plan expected, or the refusal's reason. */
  record Method(String name, Supplier<Planned<MovePlan>> plan, MovePlan expected,
      String reason) {
    static Method plans(String name, Supplier<Planned<MovePlan>> plan, MovePlan expected) {
      return new Method(name, plan, expected, "");
    }

    static Method refuses(String name, Supplier<Planned<MovePlan>> plan, String reason) {
      return new Method(name, plan, null, reason);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Planned<MovePlan> plan(TopologySnapshot s, int x, int y, MoveConstraint c) {
    return MovePlanner.plan(s, k(x), k(y), c, S);
  }

  static Stream<Method> methods() {
    TopologySnapshot starMaria = Topo.star(MARIADB);
    TopologySnapshot starGtid = Topo.star(MYSQL_GTID);
    TopologySnapshot starFile = Topo.star(MYSQL_FILE);
    TopologySnapshot chainFile = Topo.chain(MYSQL_FILE);
    TopologySnapshot chainMaria = Topo.chain(MARIADB);
    TopologySnapshot coFile = Topo.coMasters(MYSQL_FILE);
    MoveConstraint any = MoveConstraint.ANY;
    return Stream.of(
        Method.plans("MariaDB siblings: GTID with slave_pos, the target waited for",
            () -> plan(starMaria, 10112, 10113, any),
            new MovePlan.MariaDbGtid(k(10112), k(10113), false, List.of(stop(10112),
                await(10113, 10112), cm(10112, 10113, SLAVE_POS), start(10112)))),
        Method.plans("MariaDB with current_pos when asked for",
            () -> MovePlanner.plan(starMaria, k(10112), k(10113), any,
                S.withMariaDbCurrentPos(true)),
            new MovePlan.MariaDbGtid(k(10112), k(10113), true, List.of(stop(10112),
                await(10113, 10112), cm(10112, 10113, new MasterPositioning.MariaDbGtid(true)),
                start(10112)))),
        Method.plans("MariaDB cousins: GTID moves what coordinates cannot",
            () -> plan(chainMaria, 10113, 10114, any),
            new MovePlan.MariaDbGtid(k(10113), k(10114), false, List.of(stop(10113),
                await(10114, 10113), cm(10113, 10114, SLAVE_POS), start(10113)))),
        Method.plans("MySQL GTID: auto-position, only the replica stopped",
            () -> plan(starGtid, 10112, 10113, any),
            new MovePlan.MySqlGtid(k(10112), k(10113), List.of(stop(10112),
                cm(10112, 10113, AUTO), start(10112)))),
        Method.plans("MySQL gtid_mode=ON without auto-position yet: switched to it",
            () -> plan(snapshot(master(MYSQL_GTID, 10111), replica(MYSQL_GTID, 10112, 10111),
                withChannel(replica(MYSQL_GTID, 10113, 10111), c -> Topo.masterHost(
                    new ReplicationStatus(c.masterKey(), c.masterUuid(), "repl", c.ioThread(),
                        c.sqlThread(), 0, "", 0, "", 0L, 0, c.readCoordinates(),
                        c.execCoordinates(), c.relayCoordinates(), false, "", "", "", false,
                        false), c.masterKey()))), 10113, 10112, any),
            new MovePlan.MySqlGtid(k(10113), k(10112), List.of(stop(10113),
                cm(10113, 10112, AUTO), start(10113)))),
        Method.plans("move-up by binlog position: catch up to the master, then its exec"
                + " coordinates",
            () -> plan(chainFile, 10113, 10111, any),
            new MovePlan.BinlogPosition(k(10113), k(10111), MovePlan.Kind.MOVE_UP,
                execOf(10112, 10111), List.of(stop(10112), stop(10113),
                    new PlanStep.StartReplicationUntil(k(10113), selfOf(10112)),
                    cm(10113, 10111, file(execOf(10112, 10111))), start(10113),
                    start(10112)))),
        Method.plans("siblings by binlog position: aligned, then the sibling's own position",
            () -> plan(starFile, 10112, 10113, any),
            new MovePlan.BinlogPosition(k(10112), k(10113), MovePlan.Kind.BELOW_SIBLING,
                selfOf(10113), List.of(stop(10112), stop(10113),
                    new PlanStep.AlignSiblings(k(10112), k(10113)),
                    cm(10112, 10113, file(selfOf(10113))), start(10112), start(10113)))),
        Method.plans("same master again by binlog position: its own exec coordinates",
            () -> plan(starFile, 10112, 10111, any),
            new MovePlan.BinlogPosition(k(10112), k(10111), MovePlan.Kind.SAME_MASTER,
                execOf(10112, 10111), List.of(stop(10112),
                    cm(10112, 10111, file(execOf(10112, 10111))), start(10112)))),
        Method.plans("file:pos asked for although GTID is there",
            () -> plan(starMaria, 10112, 10113, MoveConstraint.BINLOG_ONLY),
            new MovePlan.BinlogPosition(k(10112), k(10113), MovePlan.Kind.BELOW_SIBLING,
                selfOf(10113), List.of(stop(10112), stop(10113),
                    new PlanStep.AlignSiblings(k(10112), k(10113)),
                    cm(10112, 10113, file(selfOf(10113))), start(10112), start(10113)))),
        Method.plans("MariaDB below MySQL siblings: no GTID across flavours, coordinates",
            () -> plan(snapshot(master(MYSQL_FILE, 10111), replica(MARIADB, 10112, 10111),
                replica(MYSQL_FILE, 10113, 10111)), 10112, 10113, any),
            new MovePlan.BinlogPosition(k(10112), k(10113), MovePlan.Kind.BELOW_SIBLING,
                selfOf(10113), List.of(stop(10112), stop(10113),
                    new PlanStep.AlignSiblings(k(10112), k(10113)),
                    cm(10112, 10113, file(selfOf(10113))), start(10112), start(10113)))),
        Method.plans("below a writable co-master sibling: by move-up, as orchestrator",
            () -> plan(coFile, 10114, 10111, any),
            new MovePlan.BinlogPosition(k(10114), k(10111), MovePlan.Kind.MOVE_UP,
                execOf(10112, 10111), List.of(stop(10112), stop(10114),
                    new PlanStep.StartReplicationUntil(k(10114), selfOf(10112)),
                    cm(10114, 10111, file(execOf(10112, 10111))), start(10114),
                    start(10112)))),
        Method.plans("a MySQL server without a channel: GTID, with credentials",
            () -> plan(snapshot(master(MYSQL_GTID, 10111), master(MYSQL_GTID, 10115)), 10115,
                10111, any),
            new MovePlan.MySqlGtid(k(10115), k(10111), List.of(
                cmWithCredentials(10115, 10111, AUTO), start(10115)))),
        Method.plans("a MariaDB server without a channel: slave_pos from its binlog first",
            () -> plan(snapshot(master(MARIADB, 10111), master(MARIADB, 10115)), 10115, 10111,
                any),
            new MovePlan.MariaDbGtid(k(10115), k(10111), false, List.of(
                new PlanStep.SetGtidSlavePosFromBinlogPos(k(10115)), await(10111, 10115),
                cmWithCredentials(10115, 10111, SLAVE_POS), start(10115)))),
        Method.plans("a replica whose channel has no user needs credentials",
            () -> plan(snapshot(master(MYSQL_GTID, 10111), replica(MYSQL_GTID, 10112, 10111),
                withChannel(replica(MYSQL_GTID, 10113, 10111), c -> new ReplicationStatus(
                    c.masterKey(), c.masterUuid(), "", c.ioThread(), c.sqlThread(), 0, "", 0,
                    "", 0L, 0, c.readCoordinates(), c.execCoordinates(), c.relayCoordinates(),
                    true, "", "", "", false, false))), 10113, 10112, any),
            new MovePlan.MySqlGtid(k(10113), k(10112), List.of(stop(10113),
                cmWithCredentials(10113, 10112, AUTO), start(10113)))),
        Method.plans("a detached replica below its real master: reattached at its coordinates",
            () -> plan(snapshot(master(MYSQL_FILE, 10111), withChannel(
                replica(MYSQL_FILE, 10112, 10111),
                c -> Topo.masterHost(c, new InstanceKey("//127.0.0.1", 10111)))), 10112, 10111,
                any),
            new MovePlan.BinlogPosition(k(10112), k(10111), MovePlan.Kind.SAME_MASTER,
                execOf(10112, 10111), List.of(stop(10112),
                    cm(10112, 10111, file(execOf(10112, 10111))), start(10112)))),

        // ---- refusals ---------------------------------------------------------------------------
        Method.refuses("neither GTID nor matching coordinates (cousins)",
            () -> plan(chainFile, 10113, 10114, any),
            "cannot move 127.0.0.1:10113 below 127.0.0.1:10114: no GTID on 127.0.0.1:10114"
                + " (gtid_mode=OFF) and their binlog coordinates cannot be matched (not siblings,"
                + " not the master's master)"),
        Method.refuses("GTID only, without GTID",
            () -> plan(starFile, 10112, 10113, MoveConstraint.GTID_ONLY),
            "Instances 127.0.0.1:10112, 127.0.0.1:10113 not GTID compatible or not using GTID:"
                + " no GTID on 127.0.0.1:10113 (gtid_mode=OFF)"),
        Method.refuses("binlog only, cousins",
            () -> plan(chainMaria, 10113, 10114, MoveConstraint.BINLOG_ONLY),
            "cannot move 127.0.0.1:10113 below 127.0.0.1:10114: file:pos asked for and their"
                + " binlog coordinates cannot be matched (not siblings, not the master's"
                + " master)"),
        Method.refuses("siblings by coordinates, but the sibling lags",
            () -> plan(snapshot(master(MYSQL_FILE, 10111), replica(MYSQL_FILE, 10112, 10111),
                withChannel(replica(MYSQL_FILE, 10113, 10111), c -> Topo.threads(c,
                    ThreadState.RUNNING, ThreadState.RUNNING, 300L, 0))), 10112, 10113, any),
            "cannot move 127.0.0.1:10112 below 127.0.0.1:10113: 127.0.0.1:10113: lags too"
                + " much"),
        Method.refuses("move-up by coordinates, but the master does not log what it replicates",
            () -> plan(snapshot(master(MYSQL_FILE, 10111), with(replica(MYSQL_FILE, 10112,
                10111), b -> b.logReplicationUpdatesEnabled(false)),
                replica(MYSQL_FILE, 10113, 10112)), 10113, 10111, any),
            "cannot move 127.0.0.1:10113 below 127.0.0.1:10111: 127.0.0.1:10112 does not log"
                + " what it replicates (log_slave_updates=OFF), so its coordinates cannot be"
                + " matched"),
        Method.refuses("the rules refuse first (no log_bin on the target)",
            () -> plan(snapshot(master(MARIADB, 10111), replica(MARIADB, 10112, 10111),
                with(replica(MARIADB, 10113, 10111), b -> b.logBinEnabled(false))), 10112,
                10113, any),
            "127.0.0.1:10112 cannot replicate from 127.0.0.1:10113: 127.0.0.1:10113 has no"
                + " binary log (log_bin=OFF)"),
        Method.refuses("an unreachable target takes no replicas",
            () -> plan(snapshot(List.of(master(MARIADB, 10111), replica(MARIADB, 10112, 10111)),
                List.of(replica(MARIADB, 10113, 10111))), 10112, 10113, any),
            "127.0.0.1:10112 cannot replicate from 127.0.0.1:10113: 127.0.0.1:10113 is not"
                + " reachable (last check invalid)"),
        Method.refuses("an unreachable replica is not moved",
            () -> plan(snapshot(List.of(master(MARIADB, 10111), replica(MARIADB, 10113, 10111)),
                List.of(replica(MARIADB, 10112, 10111))), 10112, 10113, any),
            "cannot move 127.0.0.1:10112 below 127.0.0.1:10113: 127.0.0.1:10112: last check"
                + " invalid"),
        Method.refuses("onto itself", () -> plan(starMaria, 10112, 10112, any),
            "cannot move 127.0.0.1:10112 below itself"),
        Method.refuses("below its own replica", () -> plan(chainMaria, 10112, 10113, any),
            "cannot move 127.0.0.1:10112 below 127.0.0.1:10113: 127.0.0.1:10113 is a descendant"
                + " of 127.0.0.1:10112 (that would make a cycle; take-master on 127.0.0.1:10113"
                + " swaps them)"),
        Method.refuses("an unknown target", () -> plan(starMaria, 10112, 10119, any),
            "127.0.0.1:10119 is not a known instance"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void methodChoice(Method c) {
    Planned<MovePlan> p = c.plan().get();
    assertEquals(c.reason(), p.reason(), c.name());
    assertEquals(c.expected(), p.plan(), c.name());
  }

  // ==== refactorings =============================================================================

  /**
   * One refactoring: its plan as {@link RefactoringPlan#describe()} text (steps, expected
   * masters, skipped servers), or the refusal's reason.
   */
  record Refactoring(String name, Supplier<Planned<RefactoringPlan>> plan, String expected,
      boolean refused) {
    static Refactoring plans(String name, Supplier<Planned<RefactoringPlan>> plan,
        String... lines) {
      return new Refactoring(name, plan, String.join("\n", lines), false);
    }

    static Refactoring refuses(String name, Supplier<Planned<RefactoringPlan>> plan,
        String reason) {
      return new Refactoring(name, plan, reason, true);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final String K11 = "127.0.0.1:10111";
  static final String K12 = "127.0.0.1:10112";
  static final String K13 = "127.0.0.1:10113";
  static final String K14 = "127.0.0.1:10114";

  static Stream<Refactoring> refactorings() {
    TopologySnapshot starMaria = Topo.star(MARIADB);
    TopologySnapshot starFile = Topo.star(MYSQL_FILE);
    TopologySnapshot chainMaria = Topo.chain(MARIADB);
    TopologySnapshot chainGtid = Topo.chain(MYSQL_GTID);
    TopologySnapshot chainFile = Topo.chain(MYSQL_FILE);
    TopologySnapshot coMaria = Topo.coMasters(MARIADB);
    TopologySnapshot coFile = Topo.coMasters(MYSQL_FILE);
    return Stream.of(
        // ---- relocate ---------------------------------------------------------------------------
        Refactoring.plans("relocate on a star (MariaDB GTID)",
            () -> MovePlanner.relocate(starMaria, k(10112), k(10113), S),
            "relocate " + K12 + " -> " + K13,
            "1. stop replication on " + K12,
            "2. wait until " + K13 + " has executed every GTID of " + K12,
            "3. change master of " + K12 + " to " + K13 + " with MASTER_USE_GTID=slave_pos",
            "4. start replication on " + K12,
            "expect " + K12 + " replicating from " + K13),
        Refactoring.plans("relocate to a read-only co-master sibling by coordinates",
            () -> MovePlanner.relocate(coFile, k(10113), k(10112), S),
            "relocate " + K13 + " -> " + K12,
            "1. stop replication on " + K13,
            "2. stop replication on " + K12,
            "3. bring " + K13 + " and " + K12 + " to the same exec position (the one behind"
                + " catches up)",
            "4. change master of " + K13 + " to " + K12 + " with file:pos at own binlog position"
                + " of " + K12 + " (observed bin-10112.000001:11112)",
            "5. start replication on " + K13,
            "6. start replication on " + K12,
            "expect " + K13 + " replicating from " + K12),
        Refactoring.refuses("relocate below a descendant (chain)",
            () -> MovePlanner.relocate(chainMaria, k(10112), k(10113), S),
            "relocate: " + K13 + " is a descendant of " + K12),
        Refactoring.refuses("relocate too complex without GTID (chain)",
            () -> MovePlanner.relocate(chainFile, k(10113), k(10114), S),
            "cannot move " + K13 + " below " + K14 + ": no GTID on " + K14 + " (gtid_mode=OFF)"
                + " and their binlog coordinates cannot be matched (not siblings, not the"
                + " master's master)"),

        // ---- relocate-replicas ------------------------------------------------------------------
        Refactoring.plans("relocate-replicas of the star master below one of them",
            () -> MovePlanner.relocateReplicas(Topo.star(MYSQL_GTID), k(10111), k(10112), "", S),
            "relocate-replicas " + K11 + " -> " + K12,
            "1. stop replication on " + K13,
            "2. change master of " + K13 + " to " + K12 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K13,
            "4. stop replication on " + K14,
            "5. change master of " + K14 + " to " + K12 + " with MASTER_AUTO_POSITION=1",
            "6. start replication on " + K14,
            "expect " + K13 + " replicating from " + K12,
            "expect " + K14 + " replicating from " + K12),
        Refactoring.plans("relocate-replicas with a pattern",
            () -> MovePlanner.relocateReplicas(Topo.star(MYSQL_GTID), k(10111), k(10112),
                "1011[4]$", S),
            "relocate-replicas " + K11 + " -> " + K12,
            "1. stop replication on " + K14,
            "2. change master of " + K14 + " to " + K12 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K14,
            "expect " + K14 + " replicating from " + K12),
        Refactoring.plans("relocate-replicas: a lagging sibling skipped, the others moved",
            () -> MovePlanner.relocateReplicas(snapshot(master(MYSQL_FILE, 10111),
                replica(MYSQL_FILE, 10112, 10111), replica(MYSQL_FILE, 10113, 10111),
                withChannel(replica(MYSQL_FILE, 10114, 10111), c -> Topo.threads(c,
                    ThreadState.RUNNING, ThreadState.STOPPED, null, 0))), k(10111), k(10112),
                "", S),
            "relocate-replicas " + K11 + " -> " + K12,
            "1. stop replication on " + K13,
            "2. stop replication on " + K12,
            "3. bring " + K13 + " and " + K12 + " to the same exec position (the one behind"
                + " catches up)",
            "4. change master of " + K13 + " to " + K12 + " with file:pos at own binlog position"
                + " of " + K12 + " (observed bin-10112.000001:11112)",
            "5. start replication on " + K13,
            "6. start replication on " + K12,
            "expect " + K13 + " replicating from " + K12,
            "skipped: cannot move " + K14 + " below " + K12 + ": " + K14
                + ": instance is not replicating"),
        Refactoring.refuses("relocate-replicas below a descendant of one of them (chain)",
            () -> MovePlanner.relocateReplicas(chainMaria, k(10111), k(10113), "", S),
            "relocate-replicas: " + K13 + " is a descendant of " + K12),
        Refactoring.refuses("relocate-replicas when none can move (chain, no GTID)",
            () -> MovePlanner.relocateReplicas(chainFile, k(10112), k(10114), "", S),
            "relocate-replicas: none of the 1 replicas of " + K12 + " below " + K14
                + " can be moved: cannot move " + K13 + " below " + K14 + ": no GTID on " + K14
                + " (gtid_mode=OFF) and their binlog coordinates cannot be matched (not"
                + " siblings, not the master's master)"),

        // ---- move-up ----------------------------------------------------------------------------
        Refactoring.plans("move-up on a chain by binlog coordinates",
            () -> MovePlanner.moveUp(chainFile, k(10113), S),
            "move-up " + K13 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. stop replication on " + K13,
            "3. start replication on " + K13 + " until own binlog position of " + K12
                + " (observed bin-10112.000001:11112), wait for it",
            "4. change master of " + K13 + " to " + K11 + " with file:pos at exec position of "
                + K12 + " (observed bin-10111.000001:10612)",
            "5. start replication on " + K13,
            "6. start replication on " + K12,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.plans("move-up on a chain with MySQL GTID",
            () -> MovePlanner.moveUp(chainGtid, k(10113), S),
            "move-up " + K13 + " -> " + K11,
            "1. stop replication on " + K13,
            "2. change master of " + K13 + " to " + K11 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.refuses("move-up of a first-level replica (star)",
            () -> MovePlanner.moveUp(starMaria, k(10112), S),
            "master is not a replica itself: " + K11),
        Refactoring.refuses("move-up of the master",
            () -> MovePlanner.moveUp(starMaria, k(10111), S),
            "instance is not a replica: " + K11),

        // ---- move-up-replicas -------------------------------------------------------------------
        Refactoring.plans("move-up-replicas by coordinates: the middle stopped once",
            () -> MovePlanner.moveUpReplicas(chainFile, k(10112), "", S),
            "move-up-replicas " + K12 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. stop replication on " + K13,
            "3. start replication on " + K13 + " until own binlog position of " + K12
                + " (observed bin-10112.000001:11112), wait for it",
            "4. change master of " + K13 + " to " + K11 + " with file:pos at exec position of "
                + K12 + " (observed bin-10111.000001:10612)",
            "5. start replication on " + K13,
            "6. start replication on " + K12,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.plans("move-up-replicas by MariaDB GTID: nothing else stopped",
            () -> MovePlanner.moveUpReplicas(chainMaria, k(10112), "", S),
            "move-up-replicas " + K12 + " -> " + K11,
            "1. stop replication on " + K13,
            "2. wait until " + K11 + " has executed every GTID of " + K13,
            "3. change master of " + K13 + " to " + K11 + " with MASTER_USE_GTID=slave_pos",
            "4. start replication on " + K13,
            "expect " + K13 + " replicating from " + K11),

        // ---- move-below -------------------------------------------------------------------------
        Refactoring.plans("move-below on a star by coordinates",
            () -> MovePlanner.moveBelow(starFile, k(10114), k(10112), S),
            "move-below " + K14 + " -> " + K12,
            "1. stop replication on " + K14,
            "2. stop replication on " + K12,
            "3. bring " + K14 + " and " + K12 + " to the same exec position (the one behind"
                + " catches up)",
            "4. change master of " + K14 + " to " + K12 + " with file:pos at own binlog position"
                + " of " + K12 + " (observed bin-10112.000001:11112)",
            "5. start replication on " + K14,
            "6. start replication on " + K12,
            "expect " + K14 + " replicating from " + K12),
        Refactoring.refuses("move-below of cousins (chain)",
            () -> MovePlanner.moveBelow(chainMaria, k(10113), k(10114), S),
            "instances are not siblings: " + K13 + ", " + K14),

        // ---- move-below-gtid / move-replicas-gtid -----------------------------------------------
        Refactoring.plans("move-below-gtid between cousins (chain, MySQL GTID)",
            () -> MovePlanner.moveBelowGtid(chainGtid, k(10113), k(10114), S),
            "move-below-gtid " + K13 + " -> " + K14,
            "1. stop replication on " + K13,
            "2. change master of " + K13 + " to " + K14 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K13,
            "expect " + K13 + " replicating from " + K14),
        Refactoring.refuses("move-below-gtid without GTID",
            () -> MovePlanner.moveBelowGtid(starFile, k(10112), k(10113), S),
            "Instances " + K12 + ", " + K13 + " not GTID compatible or not using GTID: no GTID"
                + " on " + K13 + " (gtid_mode=OFF)"),
        Refactoring.plans("move-replicas-gtid of a co-master below the other",
            () -> MovePlanner.moveReplicasGtid(coMaria, k(10112), k(10111), "", S),
            "move-replicas-gtid " + K12 + " -> " + K11,
            "1. stop replication on " + K14,
            "2. wait until " + K11 + " has executed every GTID of " + K14,
            "3. change master of " + K14 + " to " + K11 + " with MASTER_USE_GTID=slave_pos",
            "4. start replication on " + K14,
            "expect " + K14 + " replicating from " + K11),

        // ---- repoint / repoint-replicas ---------------------------------------------------------
        Refactoring.plans("repoint at the same master by its exec coordinates",
            () -> MovePlanner.repoint(starFile, k(10112), null, S),
            "repoint " + K12 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. change master of " + K12 + " to " + K11 + " with file:pos at exec position of "
                + K12 + " (observed bin-10111.000001:10612)",
            "3. start replication on " + K12,
            "expect " + K12 + " replicating from " + K11),
        Refactoring.plans("repoint after a detach, the master unreachable",
            () -> MovePlanner.repoint(snapshot(List.of(withChannel(
                replica(MARIADB, 10112, 10111),
                c -> Topo.masterHost(c, new InstanceKey("//127.0.0.1", 10111)))),
                List.of(master(MARIADB, 10111))), k(10112), null, S),
            "repoint " + K12 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. change master of " + K12 + " to " + K11 + " with MASTER_USE_GTID=slave_pos",
            "3. start replication on " + K12,
            "expect " + K12 + " replicating from " + K11),
        Refactoring.refuses("repoint elsewhere without GTID",
            () -> MovePlanner.repoint(starFile, k(10112), k(10113), S),
            "cannot repoint " + K12 + " to " + K13 + ": no GTID on " + K13 + " (gtid_mode=OFF),"
                + " and its coordinates refer to the binary logs of " + K11),
        Refactoring.refuses("repoint a master at nothing",
            () -> MovePlanner.repoint(starFile, k(10111), null, S),
            "instance is not a replica: " + K11),
        Refactoring.plans("repoint-replicas, a detached one included",
            () -> MovePlanner.repointReplicas(snapshot(master(MYSQL_FILE, 10111),
                replica(MYSQL_FILE, 10112, 10111), withChannel(replica(MYSQL_FILE, 10113,
                    10111), c -> Topo.masterHost(c, new InstanceKey("//127.0.0.1", 10111)))),
                k(10111), "", S),
            "repoint-replicas " + K11 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. change master of " + K12 + " to " + K11 + " with file:pos at exec position of "
                + K12 + " (observed bin-10111.000001:10612)",
            "3. start replication on " + K12,
            "4. stop replication on " + K13,
            "5. change master of " + K13 + " to " + K11 + " with file:pos at exec position of "
                + K13 + " (observed bin-10111.000001:10613)",
            "6. start replication on " + K13,
            "expect " + K12 + " replicating from " + K11,
            "expect " + K13 + " replicating from " + K11),

        // ---- take-siblings ----------------------------------------------------------------------
        Refactoring.plans("take-siblings on a star (MySQL GTID)",
            () -> MovePlanner.takeSiblings(Topo.star(MYSQL_GTID), k(10113), S),
            "take-siblings " + K13 + " -> " + K13,
            "1. stop replication on " + K12,
            "2. change master of " + K12 + " to " + K13 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K12,
            "4. stop replication on " + K14,
            "5. change master of " + K14 + " to " + K13 + " with MASTER_AUTO_POSITION=1",
            "6. start replication on " + K14,
            "expect " + K12 + " replicating from " + K13,
            "expect " + K14 + " replicating from " + K13),
        Refactoring.refuses("take-siblings on the master",
            () -> MovePlanner.takeSiblings(starMaria, k(10111), S),
            "take-siblings: instance " + K11 + " is not a replica."),

        // ---- take-master ------------------------------------------------------------------------
        Refactoring.plans("take-master on a chain by coordinates",
            () -> MovePlanner.takeMaster(chainFile, k(10113), false, S),
            "take-master " + K13 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. stop replication on " + K13,
            "3. start replication on " + K13 + " until own binlog position of " + K12
                + " (observed bin-10112.000001:11112), wait for it",
            "4. change master of " + K13 + " to " + K11 + " with file:pos at exec position of "
                + K12 + " (observed bin-10111.000001:10612)",
            "5. change master of " + K12 + " to " + K13 + " with file:pos at own binlog position"
                + " of " + K13 + " (observed bin-10113.000001:11113)",
            "6. start replication on " + K13,
            "7. start replication on " + K12,
            "expect " + K12 + " replicating from " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.plans("take-master on a chain by MariaDB GTID",
            () -> MovePlanner.takeMaster(chainMaria, k(10113), false, S),
            "take-master " + K13 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. wait until " + K13 + " has executed every GTID of " + K12,
            "3. stop replication on " + K13,
            "4. change master of " + K13 + " to " + K11 + " with MASTER_USE_GTID=slave_pos",
            "5. change master of " + K12 + " to " + K13 + " with MASTER_USE_GTID=slave_pos",
            "6. start replication on " + K13,
            "7. start replication on " + K12,
            "expect " + K12 + " replicating from " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.plans("take-master with a dead grandparent (MySQL GTID)",
            () -> MovePlanner.takeMaster(snapshot(List.of(replica(MYSQL_GTID, 10112, 10111),
                replica(MYSQL_GTID, 10113, 10112)), List.of(master(MYSQL_GTID, 10111))),
                k(10113), false, S),
            "take-master " + K13 + " -> " + K11,
            "1. stop replication on " + K12,
            "2. wait until " + K13 + " has executed every GTID of " + K12,
            "3. stop replication on " + K13,
            "4. change master of " + K13 + " to " + K11 + " with MASTER_AUTO_POSITION=1",
            "5. change master of " + K12 + " to " + K13 + " with MASTER_AUTO_POSITION=1",
            "6. start replication on " + K13,
            "7. start replication on " + K12,
            "expect " + K12 + " replicating from " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.refuses("take-master below the cluster master (star)",
            () -> MovePlanner.takeMaster(starMaria, k(10112), false, S),
            "take-master: master " + K11 + " of " + K12 + " is not a replica itself"
                + " (graceful-master-takeover replaces a cluster master)"),
        Refactoring.refuses("take-master of a co-master",
            () -> MovePlanner.takeMaster(coMaria, k(10113), false, S),
            K11 + " is co-master. Cannot take it."),
        Refactoring.plans("take-master of a co-master when allowed",
            () -> MovePlanner.takeMaster(coMaria, k(10113), true, S),
            "take-master " + K13 + " -> " + K12,
            "1. stop replication on " + K11,
            "2. wait until " + K13 + " has executed every GTID of " + K11,
            "3. stop replication on " + K13,
            "4. change master of " + K13 + " to " + K12 + " with MASTER_USE_GTID=slave_pos",
            "5. change master of " + K11 + " to " + K13 + " with MASTER_USE_GTID=slave_pos",
            "6. start replication on " + K13,
            "7. start replication on " + K11,
            "expect " + K11 + " replicating from " + K13,
            "expect " + K13 + " replicating from " + K12),

        // ---- make-co-master ---------------------------------------------------------------------
        Refactoring.plans("make-co-master on a star (MariaDB): credentials, slave_pos aligned",
            () -> MovePlanner.makeCoMaster(starMaria, k(10112), S),
            "make-co-master " + K12 + " -> " + K11,
            "1. set gtid_slave_pos to gtid_binlog_pos on " + K11,
            "2. wait until " + K12 + " has executed every GTID of " + K11,
            "3. change master of " + K11 + " to " + K12 + " with MASTER_USE_GTID=slave_pos (with"
                + " replication credentials)",
            "4. start replication on " + K11,
            "expect " + K11 + " replicating from " + K12,
            "expect " + K12 + " replicating from " + K11),
        Refactoring.plans("make-co-master on a star (MySQL GTID)",
            () -> MovePlanner.makeCoMaster(Topo.star(MYSQL_GTID), k(10112), S),
            "make-co-master " + K12 + " -> " + K11,
            "1. change master of " + K11 + " to " + K12 + " with MASTER_AUTO_POSITION=1 (with"
                + " replication credentials)",
            "2. start replication on " + K11,
            "expect " + K11 + " replicating from " + K12,
            "expect " + K12 + " replicating from " + K11),
        Refactoring.plans("make-co-master on a star by coordinates",
            () -> MovePlanner.makeCoMaster(starFile, k(10112), S),
            "make-co-master " + K12 + " -> " + K11,
            "1. change master of " + K11 + " to " + K12 + " with file:pos at own binlog position"
                + " of " + K12 + " (observed bin-10112.000001:11112) (with replication"
                + " credentials)",
            "2. start replication on " + K11,
            "expect " + K11 + " replicating from " + K12,
            "expect " + K12 + " replicating from " + K11),
        Refactoring.plans("make-co-master replacing a read-only co-master",
            () -> MovePlanner.makeCoMaster(coMaria, k(10113), S),
            "make-co-master " + K13 + " -> " + K11,
            "1. stop replication on " + K11,
            "2. wait until " + K13 + " has executed every GTID of " + K11,
            "3. change master of " + K11 + " to " + K13 + " with MASTER_USE_GTID=slave_pos",
            "4. start replication on " + K11,
            "expect " + K11 + " replicating from " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.refuses("make-co-master below an intermediate master (chain)",
            () -> MovePlanner.makeCoMaster(chainMaria, k(10113), S),
            K12 + " is not a real master; it replicates from: " + K11),
        Refactoring.refuses("make-co-master of a writable replica",
            () -> MovePlanner.makeCoMaster(snapshot(master(MARIADB, 10111),
                with(replica(MARIADB, 10112, 10111), b -> b.readOnly(false))), k(10112), S),
            "instance " + K12 + " is not read-only; first make it read-only before making it"
                + " co-master"),
        Refactoring.refuses("make-co-master of an existing co-master",
            () -> MovePlanner.makeCoMaster(coMaria, k(10112), S),
            "instance " + K12 + " is already co master of " + K11),
        Refactoring.refuses("make-co-master while a live writable third server is co-master",
            () -> MovePlanner.makeCoMaster(coMaria, k(10114), S),
            "master " + K12 + " is already co-master with " + K11 + ", and " + K11 + " is alive,"
                + " and not read-only; cowardly refusing to demote it. Please set it as read-only"
                + " beforehand"),
        Refactoring.refuses("make-co-master of a stopped replica",
            () -> MovePlanner.makeCoMaster(snapshot(master(MARIADB, 10111),
                withChannel(replica(MARIADB, 10112, 10111), c -> Topo.threads(c,
                    ThreadState.STOPPED, ThreadState.STOPPED, null, 0))), k(10112), S),
            K12 + ": instance is not replicating"),

        // ---- match-up / match-up-replicas -------------------------------------------------------
        Refactoring.plans("match-up by GTID (chain, MariaDB)",
            () -> MovePlanner.matchUp(chainMaria, k(10113), S),
            "match-up " + K13 + " -> " + K11,
            "1. stop replication on " + K13,
            "2. wait until " + K11 + " has executed every GTID of " + K13,
            "3. change master of " + K13 + " to " + K11 + " with MASTER_USE_GTID=slave_pos",
            "4. start replication on " + K13,
            "expect " + K13 + " replicating from " + K11),
        Refactoring.refuses("match-up without GTID: no Pseudo-GTID in orcha",
            () -> MovePlanner.matchUp(chainFile, k(10113), S),
            "cannot match " + K13 + " below " + K11 + ": orcha has no Pseudo-GTID and matches"
                + " by GTID only (no GTID on " + K11 + " (gtid_mode=OFF)); move-up moves by"
                + " binlog coordinates"),
        Refactoring.plans("match-up-replicas by GTID (chain, MySQL)",
            () -> MovePlanner.matchUpReplicas(chainGtid, k(10112), "", S),
            "match-up-replicas " + K12 + " -> " + K11,
            "1. stop replication on " + K13,
            "2. change master of " + K13 + " to " + K11 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K13,
            "expect " + K13 + " replicating from " + K11),

        // ---- regroup-replicas -------------------------------------------------------------------
        Refactoring.plans("regroup-replicas: the most advanced replica takes the others",
            () -> MovePlanner.regroupReplicas(Topo.star(MYSQL_GTID), k(10111), S),
            "regroup-replicas " + K11 + " -> " + K14,
            "1. stop replication on " + K12,
            "2. change master of " + K12 + " to " + K14 + " with MASTER_AUTO_POSITION=1",
            "3. start replication on " + K12,
            "4. stop replication on " + K13,
            "5. change master of " + K13 + " to " + K14 + " with MASTER_AUTO_POSITION=1",
            "6. start replication on " + K13,
            "expect " + K12 + " replicating from " + K14,
            "expect " + K13 + " replicating from " + K14),
        Refactoring.plans("regroup-replicas without GTID: siblings by coordinates, must_not"
                + " never chosen",
            () -> MovePlanner.regroupReplicas(snapshot(master(MYSQL_FILE, 10111),
                replica(MYSQL_FILE, 10112, 10111), replica(MYSQL_FILE, 10113, 10111),
                with(replica(MYSQL_FILE, 10114, 10111), b -> b.labels(new InstanceLabels("", "",
                    "", "", "", "", "must_not", 0, null)))), k(10111), S),
            "regroup-replicas " + K11 + " -> " + K13,
            "1. stop replication on " + K12,
            "2. stop replication on " + K13,
            "3. bring " + K12 + " and " + K13 + " to the same exec position (the one behind"
                + " catches up)",
            "4. change master of " + K12 + " to " + K13 + " with file:pos at own binlog position"
                + " of " + K13 + " (observed bin-10113.000001:11113)",
            "5. start replication on " + K12,
            "6. start replication on " + K13,
            "7. stop replication on " + K14,
            "8. stop replication on " + K13,
            "9. bring " + K14 + " and " + K13 + " to the same exec position (the one behind"
                + " catches up)",
            "10. change master of " + K14 + " to " + K13 + " with file:pos at own binlog"
                + " position of " + K13 + " (observed bin-10113.000001:11113)",
            "11. start replication on " + K14,
            "12. start replication on " + K13,
            "expect " + K12 + " replicating from " + K13,
            "expect " + K14 + " replicating from " + K13),
        Refactoring.refuses("regroup-replicas of a server without replicas",
            () -> MovePlanner.regroupReplicas(chainMaria, k(10113), S),
            "regroup-replicas: no replicas found for " + K13));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refactorings")
  void refactoring(Refactoring c) {
    Planned<RefactoringPlan> p = c.plan().get();
    if (c.refused()) {
      assertFalse(p.isReady(), () -> c.name() + ": " + p.plan().describe());
      assertEquals(c.expected(), p.reason(), c.name());
    } else {
      assertTrue(p.isReady(), () -> c.name() + ": " + p.reason());
      assertEquals(c.expected(), p.plan().describe(), c.name());
    }
  }

  // ==== plan properties ==========================================================================

  @Test
  void locksCoverEveryServerWhoseReplicationChanges() {
    RefactoringPlan moveUp = MovePlanner.moveUp(Topo.chain(MYSQL_FILE), k(10113), S)
        .orElseThrow();
    assertEquals(List.of(k(10112), k(10113)), List.copyOf(moveUp.servers()),
        "the master is stopped too");
    RefactoringPlan gtid = MovePlanner.moveUp(Topo.chain(MYSQL_GTID), k(10113), S).orElseThrow();
    assertEquals(List.of(k(10113)), List.copyOf(gtid.servers()), "only the replica");
    RefactoringPlan coMaster = MovePlanner.makeCoMaster(Topo.star(MARIADB), k(10112), S)
        .orElseThrow();
    assertEquals(List.of(k(10111), k(10112)), List.copyOf(coMaster.servers()), "both sides");
    assertTrue(coMaster.needsCredentials(), "the master has no replication channel");
    assertFalse(gtid.needsCredentials());
    RefactoringPlan takeMaster = MovePlanner.takeMaster(Topo.chain(MYSQL_FILE), k(10113), false,
        S).orElseThrow();
    assertFalse(takeMaster.independentMoves(), "half a swap would make a ring");
    RefactoringPlan relocate = MovePlanner.relocateReplicas(Topo.star(MARIADB), k(10111),
        k(10112), "", S).orElseThrow();
    assertTrue(relocate.independentMoves());
    assertEquals(List.of(k(10113), k(10114)), relocate.movedServers());
  }

  @Test
  void makeCoMasterCopiesSsl() {
    Instance r = withChannel(replica(MYSQL_GTID, 10112, 10111), c -> new ReplicationStatus(
        c.masterKey(), c.masterUuid(), "repl", c.ioThread(), c.sqlThread(), 0, "", 0, "", 0L, 0,
        c.readCoordinates(), c.execCoordinates(), c.relayCoordinates(), true, "", "", "", true,
        false));
    RefactoringPlan p = MovePlanner.makeCoMaster(snapshot(master(MYSQL_GTID, 10111), r),
        k(10112), S).orElseThrow();
    assertEquals(new PlanStep.ChangeMaster(k(10111), k(10112), AUTO, true, true),
        p.steps().get(0));
  }

  @Test
  void regroupTiesAreDeterministic() {
    // equal exec coordinates and no GTID: promotion rule, then host:port
    java.util.function.UnaryOperator<ReplicationStatus> same = c -> new ReplicationStatus(
        c.masterKey(), c.masterUuid(), "repl", c.ioThread(), c.sqlThread(), 0, "", 0, "", 0L, 0,
        Topo.exec(0, 10111), Topo.exec(0, 10111), c.relayCoordinates(), false, "", "", "", false,
        false);
    Instance a = withChannel(replica(MYSQL_FILE, 10113, 10111), same);
    Instance b = withChannel(replica(MYSQL_FILE, 10112, 10111), same);
    Instance c = withChannel(replica(MYSQL_FILE, 10114, 10111), same);
    TopologySnapshot s = snapshot(master(MYSQL_FILE, 10111), a, b, c);
    assertEquals(k(10112), MovePlanner.regroupReplicas(s, k(10111), S).orElseThrow().target());
    Instance preferred = with(c, x -> x.labels(new InstanceLabels("", "", "", "", "", "",
        "prefer", 0, null)));
    TopologySnapshot s2 = snapshot(master(MYSQL_FILE, 10111), a, b, preferred);
    assertEquals(k(10114), MovePlanner.regroupReplicas(s2, k(10111), S).orElseThrow().target());
  }

  @Test
  void regroupPrefersMoreExecutedGtidsAtEqualCoordinates() {
    // same exec coordinates; MariaDB gtid_slave_pos 0-10111-113 beats 0-10111-112
    java.util.function.UnaryOperator<ReplicationStatus> same = c -> new ReplicationStatus(
        c.masterKey(), c.masterUuid(), "repl", c.ioThread(), c.sqlThread(), 0, "", 0, "", 0L, 0,
        Topo.exec(0, 10111), Topo.exec(0, 10111), c.relayCoordinates(), false, "Slave_Pos", "",
        "", false, false);
    TopologySnapshot s = snapshot(master(MARIADB, 10111),
        withChannel(replica(MARIADB, 10112, 10111), same),
        withChannel(replica(MARIADB, 10113, 10111), same));
    assertEquals(k(10113), MovePlanner.regroupReplicas(s, k(10111), S).orElseThrow().target());
  }

  @Test
  void regroupSkipsANewerMajorVersionThanMostSiblings() {
    TopologySnapshot s = snapshot(master(MYSQL_GTID, 10111), replica(MYSQL_GTID, 10112, 10111),
        replica(MYSQL_GTID, 10113, 10111),
        with(replica(MYSQL_GTID, 10114, 10111), b -> b.version("8.4.2")));
    RefactoringPlan p = MovePlanner.regroupReplicas(s, k(10111), S).orElseThrow();
    assertEquals(k(10113), p.target(), "10114 is most advanced but newer than the others");
    assertEquals(List.of(k(10112), k(10114)), p.movedServers());
  }

  @Test
  void regroupOfASingleReplicaMovesNothing() {
    RefactoringPlan p = MovePlanner.regroupReplicas(Topo.chain(MARIADB), k(10112), S)
        .orElseThrow();
    assertEquals(k(10113), p.target());
    assertTrue(p.moves().isEmpty());
  }

  @Test
  void refusalsCarryNoQuotes() {
    methods().forEach(m -> {
      String r = m.plan().get().reason();
      assertFalse(r.contains("\"") || r.contains("\\"), m.name());
    });
    refactorings().filter(Refactoring::refused).forEach(m ->
        assertFalse(m.expected().contains("\"") || m.expected().contains("\\"), m.name()));
  }
}
