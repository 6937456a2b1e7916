package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * master → intermediate master → two replicas, discovered from a leaf; answers checked the way
 * orchestrator-client reads them (the same GETs, the same fields its jq filters take).
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IntermediateMasterTest {

  static final int M = 10421;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("im", M, 4, "im");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("orcha.db")));
    // orchestrator-client -c discover -i 127.0.0.1:10424 (a leaf: crawling goes up and down)
    JsonNode r = orcha.get("discover/127.0.0.1/" + (M + 3));
    assertEquals("OK", r.get("Code").asText(), r.toString());
    Eventually.await("four servers, all checked", Duration.ofSeconds(15),
        () -> orcha.get("all-instances"),
        a -> a.size() == 4 && allValid(a));
  }

  static boolean allValid(JsonNode a) {
    for (JsonNode i : a) {
      if (!i.get("IsLastCheckValid").asBoolean() || i.get("SecondsBehindMaster").get("Int64").asLong() != 0) {
        return false;
      }
    }
    return true;
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

  static String keyOf(JsonNode k) {
    return k.get("Hostname").asText() + ":" + k.get("Port").asInt();
  }

  @Test
  void chainDepthsAndClusterName() {
    assertEquals(0, orcha.get("instance/127.0.0.1/" + M).get("ReplicationDepth").asInt());
    assertEquals(1, orcha.get("instance/127.0.0.1/" + (M + 1)).get("ReplicationDepth").asInt());
    assertEquals(2, orcha.get("instance/127.0.0.1/" + (M + 2)).get("ReplicationDepth").asInt());
    assertEquals(2, orcha.get("instance/127.0.0.1/" + (M + 3)).get("ReplicationDepth").asInt());
    for (JsonNode i : orcha.get("cluster/127.0.0.1:" + (M + 2))) {
      assertEquals("127.0.0.1:" + M, i.get("ClusterName").asText());
    }
  }

  @Test
  void whatOrchestratorClientReads() {
    // which-master: instance/{i} → .MasterKey
    assertEquals("127.0.0.1:" + (M + 1), keyOf(orcha.get("instance/127.0.0.1/" + (M + 2)).get("MasterKey")));
    assertEquals(":0", keyOf(orcha.get("instance/127.0.0.1/" + M).get("MasterKey")));
    // which-replicas: instance-replicas/{i} → .[].Key, ordered by host, port
    List<String> replicas = new ArrayList<>();
    orcha.get("instance-replicas/127.0.0.1/" + (M + 1)).forEach(i -> replicas.add(keyOf(i.get("Key"))));
    assertEquals(List.of("127.0.0.1:" + (M + 2), "127.0.0.1:" + (M + 3)), replicas);
    // which-cluster-master: master/{hint} → .ClusterName, hint with a colon, and with %0A appended
    assertEquals("127.0.0.1:" + M, orcha.get("master/127.0.0.1:" + (M + 3)).get("ClusterName").asText());
    assertEquals("127.0.0.1:" + M, orcha.get("master/sandbox%0A").get("ClusterName").asText());
    // clusters: clusters-info → .[].ClusterName
    JsonNode clusters = orcha.get("clusters-info");
    assertEquals(1, clusters.size());
    assertEquals("127.0.0.1:" + M, clusters.get(0).get("ClusterName").asText());
    // all-instances: depth first
    List<Integer> depths = new ArrayList<>();
    orcha.get("all-instances").forEach(i -> depths.add(i.get("ReplicationDepth").asInt()));
    assertEquals(List.of(0, 1, 2, 2), depths);
    // discover with a trailing slash, as some client paths have
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M + "/").get("Code").asText());
  }

  @Test
  void topologyTabulatedAsTheContractRendersIt() {
    HttpResponse<String> raw = orcha.raw("topology-tabulated/127.0.0.1:" + M);
    assertEquals(200, raw.statusCode());
    assertEquals("application/json; charset=UTF-8", raw.headers().firstValue("Content-Type").orElse(""));
    JsonNode r = orcha.get("topology-tabulated/127.0.0.1:" + M);
    assertEquals("Topology for cluster 127.0.0.1:" + M, r.get("Message").asText());
    String text = r.get("Details").asText();
    assertTrue(!text.endsWith("\n"), "no trailing newline");
    List<String> firstThree = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] cols = line.split("\\|", -1);
      assertEquals(7, cols.length, line);
      firstThree.add(cols[0] + "|" + cols[1] + "|" + cols[2]);
      assertTrue(cols[3].startsWith("10.11."), "version column: " + line);
      assertTrue(cols[5].startsWith("ROW"), "format column: " + line);
      assertTrue(cols[6].contains(">>") && cols[6].contains("GTID"), "extras: " + line);
    }
    assertEquals(List.of(
        "127.0.0.1:10421    |0s|ok",
        "+ 127.0.0.1:10422  |0s|ok",
        "  + 127.0.0.1:10423|0s|ok",
        "  + 127.0.0.1:10424|0s|ok"), firstThree);
    assertTrue(text.split("\n")[0].contains("|rw|"), "master is rw");
    assertTrue(text.split("\n")[1].contains("|ro|"), "replica is ro");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void coMastersKeepTheClusterNameOfTheFormerMaster() {
    // runs last in effect (a new shape): the master starts replicating from its replica
    orcha.get("all-instances"); // the cluster has been named 127.0.0.1:10421 by now
    sandbox.sql(M, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + (M + 1)
        + ", MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos; START SLAVE");
    try {
      JsonNode m = Eventually.await("co-masters seen", Duration.ofSeconds(10),
          () -> orcha.get("instance/127.0.0.1/" + M), i -> i.get("IsCoMaster").asBoolean());
      JsonNode im = orcha.get("instance/127.0.0.1/" + (M + 1));
      assertTrue(im.get("IsCoMaster").asBoolean());
      assertEquals("127.0.0.1:" + M, m.get("ClusterName").asText(), "the former master keeps naming it");
      assertEquals("127.0.0.1:" + M, im.get("ClusterName").asText());
      assertEquals(0, m.get("ReplicationDepth").asInt());
      assertEquals(1, im.get("ReplicationDepth").asInt());
      assertEquals(2, orcha.get("instance/127.0.0.1/" + (M + 2)).get("ReplicationDepth").asInt());
      String text = orcha.get("topology/127.0.0.1:" + M).get("Details").asText();
      assertTrue(text.lines().count() == 4, text);
    } finally {
      sandbox.sql(M, "STOP SLAVE; RESET SLAVE ALL");
    }
  }
}
