package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/** The discovery test again, with a sandbox MariaDB server as the node's backend database. */
@Tag("sandbox")
class MysqlBackendTest {

  static final int M = 10441;
  static final int BACKEND = 10451;
  static Sandbox topology;
  static Sandbox backendServer;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    topology = Sandbox.up("mysqlbackend-topo", M, 4, "star");
    backendServer = Sandbox.up("mysqlbackend-db", BACKEND, 1, "star");
  }

  @AfterAll
  static void down() {
    if (topology != null) {
      topology.close();
    }
    if (backendServer != null) {
      backendServer.close();
    }
  }

  static String hocon() {
    return OrchaFixture.baseHocon(tmp.resolve("unused.db")) + """
        orcha.backend.type = mysql
        orcha.backend.mysql.host = "127.0.0.1"
        orcha.backend.mysql.port = %d
        orcha.backend.mysql.database = orcha_it
        orcha.backend.mysql.user = orcha
        orcha.backend.mysql.password = orcha
        """.formatted(BACKEND);
  }

  @Test
  void discoversAndRestoresThroughTheMysqlBackend() {
    try (OrchaFixture orcha = OrchaFixture.start(hocon())) {
      assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
      JsonNode all = Eventually.await("four servers", Duration.ofSeconds(15),
          () -> orcha.get("all-instances"), a -> a.size() == 4);
      all.forEach(i -> assertEquals("127.0.0.1:" + M, i.get("ClusterName").asText()));
      assertEquals("sandbox", orcha.get("clusters-info").get(0).get("ClusterAlias").asText());
      Eventually.await("observations persisted in MariaDB", Duration.ofSeconds(10),
          () -> Integer.parseInt(backendServer.sql(BACKEND,
              "SELECT COUNT(DISTINCT persistence_id) FROM orcha_it.event_journal").trim()),
          n -> n >= 5); // four servers and the probe set
      JsonNode health = orcha.get("health");
      assertEquals("OK", health.get("Code").asText(), health.toString());
    }
    topology.kill(M); // the restarted node can only know the master from its backend
    try (OrchaFixture again = OrchaFixture.start(hocon())) {
      JsonNode all = Eventually.await("restored picture", Duration.ofSeconds(10),
          () -> again.get("all-instances"), a -> a.size() == 4);
      assertTrue(all.toString().contains("\"Port\":" + M));
      assertEquals(3, again.get("instance/127.0.0.1/" + M).get("Replicas").size());
    } finally {
      topology.start(M);
    }
  }
}
