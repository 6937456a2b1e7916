package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.AnalysisCode.*;
import static topology.StructureWarning.ErrantGTIDStructureWarning;
import static topology.StructureWarning.MixedAndRowLoggingReplicasStructureWarning;
import static topology.StructureWarning.MultipleMajorVersionsLoggingReplicasStructureWarning;
import static topology.StructureWarning.NoFailoverSupportStructureWarning;
import static topology.StructureWarning.NoLoggingReplicasStructureWarning;
import static topology.StructureWarning.NotEnoughValidSemiSyncReplicasStructureWarning;
import static topology.StructureWarning.StatementAndMixedLoggingReplicasStructureWarning;
import static topology.StructureWarning.StatementAndRowLoggingReplicasStructureWarning;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The declarative table itself: one named case per code and per structure warning, on
 * hand-built {@link AnalysisInput}s (so that codes orcha's prober cannot produce yet, such as
 * group-replication and binlog-server ones, are covered too), plus the table's columns.
 */
class AnalysisCodeTest {

  static final InstanceKey KEY = new InstanceKey("db1", 3306);

  static AnalysisInput.Builder master(boolean valid) {
    return AnalysisInput.builder(KEY).isMaster(true).isClusterMaster(true)
        .lastCheckValid(valid).gtidMode("ON").minReplicaGtidMode("ON").maxReplicaGtidMode("ON")
        .mariaDbGtidImmediateTopology(true);
  }

  static AnalysisInput.Builder intermediate(boolean valid) {
    return AnalysisInput.builder(KEY).masterKey(new InstanceKey("db0", 3306)).isMaster(false)
        .replicationDepth(1).lastCheckValid(valid);
  }

  static AnalysisInput.Builder coMaster(boolean valid) {
    return intermediate(valid).isCoMaster(true);
  }

  /** R, VR, VRR. */
  static UnaryOperator<AnalysisInput.Builder> replicas(int r, int vr, int vrr) {
    return b -> b.countReplicas(r).countValidReplicas(vr).countValidReplicatingReplicas(vrr);
  }

  record Case(String name, AnalysisInput input, AnalysisCode expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, AnalysisInput.Builder b, UnaryOperator<AnalysisInput.Builder> counts,
      AnalysisCode expected) {
    return new Case(name, counts.apply(b).build(), expected);
  }

  static AnalysisInput.Builder semiSync(AnalysisInput.Builder b, int wait, int clients) {
    return b.semiSyncMasterEnabled(true).semiSyncMasterStatus(true)
        .semiSyncMasterWaitForReplicaCount(wait).semiSyncMasterClients(clients);
  }

