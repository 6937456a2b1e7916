package http;

import static http.Fixtures.NOW;
import static http.Fixtures.key;
import static http.Fixtures.master;
import static http.Fixtures.reached;
import static http.Fixtures.replica;
import static http.Fixtures.unreachable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.detection.DetectionLog;
import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import topology.Analyzer;
import topology.TopologyChange;
import topology.TopologyChange.Kind;
import topology.TopologySnapshot;

/**
 * The history and decisions routes over a loopback socket, after a failover of the CI star
 * (10111 died, 10112 promoted, 10113 and 10114 re-pointed), at a fixed time.
 */
class HistoryRoutesTest extends ApiTestBase {

  static final Instant CLOCK = NOW.plusSeconds(600);
  static final String OLD = "127.0.0.1:10111";
  static final String NEW = "127.0.0.1:10112";

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("HistoryRoutesTest",
        new ApiRouter(API, Clock.fixed(CLOCK, ZoneOffset.UTC)), "");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  /** After the failover: 10111 down on its own, 10112 the master of 10113 and 10114. */
  static TopologySnapshot afterFailover() {
    return Fixtures.snapshot(List.of(unreachable(master(10111)), reached(master(10112, 10113,
        10114).toBuilder().readOnly(false).build()), reached(replica(10113, 10112)),
        reached(replica(10114, 10112)), reached(master(10211, 10212)), reached(replica(10212,
        10211))));
  }

  static TopologyChange change(long millis, int port, String cluster, Kind kind, String message) {
    return new TopologyChange(NOW.plusMillis(millis), key(port), cluster, "", kind, "", "",
        message);
  }

  static DetectionLog.Detection detection(long millis) {
    var entry = Analyzer.analyze(AnalysisJsonTest.lockedStar(), AnalysisJsonTest.context(Map.of()))
        .get(0);
    var evidence = List.of(new DetectionLog.Evidence(key(10111), "analyzed", false,
            NOW.minusSeconds(1).toString(), "connection refused", "NONE", "NONE", "", null),
        new DetectionLog.Evidence(key(10112), "replica", true, NOW.toString(), "", "OTHER",
            "RUNNING", "error reconnecting to master", null));
    var c = new DetectionLog.Candidate(key(10111), "DeadMaster", true, OLD, "ci", entry,
        evidence);
    return new DetectionLog.Detection(7, "d-7", c, NOW.plusMillis(millis),
        NOW.plusSeconds(3600), false, "", null, "", List.of(), false);
  }

  /** Recovery 1 of cluster 10111, registered at +1 s, ended at +6 s with 10112 promoted. */
  static RecoveryLog.Recovery recovery() {
    Instant at = NOW.plusSeconds(1);
    RecoveryLog.Start start = new RecoveryLog.Start("uid-1", key(10111), OLD, "ci",
        "MasterRecovery", "DeadMaster", "", false, null, "orcha-1", 7);
    List<RecoveryLog.Step> steps = List.of(
        new RecoveryLog.Step(1, NOW.plusMillis(500), "detected", "DeadMaster on " + OLD),
        new RecoveryLog.Step(2, at, "registered", "registered DeadMaster on " + OLD),
        new RecoveryLog.Step(3, NOW.plusSeconds(3), "promoted", NEW + " is the new master"));
    RecoveryLog.Resolution res = new RecoveryLog.Resolution(true, key(10112), "", "", List.of(),
        List.of(key(10111), key(10112)), List.of(), "MasterRecoveryGTID", false);
    return new RecoveryLog.Recovery(1, start, at, steps, res, NOW.plusSeconds(6), false, "", null,
        "");
  }

  static RecoveryLog.Skip disabled(Instant at) {
    return new RecoveryLog.Skip(at, key(10111), OLD, "DeadMaster",
        "DeadMaster on " + OLD + " (cluster " + OLD + "): global recoveries disabled", "");
  }

