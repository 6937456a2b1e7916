package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.key;
import static topology.Fleet.mariaDb;
import static topology.Fleet.mysql;
import static topology.Fleet.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import topology.PromotionPlan.LostReplica.Why;

class PromotionPlannerTest {

  static final RecoverySettings S = RecoverySettings.DEFAULTS;
  static final InstanceKey M = key(10111);
  static final MasterPositioning SLAVE_POS = new MasterPositioning.MariaDbGtid(false);

  static RecoverySettings with(UnaryOperator<RecoverySettings.Builder> change) {
    return change.apply(S.toBuilder()).build();
  }

  /** The dead master 10111 in dc1 / r1. */
  static Fleet.Server deadMaster() {
    return mariaDb(10111).writable().gtid("0-10111-60").at("dc1", "r1").unreachable();
  }

  /** A MariaDB replica of 10111 in dc1 / r1 that received and executed {@code position}. */
  static Fleet.Server rep(int port, String position) {
    return mariaDb(port).replicaOf(10111).gtid(position).at("dc1", "r1");
  }

  static Planned<PromotionPlan> recover(TopologySnapshot s, RecoverySettings settings) {
    return PromotionPlanner.recoverDeadMaster(s, M, null, settings);
  }

  static Planned<PromotionPlan> recover(Fleet.Server... servers) {
    return recover(snapshot(servers), S);
  }

  // ==== the table ================================================================================

