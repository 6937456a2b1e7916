package deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;
import testkit.Scrape;

/**
 * deploy/grafana/orcha.json: valid, importable JSON (unique panel ids, every query on the
 * {@code ${DS_PROMETHEUS}} datasource variable, panels on the 24-column grid without overlap,
 * the rows the README names), and every metric its PromQL queries — panels, annotations,
 * variables — exists in the /metrics of a real node that has probed a sandbox and failed over
 * once (so that the series born with a first detection, skip or recovery exist), with the
 * labels the queries use.
 */
class GrafanaDashboardTest {

  static final Path DASHBOARD = Path.of(System.getProperty("user.dir"), "deploy", "grafana",
      "orcha.json");
  static final String DATASOURCE = "${DS_PROMETHEUS}";

  /** Labels Prometheus adds when it scrapes (never in a node's own output). */
  static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");

  static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(Files.readString(DASHBOARD));
    } catch (IOException e) {
      throw new AssertionError(DASHBOARD + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Every panel, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode d) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : d.get("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  /** Every PromQL expression of the dashboard, by where it is ("panel title / A"). */
  static Map<String, String> expressions(JsonNode d) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : panels(d)) {
      for (JsonNode t : p.path("targets")) {
        out.put(p.get("title").asText() + " / " + t.get("refId").asText(), t.get("expr").asText());
      }
    }
    for (JsonNode a : d.path("annotations").path("list")) {
      if (a.has("expr")) {
        out.put("annotation " + a.get("name").asText(), a.get("expr").asText());
      }
    }
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.get("type").asText().equals("query")) {
        JsonNode q = v.get("query");
        String query = q.isTextual() ? q.asText() : q.get("query").asText();
        out.put("variable " + v.get("name").asText(), PromQl.labelValuesSelector(query));
      }
    }
    return out;
  }

  // ---- the extraction itself ------------------------------------------------------------------

  @Test
  void promQlNamesAreFoundAndEverythingElseIsNot() {
    Map<String, Set<String>> cases = new LinkedHashMap<>();
    cases.put("histogram_quantile(0.99, sum by (le, phase) (rate(orcha_recovery_phase_duration"
        + "_seconds_bucket{instance=~\"$instance\"}[$__rate_interval])))",
        Set.of("orcha_recovery_phase_duration_seconds_bucket"));
    cases.put("sum(rate(a_total{x=\"{not}\"}[5m] offset 1h)) by (x) / on(instance) group_left"
        + " b_seconds", Set.of("a_total", "b_seconds"));
    cases.put("1e3 * foo:bar - 0.5", Set.of("foo:bar"));
    cases.put("max_over_time(up[1h:5m]) and bool nan", Set.of("up"));
    cases.put("label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")", Set.of("x"));
    cases.put("sum without (le) (histogram_count(y))", Set.of("y"));
    for (var c : cases.entrySet()) {
      assertEquals(c.getValue(), PromQl.metricNames(c.getKey()), c.getKey());
    }
    assertEquals(Set.of("instance", "state", "le", "result"), PromQl.labelNames(
        "sum by (le, result) (x{instance=~\"$instance\",state!=\"a=b\"})"));
    assertEquals("orcha_cluster_leader",
        PromQl.labelValuesSelector("label_values(orcha_cluster_leader, instance)"));
  }

  // ---- the dashboard as Grafana reads it ------------------------------------------------------

  @Test
  void theDashboardIsValidWithUniqueIdsOnThePrometheusVariable() {
    JsonNode d = dashboard();
    assertEquals("orcha-overview", d.get("uid").asText());
    assertTrue(d.get("schemaVersion").asInt() >= 36, "Grafana 10+ schema");
    // the datasource is a variable: importable anywhere, provisionable as is
    JsonNode ds = null;
    for (JsonNode v : d.get("templating").get("list")) {
      if (v.get("name").asText().equals("DS_PROMETHEUS")) {
        ds = v;
      }
    }
    assertTrue(ds != null && ds.get("type").asText().equals("datasource")
        && ds.get("query").asText().equals("prometheus"), "a datasource variable DS_PROMETHEUS");

    Set<Integer> ids = new HashSet<>();
    List<String> rows = new ArrayList<>();
    Map<String, String> cells = new HashMap<>();
    for (JsonNode p : panels(d)) {
      String title = p.get("title").asText();
      assertTrue(ids.add(p.get("id").asInt()), "panel id " + p.get("id") + " used twice");
      JsonNode g = p.get("gridPos");
      int x = g.get("x").asInt();
      int w = g.get("w").asInt();
      assertTrue(x >= 0 && w > 0 && x + w <= 24, title + " within the 24 columns: " + g);
      for (int row = g.get("y").asInt(); row < g.get("y").asInt() + g.get("h").asInt(); row++) {
        for (int col = x; col < x + w; col++) {
          String other = cells.put(row + "," + col, title);
          assertTrue(other == null, title + " overlaps " + other);
        }
      }
      if (p.get("type").asText().equals("row")) {
        rows.add(title);
        continue;
      }
      assertEquals(DATASOURCE, p.get("datasource").get("uid").asText(), title);
      assertFalse(p.get("description").asText().isBlank(), title + " says what it shows");
      Set<String> refIds = new HashSet<>();
      assertTrue(p.get("targets").size() > 0, title + " queries something");
      for (JsonNode t : p.get("targets")) {
        assertEquals(DATASOURCE, t.get("datasource").get("uid").asText(), title);
        assertTrue(refIds.add(t.get("refId").asText()), title + ": refId used twice");
        assertFalse(t.get("expr").asText().isBlank(), title);
      }
    }
    assertEquals(List.of("Fleet overview", "Cluster health (failures detected)",
        "Failover timeline", "orcha cluster", "Actor telemetry", "JVM"), rows);
    // every query names at least one metric, and the names are orcha's, the executors' or JVM's
    for (var e : expressions(d).entrySet()) {
      Set<String> names = PromQl.metricNames(e.getValue());
      assertFalse(names.isEmpty(), e.getKey() + ": " + e.getValue());
    }
  }

  // ---- every metric exists on a real node -----------------------------------------------------

  /** Two servers (11141-11142), then the node's HTTP and cluster ports. */
  static final int M = 11141;
  static final int HTTP = 11147;
  static final int ARTERY = 11148;

  @TempDir
  Path tmp;

  @Test
  @Tag("sandbox")
  void everyQueriedMetricExistsInTheMetricsOfARealNode() {
    try (Sandbox sandbox = Sandbox.up("history-grafana", M, 2, "star");
         OrchaFixture orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("g.db")) + """
             orcha.http.listen-address = "127.0.0.1:%d"
             orcha.cluster.bind = "127.0.0.1:%d"
             orcha.mysql.replication-user = repl
             orcha.mysql.replication-password = repl
             orcha.recovery.master-cluster-filters = ["*"]
             """.formatted(HTTP, ARTERY))) {
      orcha.discoverAndAwaitValid("127.0.0.1", M, 2);
      // one skip (recoveries disabled), then one recovery: the series they create exist
      assertEquals("OK", orcha.get("disable-global-recoveries").get("Code").asText());
      sandbox.kill(M);
      Eventually.await("a skipped recovery", Duration.ofSeconds(30),
          () -> orcha.recoveryLog().skips(), s -> !s.isEmpty());
      assertEquals("OK", orcha.get("enable-global-recoveries").get("Code").asText());
      RecoveryLog.Recovery r = Eventually.await("the recovery of " + M, Duration.ofSeconds(30),
          () -> orcha.recoveryLog().recoveries(), l -> !l.isEmpty() && l.get(0).ended()).get(0);
      assertTrue(r.resolution().successful(), r.toString());
      // a garbage collection has happened in any node that ran for a while; here, make sure
      System.gc();

      Map<String, String> exprs = expressions(dashboard());
      List<String> missing = Eventually.await("every queried metric in /metrics",
          Duration.ofSeconds(20), () -> missing(exprs, scrape(orcha)), List::isEmpty);
      assertEquals(List.of(), missing);
    }
  }

  /** What the expressions query that the node does not expose ("where: what"). */
  static List<String> missing(Map<String, String> exprs, Exposition m) {
    List<String> out = new ArrayList<>();
    for (var e : exprs.entrySet()) {
      Set<String> names = PromQl.metricNames(e.getValue());
      Set<String> labels = new HashSet<>(SCRAPE_LABELS);
      for (String name : names) {
        String why = m.why(name);
        if (why != null) {
          out.add(e.getKey() + ": " + why);
        }
        m.samples.find(name).forEach(s -> labels.addAll(s.labels().keySet()));
      }
      for (String label : PromQl.labelNames(e.getValue())) {
        if (!labels.contains(label)) {
          out.add(e.getKey() + ": no label " + label + " on " + names);
        }
      }
    }
    return out;
  }

  /** A node's /metrics: its samples and the TYPE of each family. */
  record Exposition(Scrape samples, Map<String, String> types) {

    /** Why {@code name} is not a series the node exposes; null when it is. */
    String why(String name) {
      if (!samples.has(name)) {
        return name + " not exposed";
      }
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        if (name.endsWith(suffix)) {
          String family = name.substring(0, name.length() - suffix.length());
          String type = types.get(family);
          boolean ok = suffix.equals("_bucket") ? "histogram".equals(type)
              : "histogram".equals(type) || "summary".equals(type);
          if (!ok) {
            return name + ": " + family + " is a " + type + ", not a "
                + (suffix.equals("_bucket") ? "histogram" : "histogram or summary");
          }
        }
      }
      return null;
    }
  }

  static Exposition scrape(OrchaFixture orcha) {
    HttpResponse<String> r = orcha.metrics();
    assertEquals(200, r.statusCode(), r.body());
    Map<String, String> types = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      }
    }
    return new Exposition(Scrape.parse(r.body()), types);
  }
}