  @BeforeEach
  void failover() {
    API.reset();
    API.snapshot = afterFailover();
    API.changes.addAll(List.of(
        change(200, 10111, OLD, Kind.UNREACHABLE, "stopped answering: connection refused"),
        change(3000, 10112, OLD, Kind.PROMOTED, "no longer replicates from " + OLD),
        change(3001, 10112, OLD, Kind.READ_ONLY_CHANGED, "read_only ON -> OFF"),
        change(4000, 10113, NEW, Kind.MASTER_CHANGED, "master " + OLD + " -> " + NEW),
        // recorded under the cluster it came from: found as a member of the cluster now
        change(4100, 10114, "127.0.0.1:10999", Kind.MASTER_CHANGED, "master x -> " + NEW),
        change(4200, 10212, "127.0.0.1:10211", Kind.REPLICATION_STOPPED, "another cluster")));
    API.detections.add(detection(500));
    API.recoveryLog.add(recovery());
  }

  static List<String> kinds(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(e -> out.add(e.get("Kind").asText() + (e.has("Decision")
        ? "(" + e.get("Decision").asText() + ")" : "") + " " + printKey(e.get("Key"))));
    return out;
  }

  static final List<String> FAILOVER = List.of(
      "Unreachable 127.0.0.1:10111",
      "Detection 127.0.0.1:10111",
      "RecoveryDecision(ran) 127.0.0.1:10111",
      "Promoted 127.0.0.1:10112",
      "ReadOnlyChanged 127.0.0.1:10112",
      "MasterChanged 127.0.0.1:10113",
      "MasterChanged 127.0.0.1:10114",
      "RecoveryEnded 127.0.0.1:10111");

