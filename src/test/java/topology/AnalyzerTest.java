package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.AnalysisCode.*;
import static topology.Fixtures.NOW;
import static topology.Fixtures.key;
import static topology.Scenario.connecting;
import static topology.Scenario.delayed;
import static topology.Scenario.lagging;
import static topology.Scenario.master;
import static topology.Scenario.named;
import static topology.Scenario.running;
import static topology.Scenario.stopped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Analysis of whole topologies: one named scenario per code orcha's probes can produce, and the
 * near-misses that must not be taken for a failure.
 */
class AnalyzerTest {

  record Case(Scenario scenario, int port, AnalysisCode expected) {
    @Override
    public String toString() {
      return scenario.name + " -> " + expected;
    }
  }

  static Case c(Scenario s, int port, AnalysisCode expected) {
    return new Case(s, port, expected);
  }

  static Instance semiSyncMaster(int waitCount, int clients, int... replicas) {
    return master(10111, replicas).toBuilder()
        .semiSync(new SemiSync(true, true, false, 10000, waitCount, true, clients, false)).build();
  }

  static Instance semiSyncReplica(int port) {
    return running(port, 10111).toBuilder()
        .semiSync(new SemiSync(true, false, true, 10000, 0, false, 0, true)).build();
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ---- master ---------------------------------------------------------------------------
        c(named("the only server is down").unreachable(master(10111)),
            10111, DeadMasterWithoutReplicas),
        c(named("master down, replicas' IO Connecting with MariaDB's reconnect error")
                .unreachable(master(10111, 10112, 10113))
                .seen(connecting(10112, 10111), connecting(10113, 10111)),
            10111, DeadMaster),
        c(named("master down, replicas stopped").unreachable(master(10111, 10112, 10113))
                .seen(stopped(10112, 10111), stopped(10113, 10111)),
            10111, DeadMaster),
        c(named("master and all replicas down").unreachable(master(10111, 10112, 10113),
                running(10112, 10111), running(10113, 10111)),
            10111, DeadMasterAndReplicas),
        c(named("node just started: nothing re-checked yet").restored(master(10111, 10112))
                .restored(running(10112, 10111)),
            10111, DeadMasterAndReplicas),
        c(named("master down, one replica down, the other reconnecting")
                .unreachable(master(10111, 10112, 10113), running(10113, 10111))
                .seen(connecting(10112, 10111)),
            10111, DeadMasterAndSomeReplicas),
        c(named("master unreachable and every replica lags")
                .unreachable(master(10111, 10112, 10113))
                .seen(lagging(10112, 10111, 60), lagging(10113, 10111, 60)),
            10111, UnreachableMasterWithLaggingReplicas),
        c(named("master unreachable but one replica still replicates")
                .unreachable(master(10111, 10112, 10113))
                .seen(running(10112, 10111), connecting(10113, 10111)),
            10111, UnreachableMaster),
        c(named("master unreachable, two of three replicas lag")
                .unreachable(master(10111, 10112, 10113, 10114))
                .seen(lagging(10112, 10111, 60), lagging(10113, 10111, 60),
                    running(10114, 10111)),
            10111, UnreachableMaster),
        c(named("master unreachable, replicas behind only by their SQL_Delay")
                .unreachable(master(10111, 10112, 10113))
                .seen(delayed(10112, 10111, 3600), delayed(10113, 10111, 3600)),
            10111, UnreachableMaster),
        c(named("master never re-checked since start (restored) counts as invalid")
                .restored(master(10111, 10112, 10113))
                .seen(running(10112, 10111), running(10113, 10111)),
            10111, UnreachableMaster),
        c(named("partial check and a replica failing to connect")
                .partial(master(10111, 10112, 10113))
                .seen(running(10112, 10111), connecting(10113, 10111)),
            10111, UnreachableMaster),
        c(named("partial check, replicas all fine: noise").partial(master(10111, 10112, 10113))
                .seen(running(10112, 10111), running(10113, 10111)),
            10111, NoProblem),
        c(named("semi-sync master short of acknowledgements, binlog moved 3 s ago")
                .seen(semiSyncMaster(1, 0, 10112), running(10112, 10111))
                .binlogUnchangedFor(10111, Duration.ofSeconds(3)),
            10111, LockedSemiSyncMasterHypothesis),
        c(named("semi-sync master short of acknowledgements, binlog history unknown")
                .seen(semiSyncMaster(1, 0, 10112), running(10112, 10111)),
            10111, LockedSemiSyncMasterHypothesis),
        c(named("semi-sync master locked: binlog still for 30 s (window 10 s)")
                .seen(semiSyncMaster(1, 0, 10112), running(10112, 10111))
                .binlogUnchangedFor(10111, Duration.ofSeconds(30)),
            10111, LockedSemiSyncMaster),
        c(named("MariaDB semi-sync master without a wait-count variable waits for one")
                .seen(semiSyncMaster(0, 0, 10112), running(10112, 10111))
                .binlogUnchangedFor(10111, Duration.ofSeconds(30)),
            10111, LockedSemiSyncMaster),
        c(named("ReasonableLockedSemiSyncMasterSeconds 60: 30 s is not yet stale")
                .seen(semiSyncMaster(1, 0, 10112), running(10112, 10111))
                .binlogUnchangedFor(10111, Duration.ofSeconds(30))
                .settings(s -> new AnalysisSettings(s.thresholds(), false, false, false,
                    Duration.ofSeconds(60), List.of(), List.of(), List.of())),
            10111, LockedSemiSyncMasterHypothesis),
        c(named("EnforceExactSemiSyncReplicas, two semi-sync clients for a wait count of one")
                .seen(semiSyncMaster(1, 2, 10112, 10113), semiSyncReplica(10112),
                    semiSyncReplica(10113))
                .settings(s -> s.withEnforceExactSemiSyncReplicas(true)),
            10111, MasterWithTooManySemiSyncReplicas),
        c(named("RecoverNonWriteableMaster and a read-only master")
                .seen(master(10111, 10112).toBuilder().readOnly(true).build(),
                    running(10112, 10111))
                .settings(s -> s.withRecoverNonWriteableMaster(true)),
            10111, AnalysisCode.NoWriteableMasterStructureWarning),
        c(named("master's single replica stopped")
                .seen(master(10111, 10112), stopped(10112, 10111)),
            10111, MasterSingleReplicaNotReplicating),
        c(named("master's single replica down").seen(master(10111, 10112))
                .unreachable(running(10112, 10111)),
            10111, MasterSingleReplicaDead),
        c(named("master's replicas all stopped")
                .seen(master(10111, 10112, 10113), stopped(10112, 10111), stopped(10113, 10111)),
            10111, AllMasterReplicasNotReplicating),
        c(named("master's replicas stopped or down")
                .seen(master(10111, 10112, 10113), stopped(10112, 10111))
                .unreachable(running(10113, 10111)),
            10111, AllMasterReplicasNotReplicatingOrDead),

        // ---- a former master back after a failover (10112 is the new master) -----------------
        c(named("former master back, writable, lost-in-recovery")
                .seen(master(10111), master(10112, 10113), running(10113, 10112))
                .lostInRecovery(10111),
            10111, FormerMasterReturned),
        c(named("former master back, already read-only")
                .seen(master(10111).toBuilder().readOnly(true).build(), master(10112, 10113),
                    running(10113, 10112))
                .lostInRecovery(10111)
                .settings(s -> s.withRecoverNonWriteableMaster(true)),
            10111, FormerMasterReturned),
        c(named("former master back with a replica left behind that still replicates from it")
                .seen(master(10111, 10114), running(10114, 10111), master(10112, 10113),
                    running(10113, 10112))
                .lostInRecovery(10111, 10114),
            10111, FormerMasterReturned),
        c(named("a lost-in-recovery replica of it that replicates")
                .seen(master(10111, 10114), running(10114, 10111), master(10112, 10113),
                    running(10113, 10112))
                .lostInRecovery(10111, 10114),
            10114, NoProblem),
        c(named("the new master of the live cluster")
                .seen(master(10111), master(10112, 10113), running(10113, 10112))
                .lostInRecovery(10111),
            10112, NoProblem),
        c(named("a master downtimed for another reason").seen(master(10111)).downtimed(10111),
            10111, NoProblem),
        c(named("former master still down").unreachable(master(10111))
                .seen(master(10112, 10113), running(10113, 10112)).lostInRecovery(10111),
            10111, DeadMasterWithoutReplicas),

        // ---- co-masters 10111 <-> 10113 -------------------------------------------------------
        c(named("co-master down, the other co-master reconnecting to it")
                .seen(connecting(10111, 10113, 10112, 10113), running(10112, 10111))
                .unreachable(running(10113, 10111, 10111)),
            10113, DeadCoMaster),
        c(named("co-master down, one of its replicas down too")
                .seen(connecting(10111, 10113, 10112, 10113), running(10112, 10111))
                .unreachable(running(10113, 10111, 10111, 10114), running(10114, 10113)),
            10113, DeadCoMasterAndSomeReplicas),
        c(named("co-master unreachable, the other still replicates from it")
                .seen(running(10111, 10113, 10112, 10113), running(10112, 10111))
                .unreachable(running(10113, 10111, 10111)),
            10113, UnreachableCoMaster),
        c(named("co-master up, the other co-master's replication from it stopped")
                .seen(stopped(10111, 10113, 10112, 10113), running(10112, 10111),
                    running(10113, 10111, 10111)),
            10113, AllCoMasterReplicasNotReplicating),

        // ---- intermediate master 10112 (10111 -> 10112 -> 10113, 10114) -----------------------
        c(named("intermediate master down, its single replica failing to connect")
                .seen(master(10111, 10112), connecting(10113, 10112))
                .unreachable(running(10112, 10111, 10113)),
            10112, DeadIntermediateMasterWithSingleReplicaFailingToConnect),
        c(named("intermediate master down, its single replica merely stopped")
                .seen(master(10111, 10112), stopped(10113, 10112))
                .unreachable(running(10112, 10111, 10113)),
            10112, DeadIntermediateMasterWithSingleReplica),
        c(named("intermediate master down, its replicas reconnecting")
                .seen(master(10111, 10112), connecting(10113, 10112), connecting(10114, 10112))
                .unreachable(running(10112, 10111, 10113, 10114)),
            10112, DeadIntermediateMaster),
        c(named("intermediate master down, one replica down, one reconnecting")
                .seen(master(10111, 10112), connecting(10113, 10112))
                .unreachable(running(10112, 10111, 10113, 10114), running(10114, 10112)),
            10112, DeadIntermediateMasterAndSomeReplicas),
        c(named("intermediate master and its replicas down").seen(master(10111, 10112))
                .unreachable(running(10112, 10111, 10113, 10114), running(10113, 10112),
                    running(10114, 10112)),
            10112, DeadIntermediateMasterAndReplicas),
        c(named("intermediate master unreachable, all its replicas lag")
                .seen(master(10111, 10112), lagging(10113, 10112, 90), lagging(10114, 10112, 90))
                .unreachable(running(10112, 10111, 10113, 10114)),
            10112, UnreachableIntermediateMasterWithLaggingReplicas),
        c(named("intermediate master unreachable, a replica still replicates")
                .seen(master(10111, 10112), running(10113, 10112), connecting(10114, 10112))
                .unreachable(running(10112, 10111, 10113, 10114)),
            10112, UnreachableIntermediateMaster),
        c(named("intermediate master up, replicas failing to connect or down")
                .seen(master(10111, 10112), running(10112, 10111, 10113, 10114),
                    connecting(10113, 10112))
                .unreachable(running(10114, 10112)),
            10112, AllIntermediateMasterReplicasFailingToConnectOrDead),
        c(named("intermediate master up, replicas stopped")
                .seen(master(10111, 10112), running(10112, 10111, 10113, 10114),
                    stopped(10113, 10112), stopped(10114, 10112)),
            10112, AllIntermediateMasterReplicasNotReplicating),

        // ---- first tier replicas --------------------------------------------------------------
        c(named("first-tier replica cannot connect to a master orcha reaches")
                .seen(master(10111, 10112, 10113), connecting(10112, 10111),
                    running(10113, 10111)),
            10112, FirstTierReplicaFailingToConnectToMaster),

        // ---- healthy --------------------------------------------------------------------------
        c(named("healthy star").seen(master(10111, 10112, 10113), running(10112, 10111),
                running(10113, 10111)),
            10111, NoProblem),
        c(named("lagging but running replicas of a reachable master")
                .seen(master(10111, 10112, 10113), lagging(10112, 10111, 300),
                    lagging(10113, 10111, 300)),
            10111, NoProblem),
        c(named("a master without replicas is no problem (MasterWithoutReplicas never produced)")
                .seen(master(10111)),
            10111, NoProblem));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void analysesTheServer(Case c) {
    ReplicationAnalysis a = c.scenario().entry(c.port());
    assertEquals(c.expected(), a.analysis());
    assertEquals(c.expected().description(), a.description());
    List<ReplicationAnalysis> listed = c.scenario().analyze();
    boolean isListed = listed.stream().anyMatch(e -> e.key().equals(key(c.port())));
    assertEquals(a.relevant(), isListed, "listed by analyze()");
    if (c.expected() != NoProblem) {
      assertTrue(isListed);
    }
  }

