package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API authentication over a real socket (orchestrator-api.md §1.4): basic, multi, proxy,
 * ReadOnly, the exempt health endpoints, the audit user, and a write forwarded by a follower
 * checked again on the leader.
 */
class AuthenticationTest extends ApiTestBase {

  static final String PASSWORD = "pa55-w0rd-xyz";
  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static final InMemoryNodeApi FOLLOWER = new InMemoryNodeApi() {
    @Override
    public CompletionStage<Optional<String>> leaderUrl() {
      return CompletableFuture.completedFuture(
          Optional.of("http://127.0.0.1:" + server.port() + "/api"));
    }
  };
  static ServerSupport server;
  /** Two systems in one JVM: no remoting (and no clash on the cluster port). */
  static final String LOCAL = "pekko.actor.provider = local";
  static ServerSupport follower;

  static final String WRITE = "/api/forget/127.0.0.1/10111";
  static final String READ = "/api/clusters";

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSupport("AuthenticationTest", API, LOCAL);
    follower = new ServerSupport("AuthenticationTestFollower", FOLLOWER, LOCAL);
  }

  @AfterAll
  static void stop() throws Exception {
    follower.close();
    server.close();
  }

  @BeforeEach
  void reset() {
    API.reset();
    API.snapshot = ApiRoutesTest.twoClusters();
    FOLLOWER.reset();
    FOLLOWER.leader = false;
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  static ApiAuth auth(ApiAuth.Method method, boolean readOnly, List<String> powerUsers) {
    return new ApiAuth(method, "admin", PASSWORD, powerUsers, "X-Forwarded-User", readOnly);
  }

  static void use(ApiAuth a) {
    API.settings = InMemoryNodeApi.defaultSettings().withAuth(a);
    FOLLOWER.settings = InMemoryNodeApi.defaultSettings().withAuth(a);
  }

  static String[] basic(String user, String password) {
    return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8))};
  }

  /** A 401 with orchestrator's challenge and a JSON ERROR envelope (the client prints it). */
  static void assertChallenged(ApiClient.Answer a) {
    assertEquals(401, a.status(), a.body());
    assertEquals(List.of(Authentication.CHALLENGE), a.headers().get("www-authenticate"));
    assertEquals("ERROR", a.json().get("Code").asText());
    assertEquals("Unauthorized", a.json().get("Message").asText());
  }

  static void assertRefused(ApiClient.Answer a) {
    assertEquals(500, a.status(), a.body());
    assertEquals("ERROR", a.json().get("Code").asText());
    assertEquals("Unauthorized", a.json().get("Message").asText());
  }

  @Test
  void withoutAuthenticationEverythingIsAllowedAndTheNodeActs() {
    ok(WRITE);
    assertEquals(List.of("forget 127.0.0.1:10111"), API.calls);
    assertEquals(1, API.audits.size());
    assertTrue(API.audits.get(0).startsWith("forget 127.0.0.1:10111  /api/forget/127.0.0.1/10111: OK"),
        API.audits.toString());
  }

  @Test
  void basicNeedsTheRightCredentialsOnEveryRequest() {
    use(auth(ApiAuth.Method.BASIC, false, List.of("*")));
    assertChallenged(client().get(READ));
    assertChallenged(client().get(WRITE));
    assertChallenged(client().get(WRITE, basic("admin", "wrong")));
    assertChallenged(client().get(READ, basic("someone", PASSWORD)));
    assertChallenged(client().get(READ, "Authorization", "Basic !!notbase64"));
    assertChallenged(client().get("/api/no-such-route"));
    assertChallenged(client().get("/"));
    // orchestrator-client's probe: curl --head, grep "401 Unauthorized" (the reason phrase)
    ApiClient.Answer head = client().send("HEAD", "/api");
    assertEquals(401, head.status());
    assertTrue(API.calls.isEmpty(), API.calls.toString());
    assertTrue(API.audits.isEmpty());

    String[] right = basic("admin", PASSWORD);
    assertTrue(client().get(READ, right).json().isArray());
    assertEquals(200, client().get(WRITE, right).status());
    assertEquals(List.of("forget 127.0.0.1:10111"), API.calls);
    assertEquals(List.of("forget 127.0.0.1:10111 admin /api/forget/127.0.0.1/10111: OK (Instance forgotten: 127.0.0.1:10111)"), API.audits);
  }

  @Test
  void theStatusLineCarriesTheUnauthorizedReasonPhrase() throws Exception {
    use(auth(ApiAuth.Method.BASIC, false, List.of("*")));
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write("HEAD /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String head = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(head.startsWith("HTTP/1.1 401 Unauthorized\r\n"), head);
      assertTrue(head.contains("WWW-Authenticate: " + Authentication.CHALLENGE), head);
    }
  }

  @Test
  void healthEndpointsThatLoadBalancersCallAreExempt() {
    use(auth(ApiAuth.Method.BASIC, false, List.of("*")));
    for (String path : List.of("/api/health", "/api/status", "/api/lb-check", "/api/_ping",
        "/api/leader-check", "/api/raft-health", "/api/health/")) {
      assertEquals(200, client().get(path).status(), path);
    }
    // a custom StatusEndpoint too
    API.settings = new ApiSettings("", "/my/status", 3306, topology.Thresholds.DEFAULTS,
        "orcha-1", null, auth(ApiAuth.Method.BASIC, false, List.of("*")));
    assertEquals(200, client().get("/my/status").status());
    assertChallenged(client().get("/api/clusters-info"));
  }

  @Test
  void multiLetsReadonlyReadButNotChange() {
    use(auth(ApiAuth.Method.MULTI, false, List.of("*")));
    String[] readonly = basic("readonly", "anything at all");
    assertTrue(client().get(READ, readonly).json().isArray());
    assertRefused(client().get(WRITE, readonly));
    assertRefused(client().get("/api/disable-global-recoveries", readonly));
    assertRefused(client().get("/api/reload-configuration?config=/tmp/x.json", readonly));
    // the legacy spelling of a write is a write too
    assertRefused(client().get("/api/stop-slave/127.0.0.1/10112", readonly));
    assertTrue(API.calls.isEmpty(), API.calls.toString());
    assertChallenged(client().get(READ, basic("other", "anything")));
    assertChallenged(client().get(READ));
    assertEquals(200, client().get(WRITE, basic("admin", PASSWORD)).status());
    assertEquals(List.of("forget 127.0.0.1:10111"), API.calls);
  }

  @Test
  void readOnlyRefusesEveryChangeWhoeverAsks() {
    use(auth(ApiAuth.Method.NONE, true, List.of("*")));
    assertTrue(bare(READ).isArray());
    assertRefused(client().get(WRITE));
    assertRefused(client().get("/api/begin-downtime/127.0.0.1/10111/me/because"));
    assertRefused(client().get("/api/graceful-master-takeover/ci"));
    use(auth(ApiAuth.Method.BASIC, true, List.of("*")));
    assertRefused(client().get(WRITE, basic("admin", PASSWORD)));
    assertTrue(API.calls.isEmpty(), API.calls.toString());
  }

  /** One caller of the whoami table: auth, their headers, what whoami must answer. */
  record Caller(String name, ApiAuth auth, String[] headers, String user, boolean canWrite) {}

  /**
   * whoami tells each kind of caller who they are and whether they may change things, and
   * that answer is what the API then does with a write of theirs.
   */
  @Test
  void whoamiAnswersWhatTheApiThenDoes() {
    List<Caller> callers = List.of(
        new Caller("no authentication", auth(ApiAuth.Method.NONE, false, List.of("*")),
            new String[0], "", true),
        new Caller("no authentication, ReadOnly", auth(ApiAuth.Method.NONE, true, List.of("*")),
            new String[0], "", false),
        new Caller("basic user", auth(ApiAuth.Method.BASIC, false, List.of("*")),
            basic("admin", PASSWORD), "admin", true),
        new Caller("basic user, ReadOnly", auth(ApiAuth.Method.BASIC, true, List.of("*")),
            basic("admin", PASSWORD), "admin", false),
        new Caller("multi user", auth(ApiAuth.Method.MULTI, false, List.of("*")),
            basic("admin", PASSWORD), "admin", true),
        new Caller("multi readonly", auth(ApiAuth.Method.MULTI, false, List.of("*")),
            basic("readonly", "any"), "readonly", false),
        new Caller("proxy power user", auth(ApiAuth.Method.PROXY, false, List.of("alice")),
            new String[] {"X-Forwarded-User", "alice"}, "alice", true),
        new Caller("proxy other user", auth(ApiAuth.Method.PROXY, false, List.of("alice")),
            new String[] {"X-Forwarded-User", "bob"}, "bob", false),
        new Caller("proxy, no user", auth(ApiAuth.Method.PROXY, false, List.of("alice")),
            new String[0], "", false),
        new Caller("proxy, everyone a power user", auth(ApiAuth.Method.PROXY, false, List.of("*")),
            new String[] {"X-Forwarded-User", "bob"}, "bob", true),
        new Caller("proxy power user, ReadOnly", auth(ApiAuth.Method.PROXY, true, List.of("alice")),
            new String[] {"X-Forwarded-User", "alice"}, "alice", false));
    for (Caller c : callers) {
      API.reset();
      use(c.auth());
      ApiClient.Answer who = client().get("/api/whoami", c.headers());
      assertEquals(200, who.status(), c.name() + ": " + who.body());
      assertEquals(c.user(), who.json().get("User").asText(), c.name());
      assertEquals(c.canWrite(), who.json().get("CanWrite").asBoolean(), c.name());
      assertEquals(c.auth().readOnly(), who.json().get("ReadOnly").asBoolean(), c.name());
      assertEquals(c.auth().method() == ApiAuth.Method.NONE ? ""
          : c.auth().method().name().toLowerCase(java.util.Locale.ROOT),
          who.json().get("AuthenticationMethod").asText(), c.name());
      ApiClient.Answer write = client().get(WRITE, c.headers());
      if (c.canWrite()) {
        assertEquals(200, write.status(), c.name() + ": " + write.body());
      } else {
        assertRefused(write);
      }
    }
    // no credentials at all where they are needed: challenged like any other read
    use(auth(ApiAuth.Method.MULTI, false, List.of("*")));
    assertChallenged(client().get("/api/whoami"));
    assertChallenged(client().get("/api/whoami", basic("admin", "wrong")));
  }

  @Test
  void proxyTakesTheUserFromTheHeaderAndOnlyPowerUsersChange() {
    use(auth(ApiAuth.Method.PROXY, false, List.of("alice")));
    assertTrue(bare(READ).isArray());
    assertTrue(client().get(READ, "X-Forwarded-User", "bob").json().isArray());
    assertRefused(client().get(WRITE));
    assertRefused(client().get(WRITE, "X-Forwarded-User", "bob"));
    assertTrue(API.calls.isEmpty());
    assertEquals(200, client().get(WRITE, "X-Forwarded-User", "alice").status());
    assertEquals(List.of("forget 127.0.0.1:10111 alice /api/forget/127.0.0.1/10111: OK (Instance forgotten: 127.0.0.1:10111)"), API.audits);
    // the default PowerAuthUsers ["*"]: everyone may
    use(auth(ApiAuth.Method.PROXY, false, List.of("*")));
    assertEquals(200, client().get(WRITE, "X-Forwarded-User", "bob").status());
    // another header
    use(new ApiAuth(ApiAuth.Method.PROXY, "", "", List.of("carol"), "X-Remote-User", false));
    assertRefused(client().get(WRITE, "X-Forwarded-User", "carol"));
    assertEquals(200, client().get(WRITE, "X-Remote-User", "carol").status());
  }

  /** Another site's page cannot make a browser change things (the API changes state on GET). */
  @Test
  void stateChangingCallsFromAnotherSiteAreRefused() {
    String self = "http://127.0.0.1:" + server.port();
    assertRefused(client().get(WRITE, "Sec-Fetch-Site", "cross-site"));
    assertRefused(client().get(WRITE, "Sec-Fetch-Site", "same-site"));
    assertRefused(client().get(WRITE, "Origin", "https://evil.example"));
    assertRefused(client().get(WRITE, "Origin", "http://127.0.0.1:1"));
    assertRefused(client().get(WRITE, "Origin", "null"));
    assertTrue(API.calls.isEmpty(), API.calls.toString());
    // reads may come from anywhere; orcha's own page (same origin) and typed URLs may change
    assertTrue(client().get(READ, "Sec-Fetch-Site", "cross-site").json().isArray());
    assertEquals(200, client().get(WRITE, "Sec-Fetch-Site", "same-origin", "Origin", self).status());
    assertEquals(200, client().get(WRITE, "Sec-Fetch-Site", "none").status());
    assertEquals(List.of("forget 127.0.0.1:10111", "forget 127.0.0.1:10111"), API.calls);
  }

  @Test
  void theAuditNamesTheProxyUser() {
    use(auth(ApiAuth.Method.PROXY, false, List.of("*")));
    assertEquals(200, client().get("/api/ack-all-recoveries?comment=y", "X-Forwarded-User", "alice")
        .status());
    assertEquals(1, API.audits.size(), API.audits.toString());
    assertTrue(API.audits.get(0).startsWith("ack-all-recoveries ")
        && API.audits.get(0).contains(" alice /api/ack-all-recoveries: OK"), API.audits.toString());
  }

  @Test
  void aWriteForwardedByAFollowerIsCheckedOnTheLeader() {
    use(auth(ApiAuth.Method.MULTI, false, List.of("*")));
    // refused on the follower already
    assertRefused(follower.client.get(WRITE, basic("readonly", "x")));
    assertChallenged(follower.client.get(WRITE));
    // the follower thinks the caller is fine, the leader does not: the leader decides
    FOLLOWER.settings = InMemoryNodeApi.defaultSettings();
    ApiClient.Answer a = follower.client.get(WRITE);
    assertEquals("Unauthorized", a.json().get("Message").asText(), a.body());
    assertTrue(API.calls.isEmpty());
    // right credentials travel with the forwarded request; the leader audits the user
    use(auth(ApiAuth.Method.MULTI, false, List.of("*")));
    assertEquals(200, follower.client.get(WRITE, basic("admin", PASSWORD)).status());
    assertEquals(List.of("forget 127.0.0.1:10111"), API.calls);
    assertTrue(FOLLOWER.calls.isEmpty());
    assertEquals(List.of("forget 127.0.0.1:10111 admin /api/forget/127.0.0.1/10111: OK (Instance forgotten: 127.0.0.1:10111)"), API.audits);
    assertTrue(FOLLOWER.audits.isEmpty(), "only the node that ran it audits");
    // a proxy user in a custom header is passed on too
    use(new ApiAuth(ApiAuth.Method.PROXY, "", "", List.of("carol"), "X-Remote-User", false));
    assertEquals(200, follower.client.get(WRITE, "X-Remote-User", "carol").status());
  }

  @Test
  void thePasswordNeverAppearsInAnAnswer() {
    use(auth(ApiAuth.Method.BASIC, false, List.of("*")));
    String[] right = basic("admin", PASSWORD);
    String encoded = right[1].substring("Basic ".length());
    for (String path : List.of("/api/headers", "/api/reload-configuration", "/api/health",
        "/api/clusters-info", "/api/no-such-route")) {
      ApiClient.Answer a = client().get(path, right);
      assertFalse(a.body().contains(PASSWORD), path + ": " + a.body());
      assertFalse(a.body().contains(encoded), path + ": " + a.body());
    }
    ApiClient.Answer wrong = client().get(READ, basic("admin", PASSWORD + "x"));
    assertFalse(wrong.body().contains(PASSWORD), wrong.body());
    assertFalse(auth(ApiAuth.Method.BASIC, false, List.of("*")).toString().contains(PASSWORD));
    assertFalse(API.settings.toString().contains(PASSWORD));
  }

  @Test
  void credentialsAreComparedExactly() {
    assertTrue(Authentication.matches(PASSWORD, PASSWORD));
    assertFalse(Authentication.matches(PASSWORD, PASSWORD + " "));
    assertFalse(Authentication.matches("", PASSWORD));
    assertEquals(ApiAuth.Method.NONE, ApiAuth.Method.parse(""));
    assertEquals(ApiAuth.Method.MULTI, ApiAuth.Method.parse("Multi"));
    assertTrue(Authentication.changesState("stop-slave"));
    assertTrue(Authentication.changesState("reload-configuration"));
    assertFalse(Authentication.changesState("clusters"));
  }
}