  /**
   * One planning case: the plan expected (promoted server, catch-up source, successor, failed
   * check, lost replicas with why) or the refusal's exact text; {@code extra} checks more.
   */
  record Case(String name, Supplier<Planned<PromotionPlan>> plan, String refusal, int promoted,
      int source, String checkFailure, Map<Integer, Why> lost, Consumer<PromotionPlan> extra) {

    static Case promotes(String name, Supplier<Planned<PromotionPlan>> plan, int promoted) {
      return new Case(name, plan, null, promoted, 0, "", Map.of(), p -> { });
    }

    static Case refuses(String name, Supplier<Planned<PromotionPlan>> plan, String refusal) {
      return new Case(name, plan, refusal, 0, 0, "", Map.of(), p -> { });
    }

    Case from(int sourcePort) {
      return new Case(name, plan, refusal, promoted, sourcePort, checkFailure, lost, extra);
    }

    Case failsCheck(String text) {
      return new Case(name, plan, refusal, promoted, source, text, lost, extra);
    }

    Case losing(int port, Why why) {
      Map<Integer, Why> all = new TreeMap<>(lost);
      all.put(port, why);
      return new Case(name, plan, refusal, promoted, source, checkFailure, all, extra);
    }

    Case and(Consumer<PromotionPlan> more) {
      return new Case(name, plan, refusal, promoted, source, checkFailure, lost, extra.andThen(more));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ---- most advanced first -----------------------------------------------------------------
        Case.promotes("MariaDB: the most advanced replica wins (0-10111-57)", () -> recover(
            deadMaster(), rep(10112, "0-10111-55"), rep(10113, "0-10111-57"),
            rep(10114, "0-10111-56")), 10113)
            .and(p -> assertTrue(p.audit().contains("chose 127.0.0.1:10113: most advanced"
                + " (0-10111-57), same DC (dc1), neutral"), p.audit().toString())),
        Case.promotes("MariaDB: what the IO thread received counts, not only what was applied",
            () -> recover(deadMaster(), mariaDb(10112).replicaOf(10111).at("dc1", "r1")
                .gtid("0-10111-57", "0-10111-50"), rep(10113, "0-10111-56")), 10112)
            .and(p -> assertEquals(List.of(new PlanStep.WaitUntilSqlThreadCaughtUp(key(10112),
                false), new PlanStep.StopReplication(key(10112))), p.phases().get(0).steps())),
        Case.promotes("MariaDB: a second replication domain counts", () -> recover(deadMaster(),
            rep(10112, "0-10111-57,1-10111-3"), rep(10113, "0-10111-57,1-10111-4")), 10113),
        Case.promotes("MySQL GTID: most advanced by Retrieved_Gtid_Set", () -> recover(
            mysql(10111).writable().gtid(Fleet.uuid(10111) + ":1-60").unreachable(),
            mysql(10112).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-57",
                Fleet.uuid(10111) + ":1-50"),
            mysql(10113).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-56")), 10112)
            .and(p -> assertEquals(PromotionPlan.Method.MasterRecoveryGTID, p.method())),
        Case.promotes("no GTID: by read coordinates in the master's binary log", () -> recover(
            mysql(10111).writable().noGtid().unreachable(),
            mysql(10112).replicaOf(10111).noGtid().coords("mysql-bin.000003:1500"),
            mysql(10113).replicaOf(10111).noGtid().coords("mysql-bin.000004:120"),
            mysql(10114).replicaOf(10111).noGtid().coords("mysql-bin.000004:120")), 10113)
            .losing(10112, Why.POSITION_UNMATCHABLE)
            .and(p -> assertEquals(PromotionPlan.Method.MasterRecoveryPseudoGTID, p.method()))
            .and(p -> assertEquals(Map.of(key(10114), key(10113), key(10113), InstanceKey.NONE,
                key(10112), new InstanceKey("//127.0.0.1", 10111)), p.expectedMasters())),

        // ---- ties --------------------------------------------------------------------------------
        Case.promotes("equal positions: the lower host:port", () -> recover(deadMaster(),
            rep(10114, "0-10111-57"), rep(10113, "0-10111-57"), rep(10112, "0-10111-57")),
            10112),
        Case.promotes("equal positions: same DC as the failed master", () -> recover(
            deadMaster(), rep(10112, "0-10111-57").dc("dc2"), rep(10113, "0-10111-57"),
            rep(10114, "0-10111-57").dc("dc2")), 10113),
        Case.promotes("equal positions: log_slave_updates first", () -> recover(deadMaster(),
            rep(10112, "0-10111-57").noLogSlaveUpdates(), rep(10113, "0-10111-57")), 10113),
        Case.promotes("equal positions: lower major version first", () -> recover(deadMaster(),
            rep(10112, "0-10111-57"), rep(10113, "0-10111-57").version("10.6.18-MariaDB-log"),
            rep(10114, "0-10111-57").version("10.6.18-MariaDB-log")), 10113),
        Case.promotes("equal positions: lower binlog format first", () -> recover(deadMaster(),
            rep(10112, "0-10111-57"), rep(10113, "0-10111-57").format("MIXED"),
            rep(10114, "0-10111-57").format("MIXED")), 10113),
        Case.promotes("equal positions: no errant GTID first", () -> recover(deadMaster(),
            rep(10112, "0-10111-57").errant("1-10112-3"), rep(10113, "0-10111-57")), 10113),
        Case.promotes("equal positions: prefer wins", () -> recover(deadMaster(),
            rep(10112, "0-10111-57"), rep(10113, "0-10111-57"),
            rep(10114, "0-10111-57").rule("prefer")), 10114),
        Case.promotes("equal positions: prefer_not loses", () -> recover(deadMaster(),
            rep(10112, "0-10111-57").rule("prefer_not"), rep(10113, "0-10111-57")), 10113),
        Case.promotes("equal positions: the PreventCrossRegion side first, then host:port",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").at("dc2", "r2"),
                rep(10113, "0-10111-57").at("dc3", "r1")),
                with(b -> b.preventCrossRegionMasterFailover(true))), 10113),

        // ---- banned and ineligible ------------------------------------------------------------------
        Case.promotes("must_not is never promoted; it is a catch-up source only",
            () -> recover(deadMaster(), rep(10112, "0-10111-57").rule("must_not"),
                rep(10113, "0-10111-56"), rep(10114, "0-10111-55")), 10113)
            .from(10112)
            .and(p -> assertEquals(List.of(key(10112), key(10114)), p.phase(
                "relocate replicas below 127.0.0.1:10113").orElseThrow().steps().stream()
                .filter(st -> st instanceof PlanStep.ChangeMaster).map(PlanStep::key).toList()))
            .and(p -> assertFalse(p.steps().contains(new PlanStep.SetReadOnly(key(10112), false)))),
        Case.promotes("PromotionIgnoreHostnameFilters bans like must_not", () -> recover(
            snapshot(deadMaster(), rep(10112, "0-10111-57").host("backup-1"),
                rep(10113, "0-10111-57")),
            with(b -> b.promotionIgnoreHostnameFilters(List.of(Pattern.compile("backup"))))),
            10113),
        Case.promotes("newer major version than most replicas is not promoted", () -> recover(
            deadMaster(), rep(10112, "0-10111-57").version("11.4.2-MariaDB-log"),
            rep(10113, "0-10111-57"), rep(10114, "0-10111-57")), 10113)
            .and(p -> assertTrue(p.audit().get(2).contains("127.0.0.1:10112 (received"
                + " 0-10111-57; not eligible: newer major version (MariaDB 11.4) than most"
                + " replicas (MariaDB 10.11))"), p.audit().toString())),
        Case.refuses("nobody reachable", () -> recover(deadMaster(),
            rep(10112, "0-10111-57").unreachable()),
            "RecoverDeadMaster: none of the 1 replicas of 127.0.0.1:10111 is reachable"),
        Case.refuses("no replicas", () -> recover(deadMaster()),
            "RecoverDeadMaster: no replicas found for 127.0.0.1:10111"),

        // ---- lost replicas -------------------------------------------------------------------------
        Case.promotes("unreachable replicas are lost, never waited for", () -> recover(
            deadMaster(), rep(10112, "0-10111-57"), rep(10113, "0-10111-58").unreachable()),
            10112).losing(10113, Why.UNREACHABLE)
            .and(p -> assertEquals(List.of(M, key(10113)), p.downtime()))
            .and(p -> assertFalse(p.steps().contains(new PlanStep.DetachMasterHost(key(10113))))),
        Case.promotes("a replica that cannot replicate from the promoted one is lost (and"
                + " detached)", () -> recover(deadMaster(), rep(10112, "0-10111-57"),
            rep(10113, "0-10111-56"), rep(10114, "0-10111-55").version("10.6.18-MariaDB-log")),
            10112).losing(10114, Why.CANNOT_REPLICATE)
            .and(p -> assertEquals(new PromotionPlan.Phase.Ordered("afterwards", List.of(
                new PlanStep.SetReadOnly(M, true), new PlanStep.DetachMasterHost(key(10114))),
                false), p.phase("afterwards").orElseThrow()))
            .and(p -> assertTrue(p.lost().get(0).detail().contains("10.6.18-MariaDB-log, which"
                + " is lower than 10.11.19-MariaDB-0+deb12u1-log"), p.lost().toString())),
        Case.promotes("DetachLostReplicasAfterMasterFailover=false leaves them attached",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57"),
                rep(10113, "0-10111-56"), rep(10114, "0-10111-55").version("10.6.18-MariaDB-log")),
                with(b -> b.detachLostReplicasAfterMasterFailover(false))), 10112)
            .losing(10114, Why.CANNOT_REPLICATE)
            .and(p -> assertFalse(p.steps().contains(new PlanStep.DetachMasterHost(key(10114))))),

        // ---- lossless gate -------------------------------------------------------------------------
        Case.promotes("two-phase: a designated replica catches up from the most advanced",
            () -> PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                rep(10112, "0-10111-55"), rep(10113, "0-10111-57"), rep(10114, "0-10111-56")),
                M, key(10112), S), 10112).from(10113)
            .and(p -> assertEquals("force-master-takeover", p.operation())),
        Case.refuses("refused: promoting the designated replica would lose transactions",
            () -> PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                rep(10112, "0-10111-55"), rep(10113, "0-10111-57").noLogSlaveUpdates()), M,
                key(10112), S),
            "RecoverDeadMaster: will not promote 127.0.0.1:10112: it did not receive"
                + " 2 transactions (0-10111-56..57) that 127.0.0.1:10113 received; no replica that"
                + " received everything can be its catch-up source: 127.0.0.1:10113: its binary"
                + " log does not hold what it replicated (log_bin or log_slave_updates OFF). Set"
                + " allowLosingTransactions to promote it anyway"),
        Case.promotes("allowLosingTransactions: the more advanced replica is lost, and said so",
            () -> PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                rep(10112, "0-10111-55"), rep(10113, "0-10111-57").noLogSlaveUpdates()), M,
                key(10112), with(b -> b.allowLosingTransactions(true))), 10112)
            .losing(10113, Why.MORE_ADVANCED)
            .and(p -> assertTrue(p.audit().contains("allowLosingTransactions is set: promoting"
                + " 127.0.0.1:10112 loses 2 transactions (0-10111-56..57) received by"
                + " 127.0.0.1:10113"), p.audit().toString())),
        Case.refuses("refused: the most advanced lacks log_slave_updates (no GTID catch-up)",
            () -> recover(deadMaster(), rep(10112, "0-10111-56"),
                rep(10113, "0-10111-57").noLogSlaveUpdates()),
            "RecoverDeadMaster: will not promote 127.0.0.1:10112: it did not receive"
                + " 1 transaction (0-10111-57) that 127.0.0.1:10113 received; no replica that"
                + " received everything can be its catch-up source: 127.0.0.1:10113: its binary"
                + " log does not hold what it replicated (log_bin or log_slave_updates OFF). Set"
                + " allowLosingTransactions to promote it anyway"),
        Case.refuses("refused without GTID: the more advanced cannot be caught up from",
            () -> recover(mysql(10111).writable().noGtid().unreachable(),
                mysql(10112).replicaOf(10111).noGtid().coords("mysql-bin.000003:1500"),
                mysql(10113).replicaOf(10111).noGtid().coords("mysql-bin.000003:1800")
                    .rule("must_not")),
            "RecoverDeadMaster: will not promote 127.0.0.1:10112: it did not receive the"
                + " master's binary log from mysql-bin.000003:1500 to mysql-bin.000003:1800 that"
                + " 127.0.0.1:10113 received; no replica that received everything can be its"
                + " catch-up source: 127.0.0.1:10113: no GTID on 127.0.0.1:10113"
                + " (gtid_mode=OFF) (catching up needs GTID). Set allowLosingTransactions to"
                + " promote it anyway"),
        Case.refuses("refused: no replica received everything (diverging GTID sets)",
            () -> recover(mysql(10111).writable().gtid(Fleet.uuid(10111) + ":1-60").unreachable(),
                mysql(10112).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-54:56-57"),
                mysql(10113).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-56")),
            "RecoverDeadMaster: will not promote 127.0.0.1:10112: it did not receive"
                + " 1 transaction (00000000-0000-0000-0000-000000010111:55) that 127.0.0.1:10113"
                + " received; no reachable replica received everything the others did. Set"
                + " allowLosingTransactions to promote it anyway"),

        // ---- replacement (§7.5 step 5) ---------------------------------------------------------------
        Case.promotes("a prefer replica in the failed DC takes over after catching up",
            () -> recover(deadMaster(), rep(10112, "0-10111-57"),
                rep(10113, "0-10111-56").rule("prefer")), 10113).from(10112)
            .and(p -> assertTrue(p.audit().stream().anyMatch(a -> a.contains("orcha picks"
                + " 127.0.0.1:10113 as candidate replacement of 127.0.0.1:10112")),
                p.audit().toString())),
        Case.promotes("prefer_not most advanced: a neutral server replaces it", () -> recover(
            deadMaster(), rep(10112, "0-10111-57").rule("prefer_not"),
            rep(10113, "0-10111-56")), 10113).from(10112),
        Case.promotes("a replacement that could not catch up losslessly is dropped",
            () -> recover(deadMaster(), rep(10112, "0-10111-58").rule("must_not"),
                rep(10113, "0-10111-57"), rep(10114, "0-10111-56").rule("prefer")
                    .serverId(10112)), 10113).from(10112)
            .and(p -> assertTrue(p.audit().contains("replacement 127.0.0.1:10114 dropped: it"
                + " cannot catch up with everything the others received; keeping"
                + " 127.0.0.1:10113"), p.audit().toString())),
        Case.promotes("an ideal candidate is kept", () -> recover(deadMaster(),
            rep(10112, "0-10111-57").rule("prefer"), rep(10113, "0-10111-57").dc("dc2")
                .rule("prefer")), 10112)
            .and(p -> assertTrue(p.audit().contains("RecoverDeadMaster: found 127.0.0.1:10112 to"
                + " be ideal candidate; will optimize recovery"), p.audit().toString())),

        // ---- geo constraints ------------------------------------------------------------------------
        Case.promotes("PreventCrossDataCenterMasterFailover refuses with the exact text",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").dc("dc2"),
                rep(10113, "0-10111-56").dc("dc2")),
                with(b -> b.preventCrossDataCenterMasterFailover(true))), 10112)
            .failsCheck("RecoverDeadMaster: failed 127.0.0.1:10112 promotion;"
                + " PreventCrossDataCenterMasterFailover: will not promote server in dc2 when"
                + " failed server in dc1")
            .and(p -> assertEquals(Map.of(key(10113), key(10112)), p.expectedMasters()))
            .and(p -> assertEquals(new PromotionPlan.Phase.Ordered("promotion refused",
                List.of(new PlanStep.StartReplication(key(10112))), false),
                p.phase("promotion refused").orElseThrow())),
        Case.promotes("PreventCrossRegionMasterFailover refuses with the exact text",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").at("dc2", "r2")),
                with(b -> b.preventCrossRegionMasterFailover(true))), 10112)
            .failsCheck("RecoverDeadMaster: failed 127.0.0.1:10112 promotion;"
                + " PreventCrossRegionMasterFailover: will not promote server in r2 when failed"
                + " server in r1"),
        Case.promotes("PreventCrossDataCenter: a same-DC replica catches up from the other DC",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").dc("dc2"),
                rep(10113, "0-10111-56")),
                with(b -> b.preventCrossDataCenterMasterFailover(true))), 10113).from(10112),

        // ---- lag and SQL thread checks ------------------------------------------------------------
        Case.promotes("FailMasterPromotionOnLagMinutes refuses with the exact text",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").lag(600L)),
                with(b -> b.failMasterPromotionOnLagMinutes(5))), 10112)
            .failsCheck("RecoverDeadMaster: failed promotion. FailMasterPromotionOnLagMinutes is"
                + " set to 5 (minutes) and promoted replica 127.0.0.1:10112 's lag is 600"
                + " (seconds)"),
        Case.promotes("lag below FailMasterPromotionOnLagMinutes is fine",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57").lag(299L)),
                with(b -> b.failMasterPromotionOnLagMinutes(5))), 10112),
        Case.promotes("SQL thread behind: waited for (Delay semantics always on)",
            () -> recover(deadMaster(), mariaDb(10112).replicaOf(10111).at("dc1", "r1")
                .gtid("0-10111-57", "0-10111-50")), 10112)
            .and(p -> assertTrue(p.steps().contains(new PlanStep.WaitUntilSqlThreadCaughtUp(
                key(10112), false)))),
        Case.promotes("SQL thread behind with FailMasterPromotionIfSQLThreadNotUpToDate: fails",
            () -> recover(snapshot(deadMaster(), mariaDb(10112).replicaOf(10111).at("dc1", "r1")
                .gtid("0-10111-57", "0-10111-50")),
                with(b -> b.failMasterPromotionIfSqlThreadNotUpToDate(true))), 10112)
            .failsCheck("RecoverDeadMaster: failed promotion."
                + " FailMasterPromotionIfSQLThreadNotUpToDate is set and promoted replica"
                + " 127.0.0.1:10112 's sql thread is not up to date (relay logs still unapplied)."
                + " Aborting promotion")
            .and(p -> assertEquals(List.of(new PlanStep.StopReplication(key(10112))),
                p.phases().get(0).steps())),
        Case.promotes("SQL thread caught up with FailMasterPromotionIfSQLThreadNotUpToDate:"
                + " checked again when it runs", () -> recover(snapshot(deadMaster(),
                rep(10112, "0-10111-57")),
                with(b -> b.failMasterPromotionIfSqlThreadNotUpToDate(true))), 10112)
            .and(p -> assertTrue(p.steps().contains(new PlanStep.WaitUntilSqlThreadCaughtUp(
                key(10112), true)))),

        // ---- promotion settings -------------------------------------------------------------------
        Case.promotes("ApplyMySQLPromotionAfterMasterFailover=false: no reset, no read_only",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57")),
                with(b -> b.applyMySqlPromotionAfterMasterFailover(false))), 10112)
            .and(p -> assertFalse(p.steps().stream().anyMatch(st ->
                st instanceof PlanStep.ResetReplicaAll || st instanceof PlanStep.SetReadOnly)))
            .and(p -> assertEquals(Map.of(), p.expectedMasters())),
        Case.promotes("MasterFailoverDetachReplicaMasterHost without reset: detached",
            () -> recover(snapshot(deadMaster(), rep(10112, "0-10111-57")),
                with(b -> b.applyMySqlPromotionAfterMasterFailover(false)
                    .masterFailoverDetachReplicaMasterHost(true))), 10112)
            .and(p -> assertTrue(p.steps().contains(new PlanStep.DetachMasterHost(key(10112))))),

        // ---- designated candidates ----------------------------------------------------------------
        Case.refuses("force-master-takeover: only a direct child of the master",
            () -> PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                rep(10112, "0-10111-57"), mariaDb(10113).replicaOf(10112).gtid("0-10111-57")),
                M, key(10113), S),
            "You may only promote a direct child of the master 127.0.0.1:10111. The master of"
                + " 127.0.0.1:10113 is 127.0.0.1:10112."),
        Case.refuses("force-master-takeover: an unknown instance is no direct child",
            () -> PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                rep(10112, "0-10111-57")), M, key(10119), S),
            "You may only promote a direct child of the master 127.0.0.1:10111. The master of"
                + " 127.0.0.1:10119 is :0."),
        Case.refuses("a designated must_not replica is refused", () ->
                PromotionPlanner.recoverDeadMaster(snapshot(deadMaster(),
                    rep(10112, "0-10111-57").rule("must_not"), rep(10113, "0-10111-57")), M,
                    key(10112), S),
            "RecoverDeadMaster: designated instance 127.0.0.1:10112 cannot be promoted due to"
                + " promotion rule or it is explicitly ignored in PromotionIgnoreHostnameFilters"
                + " configuration"),
        Case.refuses("an unreachable designated replica is refused", () ->
                PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
                    rep(10112, "0-10111-57").unreachable(), rep(10113, "0-10111-57")), M,
                    key(10112), S),
            "RecoverDeadMaster: designated instance 127.0.0.1:10112 is not reachable (last check"
                + " invalid)"),
        Case.promotes("force-master-failover: no designated candidate", () ->
                PromotionPlanner.forceMasterFailover(snapshot(deadMaster(),
                    rep(10112, "0-10111-56"), rep(10113, "0-10111-57")), M, S), 10113)
            .and(p -> assertEquals("force-master-failover", p.operation())),

        // ---- co-masters ---------------------------------------------------------------------------
        Case.promotes("co-master: the other (writable) co-master is the successor",
            () -> PromotionPlanner.recoverDeadCoMaster(coMasters(false), key(10112), S), 10111)
            .and(p -> assertEquals(RecoveryType.CoMasterRecovery, p.type()))
            .and(p -> assertEquals(Map.of(key(10113), key(10111)), p.expectedMasters()))
            .and(p -> assertEquals(new PromotionPlan.Phase.Ordered("promote 127.0.0.1:10111",
                List.of(new PlanStep.SetReadOnly(key(10111), false)), false),
                p.phase("promote 127.0.0.1:10111").orElseThrow()))
            .and(p -> assertTrue(p.audit().contains("RecoverDeadCoMaster: other co-master"
                + " 127.0.0.1:10111 is writeable hence has to be promoted"))),
        Case.promotes("co-master: must promote the other co-master even when it is behind",
            () -> PromotionPlanner.recoverDeadCoMaster(coMasters(true), key(10112), S), 10111)
            .from(10113),
        Case.promotes("co-master: with the setting off and the other read-only, the best"
                + " replica; detached from the ring", () -> PromotionPlanner.recoverDeadCoMaster(
                coMasters(true), key(10112),
                with(b -> b.coMasterRecoveryMustPromoteOtherCoMaster(false))), 10113)
            .and(p -> assertEquals(List.of(new PlanStep.DetachMasterHost(key(10113)),
                new PlanStep.SetReadOnly(key(10113), false)),
                p.phase("promote 127.0.0.1:10113").orElseThrow().steps()))
            .and(p -> assertEquals(key(10113), p.expectedMasters().get(key(10111)))),
        Case.refuses("co-master: the other co-master unreachable: no successor",
            () -> PromotionPlanner.recoverDeadCoMaster(snapshot(
                mariaDb(10111).replicaOf(10112).gtid("0-10111-57").unreachable(),
                mariaDb(10112).replicaOf(10111).gtid("0-10111-57").unreachable(),
                mariaDb(10113).replicaOf(10112).gtid("0-10111-57")), key(10112), S),
            "RecoverDeadCoMaster: could not manage to promote other-co-master 127.0.0.1:10111;"
                + " was only able to promote 127.0.0.1:10113; mustPromoteOtherCoMaster is true"
                + " (either CoMasterRecoveryMustPromoteOtherCoMaster is true, or co-master is"
                + " writeable), therefore failing"));
  }

  /**
   * Co-masters 10111 and 10112 (dead), 10113 below 10112. {@code otherBehind}: 10111 is
   * read-only and received less than 10113; else 10111 is the writable, most advanced one.
   */
  static TopologySnapshot coMasters(boolean otherBehind) {
    Fleet.Server other = mariaDb(10111).replicaOf(10112)
        .gtid(otherBehind ? "0-10111-55" : "0-10111-60");
    if (!otherBehind) {
      other.writable();
    }
    return snapshot(other, mariaDb(10112).replicaOf(10111).gtid("0-10111-58").unreachable(),
        mariaDb(10113).replicaOf(10112).gtid("0-10111-58"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(Case c) {
    Planned<PromotionPlan> planned = c.plan().get();
    if (c.refusal() != null) {
      assertFalse(planned.isReady(), () -> planned.plan().describe());
      assertEquals(c.refusal(), planned.reason());
      return;
    }
    assertTrue(planned.isReady(), planned::reason);
    PromotionPlan p = planned.plan();
    String why = p.describe();
    assertEquals(key(c.promoted()), p.promoted(), why);
    assertEquals(c.source() == 0 ? InstanceKey.NONE : key(c.source()), p.source(), why);
    assertEquals(c.checkFailure(), p.checkFailure(), why);
    assertEquals(c.checkFailure().isEmpty() ? key(c.promoted()) : InstanceKey.NONE,
        p.successor(), why);
    Map<InstanceKey, Why> lost = new TreeMap<>();
    p.lost().forEach(l -> lost.put(l.key(), l.why()));
    Map<InstanceKey, Why> expected = new TreeMap<>();
    c.lost().forEach((port, w) -> expected.put(key(port), w));
    assertEquals(expected, lost, why);
    c.extra().accept(p);
  }

  // ==== exact plans ==============================================================================

  static PlanStep stop(int p) {
    return new PlanStep.StopReplication(key(p));
  }

  static PlanStep start(int p) {
    return new PlanStep.StartReplication(key(p));
  }

  static PlanStep await(int p, int reference) {
    return new PlanStep.WaitUntilGtidCaughtUp(key(p), key(reference));
  }

  static PlanStep cm(int p, int master, MasterPositioning pos) {
    return new PlanStep.ChangeMaster(key(p), key(master), pos, false, false);
  }

  static MovePlan mariaMove(int p, int target) {
    return new MovePlan.MariaDbGtid(key(p), key(target), false, List.of(stop(p),
        await(target, p), cm(p, target, SLAVE_POS), start(p)));
  }

  @Test
  void singlePhaseMariaDbPlan() {
    PromotionPlan p = recover(deadMaster(), rep(10112, "0-10111-55"), rep(10113, "0-10111-57"),
        rep(10114, "0-10111-56").unreachable()).orElseThrow();
    assertEquals(List.of(
        new PromotionPlan.Phase.Ordered("catch up 127.0.0.1:10113", List.of(
            new PlanStep.WaitUntilSqlThreadCaughtUp(key(10113), false), stop(10113)), true),
        new PromotionPlan.Phase.Parallel("relocate replicas below 127.0.0.1:10113",
            List.of(mariaMove(10112, 10113)), true, false),
        new PromotionPlan.Phase.Ordered("promote 127.0.0.1:10113", List.of(
            new PlanStep.ResetReplicaAll(key(10113)),
            new PlanStep.SetReadOnly(key(10113), false)), false),
        new PromotionPlan.Phase.Ordered("afterwards", List.of(new PlanStep.SetReadOnly(M, true)),
            false)), p.phases());
    assertEquals(Map.of(key(10112), key(10113), key(10113), InstanceKey.NONE),
        p.expectedMasters());
    assertEquals(List.of(M, key(10114)), p.downtime());
    assertEquals(PromotionPlan.Method.MasterRecoveryGTID, p.method());
    assertEquals(RecoveryType.MasterRecovery, p.type());
    assertTrue(p.promotes());
    assertFalse(p.needsCredentials());
    assertEquals(List.of(M, key(10112), key(10113)), List.copyOf(p.servers()));
    assertTrue(p.audit().contains("lost: 127.0.0.1:10114 (unreachable: last check invalid, not"
        + " waited for)"), p.audit().toString());
  }

  @Test
  void twoPhaseMariaDbPlan() {
    PromotionPlan p = PromotionPlanner.forceMasterTakeover(snapshot(deadMaster(),
        rep(10112, "0-10111-55"), rep(10113, "0-10111-57"), rep(10114, "0-10111-56")), M,
        key(10112), S).orElseThrow();
    assertEquals(List.of(
        new PromotionPlan.Phase.Ordered("catch up 127.0.0.1:10113", List.of(
            new PlanStep.WaitUntilSqlThreadCaughtUp(key(10113), false), stop(10113)), true),
        new PromotionPlan.Phase.Ordered("catch up 127.0.0.1:10112 from 127.0.0.1:10113",
            List.of(stop(10112), await(10113, 10112), cm(10112, 10113, SLAVE_POS), start(10112),
                await(10112, 10113), stop(10112)), true),
        new PromotionPlan.Phase.Parallel("relocate replicas below 127.0.0.1:10112",
            List.of(mariaMove(10113, 10112), mariaMove(10114, 10112)), true, false),
        new PromotionPlan.Phase.Ordered("promote 127.0.0.1:10112", List.of(
            new PlanStep.ResetReplicaAll(key(10112)),
            new PlanStep.SetReadOnly(key(10112), false)), false),
        new PromotionPlan.Phase.Ordered("afterwards", List.of(new PlanStep.SetReadOnly(M, true)),
            false)), p.phases());
    assertTrue(p.twoPhase());
    assertTrue(p.audit().contains("two-phase: 127.0.0.1:10112 received 0-10111-55, less than"
        + " 127.0.0.1:10113 (0-10111-57); 127.0.0.1:10112 first catches up from 127.0.0.1:10113,"
        + " then takes over"), p.audit().toString());
    assertEquals(Map.of(key(10112), InstanceKey.NONE, key(10113), key(10112), key(10114),
        key(10112)), p.expectedMasters());
  }

  @Test
  void binlogPositionPlanForEqualReplicas() {
    PromotionPlan p = recover(mysql(10111).writable().noGtid().unreachable(),
        mysql(10112).replicaOf(10111).noGtid().coords("mysql-bin.000003:1500"),
        mysql(10113).replicaOf(10111).noGtid().coords("mysql-bin.000003:1500", "mysql-bin"
            + ".000003:900")).orElseThrow();
    CoordinatesOf at = new CoordinatesOf(key(10112), CoordinatesOf.Which.SELF,
        BinlogCoordinates.binary("bin-10112.000001", 11112));
    assertEquals(new PromotionPlan.Phase.Parallel("relocate replicas below 127.0.0.1:10112",
        List.of(new MovePlan.BinlogPosition(key(10113), key(10112), MovePlan.Kind.BELOW_SIBLING,
            at, List.of(new PlanStep.WaitUntilSqlThreadCaughtUp(key(10113), false), stop(10113),
                cm(10113, 10112, new MasterPositioning.BinlogFile(at)), start(10113)))), true,
        false), p.phase("relocate replicas below 127.0.0.1:10112").orElseThrow());
    // the phases run in order: the promoted server's position is read while it is stopped and
    // read-only, before it is made writable
    List<String> names = p.phases().stream().map(PromotionPlan.Phase::name).toList();
    assertTrue(names.indexOf("relocate replicas below 127.0.0.1:10112")
        < names.indexOf("promote 127.0.0.1:10112"), names.toString());
  }

  @Test
  void mySqlGtidMovesUseAutoPosition() {
    PromotionPlan p = recover(mysql(10111).writable().gtid(Fleet.uuid(10111) + ":1-60")
            .unreachable(),
        mysql(10112).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-57"),
        mysql(10113).replicaOf(10111).gtid(Fleet.uuid(10111) + ":1-56")).orElseThrow();
    assertEquals(List.of(new MovePlan.MySqlGtid(key(10113), key(10112), List.of(stop(10113),
        cm(10113, 10112, MasterPositioning.AUTO_POSITION), start(10113)))),
        ((PromotionPlan.Phase.Parallel) p.phase("relocate replicas below 127.0.0.1:10112")
            .orElseThrow()).moves());
  }

  @Test
  void rankingShowsTheOrderAndWhyNot() {
    TopologySnapshot s = snapshot(deadMaster(), rep(10112, "0-10111-57").rule("must_not"),
        rep(10113, "0-10111-56"), rep(10114, "0-10111-56").noLogSlaveUpdates());
    List<PromotionPlanner.Ranked> ranked = PromotionPlanner.rank(s.replicasOf(M),
        s.instance(M).orElseThrow(), S);
    assertEquals(List.of("127.0.0.1:10112 (received 0-10111-57; not eligible: promotion rule"
            + " must_not)", "127.0.0.1:10113 (received 0-10111-56)",
        "127.0.0.1:10114 (received 0-10111-56; not eligible: does not log what it replicates"
            + " (log_slave_updates=OFF))"),
        ranked.stream().map(PromotionPlanner.Ranked::toString).toList());
  }

  // ==== graceful takeover (§7.6) =================================================================

  /** A live master 10111 (dc1 / r1) with MariaDB replicas. */
  static Fleet.Server liveMaster() {
    return mariaDb(10111).writable().gtid("0-10111-57").at("dc1", "r1");
  }

  /** One graceful target case: the target expected, or the exact refusal. */
  record Target(String name, Supplier<Planned<InstanceKey>> plan, int expected, String refusal) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Target> targets() {
    return Stream.of(
        new Target("auto: 10112 when 10112/10113/10114 replicate from 10111, all equal",
            () -> PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10114, "0-10111-57"), rep(10113, "0-10111-57"), rep(10112, "0-10111-57")),
                M, null, true, S), 10112, null),
        new Target("auto: 10111 when 10111 and 10114 replicate from 10113",
            () -> PromotionPlanner.gracefulTakeoverTarget(snapshot(
                mariaDb(10113).writable().gtid("0-10113-80").at("dc1", "r1"),
                mariaDb(10114).replicaOf(10113).gtid("0-10113-80").at("dc1", "r1"),
                mariaDb(10111).replicaOf(10113).gtid("0-10113-80").at("dc1", "r1")),
                key(10113), null, true, S), 10111, null),
        new Target("auto: ties prefer the PreventCross* side", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57").at("dc2", "r2"), rep(10113, "0-10111-57")
                    .at("dc3", "r1")), M, null, true,
                with(b -> b.preventCrossRegionMasterFailover(true))), 10113, null),
        new Target("auto: the most advanced", () -> PromotionPlanner.gracefulTakeoverTarget(
            snapshot(liveMaster(), rep(10112, "0-10111-56"), rep(10113, "0-10111-57")), M,
            null, true, S), 10113, null),
        new Target("a single replica needs no designation", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57")), M, null, false, S), 10112, null),
        new Target("an invalid designated key counts as not given", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57")), M, InstanceKey.NONE, false, S), 10112, null),
        new Target("not indicated, auto=false, several replicas", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57"), rep(10113, "0-10111-57")), M, null, false, S), 0,
            "GracefulMasterTakeover: target instance not indicated, auto=false, and master"
                + " 127.0.0.1:10111 has 2 replicas. orchestrator cannot choose where to failover"
                + " to. Aborting"),
        new Target("auto with no eligible replica", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57").rule("must_not"),
                rep(10113, "0-10111-57").noLogSlaveUpdates()), M, null, true, S), 0,
            "GracefulMasterTakeover: no target instance indicated, failed to auto-detect"
                + " candidate replica for master 127.0.0.1:10111. Aborting"),
        new Target("designated not a direct replica", () ->
            PromotionPlanner.gracefulTakeoverTarget(snapshot(liveMaster(),
                rep(10112, "0-10111-57"), mariaDb(10113).replicaOf(10112).gtid("0-10111-57")),
                M, key(10113), false, S), 0,
            "GracefulMasterTakeover: indicated designated instance 127.0.0.1:10113 must be"
                + " directly replicating from the master 127.0.0.1:10111"),
        new Target("designated unknown", () -> PromotionPlanner.gracefulTakeoverTarget(
            snapshot(liveMaster(), rep(10112, "0-10111-57")), M, key(10199), false, S), 0,
            "GracefulMasterTakeover: indicated designated instance 127.0.0.1:10199 must be"
                + " directly replicating from the master 127.0.0.1:10111"),
        new Target("master without replicas", () -> PromotionPlanner.gracefulTakeoverTarget(
            snapshot(liveMaster()), M, null, true, S), 0,
            "Master 127.0.0.1:10111 doesn't seem to have replicas"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void gracefulTarget(Target c) {
    Planned<InstanceKey> t = c.plan().get();
    if (c.refusal() != null) {
      assertFalse(t.isReady(), () -> "chose " + t.plan());
      assertEquals(c.refusal(), t.reason());
    } else {
      assertTrue(t.isReady(), t::reason);
      assertEquals(key(c.expected()), t.plan());
    }
  }

  record Graceful(String name, Supplier<Planned<PromotionPlan>> plan, String refusal,
      String checkFailure) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Graceful> gracefuls() {
    return Stream.of(
        new Graceful("designated must_not", () -> PromotionPlanner.gracefulMasterTakeover(
            snapshot(liveMaster(), rep(10112, "0-10111-57").rule("must_not")), M, key(10112),
            false, S),
            "GracefulMasterTakeover: designated instance 127.0.0.1:10112 cannot be promoted due"
                + " to promotion rule or it is explicitly ignored in"
                + " PromotionIgnoreHostnameFilters configuration", null),
        new Graceful("designated lagging", () -> PromotionPlanner.gracefulMasterTakeover(
            snapshot(liveMaster(), rep(10112, "0-10111-57").lag(21L)), M, key(10112), false, S),
            "Desginated instance 127.0.0.1:10112 seems to be lagging too much for this"
                + " operation. Aborting.", null),
        new Graceful("a sibling that cannot move", () -> PromotionPlanner.gracefulMasterTakeover(
            snapshot(liveMaster(), rep(10112, "0-10111-57"),
                rep(10113, "0-10111-57").version("10.6.18-MariaDB-log")), M, key(10112), false,
            S),
            "Desginated instance 127.0.0.1:10112 cannot take over all of its siblings. Error:"
                + " 127.0.0.1:10113 cannot replicate from 127.0.0.1:10112: 127.0.0.1:10113 has"
                + " version 10.6.18-MariaDB-log, which is lower than"
                + " 10.11.19-MariaDB-0+deb12u1-log on 127.0.0.1:10112", null),
        new Graceful("a downtimed sibling that cannot move is tolerated",
            () -> PromotionPlanner.gracefulMasterTakeover(snapshot(liveMaster(),
                rep(10112, "0-10111-57"), rep(10113, "0-10111-57")
                    .version("10.6.18-MariaDB-log").downtimed()), M, key(10112), false, S),
            null, ""),
        new Graceful("graceful-master-takeover-fail-cross-region",
            () -> PromotionPlanner.gracefulMasterTakeover(snapshot(
                mariaDb(10111).writable().gtid("0-10111-57").at("dc1", "rgn-east"),
                rep(10112, "0-10111-57").at("dc2", "rgn-west")), M, key(10112), false,
                with(b -> b.preventCrossRegionMasterFailover(true))), null,
            "RecoverDeadMaster: failed 127.0.0.1:10112 promotion;"
                + " PreventCrossRegionMasterFailover: will not promote server in rgn-west when"
                + " failed server in rgn-east"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gracefuls")
  void graceful(Graceful c) {
    Planned<PromotionPlan> planned = c.plan().get();
    if (c.refusal() != null) {
      assertFalse(planned.isReady(), () -> planned.plan().describe());
      assertEquals(c.refusal(), planned.reason());
      return;
    }
    assertTrue(planned.isReady(), planned::reason);
    assertEquals(c.checkFailure(), planned.plan().checkFailure());
    if (!c.checkFailure().isEmpty()) {
      PromotionPlan p = planned.plan();
      assertFalse(p.promotes());
      assertEquals(new PromotionPlan.Phase.Ordered("promotion refused",
          List.of(new PlanStep.SetReadOnly(M, false)), false),
          p.phases().get(p.phases().size() - 1));
    }
  }

  @Test
  void gracefulTakeoverPlanMariaDb() {
    TopologySnapshot s = snapshot(liveMaster(), rep(10112, "0-10111-57").ssl(),
        rep(10113, "0-10111-57"));
    PromotionPlan p = PromotionPlanner.gracefulMasterTakeover(s, M, key(10112), false, S)
        .orElseThrow();
    assertEquals(List.of(
        new PromotionPlan.Phase.Parallel("relocate siblings below 127.0.0.1:10112",
            List.of(mariaMove(10113, 10112)), true, true),
        new PromotionPlan.Phase.Ordered("demote 127.0.0.1:10111", List.of(
            new PlanStep.SetReadOnly(M, true),
            new PlanStep.WaitUntilCaughtUpWithMaster(key(10112), M, Duration.ofSeconds(20)),
            stop(10112)), true),
        new PromotionPlan.Phase.Ordered("promote 127.0.0.1:10112", List.of(
            new PlanStep.SetGtidSlavePosFromBinlogPos(M),
            // copies 10112's channel TLS options: before 10112's channel is reset
            new PlanStep.ChangeMaster(M, key(10112), SLAVE_POS, true, true),
            new PlanStep.ResetReplicaAll(key(10112)),
            new PlanStep.SetReadOnly(key(10112), false)), false)), p.phases());
    assertEquals(List.of(new PlanStep.SetReadOnly(M, false)), p.onAbort());
    assertTrue(p.needsCredentials());
    assertEquals(Map.of(key(10112), InstanceKey.NONE, M, key(10112), key(10113), key(10112)),
        p.expectedMasters());
    assertEquals("graceful-master-takeover", p.operation());
    assertEquals(List.of(M), p.downtime());
  }

  @Test
  void gracefulAutoStartsReplicationOnBothSides() {
    PromotionPlan p = PromotionPlanner.gracefulMasterTakeover(snapshot(liveMaster(),
        mysqlLike(10112), mysqlLike(10113)), M, null, true, S).orElseThrow();
    assertEquals("graceful-master-takeover-auto", p.operation());
    assertEquals(key(10112), p.successor());
    assertEquals(new PromotionPlan.Phase.Ordered("start replication on 127.0.0.1:10112",
        List.of(start(10112)), true), p.phases().get(0));
    List<PlanStep> promote = p.phase("promote 127.0.0.1:10112").orElseThrow().steps();
    assertEquals(start(10111), promote.get(promote.size() - 1));
  }

  private static Fleet.Server mysqlLike(int port) {
    return rep(port, "0-10111-57");
  }

  @Test
  void gracefulWithoutGtidPointsTheOldMasterAtTheNewMastersPosition() {
    TopologySnapshot s = snapshot(mysql(10111).writable().noGtid().at("dc1", "r1"),
        mysql(10112).replicaOf(10111).noGtid().coords("mysql-bin.000003:1500"));
    PromotionPlan p = PromotionPlanner.gracefulMasterTakeover(s, M, key(10112), false, S)
        .orElseThrow();
    CoordinatesOf at = new CoordinatesOf(key(10112), CoordinatesOf.Which.SELF,
        BinlogCoordinates.binary("bin-10112.000001", 11112));
    List<PlanStep> promote = p.phase("promote 127.0.0.1:10112").orElseThrow().steps();
    assertEquals(List.of(
        new PlanStep.ChangeMaster(M, key(10112), new MasterPositioning.BinlogFile(at), true,
            false),
        new PlanStep.ResetReplicaAll(key(10112)),
        new PlanStep.SetReadOnly(key(10112), false)), promote);
    assertEquals(PromotionPlan.Method.MasterRecoveryPseudoGTID, p.method());
  }

  @Test
  void describeIsReadable() {
    PromotionPlan p = recover(deadMaster(), rep(10112, "0-10111-57"),
        rep(10113, "0-10111-56")).orElseThrow();
    String text = p.describe();
    assertTrue(text.startsWith("recover-dead-master 127.0.0.1:10111 -> 127.0.0.1:10112"), text);
    assertTrue(text.contains("[relocate replicas below 127.0.0.1:10112, moves in parallel]"),
        text);
    assertTrue(text.contains("expect 127.0.0.1:10113 replicating from 127.0.0.1:10112"), text);
    // scripts get these texts through xargs: no double quotes, no backslashes (§7.9)
    assertFalse(text.contains("\"") || text.contains("\\"), text);
  }
}