  // ---- near-misses and details ----------------------------------------------------------------

  @Test
  void reconnectingReplicasCountAsFailingToConnect() {
    Scenario s = named("dead master").unreachable(master(10111, 10112, 10113))
        .seen(connecting(10112, 10111), connecting(10113, 10111));
    AnalysisInput in = s.entry(10111).input();
    assertEquals(2, in.countReplicas());
    assertEquals(2, in.countValidReplicas());
    assertEquals(0, in.countValidReplicatingReplicas());
    assertEquals(2, in.countReplicasFailingToConnectToMaster());
    assertTrue(in.isMaster());
    assertFalse(in.lastCheckValid());
    assertEquals(List.of(key(10112), key(10113)), in.replicas());
    // each replica is failing to connect itself, and is a first-tier replica
    assertTrue(s.entry(10112).input().isFailingToConnectToMaster());
    assertEquals(FirstTierReplicaFailingToConnectToMaster, s.entry(10112).analysis());
  }

  @Test
  void connectingWithoutAnErrorIsNotReplicatingNorFailingToConnect() {
    Instance justStarted = Fixtures.server(10112).replication(Scenario.channel(10111,
        ThreadState.OTHER, ThreadState.RUNNING, "", null, 0)).build();
    Scenario s = named("dead master").unreachable(master(10111, 10112)).seen(justStarted);
    ReplicationAnalysis a = s.entry(10111);
    assertEquals(DeadMaster, a.analysis());
    assertEquals(0, a.input().countReplicasFailingToConnectToMaster());
  }