  @Test
  void aClusterIsFollowedThroughItsFailoverOldestFirstOnRequest() {
    JsonNode asc = bare("/api/history/cluster/" + NEW + "?order=asc");
    assertEquals(FAILOVER, kinds(asc));
    TopologyChange.Query q = API.historyQueries.get(0);
    assertEquals(Set.of(NEW, OLD), q.clusterNames(), "the name it had before the failover");
    assertEquals(Set.of(key(10112), key(10113), key(10114)), q.members());
    assertTrue(q.oldestFirst());
    assertEquals(100, q.limit());

    JsonNode first = asc.get(0);
    assertEquals(List.of("Timestamp", "Source", "Kind", "Key", "ClusterName", "ClusterAlias",
        "Before", "After", "Message"), ApiJsonTest.fieldNames(first));
    assertEquals("2026-03-01T12:00:00.200Z", first.get("Timestamp").asText());
    assertEquals("topology", first.get("Source").asText());
    assertEquals(OLD, first.get("ClusterName").asText());
    JsonNode detected = asc.get(1);
    assertEquals("detection", detected.get("Source").asText());
    assertEquals("DeadMaster", detected.get("Analysis").asText());
    assertEquals(2, detected.get("Evidence").size());
    assertEquals("replica", detected.get("Evidence").get(1).get("Role").asText());
    JsonNode decided = asc.get(2);
    assertEquals("ran", decided.get("Decision").asText());
    assertEquals(1, decided.get("RecoveryId").asLong());
    assertEquals("uid-1", decided.get("RecoveryUID").asText());
    JsonNode ended = asc.get(7);
    assertTrue(ended.get("Successful").asBoolean());
    assertEquals(NEW, printKey(ended.get("SuccessorKey")));
    assertEquals("recovery 1 ended: successful, successor " + NEW, ended.get("Message").asText());

    List<String> newestFirst = new ArrayList<>(FAILOVER);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, kinds(bare("/api/history/cluster/" + NEW)), "newest first by default");
    assertEquals(newestFirst.subList(0, 2), kinds(bare("/api/history/cluster/" + NEW + "?limit=2")));
  }

  @Test
  void aServerHistoryHasItsChangesAndTheRecoveriesItFailedOrWon() {
    assertEquals(List.of("RecoveryEnded 127.0.0.1:10111", "ReadOnlyChanged 127.0.0.1:10112",
            "Promoted 127.0.0.1:10112", "RecoveryDecision(ran) 127.0.0.1:10111"),
        kinds(bare("/api/history/instance/127.0.0.1/10112")));
    assertEquals(List.of("RecoveryEnded 127.0.0.1:10111", "RecoveryDecision(ran) 127.0.0.1:10111",
            "Detection 127.0.0.1:10111", "Unreachable 127.0.0.1:10111"),
        kinds(bare("/api/history/instance/127.0.0.1/10111")));
    assertEquals(key(10111), API.historyQueries.get(1).key());
    // a time range, in any of the accepted forms
    assertEquals(List.of("Promoted 127.0.0.1:10112", "ReadOnlyChanged 127.0.0.1:10112",
            "RecoveryEnded 127.0.0.1:10111"),
        kinds(bare("/api/history/instance/127.0.0.1/10112?order=asc&since=2026-03-01T12:00:02Z")));
    assertEquals(List.of("RecoveryDecision(ran) 127.0.0.1:10111"),
        kinds(bare("/api/history/instance/127.0.0.1/10112?until=2026-03-01%2012:00:02")));
    assertEquals(List.of(), kinds(bare("/api/history/instance/127.0.0.1/10112?since=5m")),
        "nothing in the last five minutes");
    assertEquals(NOW.plusSeconds(600 - 300), API.historyQueries.get(
        API.historyQueries.size() - 1).since());
    assertEquals(List.of(), kinds(bare("/api/history/instance/127.0.0.1/10999")));
  }

  @Test
  void decisionsExplainARecoveryThatRan() {
    JsonNode d = bare("/api/decisions/cluster/" + NEW + "?at=2026-03-01T12:00:03Z&window=1m");
    assertEquals(List.of("ClusterName", "ClusterAlias", "ClusterNames", "At", "From", "To",
        "Summary", "Detections", "Decisions", "Changes"), ApiJsonTest.fieldNames(d));
    assertEquals(NEW, d.get("ClusterName").asText());
    assertEquals("2026-03-01T11:59:03.000Z", d.get("From").asText());
    assertEquals(List.of("2026-03-01T12:00:01.000Z: recovery 1 (MasterRecovery) of DeadMaster on "
        + OLD + ": successful, successor " + NEW), strings(d.get("Summary")));
    JsonNode detection = d.get("Detections").get(0);
    assertEquals("LockedSemiSyncMaster", detection.get("AnalysisEntry").get("Analysis").asText(),
        "the analysis entry the detection was made of");
    JsonNode ran = d.get("Decisions").get(0);
    assertEquals("ran", ran.get("Decision").asText());
    assertEquals(List.of("detected", "registered", "promoted"),
        ran.get("Steps").findValuesAsText("Phase"));
    assertTrue(ran.get("Outcome").get("Successful").asBoolean());
    assertEquals(5, d.get("Changes").size(), "the cluster's changes in the window, oldest first");
    assertEquals("Unreachable", d.get("Changes").get(0).get("Kind").asText());
  }

  @Test
  void decisionsExplainASkippedRecoveryAndOneStillStanding() {
    API.recoveryLog.clear();
    API.skips.add(disabled(NOW.minusSeconds(600)));
    // before the failover the cluster was named after 10111
    JsonNode d = bare("/api/decisions/cluster/" + OLD + "?at=2026-03-01T11:50:10Z&window=1m");
    JsonNode skip = d.get("Decisions").get(0);
    assertEquals("skipped", skip.get("Decision").asText());
    assertEquals("skipped: global recoveries disabled", skip.get("Message").asText());
    assertFalse(skip.get("Standing").asBoolean());
    assertEquals(List.of("2026-03-01T11:50:00.000Z: DeadMaster on " + OLD
        + " not recovered: global recoveries disabled"), strings(d.get("Summary")));

    // five minutes later nothing new was recorded: the same skip is recorded once, it stands
    JsonNode later = bare("/api/decisions/cluster/" + OLD + "?at=2026-03-01T11:55:00Z&window=1m");
    assertTrue(later.get("Decisions").get(0).get("Standing").asBoolean());
    assertTrue(strings(later.get("Summary")).get(0).contains("(before the window, not repeated"
        + " since): DeadMaster on " + OLD + " not recovered: global recoveries disabled"));

    // a recovery of the server since then ends it
    API.recoveryLog.add(recovery());
    JsonNode after = bare("/api/decisions/instance/127.0.0.1/10111?at=2026-03-01T12:05:00Z"
        + "&window=1m");
    assertEquals(0, after.get("Decisions").size());
    assertEquals(List.of("no failure detected and no recovery decided between"
        + " 2026-03-01T12:04:00.000Z and 2026-03-01T12:06:00.000Z"), strings(after.get("Summary")));
    assertEquals(OLD, printKey(after.get("Key")));
  }

  @Test
  void aDetectionWithoutADecisionSaysSo() {
    API.recoveryLog.clear();
    JsonNode d = bare("/api/decisions/instance/127.0.0.1/10111?at=2026-03-01T12:00:00Z");
    assertEquals(List.of("2026-03-01T12:00:00.500Z: DeadMaster on " + OLD
        + " detected; no recovery decision recorded"), strings(d.get("Summary")));
    assertEquals(NOW.minus(Duration.ofMinutes(15)), API.historyQueries.get(0).since(),
        "15 minutes either side by default");
  }

  @Test
  void badInputIsRefusedNamingIt() {
    String times = " (expected an RFC 3339 time such as 2026-03-01T03:12:00Z, YYYY-MM-DD"
        + " hh:mm:ss in UTC, epoch seconds, or a time ago such as 90m or 2h)";
    assertEquals("Invalid since: yesterday" + times,
        error("/api/history/cluster/" + NEW + "?since=yesterday"));
    assertEquals("Invalid at: 03:12" + times,
        error("/api/decisions/cluster/" + NEW + "?at=03:12"));
    assertEquals("Invalid until: 2026-03-01T11:00:00Z is before since 2026-03-01T12:00:00Z",
        error("/api/history/instance/127.0.0.1/10111?since=2026-03-01T12:00:00Z"
            + "&until=2026-03-01T11:00:00Z"));
    assertEquals("Invalid limit: 0 (a number from 1 to 1000 is expected)",
        error("/api/history/instance/127.0.0.1/10111?limit=0"));
    assertEquals("Invalid limit: many (a number from 1 to 1000 is expected)",
        error("/api/history/instance/127.0.0.1/10111?limit=many"));
    assertEquals("Invalid order: up (asc or desc is expected)",
        error("/api/history/instance/127.0.0.1/10111?order=up"));
    assertEquals("Cannot parse simple time: 5x",
        error("/api/decisions/cluster/" + NEW + "?window=5x"));
    assertEquals("Unable to determine cluster name by empty hint", error("/api/history/cluster/"));
    assertTrue(error("/api/history/instance/127.0.0.1/port").contains("port"));
    assertTrue(API.historyQueries.isEmpty(), "refused before reading anything");
  }

  @Test
  void timesInEveryAcceptedForm() {
    Instant at = Instant.parse("2026-03-01T03:12:00Z");
    for (String t : List.of("2026-03-01T03:12:00Z", "2026-03-01T05:12:00+02:00",
        "2026-03-01T05:12:00 02:00", "2026-03-01 03:12:00", "2026-03-01T03:12:00",
        "2026-03-01T03:12:00.000Z", String.valueOf(at.getEpochSecond()))) {
      assertEquals(at, ApiParams.time("at", t, CLOCK), t);
    }
    assertEquals(CLOCK.minusSeconds(5400), ApiParams.time("since", "90m", CLOCK));
  }

  @Test
  void routesAreServedAndReadLocallyOnAFollower() {
    List<String> patterns = new ApiRouter(API).patterns();
    assertTrue(patterns.containsAll(List.of("history/instance/:host/:port",
        "history/cluster/:clusterHint", "decisions/instance/:host/:port",
        "decisions/cluster/:clusterHint")), patterns.toString());
    API.leader = false;
    assertEquals(FAILOVER.size(), bare("/api/history/cluster/" + NEW).size(),
        "a read: answered by this node from its own store, never forwarded");
    assertTrue(API.audits.isEmpty(), "reads are not audited");
  }

  static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }
}
