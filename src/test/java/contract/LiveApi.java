package contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's API as the contract tests speak to it: plain GETs as orchestrator-client sends them,
 * every answer kept raw (status, Content-Type, body) and parsed as JSON when it is JSON; plus
 * the named values a test run collects ({@code {M}}, {@code {C}}, a recovery's {@code {UID}})
 * that case paths refer to.
 */
final class LiveApi {

  static final ObjectMapper JSON = new ObjectMapper();
  /** Every contract request carries it; the {@code headers} case looks for it. */
  static final String PROBE_HEADER = "X-Contract-Probe";

  /** One answer: the raw parts, and the body as JSON (null when it is not JSON). */
  record Answer(String path, int status, String contentType, String raw, JsonNode json) {

    @Override
    public String toString() {
      String body = raw.length() > 600 ? raw.substring(0, 600) + "…" : raw;
      return "GET " + path + " → " + status + " " + contentType + " " + body;
    }
  }

  private static final Pattern VAR = Pattern.compile("\\{([A-Za-z0-9_]+)}");

  private final String apiUrl;
  private final HttpClient http;
  private final Map<String, String> vars = new HashMap<>();
  /** The servers behind the node, for steps that look at (or adjust) them directly. */
  testkit.Sandbox sandbox;
  /** A directory for files a step writes (configuration overlays). */
  java.nio.file.Path tmp;
  /** Whether all-instances shows the sandbox's star again (see LiveTopology#isStar). */
  java.util.function.Predicate<JsonNode> isStar = all -> false;

  LiveApi(String apiUrl) {
    this.apiUrl = apiUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  void set(String name, Object value) {
    vars.put(name, String.valueOf(value));
  }

  String var(String name) {
    String v = vars.get(name);
    if (v == null) {
      throw new AssertionError("no value for {" + name + "} yet (an earlier step did not set it)");
    }
    return v;
  }

  int port(String name) {
    return Integer.parseInt(var(name));
  }

  /** {@code instance/{H}/{M}} with the current values. */
  String resolve(String template) {
    Matcher m = VAR.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(var(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** GET {api}/{path}: {@code path} is sent as written (already percent-encoded). */
  Answer get(String path) {
    return getAsync(path).join();
  }

  CompletableFuture<Answer> getAsync(String path) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(apiUrl + "/" + path))
        .timeout(Duration.ofSeconds(60)).header(PROBE_HEADER, "yes").GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> answer(path, r))
        .exceptionally(e -> {
          throw new AssertionError("GET " + path + " got no answer: " + e.getMessage(), e);
        });
  }

  private static Answer answer(String path, HttpResponse<String> r) {
    JsonNode json;
    try {
      json = r.body().isEmpty() ? null : JSON.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    return new Answer(path, r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(""), r.body(), json);
  }

  /** GET and parse: for steps that only read a value. */
  JsonNode json(String path) {
    Answer a = get(resolve(path));
    if (a.json() == null) {
      throw new AssertionError("not JSON: " + a);
    }
    return a.json();
  }
}
