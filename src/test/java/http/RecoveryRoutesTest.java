package http;

import static http.Fixtures.NOW;
import static http.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import actors.recovery.RecoveryProcedure;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import topology.Analyzer;
import topology.Instance;
import topology.InstanceKey;
import topology.ReplicationAnalysis;

/** The recovery routes (§4.4, §7.4, §7.6) over a loopback socket, at a fixed time. */
class RecoveryRoutesTest extends ApiTestBase {

  /** The routes' "now": ten minutes after the fixtures' recoveries started. */
  static final Instant CLOCK = NOW.plusSeconds(600);

  static final List<String> TOPOLOGY_RECOVERY_FIELDS = List.of("Id", "UID", "AnalysisEntry",
      "SuccessorKey", "SuccessorAlias", "SuccessorBinlogCoordinates", "IsActive", "IsSuccessful",
      "LostReplicas", "ParticipatingInstanceKeys", "AllErrors", "RecoveryStartTimestamp",
      "RecoveryEndTimestamp", "ProcessingNodeHostname", "ProcessingNodeToken", "Acknowledged",
      "AcknowledgedAt", "AcknowledgedBy", "AcknowledgedComment", "LastDetectionId",
      "RelatedRecoveryId", "Type", "RecoveryType");

  static final String NOT_INDICATED = "GracefulMasterTakeover: target instance not indicated, "
      + "auto=false, and master 127.0.0.1:10111 has 2 replicas. orchestrator cannot choose "
      + "where to failover to. Aborting";

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("RecoveryRoutesTest",
        new ApiRouter(API, Clock.fixed(CLOCK, ZoneOffset.UTC)), "");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetApi() {
    API.reset();
    API.snapshot = ApiRoutesTest.twoClusters();
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  // ---- builders ------------------------------------------------------------------------------

  static RecoveryLog.Resolution promoted(int successorPort) {
    return new RecoveryLog.Resolution(true, key(successorPort), "", "", List.of(key(10114)),
        List.of(key(10111), key(successorPort)), List.of(), "MasterRecoveryGTID", false);
  }

  static RecoveryLog.Resolution failed(String... errors) {
    return new RecoveryLog.Resolution(false, InstanceKey.NONE, "", "", List.of(), List.of(),
        List.of(errors), "MasterRecoveryGTID", true);
  }

  /** Recovery {@code id} of a failed master, started {@code id} seconds after NOW. */
  static RecoveryLog.Recovery recovery(long id, String cluster, String alias,
      RecoveryLog.Resolution resolution) {
    Instant at = NOW.plusSeconds(id);
    RecoveryLog.Start start = new RecoveryLog.Start("uid-" + id, key(10111), cluster, alias,
        "MasterRecovery", "DeadMaster", "", false, null, "orcha-1", 40 + id);
    List<RecoveryLog.Step> steps = List.of(
        new RecoveryLog.Step(1, at, "registered", "registered DeadMaster on 127.0.0.1:10111"),
        new RecoveryLog.Step(2, at.plusSeconds(2), "promoted", "127.0.0.1:10112 is the new master"));
    return new RecoveryLog.Recovery(id, start, at, steps, resolution,
        resolution == null ? null : at.plusSeconds(5), false, "", null, "");
  }

  static RecoveryLog.Recovery ended(long id) {
    return recovery(id, "127.0.0.1:10111", "ci", promoted(10112));
  }

  /** An outcome recorded as recovery 1 of the ci cluster. */
  static void outcome(RecoveryLog.Resolution resolution) {
    API.recoverOutcome = req -> recovery(1, "127.0.0.1:10111", "ci", resolution);
  }

  static RecoveryProcedure.Request onlyRequest() {
    assertEquals(1, API.recoverRequests.size(), API.recoverRequests.toString());
    return API.recoverRequests.get(0);
  }

  static List<Long> ids(JsonNode array) {
    assertTrue(array.isArray(), array.toString());
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("Id").asLong()));
    return out;
  }

  // ---- recover -------------------------------------------------------------------------------

  @Test
  void recoverAnswersTheSuccessorKeyAndNamesTheFailedServer() {
    JsonNode r = ok("/api/recover/127.0.0.1/10111");
    assertEquals("Recovery executed on 127.0.0.1:10111", r.get("Message").asText());
    assertEquals("{\"Hostname\":\"127.0.0.1\",\"Port\":10112}", r.get("Details").toString());
    RecoveryProcedure.Request req = onlyRequest();
    assertEquals(RecoveryProcedure.Kind.RECOVER, req.kind());
    assertEquals(key(10111), req.failed());
    assertEquals(InstanceKey.NONE, req.candidate());
    assertNull(req.entry());
    assertFalse(req.skipProcesses());
  }

  @Test
  void recoverWithACandidatePassesIt() {
    JsonNode r = ok("/api/recover/127.0.0.1/10111/127.0.0.1/10113");
    assertEquals("127.0.0.1:10113", printKey(r.get("Details")));
    assertEquals(key(10113), onlyRequest().candidate());
  }

  @Test
  void recoverThatPromotedNobodyIsAnErrorWithTheFailedKeyAndTheErrors() {
    outcome(failed("no candidate", "all replicas lag"));
    JsonNode e = errorEnvelope("/api/recover/127.0.0.1/10111", 500);
    assertEquals("Recovery attempted but no instance promoted: no candidate; all replicas lag",
        e.get("Message").asText());
    assertEquals("{\"Hostname\":\"127.0.0.1\",\"Port\":10111}", e.get("Details").toString());
  }

  @Test
  void recoverNotAttemptedIsAnErrorWithTheFailedKey() {
    JsonNode e = errorEnvelope("/api/recover/127.0.0.1/9999", 500);
    assertEquals("Recovery not attempted: 127.0.0.1:9999 is not a known instance",
        e.get("Message").asText());
    assertEquals("127.0.0.1:9999", printKey(e.get("Details")));
  }

  @Test
  void recoverLiteAndTheQueryParameterSkipProcesses() {
    ok("/api/recover-lite/127.0.0.1/10111");
    ok("/api/recover/127.0.0.1/10111?skipProcesses=true");
    ok("/api/recover-lite/127.0.0.1/10111/127.0.0.1/10113/");
    ok("/api/recover/127.0.0.1/10111");
    assertEquals(List.of(true, true, true, false),
        API.recoverRequests.stream().map(RecoveryProcedure.Request::skipProcesses).toList());
    assertEquals(key(10113), API.recoverRequests.get(2).candidate());
  }

  @Test
  void recoverRefusesABadPort() {
    assertEquals("Invalid port: x", error("/api/recover/127.0.0.1/x"));
    assertTrue(API.recoverRequests.isEmpty());
  }

  // ---- graceful master takeover ------------------------------------------------------------

  @Test
  void gracefulTakeoverAnswersTheRecoveryWithItsSuccessor() {
    JsonNode r = ok("/api/graceful-master-takeover/ci/127.0.0.1/10112");
    assertEquals("graceful-master-takeover: successor promoted", r.get("Message").asText());
    assertEquals("127.0.0.1:10112", printKey(r.get("Details").get("SuccessorKey")));
    assertEquals(TOPOLOGY_RECOVERY_FIELDS, ApiJsonTest.fieldNames(r.get("Details")));
    RecoveryProcedure.Request req = onlyRequest();
    assertEquals(RecoveryProcedure.Kind.GRACEFUL, req.kind());
    assertEquals(key(10111), req.failed());
    assertEquals(key(10112), req.candidate());
  }

  @Test
  void gracefulTakeoverFindsTheMasterFromAnyServerOfTheCluster() {
    JsonNode r = ok("/api/graceful-master-takeover-auto/127.0.0.1/10113");
    assertEquals("127.0.0.1:10112", printKey(r.get("Details").get("SuccessorKey")));
    ok("/api/graceful-master-takeover-auto/127.0.0.1:10111");
    ok("/api/graceful-master-takeover/127.0.0.1/10114/127.0.0.1/10113");
    assertEquals(List.of(RecoveryProcedure.Kind.GRACEFUL_AUTO, RecoveryProcedure.Kind.GRACEFUL_AUTO,
        RecoveryProcedure.Kind.GRACEFUL),
        API.recoverRequests.stream().map(RecoveryProcedure.Request::kind).toList());
    assertEquals(List.of(key(10111), key(10111), key(10111)),
        API.recoverRequests.stream().map(RecoveryProcedure.Request::failed).toList());
    assertEquals(List.of(InstanceKey.NONE, InstanceKey.NONE, key(10113)),
        API.recoverRequests.stream().map(RecoveryProcedure.Request::candidate).toList());
  }

  @Test
  void gracefulTakeoverErrorTextIsPassedThroughExactly() {
    outcome(failed(NOT_INDICATED, "second error"));
    JsonNode e = errorEnvelope("/api/graceful-master-takeover/ci", 500);
    assertEquals(NOT_INDICATED, e.get("Message").asText());
    assertEquals("uid-1", e.get("Details").get("UID").asText());
    assertEquals("{\"Hostname\":\"\",\"Port\":0}", e.get("Details").get("SuccessorKey").toString());

    outcome(failed());
    assertEquals("graceful-master-takeover: no successor promoted",
        error("/api/graceful-master-takeover/ci"));

    // refused before it started: the coordinator's prefix is not shown
    API.recoverOutcome = req -> {
      throw new ApiException("Recovery not attempted: " + NOT_INDICATED);
    };
    JsonNode notStarted = errorEnvelope("/api/graceful-master-takeover/ci", 500);
    assertEquals(NOT_INDICATED, notStarted.get("Message").asText());
    assertTrue(notStarted.get("Details").isNull());
  }

  @Test
  void gracefulTakeoverWithAnUnknownClusterHintIsRefusedBeforeAnything() {
    assertEquals("Unable to determine cluster name. clusterHint=nope",
        error("/api/graceful-master-takeover/nope"));
    assertEquals("Unable to determine cluster name. clusterHint=nope",
        error("/api/graceful-master-takeover-auto/nope/127.0.0.1/10112"));
    assertTrue(API.recoverRequests.isEmpty());
  }

  @Test
  void takeoverOfCoMastersFailsTheWritableOneOver() {
    API.snapshot = Fixtures.snapshotOf(Fixtures.coMasters().toArray(Instance[]::new));
    ok("/api/graceful-master-takeover/127.0.0.1/10112/127.0.0.1/10114");
    assertEquals(key(10111), onlyRequest().failed());
  }

  @Test
  void takeoverOfAClusterWithTwoWritableCoMastersCannotDeduceTheMaster() {
    List<Instance> co = new ArrayList<>(Fixtures.coMasters());
    co.set(2, co.get(2).toBuilder().readOnly(false).build());
    API.snapshot = Fixtures.snapshotOf(co.toArray(Instance[]::new));
    String name = API.snapshot.instance(key(10112)).orElseThrow().clusterName();
    assertEquals("Cannot deduce cluster master for " + name + ". Found 2 potential masters",
        error("/api/graceful-master-takeover/127.0.0.1/10112"));
    assertTrue(API.recoverRequests.isEmpty());
  }

  // ---- forced failover and takeover ----------------------------------------------------------

  @Test
  void forceMasterFailoverFailsTheClusterMasterOver() {
    JsonNode r = ok("/api/force-master-failover/ci");
    assertEquals("Master failed over", r.get("Message").asText());
    assertEquals("127.0.0.1:10112", printKey(r.get("Details").get("SuccessorKey")));
    assertEquals(RecoveryProcedure.Kind.FORCE_FAILOVER, onlyRequest().kind());
    assertEquals(key(10111), onlyRequest().failed());

    outcome(failed("no replica can be promoted"));
    JsonNode e = errorEnvelope("/api/force-master-failover/127.0.0.1/10112", 500);
    assertEquals("Master not failed over: no replica can be promoted", e.get("Message").asText());
    assertEquals("uid-1", e.get("Details").get("UID").asText());
  }

  @Test
  void forceMasterTakeoverOfANonDirectReplicaIsRefusedWithOrchestratorsText() {
    API.snapshot = Fixtures.snapshotOf(Fixtures.chain().toArray(Instance[]::new));
    assertEquals("You may only promote a direct child of the master 127.0.0.1:10111. "
        + "The master of 127.0.0.1:10113 is 127.0.0.1:10112.",
        error("/api/force-master-takeover/127.0.0.1:10111/127.0.0.1/10113"));
    assertEquals("Instance not found: 127.0.0.1:9999",
        error("/api/force-master-takeover/127.0.0.1/10111/127.0.0.1/9999"));
    assertTrue(API.recoverRequests.isEmpty());
  }

  @Test
  void forceMasterTakeoverOfADirectReplicaPromotesIt() {
    JsonNode r = ok("/api/force-master-takeover/127.0.0.1/10114/127.0.0.1/10113");
    assertEquals("Master failed over", r.get("Message").asText());
    assertEquals("127.0.0.1:10113", printKey(r.get("Details").get("SuccessorKey")));
    RecoveryProcedure.Request req = onlyRequest();
    assertEquals(RecoveryProcedure.Kind.FORCE_TAKEOVER, req.kind());
    assertEquals(key(10111), req.failed());
    assertEquals(key(10113), req.candidate());

    outcome(failed());
    assertEquals("Recovery attempted yet no replica promoted",
        error("/api/force-master-takeover/ci/127.0.0.1/10113"));
  }

  // ---- acknowledgements ------------------------------------------------------------------------

  @Test
  void ackRecoveryByIdAcknowledgesThatRecovery() {
    API.recoveryLog.addAll(List.of(ended(6), ended(7)));
    JsonNode r = ok("/api/ack-recovery/7?comment=looked%20at%20it%0A");
    assertEquals("Acknowledged recovery", r.get("Message").asText());
    assertEquals("\"7\"", r.get("Details").toString());
    RecoveryLog.Recovery seven = API.recoveryLog.get(1);
    assertTrue(seven.acknowledged());
    assertEquals("looked at it", seven.acknowledgedComment());
    assertFalse(API.recoveryLog.get(0).acknowledged());
  }

  @Test
  void ackRecoveryByUidAcknowledgesThatRecovery() {
    API.recoveryLog.addAll(List.of(ended(6), ended(7)));
    JsonNode r = ok("/api/ack-recovery/uid/uid-6?comment=ok");
    assertEquals("Acknowledged recovery", r.get("Message").asText());
    assertEquals("uid-6", r.get("Details").asText());
    assertTrue(API.recoveryLog.get(0).acknowledged());
    assertFalse(API.recoveryLog.get(1).acknowledged());
  }

  @Test
  void ackRecoveryWithoutACommentIsRefused() {
    API.recoveryLog.add(ended(7));
    assertEquals("No acknowledge comment given", error("/api/ack-recovery/7"));
    assertEquals("No acknowledge comment given", error("/api/ack-recovery/uid/uid-7?comment=%0A"));
    assertFalse(API.recoveryLog.get(0).acknowledged());
  }

  @Test
  void ackRecoveryWithANonNumericIdNamesTheParameter() {
    assertEquals("Invalid recoveryId: seven (a number is expected)",
        error("/api/ack-recovery/seven?comment=x"));
    assertTrue(API.calls.stream().noneMatch(c -> c.startsWith("ack-recoveries")), API.calls.toString());
  }

  // ---- audit ---------------------------------------------------------------------------------

  @Test
  void auditRecoveryPagesNewestFirstTwentyAtATime() {
    for (long id = 1; id <= 21; id++) {
      API.recoveryLog.add(ended(id));
    }
    List<Long> first = new ArrayList<>();
    for (long id = 21; id >= 2; id--) {
      first.add(id);
    }
    assertEquals(first, ids(bare("/api/audit-recovery")));
    assertEquals(first, ids(bare("/api/audit-recovery/0")));
    assertEquals(List.of(1L), ids(bare("/api/audit-recovery/1")));
    assertEquals(List.of(), ids(bare("/api/audit-recovery/2")));
    assertEquals("Invalid page: x", error("/api/audit-recovery/x"));
  }

  @Test
  void auditRecoveryByUidAndIdAndUnacknowledged() {
    API.recoveryLog.addAll(List.of(ended(1), ended(2), ended(3)));
    assertEquals(List.of(2L), ids(bare("/api/audit-recovery/uid/uid-2")));
    assertEquals(List.of(3L), ids(bare("/api/audit-recovery/id/3")));
    assertEquals(List.of(), ids(bare("/api/audit-recovery/uid/nope")));
    ok("/api/ack-recovery/2?comment=seen");
    assertEquals(List.of(3L, 1L), ids(bare("/api/audit-recovery?unacknowledged=true")));
    assertEquals(List.of(3L, 2L, 1L), ids(bare("/api/audit-recovery")));
  }

  @Test
  void auditRecoveryOfAClusterMatchesItsRecordedNameOrAlias() {
    API.recoveryLog.add(recovery(1, "127.0.0.1:10311", "ci", promoted(10111)));
    API.recoveryLog.add(recovery(2, "127.0.0.1:10111", "ci", promoted(10112)));
    API.recoveryLog.add(recovery(3, "127.0.0.1:10211", "127.0.0.1:10211", promoted(10212)));
    // a name a failover retired: as is
    assertEquals(List.of(1L), ids(bare("/api/audit-recovery/cluster/127.0.0.1:10311")));
    // a hint of a live cluster resolves (alias ci, or any of its servers)
    assertEquals(List.of(2L), ids(bare("/api/audit-recovery/cluster/ci")));
    assertEquals(List.of(3L), ids(bare("/api/audit-recovery/cluster/127.0.0.1:10213")));
    assertEquals(List.of(), ids(bare("/api/audit-recovery/cluster/127.0.0.1:10211/1")));
    assertEquals(List.of(2L, 1L), ids(bare("/api/audit-recovery/alias/ci")));
    assertEquals(List.of(), ids(bare("/api/audit-recovery/alias/ci/1")));
    ok("/api/ack-recovery/2?comment=seen");
    assertEquals(List.of(1L), ids(bare("/api/audit-recovery/alias/ci/0?unacknowledged=true")));
  }

  @Test
  void auditRecoveryStepsListsEveryStepOfTheRecovery() {
    API.recoveryLog.addAll(List.of(ended(4), ended(5)));
    JsonNode steps = bare("/api/audit-recovery-steps/uid-5");
    assertEquals(2, steps.size());
    assertEquals(List.of("Id", "RecoveryUID", "AuditAt", "Message"),
        ApiJsonTest.fieldNames(steps.get(0)));
    assertEquals(1, steps.get(0).get("Id").asInt());
    assertEquals("uid-5", steps.get(0).get("RecoveryUID").asText());
    assertEquals("2026-03-01 12:00:05", steps.get(0).get("AuditAt").asText());
    assertEquals("registered: registered DeadMaster on 127.0.0.1:10111",
        steps.get(0).get("Message").asText());
    assertEquals("promoted: 127.0.0.1:10112 is the new master", steps.get(1).get("Message").asText());
    assertEquals(0, bare("/api/audit-recovery-steps/nope").size());
  }

  // ---- active and recently active ----------------------------------------------------------

  @Test
  void activeClusterRecoveryListsTheRunningRecoveriesOfTheCluster() {
    API.recoveryLog.add(ended(1));
    API.recoveryLog.add(recovery(2, "127.0.0.1:10111", "ci", null));
    API.recoveryLog.add(recovery(3, "127.0.0.1:10211", "127.0.0.1:10211", null));
    JsonNode active = bare("/api/active-cluster-recovery/127.0.0.1:10111");
    assertEquals(List.of(2L), ids(active));
    assertTrue(active.get(0).get("IsActive").asBoolean());
    assertTrue(active.get(0).get("SuccessorKey").isNull());
    assertEquals("", active.get(0).get("RecoveryEndTimestamp").asText());
    assertEquals(List.of(2L), ids(bare("/api/active-cluster-recovery/ci")));
    assertEquals(List.of(2L, 1L), ids(bare("/api/recently-active-cluster-recovery/ci")));
    assertEquals(List.of(3L, 2L, 1L),
        ids(bare("/api/recently-active-instance-recovery/127.0.0.1/10111")));
    assertEquals(List.of(), ids(bare("/api/recently-active-instance-recovery/127.0.0.1/10112")));
  }

  @Test
  void recentlyActiveEndsAfterTheRecoveryPeriodBlock() {
    API.recoveryLog.add(ended(1));
    // ended 6s after NOW, the routes' clock is NOW + 600s
    API.settings = new ApiSettings("", "/api/status", 3306, topology.Thresholds.DEFAULTS,
        "orcha-1", java.time.Duration.ofSeconds(60));
    assertEquals(List.of(), ids(bare("/api/recently-active-cluster-recovery/ci")));
    assertFalse(bare("/api/audit-recovery").get(0).get("IsActive").asBoolean());
    API.settings = InMemoryNodeApi.defaultSettings();
    assertEquals(List.of(1L), ids(bare("/api/recently-active-cluster-recovery/ci")));
    assertTrue(bare("/api/audit-recovery").get(0).get("IsActive").asBoolean());
  }

  // ---- blocked recoveries --------------------------------------------------------------------

  @Test
  void blockedRecoveriesSayWhyNothingWasDone() {
    API.recoveryLog.add(ended(3));
    API.skips.add(new RecoveryLog.Skip(NOW.plusSeconds(10), key(10112), "127.0.0.1:10111",
        "DeadMaster", "blocked by recovery uid-3 on cluster 127.0.0.1:10111", "uid-3"));
    API.skips.add(new RecoveryLog.Skip(NOW.plusSeconds(20), key(10211), "127.0.0.1:10211",
        "DeadMaster", "recoveries are globally disabled", ""));
    JsonNode all = bare("/api/blocked-recoveries");
    assertEquals(2, all.size());
    JsonNode newest = all.get(0);
    assertEquals(List.of("FailedInstanceKey", "ClusterName", "Analysis", "LastBlockedTimestamp",
        "BlockingRecoveryId", "Reason"), ApiJsonTest.fieldNames(newest));
    assertEquals("127.0.0.1:10211", printKey(newest.get("FailedInstanceKey")));
    assertEquals("recoveries are globally disabled", newest.get("Reason").asText());
    assertEquals(0, newest.get("BlockingRecoveryId").asLong());
    assertEquals("2026-03-01 12:00:20", newest.get("LastBlockedTimestamp").asText());

    JsonNode ci = bare("/api/blocked-recoveries/cluster/ci");
    assertEquals(1, ci.size());
    assertEquals("127.0.0.1:10111", ci.get(0).get("ClusterName").asText());
    assertEquals("DeadMaster", ci.get(0).get("Analysis").asText());
    assertEquals(3, ci.get(0).get("BlockingRecoveryId").asLong());
    assertEquals("blocked by recovery uid-3 on cluster 127.0.0.1:10111",
        ci.get(0).get("Reason").asText());
  }

  // ---- TopologyRecovery JSON -------------------------------------------------------------------

  @Test
  void topologyRecoveryHasExactlyTheContractsFields() {
    ReplicationAnalysis entry = Analyzer.analyze(AnalysisJsonTest.lockedStar(),
        AnalysisJsonTest.context(Map.of())).get(0);
    RecoveryLog.Recovery r = ended(9);
    RecoveryLog.Start s = r.start();
    API.recoveryLog.add(new RecoveryLog.Recovery(r.id(), new RecoveryLog.Start(s.uid(),
        s.failedKey(), s.clusterName(), s.clusterAlias(), s.type(), s.analysisCode(),
        s.commandHint(), s.forced(), entry, s.processingNode(), s.lastDetectionId()),
        r.startedAt(), r.steps(), r.resolution(), r.endedAt(), false, "", null, ""));
    ok("/api/ack-recovery/9?comment=fine");

    JsonNode n = bare("/api/audit-recovery").get(0);
    assertEquals(TOPOLOGY_RECOVERY_FIELDS, ApiJsonTest.fieldNames(n));
    assertEquals(9, n.get("Id").asLong());
    assertEquals("uid-9", n.get("UID").asText());
    assertEquals(AnalysisJsonTest.FIELDS, ApiJsonTest.fieldNames(n.get("AnalysisEntry")));
    assertEquals("127.0.0.1:10112", printKey(n.get("SuccessorKey")));
    assertEquals("", n.get("SuccessorAlias").asText());
    assertTrue(n.get("SuccessorBinlogCoordinates").isNull());
    assertFalse(n.get("IsActive").asBoolean()); // acknowledged
    assertTrue(n.get("IsSuccessful").asBoolean());
    assertEquals("[{\"Hostname\":\"127.0.0.1\",\"Port\":10114}]", n.get("LostReplicas").toString());
    assertEquals(2, n.get("ParticipatingInstanceKeys").size());
    assertEquals("[]", n.get("AllErrors").toString());
    assertEquals("2026-03-01 12:00:09", n.get("RecoveryStartTimestamp").asText());
    assertEquals("2026-03-01 12:00:14", n.get("RecoveryEndTimestamp").asText());
    assertEquals("orcha-1", n.get("ProcessingNodeHostname").asText());
    assertEquals("orcha-1", n.get("ProcessingNodeToken").asText());
    assertTrue(n.get("Acknowledged").asBoolean());
    assertEquals("2026-03-01 12:00:00", n.get("AcknowledgedAt").asText());
    assertEquals("orcha-1", n.get("AcknowledgedBy").asText());
    assertEquals("fine", n.get("AcknowledgedComment").asText());
    assertEquals(49, n.get("LastDetectionId").asLong());
    assertEquals(0, n.get("RelatedRecoveryId").asLong());
    assertEquals("MasterRecovery", n.get("Type").asText());
    assertEquals("MasterRecoveryGTID", n.get("RecoveryType").asText());
    assertFalse(n.has("Steps"));
  }

  @Test
  void topologyRecoveryOfAnUnresolvedRecoveryWithoutAnalysis() {
    API.recoveryLog.add(recovery(1, "127.0.0.1:10111", "ci", null));
    JsonNode n = bare("/api/audit-recovery").get(0);
    assertEquals(TOPOLOGY_RECOVERY_FIELDS, ApiJsonTest.fieldNames(n));
    assertTrue(n.get("AnalysisEntry").isNull());
    assertTrue(n.get("SuccessorKey").isNull());
    assertFalse(n.get("IsSuccessful").asBoolean());
    assertEquals("", n.get("RecoveryType").asText());
    assertEquals("", n.get("AcknowledgedAt").asText());
  }
}