  @Test
  void mysqlConnectErrorMatchesToo() {
    ReplicationStatus r = Scenario.channel(10111, ThreadState.STOPPED, ThreadState.RUNNING,
        Scenario.MYSQL_CONNECTING, null, 0);
    assertTrue(AnalysisInput.failingToConnect(r));
    assertTrue(AnalysisInput.failingToConnect(Scenario.channel(10111, ThreadState.OTHER,
        ThreadState.RUNNING, Scenario.MARIADB_RECONNECTING, null, 0)));
    assertFalse(AnalysisInput.failingToConnect(Scenario.channel(10111, ThreadState.OTHER,
        ThreadState.STOPPED, Scenario.MARIADB_RECONNECTING, null, 0)), "SQL thread stopped");
    assertFalse(AnalysisInput.failingToConnect(Scenario.channel(10111, ThreadState.RUNNING,
        ThreadState.RUNNING, Scenario.MARIADB_RECONNECTING, null, 0)), "IO thread running");
    assertFalse(AnalysisInput.failingToConnect(Scenario.channel(10111, ThreadState.STOPPED,
        ThreadState.RUNNING, "Got fatal error 1236 from master when reading data", null, 0)));
  }

  @Test
  void downtimedDeadMasterIsStillDeadMasterButSkippable() {
    Scenario s = named("downtimed dead master").unreachable(master(10111, 10112, 10113))
        .seen(connecting(10112, 10111), connecting(10113, 10111)).downtimed(10111);
    List<ReplicationAnalysis> all = s.analyze();
    ReplicationAnalysis a = all.stream().filter(e -> e.key().equals(key(10111))).findFirst()
        .orElseThrow();
    assertEquals(DeadMaster, a.analysis());
    assertTrue(a.downtime().isDowntimed());
    assertTrue(a.skippableDueToDowntime());
    assertFalse(a.downtime().isReplicasDowntimed());
    assertEquals(NOW.plus(Duration.ofMinutes(50)), a.downtime().endsAt());
    assertEquals(3000, a.downtime().remainingSeconds());
  }

