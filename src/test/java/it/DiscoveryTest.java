package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

/**
 * One orcha node on SQLite against a real 4-server MariaDB star: discovery from the master's
 * key, then what the picture shows when replication stops or a replica dies.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryTest {

  static final int M = 10411;
  static final int LATE = M + 4;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("discovery", M, 5, "star");
    // the fifth server joins the topology only later (discovery must notice it)
    sandbox.sql(LATE, "STOP SLAVE; RESET SLAVE ALL");
    // the master lists a replica for a moment after it left: wait, or orcha would crawl to it
    Eventually.await("master no longer lists " + LATE, Duration.ofSeconds(30),
        () -> sandbox.sql(M, "SHOW SLAVE HOSTS"), hosts -> !hosts.contains(String.valueOf(LATE)));
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("orcha.db")));
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

  static String key(int port) {
    return "127.0.0.1:" + port;
  }

  static Set<String> keys(JsonNode array) {
    Set<String> s = new TreeSet<>();
    array.forEach(i -> s.add(i.get("Key").get("Hostname").asText() + ":" + i.get("Key").get("Port").asInt()));
    return s;
  }

  @Test
  @Order(1)
  void discoverFromTheMastersKeyFindsTheWholeTopology() {
    JsonNode r = orcha.get("discover/127.0.0.1/" + M);
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals(200, orcha.raw("status").statusCode(), "status answers 200 once serving");
    assertEquals("Instance discovered: " + key(M), r.get("Message").asText());
    assertEquals(M, r.get("Details").get("Key").get("Port").asInt());

    JsonNode all = Eventually.await("all four servers", Duration.ofSeconds(15),
        () -> orcha.get("all-instances"), a -> a.size() == 4);
    assertEquals(Set.of(key(M), key(M + 1), key(M + 2), key(M + 3)), keys(all));
    for (JsonNode i : all) {
      int port = i.get("Key").get("Port").asInt();
      assertEquals(key(M), i.get("ClusterName").asText(), "cluster of " + port);
      assertEquals("MariaDB", i.get("FlavorName").asText());
      assertEquals(port, i.get("ServerID").asInt());
      if (port == M) {
        assertFalse(i.get("ReadOnly").asBoolean(), "master is writeable");
        assertEquals(0, i.get("ReplicationDepth").asInt());
        assertEquals("", i.get("MasterKey").get("Hostname").asText());
        assertEquals(Set.of(key(M + 1), key(M + 2), key(M + 3)), keysOf(i.get("Replicas")));
      } else {
        assertTrue(i.get("ReadOnly").asBoolean(), "replica " + port + " is read-only");
        assertEquals(1, i.get("ReplicationDepth").asInt());
        assertEquals(M, i.get("MasterKey").get("Port").asInt());
        assertEquals(1, i.get("ReplicationSQLThreadState").asInt());
        assertEquals(1, i.get("ReplicationIOThreadState").asInt());
        assertTrue(i.get("UsingMariaDBGTID").asBoolean());
      }
      assertEquals("dc1", i.get("DataCenter").asText());
      assertEquals("region1", i.get("Region").asText());
      assertTrue(i.get("LogBinEnabled").asBoolean());
      assertTrue(i.get("LogReplicationUpdatesEnabled").asBoolean());
      assertEquals("ROW", i.get("Binlog_format").asText());
    }
    JsonNode clusters = orcha.get("clusters-info");
    assertEquals(1, clusters.size());
    assertEquals(key(M), clusters.get(0).get("ClusterName").asText());
    assertEquals("sandbox", clusters.get(0).get("ClusterAlias").asText());
    assertEquals("sandbox.local", clusters.get(0).get("ClusterDomain").asText());
    assertEquals(4, clusters.get(0).get("CountInstances").asInt());
    // the alias resolves as a cluster hint
    assertEquals(key(M), orcha.get("master/sandbox").get("ClusterName").asText());
  }

  static void pace() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Set<String> keysOf(JsonNode keyList) {
    Set<String> s = new TreeSet<>();
    keyList.forEach(k -> s.add(k.get("Hostname").asText() + ":" + k.get("Port").asInt()));
    return s;
  }

  @Test
  @Order(2)
  void gtidPositionsFollowWrites() {
    sandbox.sql(M, "INSERT INTO app.t(v) VALUES ('gtid-test')");
    String masterPos = sandbox.sql(M, "SELECT @@gtid_binlog_pos").trim();
    Eventually.await("every server at " + masterPos, Duration.ofSeconds(10), () -> {
      List<String> sets = new ArrayList<>();
      orcha.get("all-instances").forEach(i -> sets.add(i.get("ExecutedGtidSet").asText()));
      return sets;
    }, sets -> sets.stream().allMatch(masterPos::equals));
  }

  @Test
  @Order(3)
  void aStoppedSqlThreadIsVisibleWithinTwoPolls() {
    sandbox.sql(M + 1, "STOP SLAVE SQL_THREAD");
    long t0 = System.nanoTime();
    Eventually.await("SQL thread of " + (M + 1) + " stopped", Duration.ofSeconds(2).plusMillis(500),
        () -> orcha.get("instance/127.0.0.1/" + (M + 1)),
        i -> i.get("ReplicationSQLThreadState").asInt() == 0);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    JsonNode i = orcha.get("instance/127.0.0.1/" + (M + 1));
    assertEquals(1, i.get("ReplicationIOThreadState").asInt(), "IO thread still running");
    assertFalse(i.get("ReplicationSQLThreadRuning").asBoolean());
    assertTrue(i.get("Problems").toString().contains("not_replicating"), i.get("Problems").toString());
    System.out.println("stopped SQL thread visible after " + ms + " ms (poll 1 s)");
    sandbox.sql(M + 1, "START SLAVE SQL_THREAD");
    Eventually.await("SQL thread running again", Duration.ofSeconds(3),
        () -> orcha.get("instance/127.0.0.1/" + (M + 1)),
        j -> j.get("ReplicationSQLThreadState").asInt() == 1);
  }

  @Test
  @Order(4)
  void aKilledReplicaIsUnreachableWhileHealthyServersKeepTheirPollInterval() {
    sandbox.kill(M + 3);
    Eventually.await("killed replica shown unreachable", Duration.ofSeconds(5),
        () -> orcha.get("instance/127.0.0.1/" + (M + 3)),
        i -> !i.get("IsLastCheckValid").asBoolean());
    // while it stays dead, the healthy servers are still probed every second
    long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    int samples = 0;
    while (System.nanoTime() < end) {
      for (int port : List.of(M, M + 1, M + 2)) {
        JsonNode i = orcha.get("instance/127.0.0.1/" + port);
        assertTrue(i.get("IsLastCheckValid").asBoolean(), port + " valid while a replica is dead");
        assertTrue(i.get("IsUpToDate").asBoolean(), port + " up to date");
        assertTrue(i.get("SecondsSinceLastSeen").get("Int64").asLong() <= 2,
            port + " seen within the poll interval: " + i.get("SecondsSinceLastSeen"));
      }
      samples++;
      pace(); // sampling cadence, not waiting for a condition
    }
    assertTrue(samples >= 3);
    JsonNode dead = orcha.get("instance/127.0.0.1/" + (M + 3));
    assertEquals(M, dead.get("MasterKey").get("Port").asInt(), "last known facts kept");
    assertTrue(dead.get("Problems").toString().contains("last_check_invalid"));
    sandbox.start(M + 3);
    Eventually.await("restarted replica valid again", Duration.ofSeconds(15),
        () -> orcha.get("instance/127.0.0.1/" + (M + 3)),
        i -> i.get("IsLastCheckValid").asBoolean() && i.get("ReplicationSQLThreadState").asInt() == 1);
  }

  @Test
  @Order(5)
  void aServerThatJoinsLaterIsDiscovered() {
    assertTrue(orcha.get("instance/127.0.0.1/" + LATE).has("Code"), "not known before it joins");
    sandbox.sql(LATE, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + M
        + ", MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos,"
        + " MASTER_CONNECT_RETRY=1; START SLAVE");
    JsonNode late = Eventually.await("the new replica discovered through its master",
        Duration.ofSeconds(10), () -> orcha.get("instance/127.0.0.1/" + LATE),
        i -> !i.has("Code") && i.get("ReplicationSQLThreadState").asInt() == 1);
    assertEquals(M, late.get("MasterKey").get("Port").asInt());
    assertEquals(key(M), late.get("ClusterName").asText());
    assertEquals(5, orcha.get("all-instances").size());
  }
}
