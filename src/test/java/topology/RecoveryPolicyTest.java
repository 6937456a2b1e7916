package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.NOW;
import static topology.Fixtures.key;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecoveryPolicyTest {

  static final String CLUSTER = "127.0.0.1:10111";

  /** An entry for 10111 in cluster 127.0.0.1:10111 (alias ci). */
  static ReplicationAnalysis entry(AnalysisCode code) {
    return entry(code, 10111, CLUSTER, "ci", ReplicationAnalysis.DowntimeStatus.NONE);
  }

  static ReplicationAnalysis entry(AnalysisCode code, int port, String cluster, String alias,
      ReplicationAnalysis.DowntimeStatus downtime) {
    AnalysisInput in = AnalysisInput.builder(key(port)).isMaster(true).build();
    return new ReplicationAnalysis(in, new ReplicationAnalysis.ClusterDetails(cluster, alias, "",
        false, false), code, List.of(), downtime, null);
  }

  static final ReplicationAnalysis.DowntimeStatus DOWNTIMED =
      new ReplicationAnalysis.DowntimeStatus(true, false, NOW.plusSeconds(600), 600);
  static final ReplicationAnalysis.DowntimeStatus REPLICAS_DOWNTIMED =
      new ReplicationAnalysis.DowntimeStatus(false, true, null, 0);

  /** Automated master and intermediate-master recovery everywhere. */
  static final RecoverySettings ALL = RecoverySettings.builder()
      .masterClusterFilters(List.of("*")).intermediateMasterClusterFilters(List.of("*")).build();

  static RecoverySettings all(UnaryOperator<RecoverySettings.Builder> change) {
    return change.apply(ALL.toBuilder()).build();
  }

  /** A recovery of 10111 in the cluster, started and ended at the given offsets from NOW. */
  static RecoveryRecord recovery(String uid, Duration startedAgo, Duration endedAgo,
      int successor, boolean acknowledged) {
    return new RecoveryRecord(uid, CLUSTER, "ci", key(10111),
        successor == 0 ? InstanceKey.NONE : key(successor), NOW.minus(startedAgo),
        endedAgo == null ? null : NOW.minus(endedAgo), acknowledged);
  }

  static RecoveryControl with(RecoveryRecord... records) {
    RecoveryControl c = RecoveryControl.NONE;
    for (RecoveryRecord r : records) {
      c = c.withRecovery(r);
    }
    return c;
  }

  /**
   * One policy case: the entry, the control state, the settings, forced or not, and the
   * expectation: an act with its type, or a skip with its reason (and a text the reason holds).
   */
  record Case(String name, ReplicationAnalysis entry, RecoveryControl control,
      RecoverySettings settings, boolean forced, RecoveryType actsAs, SkipReason skip,
      String reasonContains) {

    static Case acts(String name, ReplicationAnalysis e, RecoveryControl c, RecoverySettings s,
        boolean forced, RecoveryType type) {
      return new Case(name, e, c, s, forced, type, null, "");
    }

    static Case skips(String name, ReplicationAnalysis e, RecoveryControl c, RecoverySettings s,
        boolean forced, SkipReason why, String reasonContains) {
      return new Case(name, e, c, s, forced, null, why, reasonContains);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    RecoveryControl none = RecoveryControl.NONE;
    Duration min10 = Duration.ofMinutes(10);
    Duration hour2 = Duration.ofHours(2);
    return Stream.of(
        // ---- acts -------------------------------------------------------------------------------
        Case.acts("DeadMaster with RecoverMasterClusterFilters=*: master recovery",
            entry(AnalysisCode.DeadMaster), none, ALL, false, RecoveryType.MasterRecovery),
        Case.acts("DeadMasterAndSomeReplicas: master recovery",
            entry(AnalysisCode.DeadMasterAndSomeReplicas), none, ALL, false,
            RecoveryType.MasterRecovery),
        Case.acts("DeadCoMaster: co-master recovery under the master filters",
            entry(AnalysisCode.DeadCoMaster), none, RecoverySettings.builder()
                .masterClusterFilters(List.of("ci")).build(), false,
            RecoveryType.CoMasterRecovery),
        Case.acts("DeadCoMasterAndSomeReplicas: co-master recovery",
            entry(AnalysisCode.DeadCoMasterAndSomeReplicas), none, ALL, false,
            RecoveryType.CoMasterRecovery),
        Case.acts("DeadIntermediateMaster under RecoverIntermediateMasterClusterFilters",
            entry(AnalysisCode.DeadIntermediateMaster), none, RecoverySettings.builder()
                .intermediateMasterClusterFilters(List.of("alias=ci")).build(), false,
            RecoveryType.IntermediateMasterRecovery),
        Case.acts("DeadIntermediateMasterAndSomeReplicas: IM recovery",
            entry(AnalysisCode.DeadIntermediateMasterAndSomeReplicas), none, ALL, false,
            RecoveryType.IntermediateMasterRecovery),
        Case.acts("DeadIntermediateMasterWithSingleReplicaFailingToConnect: IM recovery",
            entry(AnalysisCode.DeadIntermediateMasterWithSingleReplicaFailingToConnect), none,
            ALL, false, RecoveryType.IntermediateMasterRecovery),
        Case.acts("AllIntermediateMasterReplicasFailingToConnectOrDead: IM recovery",
            entry(AnalysisCode.AllIntermediateMasterReplicasFailingToConnectOrDead), none, ALL,
            false, RecoveryType.IntermediateMasterRecovery),
        Case.acts("DeadReplicationGroupMemberWithReplicas: under the IM filters",
            entry(AnalysisCode.DeadReplicationGroupMemberWithReplicas), none, ALL, false,
            RecoveryType.ReplicationGroupMemberRecovery),
        Case.acts("NoWriteableMasterStructureWarning with RecoverNonWriteableMaster, no filter"
                + " needed", entry(AnalysisCode.NoWriteableMasterStructureWarning), none,
            RecoverySettings.builder().recoverNonWriteableMaster(true).build(), false,
            RecoveryType.SetWriteable),
        Case.acts("LockedSemiSyncMaster with RecoverLockedSemiSyncMaster: semi-sync",
            entry(AnalysisCode.LockedSemiSyncMaster), none,
            RecoverySettings.builder().recoverLockedSemiSyncMaster(true).build(), false,
            RecoveryType.SemiSync),
        Case.acts("MasterWithTooManySemiSyncReplicas with EnforceExactSemiSyncReplicas",
            entry(AnalysisCode.MasterWithTooManySemiSyncReplicas), none,
            RecoverySettings.builder().enforceExactSemiSyncReplicas(true).build(), false,
            RecoveryType.SemiSync),

        // ---- no handler / not actionable ---------------------------------------------------------
        Case.skips("NoProblem: no handler", entry(AnalysisCode.NoProblem), none, ALL, false,
            SkipReason.NO_HANDLER, "no action plan"),
        Case.skips("UnreachableCoMaster: no handler", entry(AnalysisCode.UnreachableCoMaster),
            none, ALL, false, SkipReason.NO_HANDLER, "UnreachableCoMaster on 127.0.0.1:10111"),
        Case.skips("DeadIntermediateMasterWithSingleReplica: no handler",
            entry(AnalysisCode.DeadIntermediateMasterWithSingleReplica), none, ALL, false,
            SkipReason.NO_HANDLER, "no action plan"),
        Case.skips("LockedSemiSyncMasterHypothesis: no handler",
            entry(AnalysisCode.LockedSemiSyncMasterHypothesis), none, ALL, false,
            SkipReason.NO_HANDLER, "no action plan"),
        Case.skips("forced NoProblem: still no handler", entry(AnalysisCode.NoProblem), none,
            ALL, true, SkipReason.NO_HANDLER, "no action plan"),
        Case.skips("UnreachableMaster: detection only", entry(AnalysisCode.UnreachableMaster),
            none, ALL, false, SkipReason.NOT_ACTIONABLE, "detection only"),
        Case.skips("DeadMasterAndReplicas: detection only",
            entry(AnalysisCode.DeadMasterAndReplicas), none, ALL, false,
            SkipReason.NOT_ACTIONABLE, "detection only"),
        Case.skips("LockedSemiSyncMaster without its settings: switched off",
            entry(AnalysisCode.LockedSemiSyncMaster), none, ALL, false,
            SkipReason.NOT_ACTIONABLE,
            "RecoverLockedSemiSyncMaster and EnforceExactSemiSyncReplicas are off"),
        Case.skips("NoWriteableMasterStructureWarning without RecoverNonWriteableMaster",
            entry(AnalysisCode.NoWriteableMasterStructureWarning), none, ALL, true,
            SkipReason.NOT_ACTIONABLE, "RecoverNonWriteableMaster is off"),

        // ---- downtime -----------------------------------------------------------------------------
        Case.skips("downtimed master: SkippableDueToDowntime",
            entry(AnalysisCode.DeadMaster, 10111, CLUSTER, "ci", DOWNTIMED), none, ALL, false,
            SkipReason.DOWNTIMED, "127.0.0.1:10111 is downtimed"),
        Case.skips("all replicas downtimed on a replica problem",
            entry(AnalysisCode.AllIntermediateMasterReplicasFailingToConnectOrDead, 10111,
                CLUSTER, "ci", REPLICAS_DOWNTIMED), none, ALL, false, SkipReason.DOWNTIMED,
            "all replicas of 127.0.0.1:10111 are downtimed"),

        // ---- emergency grace ----------------------------------------------------------------------
        Case.skips("DeadMaster 2s after an emergency operation: grace",
            entry(AnalysisCode.DeadMaster), none.withEmergencyOperation(key(10111),
                NOW.minusSeconds(2)), ALL, false, SkipReason.EMERGENCY_GRACE, "waiting 5s"),
        Case.acts("DeadMaster 6s after an emergency operation: acts",
            entry(AnalysisCode.DeadMaster), none.withEmergencyOperation(key(10111),
                NOW.minusSeconds(6)), ALL, false, RecoveryType.MasterRecovery),
        Case.acts("DeadIntermediateMaster has no grace period",
            entry(AnalysisCode.DeadIntermediateMaster), none.withEmergencyOperation(key(10111),
                NOW.minusSeconds(1)), ALL, false, RecoveryType.IntermediateMasterRecovery),

        // ---- global switch and filters -----------------------------------------------------------
        Case.skips("global recoveries disabled", entry(AnalysisCode.DeadMaster),
            none.withRecoveriesDisabled(true), ALL, false, SkipReason.RECOVERIES_DISABLED,
            "global recoveries disabled"),
        Case.skips("default filters: no automated master recovery",
            entry(AnalysisCode.DeadMaster), none, RecoverySettings.DEFAULTS, false,
            SkipReason.CLUSTER_FILTER, "does not match RecoverMasterClusterFilters"),
        Case.skips("master filter does not open intermediate master recovery",
            entry(AnalysisCode.DeadIntermediateMaster), none, RecoverySettings.builder()
                .masterClusterFilters(List.of("*")).build(), false, SkipReason.CLUSTER_FILTER,
            "does not match RecoverIntermediateMasterClusterFilters"),
        Case.skips("intermediate master filter does not open master recovery",
            entry(AnalysisCode.DeadMaster), none, RecoverySettings.builder()
                .intermediateMasterClusterFilters(List.of("*")).build(), false,
            SkipReason.CLUSTER_FILTER, "does not match RecoverMasterClusterFilters"),
        Case.skips("alias~= filter that does not match",
            entry(AnalysisCode.DeadMaster), none, RecoverySettings.builder()
                .masterClusterFilters(List.of("alias~=^prod")).build(), false,
            SkipReason.CLUSTER_FILTER, "cluster 127.0.0.1:10111 (alias ci)"),

        // ---- one at a time -------------------------------------------------------------------------
        Case.skips("a recovery running on the cluster", entry(AnalysisCode.DeadMaster),
            with(recovery("r-1", Duration.ofSeconds(5), null, 0, false)), ALL, false,
            SkipReason.ALREADY_RUNNING, "recovery r-1 of 127.0.0.1:10111 is still running"),
        Case.skips("forced: still one recovery per cluster", entry(AnalysisCode.DeadMaster),
            with(recovery("r-1", Duration.ofSeconds(5), null, 0, true)), ALL, true,
            SkipReason.ALREADY_RUNNING, "one recovery per cluster at a time"),
        Case.skips("a running recovery is found by the cluster alias after a rename",
            entry(AnalysisCode.DeadMaster, 10113, "127.0.0.1:10112", "ci",
                ReplicationAnalysis.DowntimeStatus.NONE),
            with(recovery("r-1", Duration.ofSeconds(5), null, 0, false)), ALL, false,
            SkipReason.ALREADY_RUNNING, "still running"),

        // ---- anti-flapping ------------------------------------------------------------------------
        Case.skips("a recovery ended 10 minutes ago blocks the cluster for an hour",
            entry(AnalysisCode.DeadMaster), with(recovery("r-1", Duration.ofMinutes(11), min10,
                10112, false)), ALL, false, SkipReason.ANTI_FLAPPING,
            "cluster 127.0.0.1:10111 has recently experienced a failover (of 127.0.0.1:10111)"
                + " and is in active period until " + NOW.plus(Duration.ofMinutes(50))),
        Case.skips("the block counts from the end: started 2h ago, ended 10 minutes ago",
            entry(AnalysisCode.DeadMaster), with(recovery("r-1", hour2, min10, 10112, false)),
            ALL, false, SkipReason.ANTI_FLAPPING, "ack-cluster-recoveries"),
        Case.acts("a recovery ended 2 hours ago no longer blocks",
            entry(AnalysisCode.DeadMaster), with(recovery("r-1", Duration.ofHours(3), hour2,
                10112, false)), ALL, false, RecoveryType.MasterRecovery),
        Case.acts("a shorter RecoveryPeriodBlockSeconds has passed",
            entry(AnalysisCode.DeadMaster), with(recovery("r-1", Duration.ofMinutes(11), min10,
                10112, false)), all(b -> b.recoveryPeriodBlock(Duration.ofMinutes(5))), false,
            RecoveryType.MasterRecovery),
        Case.acts("acknowledgement ends the block", entry(AnalysisCode.DeadMaster),
            with(recovery("r-1", Duration.ofMinutes(11), min10, 10112, true)), ALL, false,
            RecoveryType.MasterRecovery),
        Case.skips("the failed server was promoted by a recovery still active",
            entry(AnalysisCode.DeadMaster, 10112, "127.0.0.1:10112", "127.0.0.1:10112",
                ReplicationAnalysis.DowntimeStatus.NONE),
            with(recovery("r-1", Duration.ofMinutes(11), min10, 10112, false)), ALL, false,
            SkipReason.ANTI_FLAPPING, "instance 127.0.0.1:10112 has recently been promoted (by"
                + " failover of 127.0.0.1:10111) and is in active period"),
        Case.skips("the cluster alias survives the rename: still blocked",
            entry(AnalysisCode.DeadMaster, 10113, "127.0.0.1:10113", "ci",
                ReplicationAnalysis.DowntimeStatus.NONE),
            with(recovery("r-1", Duration.ofMinutes(11), min10, 10112, false)), ALL, false,
            SkipReason.ANTI_FLAPPING, "has recently experienced a failover"),
        Case.acts("another cluster's recovery does not block",
            entry(AnalysisCode.DeadMaster, 10211, "127.0.0.1:10211", "other",
                ReplicationAnalysis.DowntimeStatus.NONE),
            with(recovery("r-1", Duration.ofMinutes(11), min10, 10112, false)), ALL, false,
            RecoveryType.MasterRecovery),

        // ---- forced -------------------------------------------------------------------------------
        Case.acts("forced bypasses downtime, the switch, the filters and anti-flapping",
            entry(AnalysisCode.DeadMaster, 10111, CLUSTER, "ci", DOWNTIMED),
            with(recovery("r-1", Duration.ofMinutes(11), min10, 10112, false))
                .withRecoveriesDisabled(true)
                .withEmergencyOperation(key(10111), NOW.minusSeconds(1)),
            RecoverySettings.DEFAULTS, true, RecoveryType.MasterRecovery));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    RecoveryDecision d = c.forced()
        ? RecoveryPolicy.decideForced(c.entry(), c.control(), c.settings(), NOW)
        : RecoveryPolicy.decide(c.entry(), c.control(), c.settings(), NOW);
    assertEquals(c.entry().key(), d.key());
    assertEquals(c.forced(), d.forced(), d.toString());
    if (c.actsAs() != null) {
      assertTrue(d.act(), d.toString());
      assertEquals(c.actsAs(), d.type());
      assertNull(d.skipReason());
    } else {
      assertTrue(d.skipped(), d.toString());
      assertEquals(c.skip(), d.skipReason(), d.toString());
      assertTrue(d.reason().contains(c.reasonContains()), d.reason());
    }
  }

  @Test
  void blockedDecisionsNameTheBlockingRecovery() {
    RecoveryRecord r = recovery("r-1", Duration.ofMinutes(11), Duration.ofMinutes(10), 10112,
        false);
    RecoveryDecision d = RecoveryPolicy.decide(entry(AnalysisCode.DeadMaster), with(r), ALL, NOW);
    assertEquals(List.of(r), d.blockedBy());
  }

  @Test
  void forcedRecoveryAcknowledgesTheInstancesCompletedRecoveries() {
    RecoveryRecord done = recovery("r-1", Duration.ofMinutes(11), Duration.ofMinutes(10), 10112,
        false);
    RecoveryRecord acked = recovery("r-0", Duration.ofHours(3), Duration.ofHours(2), 10113, true);
    RecoveryRecord otherInstance = new RecoveryRecord("r-2", CLUSTER, "ci", key(10112),
        key(10113), NOW.minusSeconds(100), NOW.minusSeconds(90), false);
    RecoveryDecision d = RecoveryPolicy.decideForced(entry(AnalysisCode.DeadMaster),
        with(done, acked, otherInstance), ALL, NOW);
    assertTrue(d.act());
    assertEquals(List.of(done), d.acknowledge());
    assertEquals(RecoveryAction.MASTER_FAILOVER, d.action());
  }

  @Test
  void activePeriodCountsFromTheEnd() {
    Instant start = NOW.minus(Duration.ofHours(5));
    RecoveryRecord running = new RecoveryRecord("r", CLUSTER, "", key(10111), null, start, null,
        false);
    assertTrue(running.activeAt(NOW, Duration.ofSeconds(1)));
    RecoveryRecord ended = running.ended(NOW.minusSeconds(30), key(10112));
    assertTrue(ended.activeAt(NOW, Duration.ofMinutes(1)));
    assertEquals(NOW.plusSeconds(30), ended.activeUntil(Duration.ofMinutes(1)));
    assertTrue(!ended.activeAt(NOW, Duration.ofSeconds(30)));
    assertTrue(!ended.withAcknowledged().activeAt(NOW, Duration.ofHours(1)));
  }

  @Test
  void settingsRefuseContradictions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        RecoverySettings.builder().failMasterPromotionIfSqlThreadNotUpToDate(true)
            .delayMasterPromotionIfSqlThreadNotUpToDate(true).build());
    assertTrue(e.getMessage().contains("mutually exclusive"));
    assertThrows(IllegalArgumentException.class, () ->
        RecoverySettings.builder().failMasterPromotionOnLagMinutes(-1).build());
  }

  @Test
  void defaultsAreOrchestrators() {
    RecoverySettings d = RecoverySettings.DEFAULTS;
    assertEquals(Duration.ofHours(1), d.recoveryPeriodBlock());
    assertTrue(d.coMasterRecoveryMustPromoteOtherCoMaster());
    assertTrue(d.detachLostReplicasAfterMasterFailover());
    assertTrue(d.applyMySqlPromotionAfterMasterFailover());
    assertTrue(!d.allowLosingTransactions());
    assertEquals(20, d.reasonableMaintenanceLagSeconds());
  }
}
