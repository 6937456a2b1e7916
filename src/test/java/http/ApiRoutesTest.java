package http;

import static http.Fixtures.master;
import static http.Fixtures.reached;
import static http.Fixtures.replica;
import static http.Fixtures.stoppedReplica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import topology.InstanceView;
import topology.ObservedInstance;
import topology.ReplicationCluster;
import topology.TopologySnapshot;

/** Every route of this milestone over a real loopback socket. */
class ApiRoutesTest extends ApiTestBase {

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  /** Cluster "ci" (a star on 10111) and cluster 127.0.0.1:10211 with two troubled replicas. */
  static TopologySnapshot twoClusters() {
    List<ObservedInstance> observed = new ArrayList<>();
    Fixtures.star().forEach(i -> observed.add(reached(i)));
    observed.add(reached(master(10211, 10212, 10213)));
    observed.add(reached(stoppedReplica(10212, 10211)));
    observed.add(reached(replica(10213, 10211, 30L)));
    return Fixtures.snapshot(observed);
  }

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("ApiRoutesTest", API, "");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetApi() {
    API.reset();
    API.snapshot = twoClusters();
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  // ---- discovery & lifecycle -------------------------------------------------------------------

  @Test
  void discoverAnswersTheInstanceInAnEnvelope() {
    JsonNode r = ok("/api/discover/127.0.0.1/10111");
    assertEquals("Instance discovered: 127.0.0.1:10111", r.get("Message").asText());
    assertEquals("127.0.0.1:10111", printKey(r.get("Details").get("Key")));
    assertEquals(ApiJsonTest.INSTANCE_FIELDS, ApiJsonTest.fieldNames(r.get("Details")));
    assertEquals(List.of("discover 127.0.0.1:10111"), API.calls);
  }

  @Test
  void discoverOfAnUnreachableServerIsAnErrorWithTheProbeError() {
    assertEquals("Cannot probe 127.0.0.1:9999: connection refused",
        error("/api/discover/127.0.0.1/9999"));
  }

  @Test
  void asyncDiscoverHasNullDetails() {
    JsonNode r = ok("/api/async-discover/127.0.0.1/10115");
    assertEquals("Asynchronous discovery initiated for Instance: 127.0.0.1:10115",
        r.get("Message").asText());
    assertTrue(r.get("Details").isNull());
    assertEquals(List.of("discoverAsync 127.0.0.1:10115"), API.calls);
  }

  @Test
  void refreshAnswersTheKey() {
    JsonNode r = ok("/api/refresh/127.0.0.1/10112");
    assertEquals("Instance refreshed: 127.0.0.1:10112", r.get("Message").asText());
    assertEquals("{\"Hostname\":\"127.0.0.1\",\"Port\":10112}", r.get("Details").toString());
  }

  @Test
  void forgetUsesTheKeyAsGiven() {
    JsonNode r = ok("/api/forget/127.0.0.1/10112");
    assertEquals("Instance forgotten: 127.0.0.1:10112", r.get("Message").asText());
    assertEquals("{\"Hostname\":\"127.0.0.1\",\"Port\":10112}", r.get("Details").toString());
    ok("/api/forget/unknown-host/3306/");
    assertEquals(List.of("forget 127.0.0.1:10112", "forget unknown-host:3306"), API.calls);
  }

  @Test
  void forgetClusterResolvesTheHint() {
    JsonNode r = ok("/api/forget-cluster/ci");
    assertEquals("Cluster forgotten: 127.0.0.1:10111", r.get("Message").asText());
    assertTrue(r.get("Details").isNull());
    ok("/api/forget-cluster/127.0.0.1:10213");
    assertEquals(List.of("forgetCluster 127.0.0.1:10111", "forgetCluster 127.0.0.1:10211"),
        API.calls);
    assertEquals("Unable to determine cluster name. clusterHint=nope",
        error("/api/forget-cluster/nope"));
    assertEquals("Unable to determine cluster name by empty hint",
        error("/api/forget-cluster/%0A"));
    assertEquals(2, API.calls.size());
  }

  // ---- instance reads ----------------------------------------------------------------------

  @Test
  void instanceIsBareJson() {
    JsonNode n = bare("/api/instance/127.0.0.1/10112");
    assertEquals(ApiJsonTest.INSTANCE_FIELDS, ApiJsonTest.fieldNames(n));
    assertEquals("127.0.0.1:10111", printKey(n.get("MasterKey")));
  }

  @Test
  void unknownInstanceCannotBeRead() {
    assertEquals("Cannot read instance: 127.0.0.1:9999", error("/api/instance/127.0.0.1/9999"));
  }

  @Test
  void badPortAndHostAreNamed() {
    assertEquals("Invalid port: abc", error("/api/instance/h/abc"));
    assertEquals("Invalid port: 70000", error("/api/instance/h/70000"));
    assertEquals("Invalid port: ", error("/api/instance/h/"));
    assertEquals("Invalid hostname: bad host", error("/api/instance/bad%20host/3306"));
  }

  @Test
  void instanceReplicasAreOrderedByHostAndPort() {
    assertEquals(List.of("127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"),
        keys(bare("/api/instance-replicas/127.0.0.1/10111")));
    assertEquals(List.of(), keys(bare("/api/instance-replicas/127.0.0.1/10114")));
  }

  @Test
  void allInstancesFollowOrchestratorsOrder() {
    assertEquals(List.of("127.0.0.1:10111", "127.0.0.1:10211", "127.0.0.1:10112",
            "127.0.0.1:10113", "127.0.0.1:10114", "127.0.0.1:10212", "127.0.0.1:10213"),
        keys(bare("/api/all-instances")));
  }

  @Test
  void searchByPathOrQueryTrimmed() {
    assertEquals(List.of("127.0.0.1:10112"), keys(bare("/api/search/10112")));
    assertEquals(List.of("127.0.0.1:10112"), keys(bare("/api/search?s=10112%0A")));
    assertEquals(List.of("127.0.0.1:10211", "127.0.0.1:10212", "127.0.0.1:10213"),
        keys(bare("/api/search/127.0.0.1%3A102")));
    assertEquals(List.of(), keys(bare("/api/search?s=nothing-like-it")));
  }

  @Test
  void problemsListTroubledInstances() {
    assertEquals(List.of("127.0.0.1:10212", "127.0.0.1:10213"), keys(bare("/api/problems")));
    assertEquals(List.of("127.0.0.1:10212", "127.0.0.1:10213"),
        keys(bare("/api/problems/127.0.0.1:10211")));
    assertEquals(List.of(), keys(bare("/api/problems/ci")));
    assertEquals(List.of(), keys(bare("/api/problems/no-such-cluster")));
    JsonNode p = bare("/api/problems");
    assertEquals("[\"not_replicating\"]", p.get(0).get("Problems").toString());
    assertEquals("[\"replication_lag\"]", p.get(1).get("Problems").toString());
  }

  // ---- clusters ----------------------------------------------------------------------------

  @Test
  void clusterByNameAliasOrInstanceHint() {
    List<String> ci = List.of("127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113",
        "127.0.0.1:10114");
    assertEquals(ci, keys(bare("/api/cluster/127.0.0.1:10111")));
    assertEquals(ci, keys(bare("/api/cluster/127.0.0.1%3A10111")));
    assertEquals(ci, keys(bare("/api/cluster/ci")));
    assertEquals(ci, keys(bare("/api/cluster/127.0.0.1:10113/")));
    assertEquals(ci, keys(bare("/api/cluster/alias/ci")));
    assertEquals(List.of("127.0.0.1:10211", "127.0.0.1:10212", "127.0.0.1:10213"),
        keys(bare("/api/cluster/instance/127.0.0.1/10213")));
  }

  @Test
  void clusterErrors() {
    assertEquals("Unable to determine cluster name. clusterHint=nope", error("/api/cluster/nope"));
    assertEquals("Unable to determine cluster name by empty hint", error("/api/cluster/%20"));
    assertEquals("No cluster found for alias nope", error("/api/cluster/alias/nope"));
    assertEquals("Cannot read instance: 127.0.0.1:1", error("/api/cluster/instance/127.0.0.1/1"));
  }

  @Test
  void clustersAndClusterInfo() {
    JsonNode names = bare("/api/clusters");
    assertEquals("[\"127.0.0.1:10111\",\"127.0.0.1:10211\"]", names.toString());
    JsonNode infos = bare("/api/clusters-info");
    assertEquals(2, infos.size());
    assertEquals("127.0.0.1:10111", infos.get(0).get("ClusterName").asText());
    assertEquals("ci", infos.get(0).get("ClusterAlias").asText());
    assertEquals(4, infos.get(0).get("CountInstances").asInt());
    assertEquals("127.0.0.1:10211", infos.get(1).get("ClusterAlias").asText());
    assertFalse(infos.get(0).get("HasAutomatedMasterRecovery").asBoolean(), "no filters");
    API.filters = List.of(List.of("alias=ci"), List.of("*"), List.of());
    try {
      JsonNode flagged = bare("/api/clusters-info");
      assertTrue(flagged.get(0).get("HasAutomatedMasterRecovery").asBoolean());
      assertFalse(flagged.get(1).get("HasAutomatedMasterRecovery").asBoolean(), "other alias");
      assertTrue(flagged.get(1).get("HasAutomatedIntermediateMasterRecovery").asBoolean());
    } finally {
      API.filters = List.of(List.of(), List.of(), List.of());
    }
    JsonNode one = bare("/api/cluster-info/127.0.0.1:10113");
    assertEquals("127.0.0.1:10111", one.get("ClusterName").asText());
    assertEquals(ApiJsonTest.fieldNames(infos.get(0)), ApiJsonTest.fieldNames(one));
    assertEquals("127.0.0.1:10111", bare("/api/cluster-info/alias/ci").get("ClusterName").asText());
    assertEquals("No cluster found for alias x", error("/api/cluster-info/alias/x"));
    assertEquals("Unable to determine cluster name. clusterHint=x", error("/api/cluster-info/x"));
  }

  @Test
  void mastersAndMaster() {
    assertEquals(List.of("127.0.0.1:10111", "127.0.0.1:10211"), keys(bare("/api/masters")));
    JsonNode m = bare("/api/master/127.0.0.1:10213");
    assertEquals("127.0.0.1:10211", m.get("ClusterName").asText());
    assertEquals("127.0.0.1:10211", printKey(m.get("Key")));
    assertEquals("127.0.0.1:10111", bare("/api/master/ci").get("ClusterName").asText());
  }

  @Test
  void masterOfAClusterWithoutMasterIsAnError() {
    TopologySnapshot s = API.snapshot;
    InstanceView r = s.instance(Fixtures.key(10112)).orElseThrow();
    // a (hand-made) cluster whose only member sits at depth 1
    API.snapshot = new TopologySnapshot(s.builtAt(), Map.of(r.key(), r),
        Map.of("orphans", new ReplicationCluster("orphans", "", "", r.key(), List.of(r.key()))),
        Map.of());
    assertEquals("No masters found for orphans", error("/api/master/orphans"));
  }

  @Test
  void topologiesAreEnvelopesWithText() {
    JsonNode t = ok("/api/topology/ci");
    assertEquals("Topology for cluster 127.0.0.1:10111", t.get("Message").asText());
    assertEquals(String.join("\n",
        "127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID]",
        "+ 127.0.0.1:10112 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
        "+ 127.0.0.1:10113 [0s,ok,8.0.36,ro,ROW,>>,GTID]",
        "+ 127.0.0.1:10114 [0s,ok,8.0.36,ro,ROW,>>,GTID]"), t.get("Details").asText());
    JsonNode tab = ok("/api/topology-tabulated/127.0.0.1:10211");
    assertEquals("Topology for cluster 127.0.0.1:10211", tab.get("Message").asText());
    assertEquals(String.join("\n",
        "127.0.0.1:10211  |  0s|ok            |8.0.36|rw|ROW|>>,GTID",
        "- 127.0.0.1:10212|null|nonreplicating|8.0.36|ro|ROW|>>,GTID",
        "+ 127.0.0.1:10213| 30s|lag           |8.0.36|ro|ROW|>>,GTID"), tab.get("Details").asText());
    JsonNode tags = ok("/api/topology-tags/ci/");
    assertTrue(tags.get("Details").asText().startsWith("127.0.0.1:10111   [0s,ok,8.0.36,rw,ROW,>>,GTID] []"));
    assertEquals("Unable to determine cluster name by empty hint", error("/api/topology/"));
  }

  // ---- meta --------------------------------------------------------------------------------

  @Test
  void healthAndStatus() {
    for (String path : List.of("/api/health", "/api/status")) {
      JsonNode h = ok(path);
      assertEquals("Application node is healthy", h.get("Message").asText());
      assertTrue(h.get("Details").get("Healthy").asBoolean());
      assertEquals("orcha-1", h.get("Details").get("Hostname").asText());
    }
    API.health = new NodeHealth(false, "orcha-1", "t", false, "sqlite", "backend down");
    for (String path : List.of("/api/health", "/api/status")) {
      JsonNode e = errorEnvelope(path, 500);
      assertEquals("Application node is unhealthy backend down", e.get("Message").asText());
      assertFalse(e.get("Details").get("Healthy").asBoolean());
    }
  }

  @Test
  void leaderCheck() {
    for (String path : List.of("/api/leader-check", "/api/routed-leader-check",
        "/api/leader-check/503")) {
      ApiClient.Answer a = get(path);
      assertEquals(200, a.status(), path);
      assertEquals("\"OK\"", a.body());
    }
    API.leader = false;
    assertEquals(404, get("/api/leader-check").status());
    assertEquals("\"Not leader\"", get("/api/leader-check").body());
    assertEquals(404, get("/api/routed-leader-check").status());
    assertEquals(503, get("/api/leader-check/503").status());
    assertEquals("\"Not leader\"", get("/api/leader-check/503").body());
    assertEquals(404, get("/api/leader-check/abc").status());
    assertEquals(404, get("/api/leader-check/-1").status());
  }

  @Test
  void raftCompatibleState() {
    assertEquals("\"healthy\"", get("/api/raft-health").body());
    assertEquals("\"Leader\"", get("/api/raft-state").body());
    API.leader = false;
    assertEquals("\"Follower\"", get("/api/raft-state").body());
    API.health = new NodeHealth(false, "orcha-1", "t", false, "sqlite", "backend down");
    assertEquals("unhealthy", error("/api/raft-health"));
    assertEquals("\"Candidate\"", get("/api/raft-state").body());
  }

  @Test
  void raftYieldOnASingleNodeIsRefusedWithAReason() {
    assertEquals("raft-yield: a single orcha node has no one to yield to",
        error("/api/raft-yield/127.0.0.1:10009"));
    assertEquals("raft-yield: a single orcha node has no one to yield to",
        error("/api/raft-yield-hint/node2"));
  }

  @Test
  void raftLeaderPeersAndStatus() {
    API.raft = new RaftView("127.0.0.1:10009", "Follower", "127.0.0.1:10008",
        List.of("127.0.0.1:10008", "127.0.0.1:10009", "127.0.0.1:10010"), true);
    try {
      assertEquals("\"127.0.0.1:10008\"", get("/api/raft-leader").body());
      assertEquals("[\"127.0.0.1:10008\",\"127.0.0.1:10009\",\"127.0.0.1:10010\"]",
          get("/api/raft-peers").body());
      JsonNode status = bare("/api/raft-status");
      assertEquals("127.0.0.1:10009", status.get("RaftBind").asText());
      assertEquals("Follower", status.get("State").asText());
      assertTrue(status.get("IsPartOfQuorum").asBoolean());
      assertEquals("127.0.0.1:10008", status.get("Leader").asText());
      assertEquals(3, status.get("Peers").size());
    } finally {
      API.raft = null;
    }
  }

  @Test
  void loadBalancerChecks() {
    for (String path : List.of("/api/lb-check", "/api/_ping", "/api/lb-check/")) {
      ApiClient.Answer a = get(path);
      assertEquals(200, a.status());
      assertEquals("\"OK\"", a.body());
    }
  }

  @Test
  void reloadConfiguration() {
    JsonNode plain = ok("/api/reload-configuration");
    assertEquals("Config reloaded", plain.get("Message").asText());
    assertEquals("", plain.get("Details").asText());
    JsonNode extra = ok("/api/reload-configuration?config=/tmp/test%20a.conf.json");
    assertEquals("/tmp/test a.conf.json", extra.get("Details").asText());
    assertEquals(List.of("reload <none>", "reload /tmp/test a.conf.json"), API.calls);
    API.reloadError = "InstancePollSeconds must be > 0, got -1";
    assertEquals("InstancePollSeconds must be > 0, got -1", error("/api/reload-configuration"));
  }

  @Test
  void headersAreEchoedAsGoWould() {
    JsonNode h = client().get("/api/headers", "x-forwarded-user", "alice", "X-Extra", "1").json();
    assertEquals("[\"alice\"]", h.get("X-Forwarded-User").toString());
    assertEquals("[\"1\"]", h.get("X-Extra").toString());
    assertFalse(h.has("Timeout-Access"));
    assertFalse(h.has("Host"));
  }

  // ---- transport ---------------------------------------------------------------------------

  @Test
  void unknownPathsAre404Json() {
    for (String path : List.of("/api/no-such-thing", "/api", "/api/", "/", "/web/clusters",
        "/api/instance/127.0.0.1/10111/extra")) {
      JsonNode e = errorEnvelope(path, 404);
      assertTrue(e.get("Message").asText().startsWith("Unknown API path: "), path);
    }
  }

  @Test
  void postAndHeadAreAccepted() {
    ApiClient.Answer post = client().send("POST", "/api/instance/127.0.0.1/10112");
    assertEquals(200, post.status());
    assertEquals("127.0.0.1:10112", printKey(post.json().get("Key")));
    ApiClient.Answer head = client().send("HEAD", "/api/clusters");
    assertEquals(200, head.status());
    assertEquals(JSON_CONTENT_TYPE, head.contentType());
    assertEquals("", head.body());
    assertEquals(404, client().send("HEAD", "/api").status());
    ApiClient.Answer put = client().send("PUT", "/api/clusters");
    assertEquals(405, put.status());
    assertEquals("ERROR", put.json().get("Code").asText());
  }

  @Test
  void urlPrefixMovesTheApi() {
    API.settings = new ApiSettings("/orc", "/api/status", 3306, topology.Thresholds.DEFAULTS,
        "orcha-1");
    assertEquals(2, bare("/orc/api/clusters").size());
    assertEquals("Application node is healthy", ok("/orc/api/status").get("Message").asText());
    errorEnvelope("/api/clusters", 404);
  }

  @Test
  void customStatusEndpointIsServedAtItsAbsolutePath() {
    API.settings = new ApiSettings("", "/my/status", 3306, topology.Thresholds.DEFAULTS,
        "orcha-1");
    assertEquals("Application node is healthy", ok("/my/status").get("Message").asText());
    assertEquals("Application node is healthy", ok("/my/status/").get("Message").asText());
    errorEnvelope("/api/status", 404);
    ok("/api/health");
  }

  @Test
  void gzipOnlyWhenAsked() {
    ApiClient.Answer plain = client().get("/api/clusters");
    assertFalse(plain.headers().containsKey("content-encoding"));
    ApiClient.Answer gz = client().get("/api/clusters", "Accept-Encoding", "gzip");
    assertEquals(List.of("gzip"), gz.headers().get("content-encoding"));
  }
}
