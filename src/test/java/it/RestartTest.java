package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * What survives a restart of orcha: the last picture is served from the SQLite file before any
 * server answered again; and after a kill -9 of orcha while it probes a changing topology, the
 * file is intact and the picture consistent.
 */
@Tag("sandbox")
class RestartTest {

  static final int M = 10431;
  static Sandbox sandbox;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("restart", M, 4, "star");
  }

  @AfterAll
  static void down() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static void awaitWholeTopology(OrchaFixture orcha) {
    Eventually.await("four valid servers", Duration.ofSeconds(20),
        () -> orcha.get("all-instances"), a -> {
          if (a.size() != 4) {
            return false;
          }
          for (JsonNode i : a) {
            if (!i.get("IsLastCheckValid").asBoolean() || (i.get("Key").get("Port").asInt() != M
                && i.get("ReplicationSQLThreadState").asInt() != 1)) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  void theLastPictureIsServedFromSqliteBeforeServersAnswerAgain() {
    Path db = tmp.resolve("restart.db");
    try (OrchaFixture first = OrchaFixture.start(OrchaFixture.baseHocon(db))) {
      assertEquals("OK", first.get("discover/127.0.0.1/" + M).get("Code").asText());
      awaitWholeTopology(first);
    }
    // every server down: whatever the restarted node shows can only come from its backend
    for (int p : sandbox.ports()) {
      sandbox.kill(p);
    }
    try (OrchaFixture second = OrchaFixture.start(OrchaFixture.baseHocon(db))) {
      JsonNode all = Eventually.await("restored picture", Duration.ofSeconds(10),
          () -> second.get("all-instances"), a -> a.size() == 4);
      for (JsonNode i : all) {
        int port = i.get("Key").get("Port").asInt();
        assertEquals("127.0.0.1:" + M, i.get("ClusterName").asText());
        assertFalse(i.get("IsLastCheckValid").asBoolean(), "not re-checked: " + port);
        assertFalse(i.get("LastSeenTimestamp").asText().isEmpty(), "last seen before the restart");
        if (port == M) {
          assertEquals(3, i.get("Replicas").size());
          assertFalse(i.get("ReadOnly").asBoolean());
        } else {
          assertEquals(M, i.get("MasterKey").get("Port").asInt());
          assertTrue(i.get("ReadOnly").asBoolean());
        }
      }
      assertEquals("sandbox", second.get("clusters-info").get(0).get("ClusterAlias").asText());
      String text = second.get("topology-tabulated/sandbox").get("Details").asText();
      assertTrue(text.contains("|unknown|invalid|"), text);
      for (int p : sandbox.ports()) {
        sandbox.start(p);
      }
      awaitWholeTopology(second);
    }
  }

  @Test
  void killMinus9WhileProbingAChangingTopologyLeavesTheBackendIntact() throws Exception {
    Path db = tmp.resolve("crash.db");
    int httpPort;
    try (ServerSocket s = new ServerSocket(0)) {
      httpPort = s.getLocalPort();
    }
    Path conf = tmp.resolve("crash.conf");
    Files.writeString(conf, OrchaFixture.baseHocon(db)
        .replace("orcha.http.listen-address = \"127.0.0.1:0\"",
            "orcha.http.listen-address = \"127.0.0.1:" + httpPort + "\"")
        + "\norcha.discovery.seeds = [\"127.0.0.1:" + M + "\"]\n");
    Process orcha = startOrchaProcess(conf, tmp.resolve("crash.log"));
    String api = "http://127.0.0.1:" + httpPort + "/api";
    try {
      Eventually.await("child orcha sees four servers", Duration.ofSeconds(60),
          () -> get(api + "/all-instances"), a -> a != null && a.size() == 4);
      // change the topology again and again while it probes, then kill it mid-way
      for (int round = 0; round < 6; round++) {
        int port = M + 1 + round % 3;
        boolean stop = round % 2 == 0;
        sandbox.sql(port, stop ? "STOP SLAVE SQL_THREAD" : "START SLAVE SQL_THREAD");
        sandbox.sql(M, "INSERT INTO app.t(v) VALUES ('crash-" + round + "')");
        Eventually.await("the change observed", Duration.ofSeconds(5),
            () -> get(api + "/instance/127.0.0.1/" + port),
            i -> i != null && i.get("ReplicationSQLThreadState").asInt() == (stop ? 0 : 1));
      }
      sandbox.sql(M + 1, "STOP SLAVE SQL_THREAD"); // the last change, maybe persisted, maybe not
    } finally {
      orcha.destroyForcibly(); // SIGKILL
      assertTrue(orcha.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(137, orcha.exitValue(), "killed by SIGKILL");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertEquals("ok", rs.getString(1));
    }
    for (int p = M + 1; p <= M + 3; p++) {
      sandbox.sql(p, "START SLAVE SQL_THREAD");
    }
    try (OrchaFixture again = OrchaFixture.start(OrchaFixture.baseHocon(db))) {
      JsonNode restored = Eventually.await("restored picture", Duration.ofSeconds(10),
          () -> again.get("all-instances"), a -> a.size() == 4);
      List<Integer> masters = new ArrayList<>();
      restored.forEach(i -> masters.add(i.get("MasterKey").get("Port").asInt()));
      assertEquals(List.of(0, M, M, M), masters, "links as last persisted");
      awaitWholeTopology(again);
    }
  }

  static JsonNode get(String url) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return OrchaFixture.JSON.readTree(r.body());
    } catch (IOException e) {
      return null; // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static Process startOrchaProcess(Path conf, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "orcha.Main", "--config", conf.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
