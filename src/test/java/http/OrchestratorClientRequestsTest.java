package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The requests orchestrator-client sends (orchestrator-api.md §2.3, §3 rows 5, 9, 12, 16, 17,
 * 21, 24), each as sent, with a trailing slash and with the encoded newline its url-encoder
 * appends, read the way its jq filters read them.
 */
class OrchestratorClientRequestsTest extends ApiTestBase {

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("OrchestratorClientRequestsTest", API, "");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetApi() {
    API.reset();
    API.snapshot = Fixtures.snapshot(Fixtures.star().stream().map(Fixtures::reached).toList());
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  /** The path as the client sends it, then with a trailing slash, then with "%0A" appended. */
  static Stream<String> variants(String path) {
    return Stream.of(path, path + "/", path + "%0A");
  }

  static Stream<String> discover() {
    return variants("/api/discover/127.0.0.1/10111");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("discover")
  void row5Discover(String path) {
    JsonNode r = ok(path);
    // orchestrator-client: .Details.Key | print_key
    assertEquals("127.0.0.1:10111", printKey(r.get("Details").get("Key")));
  }

  static Stream<String> topologyTabulated() {
    return variants("/api/topology-tabulated/127.0.0.1:10111");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologyTabulated")
  void row9TopologyTabulated(String path) {
    JsonNode r = ok(path);
    assertEquals("Topology for cluster 127.0.0.1:10111", r.get("Message").asText());
    assertTrue(r.get("Details").isTextual());
    List<String> lines = List.of(r.get("Details").asText().split("\n"));
    assertEquals(4, lines.size());
    assertTrue(lines.get(0).startsWith("127.0.0.1:10111  |0s|ok|"), lines.get(0));
    assertTrue(lines.get(3).startsWith("+ 127.0.0.1:10114|0s|ok|"), lines.get(3));
  }

  static Stream<String> clustersInfo() {
    return Stream.of("/api/clusters-info", "/api/clusters-info/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clustersInfo")
  void row12Clusters(String path) {
    JsonNode r = bare(path);
    // .[].ClusterName, and for clusters-alias .ClusterAlias
    assertEquals(1, r.size());
    assertEquals("127.0.0.1:10111", r.get(0).get("ClusterName").asText());
    assertEquals("ci", r.get(0).get("ClusterAlias").asText());
  }

  static Stream<String> whichMaster() {
    return variants("/api/instance/127.0.0.1/10112");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("whichMaster")
  void row16WhichMaster(String path) {
    JsonNode r = bare(path);
    assertEquals("127.0.0.1:10111", printKey(r.get("MasterKey")));
    assertEquals(ApiJsonTest.INSTANCE_FIELDS, ApiJsonTest.fieldNames(r));
    // is-replicating reads the thread states
    assertEquals(1, r.get("ReplicationSQLThreadState").asInt());
    assertEquals(1, r.get("ReplicationIOThreadState").asInt());
  }

  @Test
  void row16WhichMasterOfAMasterPrintsColonZero() {
    assertEquals(":0", printKey(bare("/api/instance/127.0.0.1/10111").get("MasterKey")));
  }

  static Stream<String> whichReplicas() {
    return variants("/api/instance-replicas/127.0.0.1/10111");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("whichReplicas")
  void row17WhichReplicas(String path) {
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"),
        keys(bare(path)));
  }

  static Stream<String> whichClusterMaster() {
    return Stream.concat(variants("/api/master/127.0.0.1:10111"),
        Stream.of("/api/master/ci", "/api/master/127.0.0.1:10113", "/api/master/127.0.0.1%3A10111"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("whichClusterMaster")
  void row21WhichClusterMaster(String path) {
    // the client prints the master's ClusterName: its own key-string
    assertEquals("127.0.0.1:10111", bare(path).get("ClusterName").asText());
  }

  @Test
  void row21WhichClusterMasterOfBareHostUsesTheDefaultPort() {
    API.snapshot = Fixtures.snapshotOf(
        Fixtures.master(3306).toBuilder().build());
    assertEquals("127.0.0.1:3306", bare("/api/master/127.0.0.1").get("ClusterName").asText());
  }

  static Stream<String> allInstances() {
    return Stream.of("/api/all-instances", "/api/all-instances/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allInstances")
  void row24AllInstances(String path) {
    assertEquals(List.of("127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113",
        "127.0.0.1:10114"), keys(bare(path)));
  }

  @Test
  void leaderDetectionOnlyReadsTheStatus() {
    assertEquals(200, get("/api/leader-check").status());
    API.leader = false;
    assertEquals(404, get("/api/leader-check").status());
    // the client's -c api mode prints whatever comes back: still JSON
    assertFalse(get("/api/leader-check").body().isEmpty());
  }

  @Test
  void errorsAreEnvelopesTheClientPrints() {
    // object with Code ERROR: the client prints .Message to stderr and exits 1
    JsonNode e = errorEnvelope("/api/instance/127.0.0.1/10199", 500);
    assertEquals("Cannot read instance: 127.0.0.1:10199", e.get("Message").asText());
    assertTrue(e.get("Details").isNull());
    assertFalse(e.get("Message").asText().contains("\""));
  }
}
