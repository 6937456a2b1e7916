package http;

import static org.apache.pekko.http.javadsl.server.Directives.encodeResponse;
import static org.apache.pekko.http.javadsl.server.Directives.handle;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.Uri;

/**
 * The orchestrator-compatible API: {@code {URLPrefix}/api/<route>} for GET, POST and HEAD, the
 * StatusEndpoint at its configured path, and a JSON answer for everything else (unknown path:
 * 404, other method: 405). Settings are read from {@link NodeApi#settings()} on every request
 * so that a configuration reload applies at once.
 */
public final class ApiRouter {

  /** {@code application/json; charset=UTF-8}, as orchestrator sends it. */
  public static final ContentType JSON =
      MediaTypes.applicationWithOpenCharset("json").toContentType(HttpCharsets.UTF_8);

  static final String DEFAULT_STATUS_ENDPOINT = "/api/status";
  private static final Set<String> METHODS = Set.of("GET", "POST", "HEAD");

  private final NodeApi api;
  private final RouteTable table = new RouteTable();
  private final MetaRoutes meta;
  private final LeaderForwarding forwarding;

  public ApiRouter(NodeApi api) {
    this(api, Clock.systemUTC());
  }

  public ApiRouter(NodeApi api, Clock clock) {
    this.api = api;
    this.meta = new MetaRoutes(api, clock);
    this.forwarding = new LeaderForwarding(api);
    new DiscoveryRoutes(api).register(table);
    new InstanceRoutes(api).register(table);
    new ClusterRoutes(api).register(table);
    new ControlRoutes(api, clock).register(table);
    new AnalysisRoutes(api, clock).register(table);
    new RefactorRoutes(api).register(table);
    new RecoveryRoutes(api).register(table);
    new FailoverRoutes(api, clock).register(table);
    new RecoveryAuditRoutes(api, clock).register(table);
    meta.register(table);
  }

  /** The route patterns served under {@code api/}. */
  public List<String> patterns() {
    return table.patterns();
  }

  /**
   * The whole API as a Pekko route: gzip only when asked for, and a JSON ERROR envelope when
   * the server's request-timeout strikes first.
   */
  public Route route() {
    return withRequestTimeoutResponse(
        req -> toHttp(ApiReply.error(ErrorMapping.TIMEOUT_MESSAGE)),
        () -> encodeResponse(() -> handle(this::handleRequest)));
  }

  /** Answers one request; the stage never fails. */
  public CompletionStage<HttpResponse> handleRequest(HttpRequest req) {
    String path = req.getUri().path();
    CompletionStage<ApiReply> reply;
    try {
      reply = dispatch(req);
    } catch (Exception e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply
        .handle((r, failure) -> failure == null && r != null
            ? r
            : ErrorMapping.toReply(failure == null ? new NullPointerException("no reply") : failure, path))
        .thenApply(ApiRouter::toHttp);
  }

  private CompletionStage<ApiReply> dispatch(HttpRequest req) throws Exception {
    String method = req.method().value();
    if (!METHODS.contains(method)) {
      return done(ApiReply.error(405, "Method not allowed: " + method));
    }
    ApiSettings settings = api.settings();
    List<String> segments = segments(req.getUri().asScala().path());
    String status = settings.statusEndpoint() == null || settings.statusEndpoint().isBlank()
        ? DEFAULT_STATUS_ENDPOINT : settings.statusEndpoint().trim();
    boolean customStatus = !status.equals(DEFAULT_STATUS_ENDPOINT);
    if (customStatus && samePath(segments, pathSegments(status))) {
      return meta.health(new ApiRequest(req, new HashMap<>()));
    }
    Optional<List<String>> rest = underApi(segments, settings.urlPrefix());
    if (rest.isPresent() && !(customStatus && rest.get().get(0).equals("status"))) {
      Optional<RouteTable.Match> m = table.match(rest.get());
      if (m.isPresent()) {
        ApiRequest request = new ApiRequest(req, m.get().params());
        if (forwarding.leaderOnly(rest.get().get(0))) {
          RouteTable.Match match = m.get();
          return forwarding.forward(request, String.join("/", rest.get().stream()
              .map(ApiRouter::encodeSegment).toList()), () -> {
                try {
                  return match.handler().handle(request);
                } catch (Exception e) {
                  return CompletableFuture.failedFuture(e);
                }
              });
        }
        return m.get().handler().handle(request);
      }
    }
    return done(ApiReply.error(404, "Unknown API path: " + req.getUri().path()));
  }

  /** A decoded path segment encoded again for a forwarded request. */
  static String encodeSegment(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  /** The segments after {@code {prefix}/api/}, or empty when the path is not under it. */
  private static Optional<List<String>> underApi(List<String> segments, String urlPrefix) {
    List<String> base = new ArrayList<>(pathSegments(urlPrefix == null ? "" : urlPrefix));
    base.add("api");
    if (segments.size() <= base.size() || !segments.subList(0, base.size()).equals(base)) {
      return Optional.empty();
    }
    return Optional.of(segments.subList(base.size(), segments.size()));
  }

  private static boolean samePath(List<String> segments, List<String> target) {
    if (segments.equals(target)) {
      return true;
    }
    List<String> slash = new ArrayList<>(target);
    slash.add("");
    return segments.equals(slash);
  }

  /** Segments of a configured path such as {@code /orc} or {@code /my/status}. */
  private static List<String> pathSegments(String path) {
    String p = path.trim();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? List.of() : Arrays.asList(p.split("/"));
  }

  /**
   * The decoded segments of a request path; a trailing slash gives a trailing "". Decoding per
   * segment keeps an encoded {@code %2F} inside its segment.
   */
  static List<String> segments(Uri.Path path) {
    List<String> out = new ArrayList<>();
    Uri.Path p = path;
    while (!p.isEmpty()) {
      if (p.startsWithSlash()) {
        out.add("");
      } else if (out.isEmpty()) {
        out.add(String.valueOf(p.head()));
      } else {
        out.set(out.size() - 1, String.valueOf(p.head()));
      }
      p = p.tail();
    }
    return out;
  }

  static HttpResponse toHttp(ApiReply r) {
    return HttpResponse.create()
        .withStatus(statusCode(r.status()))
        .withEntity(JSON, ApiJson.bytes(r.body()));
  }

  private static StatusCode statusCode(int code) {
    return StatusCodes.lookup(code)
        .orElseGet(() -> StatusCodes.custom(code, "Status " + code, "Status " + code));
  }

  private static CompletionStage<ApiReply> done(ApiReply r) {
    return CompletableFuture.completedFuture(r);
  }
}
