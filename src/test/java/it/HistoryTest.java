package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;
import testkit.Scrape;

/**
 * The topology history of a real node over a real sandbox (4 MariaDB servers, star, automated
 * recovery on): an idle healthy topology writes no history, not even across a restart of
 * orcha; after kill -9 of the master — first with global recoveries disabled, then enabled —
 * the cluster's history lists in order the master stopping, the DeadMaster detection, the
 * decision not to recover and why, the decision to recover, the promotion and the replicas'
 * new master; the decisions route explains both decisions.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryTest {

  /** The servers (11131-11134), then this node's HTTP and cluster ports. */
  static final int M = 11131;
  static final int HTTP = 11137;
  static final int ARTERY = 11138;
  static final String CLUSTER = "127.0.0.1:" + M;

  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  static String hocon() {
    return OrchaFixture.baseHocon(tmp.resolve("history.db")) + """
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        """.formatted(HTTP, ARTERY);
  }

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("history", M, 4, "star");
    orcha = OrchaFixture.start(hocon());
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static Scrape scrape() {
    return Scrape.parse(orcha.metrics().body());
  }

  static long rows() {
    return orcha.node().api().historyCount().toCompletableFuture().join();
  }

  /**
   * "Kind port" of each entry, with the decision and analysis of detections and recoveries:
   * "Unreachable 11131", "Detection(DeadMaster) 11131", "RecoveryDecision(skipped DeadMaster)
   * 11131".
   */
  static List<String> kinds(JsonNode a) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : a) {
      String what = e.has("Analysis") ? "(" + (e.has("Decision") ? e.get("Decision").asText()
          + " " : "") + e.get("Analysis").asText() + ")" : "";
      out.add(e.get("Kind").asText() + what + " " + e.get("Key").get("Port").asInt());
    }
    return out;
  }

  static int index(List<String> kinds, String entry) {
    int i = kinds.indexOf(entry);
    assertTrue(i >= 0, entry + " not in " + kinds);
    return i;
  }

  @Test
  @Order(1)
  void anIdleTopologyWritesNoHistoryNotEvenAcrossARestart() {
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);
    orcha.awaitTopology(OrchaFixture.topo(M, 0, M + 1, M, M + 2, M, M + 3, M),
        Duration.ofSeconds(20));
    // each server appears once, described
    JsonNode appeared = Eventually.await("four servers appeared", Duration.ofSeconds(10),
        () -> orcha.get("history/cluster/" + CLUSTER + "?order=asc"),
        h -> kinds(h).stream().filter(k -> k.startsWith("Appeared ")).count() == 4);
    assertTrue(appeared.get(0).get("Message").asText().startsWith("first seen: "),
        appeared.toString());
    for (JsonNode e : appeared) {
      if (e.get("Kind").asText().equals("Appeared") && e.get("Key").get("Port").asInt() != M) {
        assertTrue(e.get("Message").asText().contains("replica of " + CLUSTER),
            e.toString());
      }
    }
    Eventually.await("the replicas' last appearance written", Duration.ofSeconds(10),
        HistoryTest::rows, n -> n >= 4);

    long before = rows();
    Scrape m0 = scrape();
    double probes0 = m0.value("orcha_probe_duration_seconds_count");
    double writes0 = m0.value("orcha_backend_write_duration_seconds_count", "store", "history");
    // five probe rounds of all four servers
    Eventually.await("five probe rounds", Duration.ofSeconds(30), HistoryTest::scrape,
        m -> m.value("orcha_probe_duration_seconds_count") >= probes0 + 4 * 5);
    assertEquals(before, rows(), "no history row written by an idle topology");
    assertEquals(writes0, scrape().value("orcha_backend_write_duration_seconds_count", "store",
        "history"), "no history write at all");

    // a restarted node compares its first probes with what its journals remember
    orcha.close();
    orcha = OrchaFixture.start(hocon());
    orcha.awaitTopology(OrchaFixture.topo(M, 0, M + 1, M, M + 2, M, M + 3, M),
        Duration.ofSeconds(20));
    double probes1 = scrape().value("orcha_probe_duration_seconds_count");
    Eventually.await("three probe rounds after the restart", Duration.ofSeconds(30),
        HistoryTest::scrape, m -> m.value("orcha_probe_duration_seconds_count") >= probes1 + 12);
    assertEquals(before, rows(), "a restart over an unchanged topology records nothing: "
        + kinds(orcha.get("history/cluster/" + CLUSTER)));
  }

  @Test
  @Order(2)
  void aKilledMasterIsExplainedInOrder() {
    orcha.awaitTopology(OrchaFixture.topo(M, 0, M + 1, M, M + 2, M, M + 3, M),
        Duration.ofSeconds(20));
    assertEquals("OK", orcha.get("disable-global-recoveries").get("Code").asText());
    sandbox.kill(M);

    // not recovered, and why
    // (UnreachableMaster may be decided about first, while the replicas still confirm)
    RecoveryLog.Skip skip = Eventually.await("the skipped recovery of DeadMaster",
        Duration.ofSeconds(30), () -> orcha.recoveryLog().skips().stream()
            .filter(s -> s.analysisCode().equals("DeadMaster")).toList(),
        s -> !s.isEmpty()).get(0);
    JsonNode why = orcha.get("decisions/cluster/" + CLUSTER + "?at=" + skip.at() + "&window=1m");
    JsonNode skipped = null;
    for (JsonNode d : why.get("Decisions")) {
      if (d.get("Analysis").asText().equals("DeadMaster")) {
        skipped = d;
      }
    }
    assertTrue(skipped != null, why.toString());
    assertEquals("skipped", skipped.get("Decision").asText(), why.toString());
    assertEquals("skipped: global recoveries disabled", skipped.get("Message").asText());
    assertTrue(why.get("Summary").toString().contains("DeadMaster on " + CLUSTER
        + " not recovered: global recoveries disabled"), why.toString());
    JsonNode detection = null;
    for (JsonNode d : why.get("Detections")) {
      if (d.get("Analysis").asText().equals("DeadMaster")) {
        detection = d;
      }
    }
    assertTrue(detection != null, why.toString());
    assertEquals("DeadMaster", detection.get("Analysis").asText());
    assertEquals("DeadMaster", detection.get("AnalysisEntry").get("Analysis").asText());
    assertTrue(detection.get("Evidence").size() >= 4, "the master and its three replicas: "
        + detection.get("Evidence"));

    // recovered once allowed again
    assertEquals("OK", orcha.get("enable-global-recoveries").get("Code").asText());
    RecoveryLog.Recovery r = Eventually.await("the recovery of " + M, Duration.ofSeconds(30),
        () -> orcha.recoveryLog().recoveries(), l -> !l.isEmpty() && l.get(0).ended()).get(0);
    assertTrue(r.resolution().successful(), r.toString());
    int successor = r.resolution().successor().port();
    List<Integer> others = new ArrayList<>(List.of(M + 1, M + 2, M + 3));
    others.remove(Integer.valueOf(successor));

    // the history of the cluster, now named after its new master
    String now = "127.0.0.1:" + successor;
    JsonNode history = Eventually.await("the replicas' new master in the history",
        Duration.ofSeconds(20), () -> orcha.get("history/cluster/" + now + "?order=asc"),
        h -> kinds(h).containsAll(List.of("MasterChanged " + others.get(0),
            "MasterChanged " + others.get(1), "RecoveryEnded(DeadMaster) " + M,
            "Promoted " + successor)));
    List<String> k = kinds(history);
    System.out.println("history of " + now + ": " + k); // in the test's output file
    int unreachable = index(k, "Unreachable " + M);
    int detected = index(k, "Detection(DeadMaster) " + M);
    int notRecovered = index(k, "RecoveryDecision(skipped DeadMaster) " + M);
    assertEquals("skipped: global recoveries disabled",
        history.get(notRecovered).get("Message").asText());
    int recovered = index(k, "RecoveryDecision(ran DeadMaster) " + M);
    int promoted = index(k, "Promoted " + successor);
    int moved1 = index(k, "MasterChanged " + others.get(0));
    int moved2 = index(k, "MasterChanged " + others.get(1));
    assertTrue(unreachable < detected && detected < notRecovered && notRecovered < recovered
        && recovered < promoted && recovered < moved1 && recovered < moved2, k.toString());
    assertTrue(promoted < index(k, "RecoveryEnded(DeadMaster) " + M), k.toString());
    for (JsonNode e : history) {
      if (e.get("Kind").asText().equals("MasterChanged")) {
        assertEquals(now, e.get("After").asText(), e.toString());
        assertEquals(CLUSTER, e.get("Before").asText(), e.toString());
      }
    }
    JsonNode dead = orcha.get("history/instance/127.0.0.1/" + M + "?order=asc");
    assertTrue(kinds(dead).contains("DowntimeBegun " + M), "lost in recovery: " + kinds(dead));

    // the decision that ran, with its steps and outcome
    JsonNode ran = orcha.get("decisions/cluster/" + now + "?at=" + r.startedAt() + "&window=1m");
    JsonNode decision = null;
    for (JsonNode d : ran.get("Decisions")) {
      if (d.get("Decision").asText().equals("ran")) {
        decision = d;
      }
    }
    assertTrue(decision != null, ran.toString());
    assertTrue(decision.get("Outcome").get("Successful").asBoolean());
    assertEquals(now, decision.get("Outcome").get("SuccessorKey").get("Hostname").asText() + ":"
        + decision.get("Outcome").get("SuccessorKey").get("Port").asInt());
    assertTrue(decision.get("Steps").size() >= 3, decision.toString());
    assertTrue(ran.get("ClusterNames").toString().contains(CLUSTER), "followed from its old name");
  }
}