  @Test
  void formerMasterReturnedIsListedDowntimedAndSkippable() {
    Scenario s = named("former master back").seen(master(10111), master(10112, 10113),
        running(10113, 10112)).lostInRecovery(10111);
    List<ReplicationAnalysis> all = s.analyze();
    assertEquals(List.of(key(10111)), all.stream().map(ReplicationAnalysis::key).toList());
    ReplicationAnalysis a = all.get(0);
    assertEquals(FormerMasterReturned, a.analysis());
    assertTrue(a.input().lostInRecovery());
    assertTrue(a.downtime().isDowntimed());
    assertTrue(a.skippableDueToDowntime(), "no detection registered, no hooks (as orchestrator)");
    assertFalse(a.analysis().isActionable());
    assertEquals("127.0.0.1:10111", a.clusterDetails().clusterName(), "its own cluster");
    assertFalse(s.entry(10112).input().lostInRecovery());
    // a downtime for another reason, or one that ended, is not lost-in-recovery
    assertFalse(named("maintenance").seen(master(10111)).downtimed(10111).entry(10111).input()
        .lostInRecovery());
    assertFalse(named("ended").seen(master(10111)).downtimeEnded(10111).entry(10111).input()
        .lostInRecovery());
  }

  @Test
  void anEndedDowntimeIsIgnored() {
    ReplicationAnalysis a = named("downtime over").unreachable(master(10111, 10112))
        .seen(connecting(10112, 10111)).downtimeEnded(10111).entry(10111);
    assertEquals(ReplicationAnalysis.DowntimeStatus.NONE, a.downtime());
    assertFalse(a.skippableDueToDowntime());
  }

