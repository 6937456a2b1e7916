package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import testkit.Browser;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * The web UI in headless Chromium against a real node over a real sandbox (4 MariaDB servers,
 * star), with multi authentication (admin, and "readonly"). One story, in order: the clusters
 * list and the cluster page show the star; a downtime reason and a cluster alias made of HTML
 * show as text; a replica dragged onto another server replicates from it (checked on the
 * servers); a graceful takeover from the page, acknowledged from the page; kill -9 of the master
 * with global recoveries disabled and the page's history says the recovery was skipped, then
 * enabled and the page shows the new tree and the recovery with its steps; the history lists
 * the detection, the skip, the recovery and the promotion in order and "why?" explains them
 * with their evidence; a read-only user sees the same pages without a single action (the
 * history's buttons, which only read, excepted). Screenshots of every step land in the build's
 * screenshots folder.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTest {

  /** The servers (11101-11104), the node's HTTP and cluster ports, the two chromedrivers. */
  static final int M = 11101;
  static final int HTTP = 11105;
  static final int ARTERY = 11106;
  static final int DRIVER = 11107;
  static final int READONLY_DRIVER = 11108;

  static final String PASSWORD = "w3b-ui-secret";
  static final String BASE = "http://127.0.0.1:" + HTTP;
  static final Duration PAGE = Duration.ofSeconds(20);

  static Sandbox sandbox;
  static OrchaFixture orcha;
  static Browser admin;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    Browser.requireInstalled();
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("webui.db")) + """
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.http.auth.method = multi
        orcha.http.auth.user = admin
        orcha.http.auth.password = "%s"
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        """.formatted(HTTP, ARTERY, PASSWORD));
    sandbox = Sandbox.up("webui", M, 4, "star");
    assertEquals("OK", api("discover/127.0.0.1/" + M).path("Code").asText());
    Eventually.await("4 servers valid", Duration.ofSeconds(30), () -> api("all-instances"),
        a -> a.size() == 4
            && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
    admin = Browser.start(DRIVER, "admin", PASSWORD);
  }

  @AfterAll
  static void down() {
    if (admin != null) {
      admin.close();
    }
    if (orcha != null) {
      orcha.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** No script error on any page of any step (an exception would leave a view half drawn). */
  @AfterEach
  void noScriptErrors() {
    List<String> errors = admin.console().stream()
        .filter(l -> l.contains("Uncaught") || l.contains("SyntaxError")).toList();
    assertTrue(errors.isEmpty(), "script errors: " + errors);
  }

  // ---- the story -------------------------------------------------------------------------

  @Test
  @Order(1)
  void theClustersListAndTheClusterPageShowTheStar() {
    admin.open(BASE + "/"); // redirected to /web/, the clusters list
    String row = "tr.cluster[data-cluster='" + key(M) + "']";
    admin.await("the sandbox cluster listed as healthy", PAGE,
        d -> admin.read(row, e -> e.getAttribute("class")).contains("health-ok"));
    assertTrue(admin.driver().getCurrentUrl().startsWith(BASE + "/web/"),
        admin.driver().getCurrentUrl());
    assertEquals("sandbox", admin.read(row + " a.cluster-link", WebElement::getText));
    String rowText = admin.read(row, WebElement::getText);
    assertTrue(rowText.contains("sandbox.local") && rowText.contains("ok"), rowText);
    admin.screenshot("01-clusters");

    admin.read(row + " a.cluster-link", e -> {
      e.click();
      return true;
    });
    awaitTree(admin, tree(M, 0, M + 1, M, M + 2, M, M + 3, M));
    assertEquals("#/cluster/sandbox", admin.driver().executeScript("return location.hash"));
    assertEquals("sandbox", admin.read("main h1", WebElement::getText));
    assertEquals(3, admin.all("#topology path.edge[data-from='" + key(M) + "']").size());
    String master = "g.server[data-key='" + key(M) + "']";
    assertTrue(admin.read(master, e -> e.getAttribute("class")).contains("writable"));
    assertEquals("0", admin.read(master, e -> e.getAttribute("data-depth")));
    String masterText = admin.read(master, admin::textContent);
    assertTrue(masterText.contains("MariaDB") && masterText.contains("writable")
        && masterText.contains("dc1"), masterText);
    String replicaText = admin.read("g.server[data-key='" + key(M + 2) + "']", admin::textContent);
    assertTrue(replicaText.contains("read-only") && replicaText.contains("lag "), replicaText);
    assertEquals("No problems.", admin.read("#no-problems", WebElement::getText));
    admin.screenshot("02-cluster-star");

    // a click on a server opens its details
    clickBox(admin, key(M + 1));
    admin.await("the details of " + key(M + 1), PAGE, d -> text(admin, "tr[data-field='master'] td")
        .equals(key(M)));
    assertEquals("#/instance/127.0.0.1/" + (M + 1),
        admin.driver().executeScript("return location.hash"));
    assertEquals("yes", text(admin, "tr[data-field='read-only'] td"));
    assertEquals("dc1", text(admin, "tr[data-field='data-center'] td"));
    admin.screenshot("03-instance");

    // orcha's own nodes: this one, the leader
    admin.one("#nav-nodes").click();
    admin.await("this node listed as the leader", PAGE,
        d -> admin.all("#members tr[data-leader='true']").size() == 1);
    String leader = "#members tr[data-leader='true']";
    assertEquals("127.0.0.1:" + ARTERY, admin.read(leader, e -> e.getAttribute("data-node")));
    assertTrue(admin.read(leader, WebElement::getText).contains("this node"));
    assertEquals("Leader", text(admin, "#node-self tr[data-field='state'] td"));
    admin.screenshot("04-nodes");
  }

  @Test
  @Order(2)
  void htmlInADowntimeReasonAndAClusterAliasShowsAsText() throws Exception {
    String reason = "<img src=x onerror=alert(1)>";
    admin.open(BASE + "/web/#/instance/127.0.0.1/" + (M + 3));
    admin.one("#action-begin-downtime").click();
    admin.one("#dialog-field-reason").sendKeys(reason);
    assertEquals("admin", admin.one("#dialog-field-owner").getAttribute("value"),
        "the owner proposed is the user");
    admin.one("#dialog-confirm").click();
    admin.await("the downtime reason shown", PAGE,
        d -> text(admin, "tr[data-field='downtime-reason'] td").equals(reason));
    assertEquals("admin", text(admin, "tr[data-field='downtime-owner'] td"));
    assertTrue(admin.one("#notice").getText().contains("Downtime begun"),
        admin.one("#notice").getText());
    assertEquals(reason, api("instance/127.0.0.1/" + (M + 3)).get("DowntimeReason").asText());
    noInjectedElements(admin);
    admin.screenshot("05-downtime-reason-as-text");

    // in the tree too
    admin.open(BASE + "/web/#/cluster/sandbox");
    String box = "g.server.downtimed[data-key='" + key(M + 3) + "']";
    admin.await("the downtimed box", PAGE, d -> admin.all(box).size() == 1);
    assertTrue(admin.read(box + " title", admin::textContent).contains(reason));
    assertTrue(admin.read(box + " text.line-4", admin::textContent)
        .startsWith("downtimed: <img src=x"));
    noInjectedElements(admin);

    // a cluster alias
    String alias = "<script>alert(2)</script><b>bold</b>";
    assertEquals("OK", api("set-cluster-alias/" + key(M) + "?alias="
        + URLEncoder.encode(alias, StandardCharsets.UTF_8)).path("Code").asText());
    admin.open(BASE + "/web/#/clusters");
    admin.await("the alias shown as text", PAGE, d -> text(admin,
        "tr.cluster[data-cluster='" + key(M) + "'] a.cluster-link").equals(alias));
    assertTrue(admin.all("#clusters b, #clusters script").isEmpty());
    noInjectedElements(admin);
    admin.screenshot("06-alias-as-text");
    assertEquals("OK", api("set-cluster-alias/" + key(M) + "?alias=").path("Code").asText());
    Eventually.await("the alias back to sandbox", PAGE, () -> api("clusters-info"),
        a -> a.size() == 1 && a.get(0).get("ClusterAlias").asText().equals("sandbox"));

    // and the downtime ends from the page
    admin.open(BASE + "/web/#/instance/127.0.0.1/" + (M + 3));
    admin.one("#action-end-downtime").click();
    assertTrue(admin.one("#dialog").getText().contains("End the downtime of " + key(M + 3)));
    admin.one("#dialog-confirm").click();
    admin.await("the downtime ended", PAGE,
        d -> text(admin, "tr[data-field='downtimed'] td").equals("no"));
    assertFalse(api("instance/127.0.0.1/" + (M + 3)).get("IsDowntimed").asBoolean());
  }

  @Test
  @Order(3)
  void aReplicaDroppedOnAnotherServerReplicatesFromIt() {
    admin.open(BASE + "/web/#/cluster/sandbox");
    awaitTree(admin, tree(M, 0, M + 1, M, M + 2, M, M + 3, M));
    drag(admin, key(M + 3), key(M + 2));
    WebElement dialog = admin.one("#dialog");
    assertTrue(dialog.getText().contains("Make " + key(M + 3) + " replicate from " + key(M + 2)
        + " instead of " + key(M)), dialog.getText());
    admin.screenshot("07-relocate-confirm");
    admin.one("#dialog-confirm").click();

    // on the servers themselves
    Eventually.await(key(M + 3) + " replicating from " + key(M + 2), Duration.ofSeconds(30),
        () -> masterPort(M + 3), p -> p == M + 2);
    awaitTree(admin, tree(M, 0, M + 1, M, M + 2, M, M + 3, M + 2));
    admin.await("the relocation reported", PAGE,
        d -> admin.one("#notice").getText().contains("relocated below " + key(M + 2)));
    admin.screenshot("08-relocated");
  }

  @Test
  @Order(4)
  void aGracefulTakeoverAndItsAcknowledgementFromThePage() {
    admin.open(BASE + "/web/#/cluster/sandbox");
    awaitTree(admin, tree(M, 0, M + 1, M, M + 2, M, M + 3, M + 2));
    admin.one("#action-takeover").click();
    new Select(admin.one("#dialog-field-designated")).selectByValue(key(M + 1));
    admin.screenshot("09-takeover-confirm");
    admin.one("#dialog-confirm").click();

    awaitTree(admin, tree(M + 1, 0, M, M + 1, M + 2, M + 1, M + 3, M + 2), Duration.ofSeconds(60));
    assertEquals(M + 1, masterPort(M), "the old master replicates from the new one");
    assertEquals(M + 1, masterPort(M + 2));
    assertEquals(0, masterPort(M + 1));

    // the takeover is listed; acknowledged from the page
    String ack = ".recovery[data-successor='" + key(M + 1)
        + "'][data-acknowledged='false'] .action-ack";
    admin.await("the takeover listed, to acknowledge", PAGE, d -> admin.all(ack).size() == 1);
    admin.read(ack, e -> {
      e.click();
      return true;
    });
    admin.one("#dialog-field-comment").sendKeys("planned takeover, done");
    admin.one("#dialog-confirm").click();
    admin.await("the takeover acknowledged", PAGE, d -> admin.all(".recovery[data-successor='"
        + key(M + 1) + "'][data-acknowledged='true']").size() == 1);
    JsonNode recorded = api("audit-recovery/alias/sandbox").get(0);
    assertEquals(key(M + 1), recorded.get("SuccessorKey").get("Hostname").asText() + ":"
        + recorded.get("SuccessorKey").get("Port").asInt());
    assertTrue(recorded.get("Acknowledged").asBoolean());
    assertEquals("admin", recorded.get("AcknowledgedBy").asText());
    assertEquals("planned takeover, done", recorded.get("AcknowledgedComment").asText());
    admin.screenshot("10-takeover-acknowledged");
  }

  @Test
  @Order(5)
  void afterKillOfTheMasterThePageShowsTheNewTreeAndTheRecovery() {
    admin.open(BASE + "/web/#/cluster/sandbox");
    awaitTree(admin, tree(M + 1, 0, M, M + 1, M + 2, M + 1, M + 3, M + 2));
    // first not recovered (global recoveries disabled), and the page's history says so live
    assertEquals("OK", api("disable-global-recoveries").path("Code").asText());
    sandbox.kill(M + 1);
    Eventually.await("the skipped recovery of DeadMaster", Duration.ofSeconds(30),
        () -> orcha.recoveryLog().skips(), l -> l.stream().anyMatch(s ->
            s.analysisCode().equals("DeadMaster") && s.key().port() == M + 1));
    String skipped = historyEntry("RecoveryDecision", key(M + 1))
        + "[data-decision='skipped'][data-analysis='DeadMaster']";
    admin.await("the skipped recovery in the page's history", PAGE,
        d -> !admin.all(skipped).isEmpty());
    assertEquals("skipped: global recoveries disabled", text(admin, skipped + " .message"));
    admin.screenshot("11-history-skipped");
    assertEquals("OK", api("enable-global-recoveries").path("Code").asText());

    RecoveryLog.Recovery r = Eventually.await("the recovery of " + key(M + 1),
        Duration.ofSeconds(30), () -> orcha.recoveryLog().recoveries(),
        l -> l.stream().anyMatch(x -> x.ended() && x.start().failedKey().port() == M + 1))
        .stream().filter(x -> x.start().failedKey().port() == M + 1).findFirst().orElseThrow();
    assertTrue(r.resolution().successful(), r.toString());
    assertEquals("DeadMaster", r.start().analysisCode());
    String successor = r.resolution().successor().displayString();

    // the page's tree is the one orcha sees now: three servers under the successor
    Map<String, String> now = Eventually.await("the new tree in the API", PAGE, () -> {
      Map<String, String> m = new TreeMap<>();
      for (JsonNode i : api("cluster/sandbox")) {
        String master = i.get("MasterKey").get("Hostname").asText();
        m.put(i.get("Key").get("Hostname").asText() + ":" + i.get("Key").get("Port").asInt(),
            master.isEmpty() ? "" : master + ":" + i.get("MasterKey").get("Port").asInt());
      }
      return m;
    }, m -> m.size() == 3 && "".equals(m.get(successor)) && !m.containsKey(key(M + 1))
        && m.values().stream().filter(String::isEmpty).count() == 1);
    awaitTree(admin, now);
    assertEquals("0", admin.read("g.server[data-key='" + successor + "']",
        e -> e.getAttribute("data-depth")));

    // and the recovery, with its steps
    String rec = ".recovery[data-failed='" + key(M + 1)
        + "'][data-analysis='DeadMaster'][data-outcome='successful']";
    admin.await("the recovery listed", PAGE, d -> admin.all(rec).size() == 1);
    assertEquals(successor, admin.read(rec, e -> e.getAttribute("data-successor")));
    int steps = admin.await("its steps", PAGE, d -> {
      int n = admin.all(rec + " ol.steps li").size();
      return n >= 3 ? n : null;
    });
    assertEquals(api("audit-recovery-steps/" + r.start().uid()).size(), steps);
    String summary = admin.read(rec + " summary", WebElement::getText);
    assertTrue(summary.contains(key(M + 1) + " \u2192 " + successor), summary);
    admin.screenshot("12-after-failover");
  }

  @Test
  @Order(6)
  void theHistoryAndWhyExplainTheFailover() {
    RecoveryLog.Recovery r = orcha.recoveryLog().recoveries().stream()
        .filter(x -> x.start().failedKey().port() == M + 1).findFirst().orElseThrow();
    String dead = key(M + 1);
    String successor = r.resolution().successor().displayString();
    admin.open(BASE + "/web/#/cluster/sandbox");

    // the timeline, newest first: the promotion above the recovery that ran, above the skip,
    // above the detection
    String detection = historyEntry("Detection", dead) + "[data-analysis='DeadMaster']";
    String skipped = historyEntry("RecoveryDecision", dead)
        + "[data-decision='skipped'][data-analysis='DeadMaster']";
    String ran = historyEntry("RecoveryDecision", dead)
        + "[data-decision='ran'][data-analysis='DeadMaster'][data-uid='" + r.start().uid() + "']";
    String promoted = historyEntry("Promoted", successor);
    String ended = historyEntry("RecoveryEnded", dead) + "[data-uid='" + r.start().uid() + "']";
    admin.await("the failover in the cluster's history", PAGE, d -> List.of(detection, skipped,
        ran, promoted, ended).stream().allMatch(css -> !admin.all(css).isEmpty()));
    List<String> rows = historyRows(admin);
    int promotedAt = rows.indexOf("Promoted///" + successor);
    int ranAt = rows.indexOf("RecoveryDecision/ran/DeadMaster/" + dead);
    // the oldest skip and detection: the ones before the recovery (a later one may say "blocked")
    int skippedAt = rows.lastIndexOf("RecoveryDecision/skipped/DeadMaster/" + dead);
    int detectedAt = rows.lastIndexOf("Detection//DeadMaster/" + dead);
    assertTrue(promotedAt >= 0 && promotedAt < ranAt && ranAt < skippedAt
        && skippedAt < detectedAt, rows.toString());
    assertTrue(admin.read(ran, e -> e.getAttribute("class")).contains("source-recovery"),
        "a decision is highlighted");
    assertTrue(admin.read(detection, e -> e.getAttribute("class")).contains("source-detection"),
        "a detection is highlighted");
    assertTrue(text(admin, ended + " .message").contains("successful, successor " + successor));

    // the recovery opens its steps in place
    click(admin, ran + " .history-steps-toggle");
    int steps = api("audit-recovery-steps/" + r.start().uid()).size();
    String stepsRow = "tr.history-steps[data-uid='" + r.start().uid() + "'] ol.steps li";
    admin.await("the recovery's " + steps + " steps", PAGE, d -> admin.all(stepsRow).size() == steps);
    assertTrue(steps >= 3, "steps: " + steps);
    admin.screenshot("13-history-failover");

    // why? at the detection: the DeadMaster decisions, first skipped, then the recovery
    click(admin, detection + " .history-why");
    String recovered = "of DeadMaster on " + dead + ": successful, successor " + successor;
    admin.await("the answer to why", PAGE, d -> text(admin, "#why-summary").contains(recovered));
    String summary = text(admin, "#why-summary");
    assertTrue(summary.contains("DeadMaster on " + dead
        + " not recovered: global recoveries disabled"), summary);
    String decided = "#why-decisions tr.why-decision[data-analysis='DeadMaster'][data-key='" + dead + "']";
    assertTrue(text(admin, decided + "[data-decision='ran'] td.outcome")
        .equals("successful, successor " + successor));
    assertEquals("global recoveries disabled",
        text(admin, decided + "[data-decision='skipped'] td.reason"));
    // and the evidence: the dead master unreachable, its replicas seen failing
    String evidence = "#why-detections .why-detection[data-analysis='DeadMaster'][data-key='"
        + dead + "']";
    assertTrue(admin.all(evidence + " table.evidence tbody tr").size() >= 3,
        "the master and its replicas");
    assertEquals("no", text(admin, evidence + " table.evidence tr[data-key='" + dead + "'] td:nth-child(3)"));
    assertTrue(text(admin, evidence + " tr[data-field='analysis'] td").startsWith("DeadMaster"));
    assertFalse(text(admin, "#why").contains("[object"), "every value shown as text");
    assertEquals("no", text(admin, evidence + " tr[data-field='last-check-valid'] td"));
    admin.screenshot("14-why-failover");

    // the same through the form: a time typed into the picker, one minute either side
    RecoveryLog.Skip skip = orcha.recoveryLog().skips().stream()
        .filter(s -> s.analysisCode().equals("DeadMaster") && s.key().port() == M + 1)
        .findFirst().orElseThrow();
    admin.driver().executeScript("document.getElementById('why-at').value = arguments[0];",
        SECONDS.format(skip.at()));
    new Select(admin.one("#why-window")).selectByValue("1m");
    admin.one("#why-ask").click();
    admin.await("the skip explained", PAGE, d -> text(admin, "#why h3").contains(
        SECONDS.format(skip.at().minusSeconds(60)).replace('T', ' ')));
    assertTrue(text(admin, "#why-summary").contains("DeadMaster on " + dead
        + " not recovered: global recoveries disabled"), text(admin, "#why-summary"));

    // a server's history: the dead master's detection and its downtime by the recovery
    admin.open(BASE + "/web/#/instance/127.0.0.1/" + (M + 1));
    admin.await("the dead master's history", PAGE, d -> !admin.all(detection).isEmpty()
        && !admin.all(historyEntry("DowntimeBegun", dead)).isEmpty());
    assertTrue(text(admin, historyEntry("DowntimeBegun", dead) + " .message")
        .contains("lost-in-recovery"));
    admin.screenshot("15-instance-history");
  }

  @Test
  @Order(7)
  void aReadOnlyUserSeesNoActions() {
    // what the admin sees on these pages, to make the absence below mean something
    admin.open(BASE + "/web/#/cluster/sandbox");
    admin.await("the admin's actions", PAGE, d -> admin.all("#action-takeover").size() == 1
        && !admin.all(".recovery .action-ack").isEmpty()
        && admin.all("g.server.draggable").size() == 3);
    String downtimed = key(M + 1); // the dead master, downtimed by its recovery
    admin.open(BASE + "/web/#/instance/127.0.0.1/" + (M + 1));
    admin.await("the admin's downtime buttons", PAGE, d -> admin.all("#action-end-downtime").size() == 1
        && admin.all("#action-begin-downtime").size() == 1);

    try (Browser ro = Browser.start(READONLY_DRIVER, "readonly", "whatever")) {
      ro.open(BASE + "/web/#/cluster/sandbox");
      ro.await("the tree and the recoveries", PAGE, d -> ro.all("g.server").size() == 3
          && ro.all(".recovery").size() >= 2);
      assertEquals("readonly (read-only)", ro.one("#who").getText());
      // only the history's buttons, which read
      assertTrue(ro.all("main button:not(.reads)").isEmpty(),
          "buttons: " + ro.all("main button:not(.reads)").size());
      ro.await("the history", PAGE, d -> ro.all("#why-ask").size() == 1);
      assertTrue(ro.all("g.server.draggable").isEmpty());
      ro.screenshot("16-readonly-cluster");

      // dragging does nothing: no dialog, same page, same tree
      Map<String, String> before = pageTree(ro);
      List<String> replicas = before.entrySet().stream().filter(e -> !e.getValue().isEmpty())
          .map(Map.Entry::getKey).sorted().toList();
      drag(ro, replicas.get(0), replicas.get(1));
      assertTrue(ro.all("#dialog").isEmpty(), "a dialog opened");
      assertEquals("#/cluster/sandbox", ro.driver().executeScript("return location.hash"));
      assertEquals(before, pageTree(ro));

      ro.open(BASE + "/web/#/instance/127.0.0.1/" + (M + 1));
      ro.await("the dead master's details", PAGE,
          d -> text(ro, "tr[data-field='downtimed'] td").equals("yes"));
      assertEquals("lost-in-recovery", text(ro, "tr[data-field='downtime-reason'] td"));
      assertTrue(ro.all("main button:not(.reads)").isEmpty());
      ro.screenshot("17-readonly-instance");

      // hidden, and refused anyway
      JsonNode refused = get("end-downtime/127.0.0.1/" + (M + 1), "readonly", "whatever");
      assertEquals("Unauthorized", refused.path("Message").asText());
      assertTrue(api("instance/127.0.0.1/" + (M + 1)).get("IsDowntimed").asBoolean(), downtimed);
      List<String> errors = ro.console().stream().filter(l -> l.contains("Uncaught")).toList();
      assertTrue(errors.isEmpty(), "script errors: " + errors);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  static final java.time.format.DateTimeFormatter SECONDS = java.time.format.DateTimeFormatter
      .ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  /** A row of the history timeline of one kind about one server. */
  static String historyEntry(String kind, String key) {
    return "#history-table tr.history-entry[data-kind='" + kind + "'][data-key='" + key + "']";
  }

  /** The timeline's rows, top to bottom, as kind/decision/analysis/server. */
  @SuppressWarnings("unchecked")
  static List<String> historyRows(Browser b) {
    return (List<String>) b.driver().executeScript(
        "return Array.from(document.querySelectorAll('#history-table tr.history-entry'))"
            + ".map(r => [r.dataset.kind, r.dataset.decision, r.dataset.analysis, r.dataset.key]"
            + ".join('/'));");
  }

  /** Clicks an element (one redrawn just before the click is found again). */
  static void click(Browser b, String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        b.one(css).click();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  static String key(int port) {
    return "127.0.0.1:" + port;
  }

  /** port, master port (0: none), ... as host:port → master host:port ("" for a root). */
  static Map<String, String> tree(int... pairs) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(key(pairs[i]), pairs[i + 1] == 0 ? "" : key(pairs[i + 1]));
    }
    return m;
  }

  /** The tree the page draws: every server box's key and the key of the box it hangs from. */
  @SuppressWarnings("unchecked")
  static Map<String, String> pageTree(Browser b) {
    List<List<String>> boxes = (List<List<String>>) b.driver().executeScript(
        "return Array.from(document.querySelectorAll('#topology g.server'))"
            + ".map(g => [g.dataset.key, g.dataset.master]);");
    Map<String, String> m = new TreeMap<>();
    for (List<String> box : boxes) {
      m.put(box.get(0), box.get(1));
    }
    return m;
  }

  static void awaitTree(Browser b, Map<String, String> expected) {
    awaitTree(b, expected, PAGE);
  }

  static void awaitTree(Browser b, Map<String, String> expected, Duration within) {
    b.await("the page to draw " + expected + " (it draws " + pageTreeOrError(b) + ")", within,
        d -> pageTree(b).equals(expected));
  }

  private static String pageTreeOrError(Browser b) {
    try {
      return pageTree(b).toString();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  /** The text of the first element a selector finds now ("" for none). */
  static String text(Browser b, String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        List<WebElement> l = b.all(css);
        return l.isEmpty() ? "" : l.get(0).getText();
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  static void clickBox(Browser b, String key) {
    for (int attempt = 1; ; attempt++) {
      try {
        b.one("g.server[data-key='" + key + "']").click();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Drags one server's box onto another's (a redraw just before the drag is retried). */
  static void drag(Browser b, String from, String onto) {
    for (int attempt = 1; ; attempt++) {
      try {
        WebElement source = b.one("g.server[data-key='" + from + "'] rect.box");
        WebElement target = b.one("g.server[data-key='" + onto + "'] rect.box");
        new Actions(b.driver()).dragAndDrop(source, target).perform();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** No element the test's HTML could have made, and no alert it could have raised. */
  static void noInjectedElements(Browser b) {
    assertTrue(b.all("img").isEmpty(), "an <img> appeared");
    assertTrue(b.all("#view script, #view b").isEmpty(), "markup from data appeared");
    assertThrows(NoAlertPresentException.class, () -> b.driver().switchTo().alert());
  }

  /** The port a server replicates from, per SHOW SLAVE STATUS on the server; 0 for none. */
  static int masterPort(int port) {
    String status = sandbox.sql(port, "SHOW SLAVE STATUS\\G");
    Matcher m = Pattern.compile("Master_Port: (\\d+)").matcher(status);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  static final HttpClient HTTP_CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** GET {api}/{path} as admin, parsed. */
  static JsonNode api(String path) {
    return get(path, "admin", PASSWORD);
  }

  static JsonNode get(String path, String user, String password) {
    try {
      HttpResponse<String> r = HTTP_CLIENT.send(HttpRequest.newBuilder(URI.create(BASE + "/api/" + path))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return OrchaFixture.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<String> keys(JsonNode instances) {
    List<String> l = new ArrayList<>();
    instances.forEach(i -> l.add(i.get("Key").get("Hostname").asText() + ":"
        + i.get("Key").get("Port").asInt()));
    return l;
  }
}