  static Stream<Case> codes() {
    return Stream.of(
        c("DeadMasterWithoutReplicas", master(false), replicas(0, 0, 0), DeadMasterWithoutReplicas),
        c("DeadMaster", master(false), replicas(3, 3, 0), DeadMaster),
        c("DeadMasterAndReplicas", master(false), replicas(3, 0, 0), DeadMasterAndReplicas),
        c("DeadMasterAndSomeReplicas", master(false), replicas(3, 1, 0),
            DeadMasterAndSomeReplicas),
        c("UnreachableMasterWithLaggingReplicas", master(false).countLaggingReplicas(3),
            replicas(3, 3, 2), UnreachableMasterWithLaggingReplicas),
        c("UnreachableMasterWithLaggingReplicas not when every replica is delayed",
            master(false).countLaggingReplicas(3).countDelayedReplicas(3), replicas(3, 3, 2),
            UnreachableMaster),
        c("UnreachableMaster", master(false), replicas(3, 3, 1), UnreachableMaster),
        c("UnreachableMaster on a partial check with a replica failing to connect",
            master(false).lastCheckPartialSuccess(true).countReplicasFailingToConnectToMaster(1),
            replicas(3, 3, 2), UnreachableMaster),
        c("partial check without a failing replica is noise",
            master(false).lastCheckPartialSuccess(true), replicas(3, 3, 3), NoProblem),
        c("former master back, writable, lost-in-recovery -> FormerMasterReturned",
            master(true).lostInRecovery(true), replicas(0, 0, 0), FormerMasterReturned),
        c("former master back, already read-only -> FormerMasterReturned",
            master(true).lostInRecovery(true).isReadOnly(true).recoverNonWriteableMaster(true),
            replicas(0, 0, 0), FormerMasterReturned),
        c("former master back with its left-behind replicas, semi-sync locked -> FormerMasterReturned",
            semiSync(master(true), 1, 0).lostInRecovery(true).binlogCoordinatesStale(true),
            replicas(2, 2, 0), FormerMasterReturned),
        c("former master still down is a dead master (downtimed, skippable)",
            master(false).lostInRecovery(true), replicas(0, 0, 0), DeadMasterWithoutReplicas),
        c("a master downtimed for another reason (not lostInRecovery) -> not FormerMasterReturned",
            master(true), replicas(0, 0, 0), NoProblem),
        c("a lost-in-recovery replica of it that replicates -> not FormerMasterReturned",
            intermediate(true).lostInRecovery(true), replicas(0, 0, 0), NoProblem),
        c("LockedSemiSyncMasterHypothesis", semiSync(master(true), 1, 0), replicas(2, 2, 2),
            LockedSemiSyncMasterHypothesis),
        c("LockedSemiSyncMaster", semiSync(master(true), 1, 0).binlogCoordinatesStale(true),
            replicas(2, 2, 2), LockedSemiSyncMaster),
        c("semi-sync master with enough clients is not locked",
            semiSync(master(true), 1, 1).binlogCoordinatesStale(true), replicas(2, 2, 2),
            NoProblem),
        c("MasterWithTooManySemiSyncReplicas",
            semiSync(master(true), 1, 2).enforceExactSemiSyncReplicas(true), replicas(2, 2, 2),
            MasterWithTooManySemiSyncReplicas),
        c("too many semi-sync replicas without EnforceExactSemiSyncReplicas",
            semiSync(master(true), 1, 2), replicas(2, 2, 2), NoProblem),
        c("NoWriteableMasterStructureWarning",
            master(true).isReadOnly(true).recoverNonWriteableMaster(true), replicas(2, 2, 2),
            AnalysisCode.NoWriteableMasterStructureWarning),
        c("read-only master without RecoverNonWriteableMaster",
            master(true).isReadOnly(true), replicas(2, 2, 2), NoProblem),
        c("MasterSingleReplicaNotReplicating", master(true), replicas(1, 1, 0),
            MasterSingleReplicaNotReplicating),
        c("MasterSingleReplicaDead", master(true), replicas(1, 0, 0), MasterSingleReplicaDead),
        c("AllMasterReplicasNotReplicating", master(true), replicas(3, 3, 0),
            AllMasterReplicasNotReplicating),
        c("AllMasterReplicasNotReplicatingOrDead", master(true), replicas(3, 2, 0),
            AllMasterReplicasNotReplicatingOrDead),
        c("DeadCoMaster", coMaster(false), replicas(1, 1, 0), DeadCoMaster),
        c("DeadCoMasterAndSomeReplicas", coMaster(false), replicas(2, 1, 0),
            DeadCoMasterAndSomeReplicas),
        c("UnreachableCoMaster", coMaster(false), replicas(2, 2, 1), UnreachableCoMaster),
        c("AllCoMasterReplicasNotReplicating", coMaster(true), replicas(1, 1, 0),
            AllCoMasterReplicasNotReplicating),
        c("DeadIntermediateMasterWithSingleReplicaFailingToConnect",
            intermediate(false).countReplicasFailingToConnectToMaster(1), replicas(1, 1, 0),
            DeadIntermediateMasterWithSingleReplicaFailingToConnect),
        c("DeadIntermediateMasterWithSingleReplica", intermediate(false), replicas(1, 1, 0),
            DeadIntermediateMasterWithSingleReplica),
        c("DeadIntermediateMaster", intermediate(false), replicas(2, 2, 0),
            DeadIntermediateMaster),
        c("DeadIntermediateMasterAndSomeReplicas", intermediate(false), replicas(3, 1, 0),
            DeadIntermediateMasterAndSomeReplicas),
        c("DeadIntermediateMasterAndReplicas", intermediate(false), replicas(2, 0, 0),
            DeadIntermediateMasterAndReplicas),
        c("UnreachableIntermediateMasterWithLaggingReplicas",
            intermediate(false).countLaggingReplicas(2), replicas(2, 2, 2),
            UnreachableIntermediateMasterWithLaggingReplicas),
        c("UnreachableIntermediateMaster", intermediate(false), replicas(2, 2, 1),
            UnreachableIntermediateMaster),
        c("AllIntermediateMasterReplicasFailingToConnectOrDead",
            intermediate(true).countReplicasFailingToConnectToMaster(2), replicas(3, 2, 0),
            AllIntermediateMasterReplicasFailingToConnectOrDead),
        c("AllIntermediateMasterReplicasNotReplicating", intermediate(true), replicas(2, 2, 0),
            AllIntermediateMasterReplicasNotReplicating),
        c("BinlogServerFailingToConnectToMaster (before the first-tier rule)",
            intermediate(true).isBinlogServer(true).isFailingToConnectToMaster(true),
            replicas(0, 0, 0), BinlogServerFailingToConnectToMaster),
        c("FirstTierReplicaFailingToConnectToMaster",
            intermediate(true).isFailingToConnectToMaster(true), replicas(0, 0, 0),
            FirstTierReplicaFailingToConnectToMaster),
        c("a deeper replica failing to connect is no problem of its own",
            intermediate(true).replicationDepth(2).isFailingToConnectToMaster(true),
            replicas(0, 0, 0), NoProblem),
        c("DeadReplicationGroupMemberWithReplicas (not an intermediate master)",
            intermediate(false).isReplicationGroupMember(true), replicas(2, 2, 0),
            DeadReplicationGroupMemberWithReplicas),
        c("MasterWithoutReplicas is never produced", master(true), replicas(0, 0, 0), NoProblem),
        c("NoProblem", master(true), replicas(3, 3, 3), NoProblem));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void firstMatchingCodeWins(Case c) {
    assertEquals(c.expected(), AnalysisCode.classify(c.input()));
    assertTrue(c.expected().matches(c.input()));
    // nothing evaluated earlier matches
    for (AnalysisCode earlier : AnalysisCode.values()) {
      if (earlier.evaluationOrder() < c.expected().evaluationOrder()) {
        assertFalse(earlier.matches(c.input()), earlier + " matched first");
      }
    }
  }

  @Test
  void everyCodeHasANamedCase() {
    Set<AnalysisCode> covered = codes().map(Case::expected)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(AnalysisCode.class)));
    covered.add(MasterWithoutReplicas); // its case shows it is never produced
    assertEquals(EnumSet.allOf(AnalysisCode.class), covered);
  }

  // ---- structure warnings ---------------------------------------------------------------------

  record WarningCase(String name, AnalysisInput input, List<StructureWarning> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static WarningCase w(String name, AnalysisInput.Builder b, StructureWarning... expected) {
    return new WarningCase(name, b.build(), List.of(expected));
  }

  static AnalysisInput.Builder healthyMaster() {
    return replicas(2, 2, 2).apply(master(true)).countLoggingReplicas(2)
        .countRowBasedLoggingReplicas(2).countDistinctMajorVersionsLoggingReplicas(1);
  }

  static Stream<WarningCase> warnings() {
    return Stream.of(
        w("none on a healthy master", healthyMaster()),
        w("NoLoggingReplicasStructureWarning",
            healthyMaster().countLoggingReplicas(0).countRowBasedLoggingReplicas(0)
                .countDistinctMajorVersionsLoggingReplicas(0),
            NoLoggingReplicasStructureWarning),
        w("NoFailoverSupportStructureWarning", healthyMaster().mariaDbGtidImmediateTopology(false),
            NoFailoverSupportStructureWarning),
        w("no failover support is not a warning with a single replica",
            healthyMaster().mariaDbGtidImmediateTopology(false).countReplicas(1)),
        w("StatementAndMixedLoggingReplicasStructureWarning",
            healthyMaster().countRowBasedLoggingReplicas(0).countStatementBasedLoggingReplicas(1)
                .countMixedBasedLoggingReplicas(1),
            StatementAndMixedLoggingReplicasStructureWarning),
        w("StatementAndRowLoggingReplicasStructureWarning",
            healthyMaster().countRowBasedLoggingReplicas(1).countStatementBasedLoggingReplicas(1),
            StatementAndRowLoggingReplicasStructureWarning),
        w("MixedAndRowLoggingReplicasStructureWarning",
            healthyMaster().countRowBasedLoggingReplicas(1).countMixedBasedLoggingReplicas(1),
            MixedAndRowLoggingReplicasStructureWarning),
        w("MultipleMajorVersionsLoggingReplicasStructureWarning",
            healthyMaster().countDistinctMajorVersionsLoggingReplicas(2),
            MultipleMajorVersionsLoggingReplicasStructureWarning),
        w("DifferentGTIDModesStructureWarning", healthyMaster().minReplicaGtidMode("OFF"),
            StructureWarning.DifferentGTIDModesStructureWarning),
        w("ErrantGTIDStructureWarning", healthyMaster().maxReplicaGtidErrant("0-10112-1"),
            ErrantGTIDStructureWarning),
        w("NoWriteableMasterStructureWarning", healthyMaster().isReadOnly(true),
            StructureWarning.NoWriteableMasterStructureWarning),
        w("NotEnoughValidSemiSyncReplicasStructureWarning",
            healthyMaster().semiSyncMasterEnabled(true).semiSyncMasterStatus(false)
                .semiSyncMasterWaitForReplicaCount(1).semiSyncMasterClients(0),
            NotEnoughValidSemiSyncReplicasStructureWarning),
        w("master-only warnings do not apply to an intermediate master",
            replicas(2, 2, 2).apply(intermediate(true)).isReadOnly(true)),
        w("several at once, in the contract's order",
            healthyMaster().isReadOnly(true).maxReplicaGtidErrant("x").minReplicaGtidMode("OFF")
                .mariaDbGtidImmediateTopology(false).countLoggingReplicas(0)
                .countRowBasedLoggingReplicas(0).countDistinctMajorVersionsLoggingReplicas(0),
            NoLoggingReplicasStructureWarning, NoFailoverSupportStructureWarning,
            StructureWarning.DifferentGTIDModesStructureWarning, ErrantGTIDStructureWarning,
            StructureWarning.NoWriteableMasterStructureWarning));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warnings")
  void structureWarnings(WarningCase c) {
    assertEquals(c.expected(), StructureWarning.of(c.input()));
  }

  @Test
  void everyStructureWarningHasANamedCase() {
    Set<StructureWarning> covered = warnings().flatMap(c -> c.expected().stream())
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(StructureWarning.class)));
    assertEquals(EnumSet.allOf(StructureWarning.class), covered);
  }

  // ---- the table's columns --------------------------------------------------------------------

  @Test
  void evaluationOrderIsTheContractTable() {
    // orchestrator's table, plus orcha's own FormerMasterReturned
    List<String> contract = List.of("DeadMasterWithoutReplicas", "DeadMaster",
        "DeadMasterAndReplicas", "DeadMasterAndSomeReplicas",
        "UnreachableMasterWithLaggingReplicas", "UnreachableMaster", "FormerMasterReturned",
        "LockedSemiSyncMasterHypothesis", "LockedSemiSyncMaster",
        "MasterWithTooManySemiSyncReplicas", "NoWriteableMasterStructureWarning",
        "MasterSingleReplicaNotReplicating", "MasterSingleReplicaDead",
        "AllMasterReplicasNotReplicating", "AllMasterReplicasNotReplicatingOrDead",
        "DeadCoMaster", "DeadCoMasterAndSomeReplicas", "UnreachableCoMaster",
        "AllCoMasterReplicasNotReplicating",
        "DeadIntermediateMasterWithSingleReplicaFailingToConnect",
        "DeadIntermediateMasterWithSingleReplica", "DeadIntermediateMaster",
        "DeadIntermediateMasterAndSomeReplicas", "DeadIntermediateMasterAndReplicas",
        "UnreachableIntermediateMasterWithLaggingReplicas", "UnreachableIntermediateMaster",
        "AllIntermediateMasterReplicasFailingToConnectOrDead",
        "AllIntermediateMasterReplicasNotReplicating", "BinlogServerFailingToConnectToMaster",
        "FirstTierReplicaFailingToConnectToMaster", "DeadReplicationGroupMemberWithReplicas",
        "MasterWithoutReplicas", "NoProblem");
    assertEquals(contract, Arrays.stream(AnalysisCode.values()).map(Enum::name).toList());
    for (AnalysisCode c : AnalysisCode.values()) {
      assertEquals(c.ordinal(), c.evaluationOrder());
      assertEquals(c == NoProblem, c.description().isEmpty(), c + " description");
      assertEquals(Optional.of(c), AnalysisCode.parse(c.name()));
    }
  }

  @Test
  void actions() {
    Map<AnalysisCode, RecoveryAction> expected = new EnumMap<>(AnalysisCode.class);
    expected.put(DeadMaster, RecoveryAction.MASTER_FAILOVER);
    expected.put(DeadMasterAndSomeReplicas, RecoveryAction.MASTER_FAILOVER);
    expected.put(LockedSemiSyncMaster, RecoveryAction.SEMI_SYNC);
    expected.put(MasterWithTooManySemiSyncReplicas, RecoveryAction.SEMI_SYNC);
    expected.put(AnalysisCode.NoWriteableMasterStructureWarning, RecoveryAction.SET_WRITEABLE);
    expected.put(DeadCoMaster, RecoveryAction.CO_MASTER_FAILOVER);
    expected.put(DeadCoMasterAndSomeReplicas, RecoveryAction.CO_MASTER_FAILOVER);
    for (AnalysisCode c : List.of(DeadIntermediateMasterWithSingleReplicaFailingToConnect,
        DeadIntermediateMaster, DeadIntermediateMasterAndSomeReplicas,
        AllIntermediateMasterReplicasFailingToConnectOrDead)) {
      expected.put(c, RecoveryAction.INTERMEDIATE_MASTER_RECOVERY);
    }
    expected.put(DeadReplicationGroupMemberWithReplicas, RecoveryAction.GROUP_MEMBER);
    for (AnalysisCode c : AnalysisCode.values()) {
      RecoveryAction want = expected.getOrDefault(c, RecoveryAction.NONE);
      assertEquals(want, c.action(), c.name());
      assertEquals(want != RecoveryAction.NONE, c.isActionable(), c.name());
    }
  }

  @Test
  void handlersAreTheActionableCodesPlusTheGenericOnes() {
    Set<AnalysisCode> generic = EnumSet.of(DeadMasterAndReplicas, UnreachableMaster,
        UnreachableMasterWithLaggingReplicas, AllMasterReplicasNotReplicating,
        AllMasterReplicasNotReplicatingOrDead, UnreachableIntermediateMasterWithLaggingReplicas,
        DeadIntermediateMasterAndReplicas, FormerMasterReturned);
    for (AnalysisCode c : AnalysisCode.values()) {
      assertEquals(c.isActionable() || generic.contains(c), c.hasHandler(), c.name());
    }
    // §7.5 step 3: no handler at all
    for (AnalysisCode c : List.of(LockedSemiSyncMasterHypothesis, UnreachableCoMaster,
        DeadIntermediateMasterWithSingleReplica, FirstTierReplicaFailingToConnectToMaster,
        NoProblem)) {
      assertFalse(c.hasHandler(), c.name());
    }
  }

  @Test
  void emergentProbes() {
    Map<AnalysisCode, EmergentProbe> expected = new EnumMap<>(AnalysisCode.class);
    expected.put(DeadMasterAndReplicas, EmergentProbe.REPROBE_MASTER);
    expected.put(FirstTierReplicaFailingToConnectToMaster, EmergentProbe.REPROBE_MASTER);
    expected.put(UnreachableMaster, EmergentProbe.REPROBE_REPLICAS);
    expected.put(UnreachableCoMaster, EmergentProbe.REPROBE_REPLICAS);
    expected.put(UnreachableIntermediateMaster, EmergentProbe.REPROBE_REPLICAS);
    expected.put(LockedSemiSyncMasterHypothesis, EmergentProbe.REPROBE_INSTANCE);
    expected.put(AllMasterReplicasNotReplicating, EmergentProbe.REPROBE_INSTANCE);
    expected.put(AllMasterReplicasNotReplicatingOrDead, EmergentProbe.REPROBE_INSTANCE);
    expected.put(UnreachableMasterWithLaggingReplicas, EmergentProbe.RESTART_REPLICAS_IO);
    expected.put(UnreachableIntermediateMasterWithLaggingReplicas,
        EmergentProbe.RESTART_REPLICAS_IO);
    for (AnalysisCode c : AnalysisCode.values()) {
      assertEquals(expected.getOrDefault(c, EmergentProbe.NONE), c.emergentProbe(), c.name());
    }
    assertEquals(EnumSet.of(DeadMaster, DeadMasterAndSomeReplicas, LockedSemiSyncMaster),
        Arrays.stream(AnalysisCode.values()).filter(AnalysisCode::emergencyGracePeriod)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(AnalysisCode.class))));
  }

  @Test
  void actionUnderConfiguration() {
    AnalysisSettings none = AnalysisSettings.DEFAULTS;
    assertEquals(RecoveryAction.NONE, LockedSemiSyncMaster.actionUnder(none));
    assertEquals(RecoveryAction.SEMI_SYNC,
        LockedSemiSyncMaster.actionUnder(none.withRecoverLockedSemiSyncMaster(true)));
    assertEquals(RecoveryAction.SEMI_SYNC,
        LockedSemiSyncMaster.actionUnder(none.withEnforceExactSemiSyncReplicas(true)));
    assertEquals(RecoveryAction.NONE, MasterWithTooManySemiSyncReplicas.actionUnder(
        none.withRecoverLockedSemiSyncMaster(true)));
    assertEquals(RecoveryAction.NONE,
        AnalysisCode.NoWriteableMasterStructureWarning.actionUnder(none));
    assertEquals(RecoveryAction.MASTER_FAILOVER, DeadMaster.actionUnder(none));
  }
}
