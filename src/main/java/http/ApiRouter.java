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
    register(table, api, clock, meta);
  }

  /** Every route group, in one place: the router's table and {@link #servedPatterns()} agree. */
  private static void register(RouteTable table, NodeApi api, Clock clock, MetaRoutes meta) {
    new DiscoveryRoutes(api).register(table);
    new InstanceRoutes(api).register(table);
    new ClusterRoutes(api).register(table);
    new ControlRoutes(api, clock).register(table);
    new AnalysisRoutes(api, clock).register(table);
    new RefactorRoutes(api).register(table);
    new RecoveryRoutes(api).register(table);
    new FailoverRoutes(api, clock).register(table);
    new RecoveryAuditRoutes(api, clock).register(table);
    new TagRoutes(api).register(table);
    new PoolRoutes(api, clock).register(table);
    new HistoryRoutes(api, clock).register(table);
    meta.register(table);
  }

  /**
   * The route patterns served under {@code api/}; the commands refused on purpose are
   * {@link UnsupportedRoutes#commands()}.
   */
  public List<String> patterns() {
    return table.patterns();
  }

  /**
   * The route patterns served under {@code api/}, without a node: for tests and tools that list
   * the API (the contract's route coverage, its hostile-input fuzz). Route groups only keep the
   * NodeApi they are given for their handlers, which are never called here, so none is needed.
   */
  public static List<String> servedPatterns() {
    RouteTable t = new RouteTable();
    register(t, null, Clock.systemUTC(), new MetaRoutes(null, Clock.systemUTC()));
    return t.patterns();
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

  /**
   * Answers one request; the stage never fails. {@link Authentication} decides first: a 401
   * challenge, an "Unauthorized" refusal of a state-changing call, or the user to act as.
   */
  public CompletionStage<HttpResponse> handleRequest(HttpRequest req) {
    String path = req.getUri().path();
    CompletionStage<ApiReply> reply;
    try {
      ApiSettings settings = api.settings();
      Authentication.Decision d = Authentication.decide(settings.auth(), req, command(req, settings));
      if (d instanceof Authentication.Challenge) {
        return CompletableFuture.completedFuture(toHttp(
            ApiReply.error(401, Authentication.UNAUTHORIZED))
            .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                "WWW-Authenticate", Authentication.CHALLENGE)));
      }
      if (d instanceof Authentication.Refuse) {
        return CompletableFuture.completedFuture(toHttp(ApiReply.error(Authentication.UNAUTHORIZED)));
      }
      reply = dispatch(req, ((Authentication.Allow) d).user());
    } catch (Exception e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply
        .handle((r, failure) -> failure == null && r != null
            ? r
            : ErrorMapping.toReply(failure == null ? new NullPointerException("no reply") : failure, path))
        .thenApply(ApiRouter::toHttp);
  }

  /**
   * The command a request names: the first segment under {prefix}/api/ ("status" for the
   * configured StatusEndpoint), empty outside the API.
   */
  private static Optional<String> command(HttpRequest req, ApiSettings settings) {
    List<String> segments = segments(req.getUri().asScala().path());
    String status = settings.statusEndpoint() == null || settings.statusEndpoint().isBlank()
        ? DEFAULT_STATUS_ENDPOINT : settings.statusEndpoint().trim();
    if (samePath(segments, pathSegments(status))) {
      return Optional.of("status");
    }
    return underApi(segments, settings.urlPrefix()).map(rest -> rest.get(0));
  }

  private CompletionStage<ApiReply> dispatch(HttpRequest req, String user) throws Exception {
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
      return meta.health(new ApiRequest(req, new HashMap<>(), user));
    }
    Optional<List<String>> rest = underApi(segments, settings.urlPrefix());
    if (rest.isPresent() && !(customStatus && rest.get().get(0).equals("status"))) {
      // refused on purpose, whatever follows: answered here, never forwarded or audited
      Optional<ApiReply> refused = UnsupportedRoutes.refusal(rest.get().get(0));
      if (refused.isPresent()) {
        return done(refused.get());
      }
      Optional<RouteTable.Match> m = table.match(rest.get());
      if (m.isPresent()) {
        ApiRequest request = new ApiRequest(req, m.get().params(), user);
        String command = rest.get().get(0);
        RouteTable.Match match = m.get();
        java.util.function.Supplier<CompletionStage<ApiReply>> local =
            () -> audited(command, request, match.handler());
        if (forwarding.leaderOnly(command)) {
          return forwarding.forward(request, String.join("/", rest.get().stream()
              .map(ApiRouter::encodeSegment).toList()), local);
        }
        return local.get();
      }
    }
    return done(ApiReply.error(404, "Unknown API path: " + req.getUri().path()));
  }

  /**
   * Runs a handler here; a state-changing call is then written to the audit log with its user
   * and outcome (on the node that ran it: the leader, not a forwarding follower).
   */
  private CompletionStage<ApiReply> audited(String command, ApiRequest request, ApiHandler handler) {
    CompletionStage<ApiReply> reply;
    try {
      reply = handler.handle(request);
    } catch (Exception e) {
      reply = CompletableFuture.failedFuture(e);
    }
    if (!Authentication.changesState(command)) {
      return reply;
    }
    String path = decoded(request.http().getUri().path());
    return reply.handle((r, failure) -> {
      String outcome = failure == null && r != null
          ? (r.status() == ApiReply.OK ? "OK" + withMessage(r) : "ERROR " + message(r))
          : "ERROR " + ErrorMapping.unwrap(failure).getMessage();
      CompletionStage<Void> logged;
      try {
        logged = api.auditApiCall(command, auditKey(request), request.user(), path + ": " + outcome);
      } catch (RuntimeException e) {
        logged = CompletableFuture.failedFuture(e);
      }
      return logged.exceptionally(e -> null).thenCompose(v -> failure == null
          ? CompletableFuture.completedFuture(r) : CompletableFuture.<ApiReply>failedFuture(failure));
    }).thenCompose(x -> x);
  }

  /** " (Message)" of a successful answer, when it says more than "OK". */
  private static String withMessage(ApiReply r) {
    String m = message(r);
    return m.isBlank() || m.equals("OK") ? "" : " (" + m + ")";
  }

  /**
   * The path as the caller meant it, for the audit log: percent-decoded ('+' stays '+'), control
   * characters dropped (orchestrator-client ends every value with an encoded newline).
   */
  private static String decoded(String path) {
    String d;
    try {
      d = java.net.URI.create("http://x" + path).getPath();
    } catch (IllegalArgumentException e) {
      d = path; // not encoded after all
    }
    return d.replaceAll("\\p{Cntrl}", "");
  }

  private static String message(ApiReply r) {
    return r.body().has("Message") ? r.body().get("Message").asText() : "";
  }

  /** The server a call names (:host/:port), or {@link topology.InstanceKey#NONE}. */
  private static topology.InstanceKey auditKey(ApiRequest r) {
    try {
      return r.param("host").isEmpty() ? topology.InstanceKey.NONE : ApiParams.instanceKey(r);
    } catch (RuntimeException e) {
      return topology.InstanceKey.NONE;
    }
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
  static List<String> pathSegments(String path) {
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
