package http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The API's one access check (orchestrator-api.md §1.4), made by {@link ApiRouter} before a
 * request is dispatched: who is asking (basic/multi: the Basic credentials; proxy: the
 * AuthUserHeader) and whether they may change things. State-changing calls are the commands of
 * {@link LeaderForwarding#WRITES} plus {@code reload-configuration} (it can load another file).
 * A write forwarded by a follower carries the caller's headers, so the leader decides again.
 */
final class Authentication {

  /** What a load balancer or a monitor calls: answered without credentials. */
  static final Set<String> EXEMPT = Set.of("health", "status", "lb-check", "_ping",
      "leader-check", "raft-health");

  /** WWW-Authenticate of a 401, orchestrator's realm. */
  static final String CHALLENGE = "Basic realm=\"Authorization Required\"";

  /** The refusal of a state-changing call (orchestrator's text). */
  static final String UNAUTHORIZED = "Unauthorized";

  /** The outcome of the check. */
  sealed interface Decision {}

  /** No or wrong credentials: HTTP 401 with {@link #CHALLENGE}. */
  record Challenge() implements Decision {}

  /** Known caller, not allowed to do this: ERROR envelope {@link #UNAUTHORIZED}. */
  record Refuse() implements Decision {}

  /** Go on; {@code user} is the authenticated user ("" when there is none). */
  record Allow(String user) implements Decision {}

  private Authentication() {}

  /** Whether {@code command} (the first segment under api/) changes something. */
  static boolean changesState(String command) {
    String c = RouteTable.LEGACY_SYNONYMS.getOrDefault(command, command);
    return LeaderForwarding.WRITES.contains(c) || c.equals("reload-configuration");
  }

  /**
   * Decides a request. {@code command} is the first path segment under api/ ("status" for
   * the configured StatusEndpoint), or empty for paths outside the API.
   */
  static Decision decide(ApiAuth auth, HttpRequest req, Optional<String> command) {
    boolean exempt = command.isPresent() && EXEMPT.contains(command.get());
    boolean write = command.isPresent() && changesState(command.get());
    if (write && fromAnotherSite(req)) {
      return new Refuse();
    }
    Optional<Caller> caller = identify(auth, req);
    if (caller.isEmpty()) {
      return exempt ? new Allow("") : new Challenge();
    }
    if (write && !caller.get().mayChangeState()) {
      return new Refuse();
    }
    return new Allow(caller.get().user());
  }

  /**
   * A browser sent this request on behalf of another site's page. The API changes state on
   * plain GETs (orchestrator's contract), so a page elsewhere could make a logged-in browser
   * call e.g. graceful-master-takeover (cross-site request forgery); browsers say where a
   * request comes from (Sec-Fetch-Site, Origin), scripts and orchestrator-client send neither,
   * and orcha's own web UI is same-origin.
   */
  static boolean fromAnotherSite(HttpRequest req) {
    Optional<String> site = req.getHeader("Sec-Fetch-Site").map(h -> h.value().trim());
    if (site.isPresent() && (site.get().equalsIgnoreCase("cross-site")
        || site.get().equalsIgnoreCase("same-site"))) {
      return true;
    }
    Optional<String> origin = req.getHeader("Origin").map(h -> h.value().trim());
    if (origin.isEmpty()) {
      return false;
    }
    Optional<String> host = req.getHeader("Host").map(h -> h.value().trim());
    try {
      java.net.URI o = java.net.URI.create(origin.get());
      if (o.getHost() == null || host.isEmpty()) {
        return true; // "null" (a sandboxed frame, a file) or no Host to compare with
      }
      String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return !authority.equalsIgnoreCase(host.get()) && !o.getHost().equalsIgnoreCase(host.get());
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /**
   * Who is asking and whether a state-changing call of theirs would be let through (the
   * {@code whoami} route tells the web UI, which hides its actions from read-only users).
   *
   * @param user the authenticated user ("" when there is none)
   */
  record Caller(String user, boolean mayChangeState) {}

  /**
   * The caller of {@code req}; empty when basic/multi credentials are missing or wrong. The
   * multi user "readonly" (any password), a proxy user outside PowerAuthUsers and everyone
   * under ReadOnly may read only.
   */
  static Optional<Caller> identify(ApiAuth auth, HttpRequest req) {
    String user = "";
    boolean mayWrite = true;
    switch (auth.method()) {
      case BASIC, MULTI -> {
        Optional<String[]> creds = basicCredentials(req);
        if (creds.isPresent() && !auth.user().isEmpty() && matches(creds.get()[0], auth.user())
            && matches(creds.get()[1], auth.password())) {
          user = creds.get()[0];
        } else if (auth.method() == ApiAuth.Method.MULTI && creds.isPresent()
            && creds.get()[0].equals(ApiAuth.READONLY_USER)) {
          user = ApiAuth.READONLY_USER;
          mayWrite = false;
        } else {
          return Optional.empty();
        }
      }
      case PROXY -> {
        user = req.getHeader(auth.userHeader()).map(h -> h.value().trim()).orElse("");
        mayWrite = auth.powerUsers().contains("*")
            || (!user.isEmpty() && auth.powerUsers().contains(user));
      }
      default -> { }
    }
    return Optional.of(new Caller(user, mayWrite && !auth.readOnly()));
  }

  /** The user and password of an {@code Authorization: Basic ...} header. */
  static Optional<String[]> basicCredentials(HttpRequest req) {
    Optional<String> value = req.getHeader("Authorization").map(h -> h.value().trim());
    if (value.isEmpty() || value.get().length() < 6
        || !value.get().substring(0, 6).equalsIgnoreCase("basic ")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value.get().substring(6).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? Optional.empty()
        : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }

  /** Constant-time comparison (of digests, so the length does not show either). */
  static boolean matches(String given, String expected) {
    return MessageDigest.isEqual(sha256(given), sha256(expected));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