  @Test
  void allReplicasDowntimedMakesAReplicaProblemSkippable() {
    ReplicationAnalysis a = named("stopped replicas, downtimed")
        .seen(master(10111, 10112, 10113), stopped(10112, 10111), stopped(10113, 10111))
        .downtimed(10112, 10113).entry(10111);
    assertEquals(AllMasterReplicasNotReplicating, a.analysis());
    assertEquals(2, a.input().countDowntimedReplicas());
    assertFalse(a.downtime().isDowntimed());
    assertTrue(a.downtime().isReplicasDowntimed());
    assertTrue(a.skippableDueToDowntime());

    ReplicationAnalysis dead = named("dead master, replicas downtimed")
        .unreachable(master(10111, 10112)).seen(connecting(10112, 10111)).downtimed(10112)
        .entry(10111);
    assertEquals(DeadMaster, dead.analysis());
    assertEquals(1, dead.input().countReplicas(), "downtimed replicas still count in R");
    assertFalse(dead.downtime().isReplicasDowntimed(), "DeadMaster is not about replicas");
    assertFalse(dead.skippableDueToDowntime());
  }

  @Test
  void partialSuccessComesFromTheLiveness() {
    AnalysisInput in = named("partial").partial(master(10111, 10112))
        .seen(running(10112, 10111)).entry(10111).input();
    assertTrue(in.lastCheckPartialSuccess());
    assertFalse(in.lastCheckValid());
  }

