package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
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

/** Downtime and maintenance: set, shown, expired, persisted across a restart, honoured by detection. */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DowntimeTest {

  static final int M = 10491;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  static String hocon() {
    return OrchaFixture.baseHocon(tmp.resolve("downtime.db"));
  }

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("downtime", M, 2, "star");
    orcha = OrchaFixture.start(hocon());
    assertEquals("OK", orcha.get("discover/127.0.0.1/" + M).get("Code").asText());
    Eventually.await("both servers", Duration.ofSeconds(10), () -> orcha.get("all-instances"),
        a -> a.size() == 2);
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

  static void assertError(JsonNode r, String message) {
    assertEquals("ERROR", r.get("Code").asText(), r.toString());
    assertEquals(message, r.get("Message").asText());
  }

  @Test
  @Order(1)
  void downtimeIsShownListedAndEnded() {
    JsonNode r = orcha.get("begin-downtime/127.0.0.1/" + (M + 1) + "/ops%0A/disk%20swap%0A/1h");
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals("Downtime begun: 127.0.0.1:" + (M + 1), r.get("Message").asText());
    assertEquals(M + 1, r.get("Details").get("Port").asInt());
    JsonNode i = orcha.get("instance/127.0.0.1/" + (M + 1));
    assertTrue(i.get("IsDowntimed").asBoolean());
    assertEquals("ops", i.get("DowntimeOwner").asText());
    assertEquals("disk swap", i.get("DowntimeReason").asText());
    assertFalse(i.get("DowntimeEndTimestamp").asText().isEmpty());
    for (String path : new String[] {"downtimed", "downtimed/", "downtimed/127.0.0.1:" + M, "downtimed/sandbox"}) {
      JsonNode list = orcha.get(path);
      assertEquals(1, list.size(), path + ": " + list);
      assertEquals(M + 1, list.get(0).get("Key").get("Port").asInt());
    }
    r = orcha.get("end-downtime/127.0.0.1/" + (M + 1));
    assertEquals("Downtime ended: 127.0.0.1:" + (M + 1), r.get("Message").asText());
    assertFalse(orcha.get("instance/127.0.0.1/" + (M + 1)).get("IsDowntimed").asBoolean());
    assertEquals(0, orcha.get("downtimed").size());
    // ending a downtime that is not there succeeds, as orchestrator's
    assertEquals("OK", orcha.get("end-downtime/127.0.0.1/" + (M + 1)).get("Code").asText());
    // both are in the audit log of the server, newest first
    JsonNode audit = orcha.get("audit/instance/127.0.0.1/" + (M + 1));
    assertEquals("end-downtime", audit.get(0).get("AuditType").asText(), audit.toString());
    // one row per call, naming the call as it was made (decoded) and what came of it
    assertEquals(3, audit.size(), audit.toString()); // begin, end, end again
    JsonNode begun = audit.get(2);
    assertEquals("begin-downtime", begun.get("AuditType").asText(), begun.toString());
    assertTrue(begun.get("Message").asText().contains("/ops/disk swap/")
        && begun.get("Message").asText().contains(": OK (Downtime begun: 127.0.0.1:" + (M + 1) + ")"),
        begun.toString());
    assertEquals("Invalid page: x", orcha.get("audit/x").get("Message").asText());
  }

  @Test
  @Order(2)
  void badDowntimeInputIsRefused() {
    assertError(orcha.get("begin-downtime/127.0.0.1/" + M + "/ops/why/-5m"), "Cannot parse simple time: -5m");
    assertError(orcha.get("begin-downtime/127.0.0.1/" + M + "/ops/why/10"), "Cannot parse simple time: 10");
    assertError(orcha.get("begin-downtime/127.0.0.1/" + M + "/ops/why/5y"), "Cannot parse simple time: 5y");
    assertError(orcha.get("begin-downtime/127.0.0.1/" + M + "/%20/why/5m"), "Downtime owner required");
    assertError(orcha.get("begin-downtime/127.0.0.1/notaport/ops/why"), "Invalid port: notaport");
    assertEquals(0, orcha.get("downtimed").size(), "nothing was downtimed by bad requests");
  }

  @Test
  @Order(2)
  void candidatesAreRegisteredWithTheirRule() {
    JsonNode r = orcha.get("register-candidate/127.0.0.1/" + (M + 1) + "/prefer");
    assertEquals("Registered candidate", r.get("Message").asText(), r.toString());
    JsonNode i = orcha.get("instance/127.0.0.1/" + (M + 1));
    assertEquals("prefer", i.get("PromotionRule").asText());
    assertTrue(i.get("IsCandidate").asBoolean());
    assertError(orcha.get("register-candidate/127.0.0.1/" + (M + 1) + "/must"),
        "CandidatePromotionRule: must not supported yet");
    assertError(orcha.get("register-candidate/127.0.0.1/" + (M + 1) + "/best"),
        "Invalid CandidatePromotionRule: best");
    assertEquals("OK", orcha.get("register-candidate/127.0.0.1/" + (M + 1) + "/must_not").get("Code").asText());
    assertEquals("must_not", orcha.get("instance/127.0.0.1/" + (M + 1)).get("PromotionRule").asText());
    assertFalse(orcha.get("instance/127.0.0.1/" + (M + 1)).get("IsCandidate").asBoolean());
  }

  @Test
  @Order(3)
  void downtimeExpiresOnItsOwn() {
    assertEquals("OK", orcha.get("begin-downtime/127.0.0.1/" + (M + 1) + "/ops/short/2s").get("Code").asText());
    assertTrue(orcha.get("instance/127.0.0.1/" + (M + 1)).get("IsDowntimed").asBoolean());
    Eventually.await("downtime expired", Duration.ofSeconds(6),
        () -> orcha.get("instance/127.0.0.1/" + (M + 1)), i -> !i.get("IsDowntimed").asBoolean());
  }

  @Test
  @Order(4)
  void maintenanceLocksAServerOnce() {
    JsonNode r = orcha.get("begin-maintenance/127.0.0.1/" + M + "/ops/upgrade");
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals("true", orcha.get("in-maintenance/127.0.0.1/" + M).get("Message").asText());
    assertError(orcha.get("begin-maintenance/127.0.0.1/" + M + "/other/again"),
        "Cannot begin maintenance: 127.0.0.1:" + M + " is already under maintenance by ops: upgrade");
    JsonNode list = orcha.get("maintenance");
    assertEquals(1, list.size());
    long id = list.get(0).get("MaintenanceId").asLong();
    assertEquals("ops", list.get(0).get("Owner").asText());
    assertEquals("OK", orcha.get("end-maintenance/" + id).get("Code").asText());
    assertEquals("false", orcha.get("in-maintenance/127.0.0.1/" + M).get("Message").asText());
    assertError(orcha.get("end-maintenance/" + id), "No maintenance found with id " + id);
  }

  @Test
  @Order(5)
  void aDowntimedDeadMasterIsReportedButNotRegistered() {
    assertEquals("OK", orcha.get("begin-downtime/127.0.0.1/" + M + "/ops/planned/1h").get("Code").asText());
    // survives a restart of orcha: persisted in the node's backend
    orcha.close();
    orcha = OrchaFixture.start(hocon());
    Eventually.await("restored, still downtimed", Duration.ofSeconds(10),
        () -> orcha.get("instance/127.0.0.1/" + M),
        i -> !i.has("Code") && i.get("IsDowntimed").asBoolean());
    Eventually.await("both valid again", Duration.ofSeconds(10), () -> orcha.get("all-instances"),
        a -> a.size() == 2 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
    sandbox.kill(M);
    try {
      JsonNode e = Eventually.await("DeadMaster, downtimed", Duration.ofSeconds(15), () -> {
        for (JsonNode x : orcha.get("replication-analysis").get("Details")) {
          if (x.get("AnalyzedInstanceKey").get("Port").asInt() == M) {
            return x;
          }
        }
        return null;
      }, x -> x != null && x.get("Analysis").asText().startsWith("DeadMaster"));
      assertTrue(e.get("IsDowntimed").asBoolean());
      assertTrue(e.get("SkippableDueToDowntime").asBoolean());
      assertTrue(e.get("DowntimeRemainingSeconds").asLong() > 3000);
      Eventually.consistently("no detection registered for a downtimed master", Duration.ofSeconds(5),
          () -> orcha.get("audit-failure-detection").size(), n -> n == 0);
    } finally {
      sandbox.start(M);
    }
  }
}
