package testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import http.ApiTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import orcha.ConfigLoader;
import orcha.OrchaNode;

/**
 * An orcha node started in this JVM for a test: loopback HTTP on a free port, a cluster port
 * of its own, the given SQLite file, fast polling, the sandbox's topology user; plus a small
 * HTTP client that speaks to its API the way orchestrator-client does (plain GETs; over https
 * with the node's own TLS material when it serves TLS: it trusts the node's CA and presents
 * the node's certificate, as another node would).
 */
public final class OrchaFixture implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** Settings every test node shares; tests add their own on top. */
  public static String baseHocon(Path sqliteFile) {
    return """
        orcha.http.listen-address = "127.0.0.1:0"
        orcha.cluster.bind = "127.0.0.1:0"
        orcha.backend.sqlite-file = "%s"
        orcha.discovery.poll-interval = 1s
        orcha.discovery.max-backoff = 3s
        orcha.mysql.topology-user = orcha
        orcha.mysql.topology-password = orcha
        orcha.queries.cluster-alias = "select cluster_name from meta.cluster where anchor = 1"
        orcha.queries.cluster-domain = "select cluster_domain from meta.cluster where anchor = 1"
        orcha.queries.data-center = "select data_center from meta.instance where port = @@port"
        orcha.queries.region = "select region from meta.instance where port = @@port"
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.loglevel = WARNING
        """.formatted(sqliteFile);
  }

  private final java.util.function.Supplier<OrchaNode> node;
  private final Runnable stop;
  private volatile HttpClient http;

  private OrchaFixture(OrchaNode node) {
    this.node = () -> node;
    this.stop = node::close;
  }

  private OrchaFixture(orcha.NodeRunner runner, java.util.concurrent.CompletableFuture<?> ended) {
    this.node = runner::current;
    this.stop = () -> {
      runner.stop();
      ended.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    };
  }

  public static OrchaFixture start(String hocon, Path... configFiles) {
    ConfigLoader loader = new ConfigLoader(List.of(configFiles), ConfigFactory.parseString(hocon));
    return new OrchaFixture(OrchaNode.start(loader, Clock.systemUTC()));
  }

  /**
   * A node run as bin/orcha runs it (orcha.NodeRunner): when the cluster downs it, a fresh
   * actor system takes its place; {@link #node()} is always the current one.
   */
  public static OrchaFixture startRestarting(String hocon) {
    ConfigLoader loader = new ConfigLoader(List.of(), ConfigFactory.parseString(hocon));
    orcha.NodeRunner runner = new orcha.NodeRunner(loader, Clock.systemUTC());
    java.util.concurrent.CompletableFuture<OrchaNode> first = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Void> ended = java.util.concurrent.CompletableFuture.runAsync(
        () -> runner.run(first::complete), r -> new Thread(r, "orcha-node-runner").start());
    ended.whenComplete((v, e) -> {
      if (e != null) {
        first.completeExceptionally(e);
      }
    });
    first.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    return new OrchaFixture(runner, ended);
  }

  public OrchaNode node() {
    return node.get();
  }

  public String apiUrl() {
    return node().apiUrl();
  }

  private HttpClient client() {
    if (http == null) {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
      ApiTls tls = node().api().settings().tls();
      if (tls != null) {
        b.sslContext(tls.clientContext()).sslParameters(tls.clientParameters());
      }
      http = b.build();
    }
    return http;
  }

  /** GET {api}/{path}; the raw answer. */
  public HttpResponse<String> raw(String path) {
    return send(URI.create(apiUrl() + "/" + path), path);
  }

  /** GET {prefix}/metrics (outside the API): the raw Prometheus answer. */
  public HttpResponse<String> metrics() {
    return send(URI.create(apiUrl().replaceFirst("/api/?$", "") + "/metrics"), "/metrics");
  }

  private HttpResponse<String> send(URI uri, String what) {
    try {
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
      return client().send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET {api}/{path}, parsed as JSON (every orcha answer is JSON). */
  public JsonNode get(String path) {
    HttpResponse<String> r = raw(path);
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " answered non-JSON (" + r.statusCode() + "): " + r.body());
    }
  }

  /** Discovers from {@code host:port} and waits until {@code count} servers are known and valid. */
  public void discoverAndAwaitValid(String host, int port, int count) {
    JsonNode r = get("discover/" + host + "/" + port);
    if (!"OK".equals(r.path("Code").asText())) {
      throw new AssertionError("discover " + host + ":" + port + " → " + r);
    }
    Eventually.await(count + " servers valid", Duration.ofSeconds(20), () -> get("all-instances"),
        a -> a.size() == count
            && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
  }

  /**
   * Waits until this node sees exactly the servers of {@code masters} (port → its master's port,
   * 0 for none), each replicating from whom it should with both threads running and no error.
   */
  public void awaitTopology(java.util.Map<Integer, Integer> masters, Duration within) {
    Eventually.await("topology " + masters, within, () -> get("all-instances"), all -> {
      if (all.size() != masters.size()) {
        return false;
      }
      for (JsonNode i : all) {
        int port = i.get("Key").get("Port").asInt();
        int master = i.get("MasterKey").get("Port").asInt();
        if (!masters.containsKey(port) || masters.get(port) != master) {
          return false;
        }
        if (master != 0 && (i.get("ReplicationSQLThreadState").asInt() != 1
            || i.get("ReplicationIOThreadState").asInt() != 1
            || !i.get("LastSQLError").asText().isEmpty() || !i.get("LastIOError").asText().isEmpty())) {
          return false;
        }
      }
      return true;
    });
  }

  /** {@code topo(10111, 0, 10112, 10111)}: port, master port, ... in order, for awaitTopology. */
  public static java.util.Map<Integer, Integer> topo(int... pairs) {
    java.util.Map<Integer, Integer> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /**
   * Forgets every server this node knows and ends their downtimes (a recovery downtimes the
   * dead master for a year): the next test's sandbox on the same ports starts clean.
   */
  public void forgetAll() {
    List<String> keys = new java.util.ArrayList<>();
    for (JsonNode i : get("all-instances")) {
      keys.add(i.get("Key").get("Hostname").asText() + "/" + i.get("Key").get("Port").asInt());
    }
    for (String k : keys) {
      get("forget/" + k);
      get("end-downtime/" + k);
    }
  }

  /** The node's recovery log: recoveries oldest first, and the skips. */
  public actors.recovery.RecoveryLog.State recoveryLog() {
    return node().api().recoveries().toCompletableFuture().join();
  }

  @Override
  public void close() {
    stop.run();
  }
}
