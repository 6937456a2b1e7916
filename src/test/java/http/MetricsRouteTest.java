package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import telemetry.MetricsSettings;
import telemetry.Telemetry;
import testkit.Scrape;

/** /metrics: the exposition, its content types, its access rule, and its place beside /api. */
class MetricsRouteTest {

  /** The port of this test's listener (the range given to the metrics tests). */
  static final int PORT = 11065;

  static Telemetry telemetry;
  static ActorSystem<Void> system;

  @BeforeAll
  static void up() {
    telemetry = Telemetry.create();
    system = ActorSystem.create(Behaviors.empty(), "MetricsRouteTest", ConfigFactory.parseString(
        "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
            + "pekko.coordinated-shutdown.exit-jvm = off").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void down() throws Exception {
    telemetry.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static String body(HttpResponse r) throws Exception {
    return r.entity().toStrict(5000, system).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getData().utf8String();
  }

  static HttpRequest get(String path) {
    return HttpRequest.create(path);
  }

  @Test
  void answersInThePrometheusTextFormat() throws Exception {
    MetricsRoute route = new MetricsRoute(new InMemoryNodeApi(), telemetry, MetricsSettings.DEFAULT);
    HttpResponse r = route.answer(get("/metrics"));
    assertEquals(200, r.status().intValue());
    String type = r.entity().getContentType().toString();
    assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
    String text = body(r);
    Scrape m = Scrape.parse(text);
    // orcha's own metrics exist before anything happened, with their fixed label values
    assertEquals(0.0, m.value("orcha_probe_duration_seconds_count", "result", "reached"));
    assertTrue(m.has("orcha_probe_duration_seconds_bucket", "result", "failed", "le", "0.001"));
    assertEquals(0.0, m.value("orcha_probe_errors_total", "reason", "connection_refused"));
    for (String phase : List.of("detect", "decide", "fence", "promote", "repoint", "hooks")) {
      assertEquals(0.0, m.value("orcha_recovery_phase_duration_seconds_count", "phase", phase), phase);
    }
    assertTrue(m.has("orcha_servers", "state", "reachable"));
    assertTrue(m.has("orcha_backend_write_duration_seconds_count", "store", "journal", "result", "ok"));
    assertTrue(m.has("orcha_fence_write_duration_seconds_count", "kind", "hold", "result", "lost"));
    // and the JVM's
    assertTrue(m.has("jvm_memory_used_bytes"), text);
    assertTrue(m.has("jvm_threads_live_threads"));
    assertTrue(m.has("system_cpu_count"));
    assertTrue(text.contains("# TYPE orcha_probe_duration_seconds histogram"), text);
  }

  @Test
  void answersOpenMetricsWhenTheScraperAsksForIt() throws Exception {
    MetricsRoute route = new MetricsRoute(new InMemoryNodeApi(), telemetry, MetricsSettings.DEFAULT);
    HttpResponse r = route.answer(get("/metrics").addHeader(RawHeader.create("Accept",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")));
    assertEquals(200, r.status().intValue());
    String type = r.entity().getContentType().toString();
    assertTrue(type.startsWith("application/openmetrics-text") && type.contains("version=1.0.0"),
        type);
    String text = body(r);
    assertTrue(text.endsWith("# EOF\n"), text.substring(Math.max(0, text.length() - 100)));
    assertTrue(text.contains("orcha_probe_duration_seconds_bucket{"), text);
  }

  @Test
  void onlyGetAndHead() throws Exception {
    MetricsRoute route = new MetricsRoute(new InMemoryNodeApi(), telemetry, MetricsSettings.DEFAULT);
    HttpResponse r = route.answer(get("/metrics").withMethod(HttpMethods.POST));
    assertEquals(405, r.status().intValue());
    assertEquals("GET, HEAD", r.getHeader("Allow").get().value());
    assertEquals(200, route.answer(get("/metrics").withMethod(HttpMethods.HEAD)).status().intValue());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void withAuthenticationItAsksForTheApisCredentials() throws Exception {
    InMemoryNodeApi api = new InMemoryNodeApi();
    api.settings = api.settings.withAuth(new ApiAuth(ApiAuth.Method.MULTI, "admin", "s3cret",
        List.of("*"), "X-Forwarded-User", false));
    MetricsRoute open = new MetricsRoute(api, telemetry, MetricsSettings.DEFAULT);
    MetricsRoute closed = new MetricsRoute(api, telemetry, new MetricsSettings(true, true));

    // by default the scraper needs no credentials, whatever the API asks for
    assertEquals(200, open.answer(get("/metrics")).status().intValue());

    HttpResponse none = closed.answer(get("/metrics"));
    assertEquals(401, none.status().intValue());
    assertEquals(Authentication.CHALLENGE, none.getHeader("WWW-Authenticate").get().value());
    assertTrue(!body(none).contains("orcha_"), "no metrics without credentials");
    HttpResponse wrong = closed.answer(get("/metrics").addHeader(
        RawHeader.create("Authorization", basic("admin", "wrong"))));
    assertEquals(401, wrong.status().intValue());
    HttpResponse admin = closed.answer(get("/metrics").addHeader(
        RawHeader.create("Authorization", basic("admin", "s3cret"))));
    assertEquals(200, admin.status().intValue());
    assertTrue(body(admin).contains("orcha_probe_duration_seconds"));
    // reading metrics is a read: multi's readonly user may
    HttpResponse readonly = closed.answer(get("/metrics").addHeader(
        RawHeader.create("Authorization", basic("readonly", "anything"))));
    assertEquals(200, readonly.status().intValue());
  }

  /** Served on a real socket beside the API: which paths each part answers. */
  @Test
  void servedBesideTheApiUnderTheUrlPrefix() throws Exception {
    InMemoryNodeApi api = new InMemoryNodeApi();
    ServerBinding binding = HttpServer.start(system, "127.0.0.1:" + PORT, Directives.concat(
            new MetricsRoute(api, telemetry, MetricsSettings.DEFAULT).route(),
            new ApiRouter(api).route()))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    try {
      java.net.http.HttpResponse<String> metrics = fetch("/metrics", "gzip");
      assertEquals(200, metrics.statusCode());
      // compressed when the scraper accepts it (Prometheus does)
      assertEquals("gzip", metrics.headers().firstValue("Content-Encoding").orElse(""));
      assertEquals(200, fetch("/metrics/", null).statusCode());
      assertTrue(fetch("/metrics", null).body().contains("orcha_servers{state=\"reachable\"}"));
      assertEquals(200, fetch("/api/health", null).statusCode()); // the API still answers
      assertEquals(404, fetch("/api/metrics", null).statusCode()); // not part of the API
      assertEquals(404, fetch("/metricsx", null).statusCode());

      api.settings = new ApiSettings("/orc", "/api/status", 3306,
          topology.Thresholds.DEFAULTS, "orcha-1");
      assertEquals(200, fetch("/orc/metrics", null).statusCode());
      assertEquals(404, fetch("/metrics", null).statusCode());
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void disabledItIsAnUnknownPath() throws Exception {
    InMemoryNodeApi api = new InMemoryNodeApi();
    ServerBinding binding = HttpServer.start(system, "127.0.0.1:" + (PORT + 1), Directives.concat(
            new MetricsRoute(api, telemetry, new MetricsSettings(false, false)).route(),
            new ApiRouter(api).route()))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    try {
      java.net.http.HttpResponse<String> r = fetch(PORT + 1, "/metrics", null);
      assertEquals(404, r.statusCode());
      assertTrue(!r.body().contains("orcha_"), r.body());
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> MetricsSettings.from(ConfigFactory.parseString(
            "orcha.metrics.authenticate = sometimes")));
    assertTrue(e.getMessage().contains("orcha.metrics.authenticate"), e.getMessage());
    assertEquals(new MetricsSettings(false, true), MetricsSettings.from(ConfigFactory.parseString(
        "orcha.metrics { enabled = off, authenticate = on }")));
    assertEquals(MetricsSettings.DEFAULT, MetricsSettings.from(ConfigFactory.empty()));
  }

  static java.net.http.HttpResponse<String> fetch(String path, String encoding) throws Exception {
    return fetch(PORT, path, encoding);
  }

  static java.net.http.HttpResponse<String> fetch(int port, String path, String encoding)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (encoding != null) {
      b.header("Accept-Encoding", encoding);
    }
    return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