  @Test
  void orderMastersThenClusterMastersThenReplicaCount() {
    Scenario s = named("two clusters with problems")
        // cluster A: master 10111 with a dead intermediate master 10112 (2 replicas)
        .seen(master(10111, 10112), connecting(10113, 10112), connecting(10114, 10112))
        .unreachable(running(10112, 10111, 10113, 10114))
        // cluster B: a master with one stopped replica; a master with two stopped replicas
        .seen(master(20111, 20112), stopped(20112, 20111))
        .seen(master(30111, 30112, 30113), stopped(30112, 30111), stopped(30113, 30111));
    List<String> order = s.analyze().stream()
        .map(a -> a.key().port() + ":" + a.analysis()).toList();
    assertEquals(List.of("30111:AllMasterReplicasNotReplicating",
        "10111:MasterSingleReplicaDead", "20111:MasterSingleReplicaNotReplicating",
        "10112:DeadIntermediateMaster"), order);
  }

  @Test
  void recoveryIgnoreHostnameFiltersDropEntries() {
    Scenario s = named("ignored").unreachable(master(10111, 10112))
        .seen(connecting(10112, 10111))
        .settings(x -> x.withRecoveryIgnoreHostnameFilters(List.of(Pattern.compile("127\\.0"))));
    assertEquals(List.of(), s.analyze());
    assertEquals(List.of(), Analyzer.forInstance(s.snapshot(), s.context(), key(10111)));
    assertEquals(DeadMaster, s.entry(10111).analysis(), "entry() applies no filter");
  }

  @Test
  void clusterDetailsCarryAliasDomainAndRecoveryFilters() {
    Instance m = master(10111, 10112).toBuilder()
        .labels(new InstanceLabels("", "ci", "ci.example", "dc-east-1", "rgn-east", "prod", "",
            0, null))
        .build();
    Scenario s = named("ci").unreachable(m).seen(connecting(10112, 10111))
        .settings(x -> x.withClusterFilters(List.of("alias=ci"), List.of("other")));
    ReplicationAnalysis a = s.entry(10111);
    ReplicationAnalysis.ClusterDetails d = a.clusterDetails();
    assertEquals("127.0.0.1:10111", d.clusterName());
    assertEquals("ci", d.clusterAlias());
    assertEquals("ci.example", d.clusterDomain());
    assertTrue(d.hasAutomatedMasterRecovery());
    assertFalse(d.hasAutomatedIntermediateMasterRecovery());
    assertEquals("dc-east-1", a.input().dataCenter());
    assertEquals("rgn-east", a.input().region());
    assertEquals("prod", a.input().physicalEnvironment());
    assertEquals("orcha-1", a.processing().processingNodeHostname());
    assertEquals("token-1", a.processing().processingNodeToken());

    ReplicationAnalysis noAlias = named("no alias").unreachable(master(10111, 10112))
        .seen(connecting(10112, 10111)).entry(10111);
    assertEquals("127.0.0.1:10111", noAlias.clusterDetails().clusterAlias());
    assertFalse(noAlias.clusterDetails().hasAutomatedMasterRecovery(), "no filters by default");
  }

  @Test
  void perClusterAndPerInstanceViews() {
    Scenario s = named("two clusters").unreachable(master(10111, 10112))
        .seen(connecting(10112, 10111)).seen(master(20111, 20112), stopped(20112, 20111));
    TopologySnapshot snap = s.snapshot();
    AnalysisContext ctx = s.context();
    assertEquals(List.of(key(10111), key(10112)), Analyzer.forCluster(snap, ctx,
        "127.0.0.1:10111").stream().map(ReplicationAnalysis::key).toList());
    assertEquals(List.of(key(20111)), Analyzer.forCluster(snap, ctx, "127.0.0.1:20111").stream()
        .map(ReplicationAnalysis::key).toList());
    assertEquals(List.of(), Analyzer.forCluster(snap, ctx, "nope:1"));
    assertEquals(DeadMaster,
        Analyzer.forInstance(snap, ctx, key(10111)).get(0).analysis());
    assertEquals(List.of(), Analyzer.forInstance(snap, ctx, key(20112)), "no problem: not listed");
    assertEquals(NoProblem, Analyzer.entry(snap, ctx, key(20112)).orElseThrow().analysis());
    assertTrue(Analyzer.entry(snap, ctx, key(99999)).isEmpty());
  }

