package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Bad input never stops orcha: malformed keys and ports, seeds that do not answer, wrong
 * credentials and missing privileges get errors that say what is wrong; a bad configuration
 * value stops start-up with a message naming the key.
 */
@Tag("sandbox")
class BadInputTest {

  static final int M = 10461;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("badinput", M, 2, "star");
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("bad.db"))
        + "orcha.discovery.seeds = [\"127.0.0.1:1\", \"no-such-host.invalid:3306\"]\n");
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

  static void assertError(JsonNode r, String messagePart) {
    assertEquals("ERROR", r.get("Code").asText(), r.toString());
    assertTrue(r.get("Message").asText().contains(messagePart),
        "message should contain <" + messagePart + ">: " + r.get("Message").asText());
  }

  @Test
  void malformedKeysAndPorts() {
    assertError(orcha.get("discover/127.0.0.1/abc"), "Invalid port: abc");
    assertError(orcha.get("discover/127.0.0.1/99999"), "Invalid port: 99999");
    assertError(orcha.get("instance/bad%20host/3306"), "Invalid hostname");
    assertError(orcha.get("instance/127.0.0.1/3999"), "Cannot read instance: 127.0.0.1:3999");
    assertError(orcha.get("cluster/nosuchcluster"), "Unable to determine cluster name");
    assertError(orcha.get("replication-analysis/nosuchcluster"), "Cannot get cluster name: nosuchcluster");
    assertError(orcha.get("audit-failure-detection/abc"), "Invalid page: abc");
    assertError(orcha.get("audit-failure-detection/id/x1"), "Invalid id: x1");
    assertError(orcha.get("ack-all-recoveries"), "No acknowledge comment given");
    assertEquals(404, orcha.raw("no-such-endpoint").statusCode());
    assertEquals("ERROR", orcha.get("no-such-endpoint").get("Code").asText());
  }

  @Test
  void unreachableSeedsAndServers() {
    assertError(orcha.get("discover/127.0.0.1/1"), "127.0.0.1:1");
    assertError(orcha.get("discover/127.0.0.1/1"), "refused");
    assertError(orcha.get("discover/no-such-host.invalid/3306"), "unknown host");
    // the node keeps serving, and a good server is still discovered
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
    Eventually.await("both sandbox servers", Duration.ofSeconds(10),
        () -> orcha.get("all-instances"), a -> a.size() == 2);
    assertEquals(200, orcha.raw("health").statusCode());
  }

  @Test
  void wrongCredentialsAndMissingPrivileges() {
    try (OrchaFixture wrong = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("wrong.db"))
        + "orcha.mysql.topology-password = not-the-password\n")) {
      JsonNode r = wrong.get("discover/127.0.0.1/" + M);
      assertError(r, "access denied for user orcha");
      assertFalse(r.toString().contains("not-the-password"), "no password in answers");
    }
    try (OrchaFixture noprivs = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("noprivs.db"))
        + "orcha.mysql.topology-user = noprivs\norcha.mysql.topology-password = noprivs\n")) {
      JsonNode r = noprivs.get("discover/127.0.0.1/" + M);
      assertError(r, "noprivs");
      assertTrue(r.get("Message").asText().toLowerCase().contains("privilege")
          || r.get("Message").asText().toLowerCase().contains("denied"), r.toString());
    }
  }

  @Test
  void aBadConfigurationValueStopsStartUpNamingTheKey() throws Exception {
    Path json = tmp.resolve("orchestrator.conf.json");
    Files.writeString(json, "{\"InstancePollSeconds\": -5, \"ListenAddress\": \"127.0.0.1:0\"}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "orcha.Main", "--config", json.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("orcha: configuration error: orcha.discovery.poll-interval "
        + "(InstancePollSeconds in " + json + ") must be at least 100ms, got: -5s"), out);
  }

  @Test
  void reloadWithABadFileKeepsTheOldSettings() throws IOException {
    Path bad = tmp.resolve("reload-bad.json");
    Files.writeString(bad, "{\"ReasonableReplicationLagSeconds\": \"ten\"}");
    assertError(orcha.get("reload-configuration?config=" + bad), "ReasonableReplicationLagSeconds");
    Path good = tmp.resolve("reload-good.json");
    Files.writeString(good, "{\"ReasonableReplicationLagSeconds\": 30}");
    JsonNode ok = orcha.get("reload-configuration?config=" + good);
    assertEquals("OK", ok.get("Code").asText(), ok.toString());
    assertEquals("Config reloaded", ok.get("Message").asText());
    assertEquals(good.toString(), ok.get("Details").asText());
    assertEquals(30, orcha.node().api().currentSettings().analysis().reasonableReplicationLag().toSeconds());
  }
}
