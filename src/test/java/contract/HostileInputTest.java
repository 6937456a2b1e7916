package contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;

/**
 * Bad input across the whole API, against a live node on a real 2-server star: every parameter
 * of every route the router serves, every query parameter, given hostile values (empty, blank,
 * out of range, path traversal, NUL, SQL and shell injection, markup, 5000 characters, non-ASCII,
 * host:port and IPv6 forms) — always a clear JSON answer, never a stack trace, and the node keeps
 * running. Only host names that do not exist are used where a route acts on a server, so no
 * server is ever touched by a write. Then owner, reason, alias and comment injections are stored
 * and shown back verbatim.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

  static final int FIRST_PORT = 11045;
  static final int HTTP_PORT = 11052;
  static final int CLUSTER_PORT = 11053;
  static final Path PWNED = Path.of("/tmp/orcha-pwned");

  /** The brief's list: every parameter gets each of these (percent-encoded). */
  static final List<String> HOSTILE = List.of("", " ", "-1", "0", "65536",
      "99999999999999999999", "1e3", "abc", "../../etc/passwd", "%00", "a\u0000b",
      "'; DROP TABLE x; --", "$(touch " + PWNED + ")", "`id`", "<script>alert(1)</script>",
      "x".repeat(5000), "ホスト", "127.0.0.1:3306", "[::1]");

  /** Further values for parameters with a grammar of their own. */
  static final Map<String, List<String>> SPECIFIC = Map.of(
      "duration", List.of("-1h", "1y", "99999999999d", "1.5h", "10", "0s", "1H"),
      "promotionRule", List.of("must", "MUST", "prefer_not ", "neutral\u0000", "none"),
      "seconds", List.of("-5", "2147483648", "9223372036854775808", "0x10"),
      "page", List.of("-2", "2147483648", "1.0"),
      "errorStatusCode", List.of("99", "600", "-404", "404.0"),
      "port", List.of("3306.0", "+3306", "0x0CEA", " 3306"));

  /** Values that are not valid percent-encoding or decode to something odd: sent raw. */
  static final List<String> RAW = List.of("%00", "a%2Fb", "%2e%2e", "..", "a;b", "a%0Ab",
      "%E3%83%9B", "%C3%28", "%zz", "%");
  /** Raw values no HTTP parser accepts: a 400 (still JSON) is the right answer to them. */
  static final Set<String> MALFORMED = Set.of("%zz", "%");

  static final List<String> QUERY_NAMES = List.of("s", "alias", "comment", "pattern", "force",
      "skipProcesses", "config", "unacknowledged", "tag", "instances", "q");

  /** The Messages answered (hostile values folded), to see how many different errors there are. */
  static final Set<String> MESSAGES = java.util.concurrent.ConcurrentHashMap.newKeySet();
  static LiveTopology live;
  static String serversBefore;
  static Set<Integer> clusterBefore;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() throws Exception {
    // a left-over marker proves nothing about this run
    Files.deleteIfExists(PWNED);
    live = LiveTopology.start("contract-fuzz", FIRST_PORT, 2, HTTP_PORT, CLUSTER_PORT, tmp);
    serversBefore = servers();
    clusterBefore = clusterPorts();
  }

  @AfterAll
  static void down() {
    if (live != null) {
      live.close();
    }
  }

  /** Each server's replication state, read_only and executed GTIDs, from the servers themselves. */
  static String servers() {
    StringBuilder sb = new StringBuilder();
    for (int p = FIRST_PORT; p < FIRST_PORT + 2; p++) {
      sb.append(p).append(' ').append(live.sandbox.sql(p, "SELECT @@read_only, @@gtid_current_pos,"
          + " (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump')"))
          .append('\n');
    }
    return sb.toString();
  }

  static Set<Integer> clusterPorts() {
    return new TreeSet<>(Checks.ports(live.api.json("cluster/{A}")));
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A harmless value for each parameter: names nothing that exists. */
  static String filler(String param) {
    String p = param.toLowerCase();
    if (p.endsWith("host") || p.equals("host")) {
      return "fuzz-nohost.invalid";
    }
    if (p.endsWith("port")) {
      return "3306";
    }
    if (p.startsWith("cluster")) {
      return "fuzz-nocluster";
    }
    return switch (param) {
      case "duration" -> "1m";
      case "promotionRule" -> "neutral";
      case "page" -> "0";
      case "seconds" -> "1";
      case "errorStatusCode" -> "404";
      case "id", "recoveryId", "maintenanceKey", "process" -> "999999";
      case "logFile" -> "fuzz-bin.000001";
      default -> "fuzz";
    };
  }

  static List<String> params(String pattern) {
    List<String> out = new ArrayList<>();
    for (String seg : pattern.split("/")) {
      if (seg.startsWith(":")) {
        out.add(seg.substring(1));
      }
    }
    return out;
  }

  /** The pattern's path with one parameter (or none) given {@code value} (already encoded). */
  static String path(String pattern, String param, String value) {
    List<String> segs = new ArrayList<>();
    for (String seg : pattern.split("/")) {
      if (!seg.startsWith(":")) {
        segs.add(seg);
      } else {
        String name = seg.substring(1);
        segs.add(name.equals(param) ? value : enc(filler(name)));
      }
    }
    return String.join("/", segs);
  }

  /** One request and where it came from. */
  record Probe(String what, String path, boolean raw, boolean malformed) {}

  static List<Probe> probes() {
    List<Probe> out = new ArrayList<>();
    List<String> patterns = RouteCoverage.routerPatterns();
    for (int index = 0; index < patterns.size(); index++) {
      String pattern = patterns.get(index);
      out.add(new Probe(pattern + " (fillers)", path(pattern, null, null), false, false));
      for (String param : params(pattern)) {
        List<String> values = new ArrayList<>(HOSTILE);
        values.addAll(SPECIFIC.getOrDefault(param, List.of()));
        if (param.toLowerCase().endsWith("port") && !param.equals("port")) {
          values.addAll(SPECIFIC.get("port"));
        }
        for (String v : values) {
          out.add(new Probe(pattern + " :" + param + "=" + show(v), path(pattern, param, enc(v)),
              false, false));
        }
        if (param.equals(params(pattern).get(0))) {
          for (String r : RAW) {
            out.add(new Probe(pattern + " :" + param + " raw " + r, path(pattern, param, r), true,
                MALFORMED.contains(r)));
          }
        }
      }
      for (String v : HOSTILE) {
        StringBuilder q = new StringBuilder();
        // a long value goes to one query parameter (a different one per route): eleven of
        // them would pass the server's URI limit (pekko.http.server.parsing.max-uri-length)
        List<String> names = v.length() > 1000
            ? List.of(QUERY_NAMES.get(index % QUERY_NAMES.size())) : QUERY_NAMES;
        for (String name : names) {
          q.append(q.length() == 0 ? "?" : "&").append(name).append('=').append(enc(v));
        }
        out.add(new Probe(pattern + " ?*=" + show(v), path(pattern, null, null) + q, false, false));
      }
      out.add(new Probe(pattern + " ?pattern=( (bad regex)", path(pattern, null, null) + "?pattern="
          + enc("(") + "&tag=" + enc("!=") + "&comment=" + enc(" \n"), false, false));
    }
    return out;
  }

  static String show(String v) {
    String s = v.replace("\u0000", "\\0");
    return s.length() > 20 ? s.substring(0, 20) + "…(" + v.length() + ")" : "\"" + s + "\"";
  }

  /** What is wrong with one answer to a hostile request. */
  static List<String> problems(Probe p, LiveApi.Answer a) {
    List<String> out = new ArrayList<>(AnswerRules.problems(a));
    int s = a.status();
    boolean allowed = s == 200 || s == 401 || s == 500
        || (s == 404 && notFoundLike(a.json()))
        || (s == 400 && p.malformed());
    if (!allowed) {
      out.add("HTTP " + s);
    }
    return out;
  }

  /** 404 only as an unknown path, or as leader-check's "Not leader". */
  static boolean notFoundLike(JsonNode body) {
    return body != null && (body.isTextual() && body.asText().equals("Not leader")
        || AnswerRules.isEnvelope(body) && body.get("Message").asText().startsWith("Unknown API path"));
  }

  @Test
  @Order(1)
  void everyParameterOfEveryRouteGetsAClearJsonAnswerToHostileValues() throws Exception {
    List<Probe> probes = probes();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Semaphore inFlight = new Semaphore(12);
    List<CompletableFuture<String>> results = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (Probe p : probes) {
        inFlight.acquire();
        Supplier<LiveApi.Answer> ask = p.raw()
            ? () -> RawHttp.get(LiveTopology.HOST, HTTP_PORT, "/api/" + p.path())
            : () -> live.api.get(p.path());
        results.add(CompletableFuture.supplyAsync(ask, pool).handle((a, e) -> {
          inFlight.release();
          if (e != null) {
            return p.what() + ": no answer: " + e.getMessage();
          }
          if (a.json() != null && a.json().has("Message")) {
            MESSAGES.add(a.status() + " " + a.json().get("Message").asText().replaceAll("x{50,}", "x…")
                .replaceAll("\\d{3,}", "N"));
          }
          List<String> wrong = problems(p, a);
          return wrong.isEmpty() ? null : p.what() + ": " + wrong + "\n    " + a;
        }));
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    List<String> failures = results.stream().map(CompletableFuture::join)
        .filter(f -> f != null).toList();
    System.out.printf("hostile input: %d requests in %d ms, %d distinct messages, %d bad answers%n",
        probes.size(), Duration.ofNanos(System.nanoTime() - start).toMillis(), MESSAGES.size(),
        failures.size());
    assertTrue(failures.isEmpty(), failures.size() + " bad answers of " + probes.size() + ":\n"
        + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
  }

  /** Free text as the injections an operator could paste: stored and shown back as given. */
  static final List<String> INJECTIONS = List.of("'; DROP TABLE x; --", "$(touch " + PWNED + ")",
      "`id`", "<script>alert(1)</script>", "ホスト", "a\u0000b", "%00", "../../etc/passwd",
      "\"quoted\" \\ back", "x".repeat(5000));

  @Test
  @Order(2)
  void injectionsInOwnerReasonAliasAndCommentAreStoredAndShownVerbatim() {
    LiveApi api = live.api;
    for (String v : INJECTIONS) {
      String e = enc(v);
      String expected = v.trim();
      Checks.call(api, "begin-downtime/{H}/{R1}/" + e + "/" + e + "/5m");
      JsonNode downtimed = shown(api, "downtimed");
      JsonNode r1 = Checks.instance(downtimed, api.port("R1"));
      assertEquals(expected, r1.path("DowntimeOwner").asText(), "owner " + show(v));
      assertEquals(expected, r1.path("DowntimeReason").asText(), "reason " + show(v));

      Checks.call(api, "begin-maintenance/{H}/{R1}/" + e + "/" + e);
      JsonNode m = shown(api, "maintenance");
      assertEquals(expected, m.at("/0/Owner").asText(), "maintenance owner " + show(v));
      assertEquals(expected, m.at("/0/Reason").asText(), "maintenance reason " + show(v));
      Checks.call(api, "end-maintenance/{H}/{R1}");

      Checks.call(api, "set-cluster-alias/{C}?alias=" + e);
      Eventually.await("alias " + show(v), Duration.ofSeconds(10), () -> shown(api, "clusters-info"),
          c -> c.at("/0/ClusterAlias").asText().equals(expected));
      if (!expected.contains("\u0000") && expected.length() < 1000) {
        // the alias is a cluster hint like any other
        assertEquals(api.var("C"), shown(api, "cluster-info/alias/" + e).path("ClusterName").asText());
      }

      JsonNode ack = Checks.call(api, "ack-all-recoveries?comment=" + e);
      assertEquals(expected, ack.path("Details").asText(), "comment " + show(v));
    }
    Checks.call(api, "end-downtime/{H}/{R1}");
    Checks.call(api, "set-cluster-alias/{C}?alias={A}");
    Eventually.await("the alias back", Duration.ofSeconds(10), () -> api.json("clusters-info"),
        c -> c.at("/0/ClusterAlias").asText().equals(api.var("A")));
  }

  /** GET, with the rules every answer obeys, and no raw control character in the JSON text. */
  static JsonNode shown(LiveApi api, String path) {
    LiveApi.Answer a = api.get(api.resolve(path));
    List<String> wrong = new ArrayList<>(AnswerRules.problems(a));
    if (a.raw().chars().anyMatch(c -> c < 0x20 && c != '\n')) {
      wrong.add("a raw control character in the JSON text");
    }
    assertEquals(List.of(), wrong, a.toString());
    return a.json();
  }

  @Test
  @Order(3)
  void afterwardsTheNodeIsHealthyAndTheServersAreUntouched() {
    LiveApi api = live.api;
    LiveApi.Answer health = api.get("health");
    assertEquals(200, health.status(), health.toString());
    assertEquals("OK", health.json().path("Code").asText(), health.toString());
    // the fuzz switched global recoveries off and on concurrently: say which it ends with
    Checks.call(api, "enable-global-recoveries");
    assertEquals(serversBefore, servers(), "no server was written to");
    assertEquals(clusterBefore, clusterPorts(), "the cluster as it was");
    Eventually.await("the star", Duration.ofSeconds(30), () -> api.json("all-instances"),
        all -> live.isStar(onlyCluster(all)));
    assertFalse(Files.exists(PWNED), PWNED + " exists: a value reached a shell");
  }

  /** all-instances without the servers the fuzz asked orcha to discover (they never answer). */
  static JsonNode onlyCluster(JsonNode all) {
    com.fasterxml.jackson.databind.node.ArrayNode a = LiveApi.JSON.createArrayNode();
    for (JsonNode i : all) {
      if (i.at("/Key/Hostname").asText().equals(LiveTopology.HOST)
          && clusterBefore.contains(i.at("/Key/Port").asInt())) {
        a.add(i);
      }
    }
    return a;
  }
}