  @Test
  void aggregatesOfReplicas() {
    Instance mysqlReplica = running(10114, 10111).toBuilder().flavor(Flavor.MYSQL)
        .version("8.0.36").binlogFormat("STATEMENT").build();
    Instance delayedReplica = delayed(10113, 10111, 3600).toBuilder().binlogFormat("MIXED")
        .semiSync(new SemiSync(true, false, true, 0, 0, false, 0, true)).build();
    Instance notLogging = lagging(10115, 10111, 60).toBuilder()
        .logReplicationUpdatesEnabled(false).build();
    AnalysisInput in = named("mixed replicas")
        .seen(master(10111, 10112, 10113, 10114, 10115), running(10112, 10111), delayedReplica,
            mysqlReplica, notLogging)
        .entry(10111).input();
    assertEquals(4, in.countReplicas());
    assertEquals(3, in.countLoggingReplicas());
    assertEquals(1, in.countRowBasedLoggingReplicas());
    assertEquals(1, in.countMixedBasedLoggingReplicas());
    assertEquals(1, in.countStatementBasedLoggingReplicas());
    assertEquals(2, in.countDistinctMajorVersionsLoggingReplicas(), "MariaDB 10.11, MySQL 8.0");
    assertEquals(1, in.countDelayedReplicas());
    assertEquals(2, in.countLaggingReplicas(), "the delayed one and the 60 s one");
    assertEquals(1, in.countSemiSyncReplicasEnabled());
    assertTrue(in.mariaDbGtidImmediateTopology());
    assertFalse(in.oracleGtidImmediateTopology());
  }

  @Test
  void majorVersionsAreComparedWithinAFlavourOnly() {
    Instance patch = running(10113, 10111).toBuilder().version("10.11.6-MariaDB-log").build();
    assertEquals(1, named("same major").seen(master(10111, 10112, 10113),
        running(10112, 10111), patch).entry(10111).input()
        .countDistinctMajorVersionsLoggingReplicas());
    Instance older = running(10113, 10111).toBuilder().version("10.6.16-MariaDB").build();
    ReplicationAnalysis a = named("10.6 and 10.11").seen(master(10111, 10112, 10113),
        running(10112, 10111), older).entry(10111);
    assertEquals(2, a.input().countDistinctMajorVersionsLoggingReplicas());
    assertEquals(List.of(StructureWarning.MultipleMajorVersionsLoggingReplicasStructureWarning),
        a.structureAnalysis());
    assertEquals("MariaDB 10.11", AnalysisInput.majorVersionFamily(running(10112, 10111)));
  }

  @Test
  void structureWarningsFromATopology() {
    ReplicationAnalysis a = named("read-only master")
        .seen(master(10111, 10112).toBuilder().readOnly(true).build(), running(10112, 10111))
        .entry(10111);
    assertEquals(List.of(StructureWarning.NoWriteableMasterStructureWarning),
        a.structureAnalysis());
    assertEquals(NoProblem, a.analysis(), "RecoverNonWriteableMaster is off");
    assertTrue(a.relevant());

    ReplicationStatus filePosition = new ReplicationStatus(key(10111), "", "repl",
        ThreadState.RUNNING, ThreadState.RUNNING, 0, "", 0, "", 0L, 0,
        BinlogCoordinates.binary("b.000001", 4), BinlogCoordinates.binary("b.000001", 4),
        BinlogCoordinates.relay("r.000001", 4), false, "No", "", "", false, false);
    ReplicationAnalysis b = named("two file/position replicas")
        .seen(master(10111, 10112, 10113),
            running(10112, 10111).toBuilder().replication(filePosition).build(),
            running(10113, 10111).toBuilder().replication(filePosition).build())
        .entry(10111);
    assertFalse(b.input().mariaDbGtidImmediateTopology());
    assertEquals(List.of(StructureWarning.NoFailoverSupportStructureWarning),
        b.structureAnalysis());

    ReplicationAnalysis c = named("replicas without log_slave_updates")
        .seen(master(10111, 10112, 10113),
            running(10112, 10111).toBuilder().logReplicationUpdatesEnabled(false).build(),
            running(10113, 10111).toBuilder().logBinEnabled(false).build())
        .entry(10111);
    assertEquals(List.of(StructureWarning.NoLoggingReplicasStructureWarning),
        c.structureAnalysis());
  }

  @Test
  void errantGtidOfNonDowntimedReplicas() {
    Instance m = master(10111, 10112, 10113).toBuilder()
        .gtid(new GtidState("ON", "", "", false, "0-10111-5", "0-10111-5", "", 0, false))
        .build();
    Instance errant = running(10112, 10111).toBuilder()
        .gtid(new GtidState("ON", "", "", false, "0-10112-6", "0-10112-6", "", 0, false))
        .build();
    Instance fine = running(10113, 10111).toBuilder()
        .gtid(new GtidState("ON", "", "", false, "0-10111-5", "0-10111-5", "", 0, false))
        .build();
    Scenario s = named("errant replica").seen(m, errant, fine);
    ReplicationAnalysis a = s.entry(10111);
    assertEquals("0-10112-6", a.input().maxReplicaGtidErrant());
    assertEquals(List.of(StructureWarning.ErrantGTIDStructureWarning), a.structureAnalysis());
    assertEquals(1, s.analyze().size());

    ReplicationAnalysis downtimed = named("errant replica downtimed").seen(m, errant, fine)
        .downtimed(10112).entry(10111);
    assertEquals("", downtimed.input().maxReplicaGtidErrant());
    assertEquals(List.of(), downtimed.structureAnalysis());
  }

  @Test
  void gtidModesOfReplicas() {
    Instance m = Fixtures.master(10111, 10112, 10113).toBuilder().flavor(Flavor.MYSQL)
        .version("8.0.36").gtid(new GtidState("ON", "", "", true, "", "", "", 0, false)).build();
    Instance on = running(10112, 10111).toBuilder().flavor(Flavor.MYSQL).version("8.0.36")
        .gtid(new GtidState("ON", "", "", true, "", "", "", 0, false)).build();
    Instance off = running(10113, 10111).toBuilder().flavor(Flavor.MYSQL).version("8.0.36")
        .gtid(new GtidState("OFF", "", "", true, "", "", "", 0, false)).build();
    ReplicationAnalysis a = named("gtid modes").seen(m, on, off).entry(10111);
    assertEquals("ON", a.input().gtidMode());
    assertEquals("OFF", a.input().minReplicaGtidMode());
    assertEquals("ON", a.input().maxReplicaGtidMode());
    assertTrue(a.structureAnalysis().contains(StructureWarning.DifferentGTIDModesStructureWarning));
  }

  @Test
  void semiSyncFieldsOnMariaDb() {
    AnalysisInput in = named("semi-sync").seen(semiSyncMaster(0, 1, 10112),
        semiSyncReplica(10112)).entry(10111).input();
    assertTrue(in.semiSyncMasterEnabled());
    assertTrue(in.semiSyncMasterStatus());
    assertEquals(1, in.semiSyncMasterWaitForReplicaCount(), "MariaDB waits for one");
    assertEquals(1, in.semiSyncMasterClients());
    assertEquals(1, in.countSemiSyncReplicasEnabled());
  }

  @Test
  void neverReachedServersAreNotAnalysed() {
    TopologySnapshot s = TopologyAssembler.assemble(List.of(new ObservedInstance(key(10119),
            null, Liveness.never())),
        java.util.Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    assertEquals(List.of(), Analyzer.analyze(s, AnalysisContext.of(NOW)));
  }

  @Test
  void sameInputSameOutput() {
    Scenario s = named("deterministic").unreachable(master(10111, 10112, 10113))
        .seen(connecting(10112, 10111), running(10113, 10111));
    assertEquals(s.analyze(), s.analyze());
    assertEquals(Map.of(), AnalysisContext.of(NOW).downtimes());
  }
}
