package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's files: what is served under /web with which headers, the redirects, the
 * access rule, and that no path reaches anything outside the ui/ folder of the class path.
 */
class UiRoutesTest {

  /** This test's listener (the web UI tests' port range). */
  static final int PORT = 11109;

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ActorSystem<Void> system;
  static ServerBinding binding;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() throws Exception {
    // a class path of its own: ui/ with two files, and a secret beside it
    Files.createDirectories(tmp.resolve("ui/js"));
    Files.writeString(tmp.resolve("ui/index.html"), "<!doctype html><title>t</title>");
    Files.writeString(tmp.resolve("ui/js/ok.js"), "export const ok = 1;");
    Files.writeString(tmp.resolve("ui/notes.txt"), "SECRET-TXT");
    Files.writeString(tmp.resolve("secret.js"), "SECRET-JS");
    Files.createDirectories(tmp.resolve("ui2"));
    Files.writeString(tmp.resolve("ui2/x.js"), "SECRET-UI2");
    ClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null);
    system = ActorSystem.create(Behaviors.empty(), "UiRoutesTest", ConfigFactory.parseString(
        "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
            + "pekko.coordinated-shutdown.exit-jvm = off").withFallback(ConfigFactory.load()));
    binding = HttpServer.start(system, "127.0.0.1:" + PORT, Directives.concat(
            new UiRoutes(API, loader).route(), new ApiRouter(API).route()), null)
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    API.reset();
    API.settings = InMemoryNodeApi.defaultSettings();
  }

  static String body(HttpResponse r) throws Exception {
    return r.entity().toStrict(5000, system).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getData().utf8String();
  }

  static String header(HttpResponse r, String name) {
    return r.getHeader(name).map(h -> h.value()).orElse("");
  }

  /** The real files, from the real class path. */
  static final UiRoutes REAL = new UiRoutes(API);

  @Test
  void servesThePagesAndModulesWithTheirTypesAndHeaders() throws Exception {
    HttpResponse index = REAL.answer(HttpRequest.create("/web/"));
    assertEquals(200, index.status().intValue());
    assertEquals("text/html; charset=UTF-8", index.entity().getContentType().toString());
    String html = body(index);
    assertTrue(html.contains("<script type=\"module\" src=\"js/main.js\"></script>"), html);
    assertEquals("no-cache", header(index, "Cache-Control"));
    assertTrue(header(index, "ETag").matches("\"[0-9a-f]{24}\""), header(index, "ETag"));
    assertEquals("nosniff", header(index, "X-Content-Type-Options"));
    assertTrue(header(index, "Content-Security-Policy").contains("script-src 'self'"));
    assertTrue(header(index, "Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertEquals(index.getHeader("ETag"), REAL.answer(HttpRequest.create("/web/index.html"))
        .getHeader("ETag"), "web/ is index.html");

    assertEquals("text/javascript; charset=UTF-8",
        REAL.answer(HttpRequest.create("/web/js/main.js")).entity().getContentType().toString());
    assertEquals("text/css; charset=UTF-8",
        REAL.answer(HttpRequest.create("/web/app.css")).entity().getContentType().toString());
    assertEquals("image/svg+xml",
        REAL.answer(HttpRequest.create("/web/favicon.svg")).entity().getContentType().toString());
  }

  /** Every file the page loads exists: index.html's links, and every module's imports. */
  @Test
  void everyFileThePageLoadsIsServed() throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of("index.html"));
    Pattern html = Pattern.compile("(?:src|href)=\"([^\"#:]+)\"");
    Pattern imports = Pattern.compile("(?:from|import)\\s+'(\\.{1,2}/[^']+)'");
    while (!todo.isEmpty()) {
      String file = todo.remove(0);
      if (!seen.add(file)) {
        continue;
      }
      HttpResponse r = REAL.answer(HttpRequest.create("/web/" + file));
      assertEquals(200, r.status().intValue(), file + " (loaded by the page) is not served");
      String text = body(r);
      Matcher m = (file.endsWith(".html") ? html : imports).matcher(text);
      while (m.find()) {
        todo.add(java.net.URI.create("x:/" + file).resolve(m.group(1)).getPath().substring(1));
      }
    }
    assertTrue(seen.containsAll(List.of("index.html", "app.css", "js/main.js", "js/api.js",
        "js/dom.js", "js/dialog.js", "js/tree.js", "js/views/cluster.js",
        "js/views/clusters.js", "js/views/instance.js", "js/views/nodes.js",
        "js/views/history.js")), seen.toString());
  }

  /** The pages build their DOM from data with textContent and setAttribute only. */
  @Test
  void noModuleWritesHtmlFromStrings() throws Exception {
    for (String file : List.of("js/main.js", "js/api.js", "js/dom.js", "js/dialog.js",
        "js/tree.js", "js/views/cluster.js", "js/views/clusters.js", "js/views/instance.js",
        "js/views/nodes.js", "js/views/history.js")) {
      String js = body(REAL.answer(HttpRequest.create("/web/" + file)));
      for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML",
          "document.write", "eval(", "new Function")) {
        assertFalse(js.contains(sink), file + " uses " + sink);
      }
    }
  }

  @Test
  void aKnownVersionIsRevalidatedWithoutItsBody() throws Exception {
    String etag = header(REAL.answer(HttpRequest.create("/web/js/main.js")), "ETag");
    HttpResponse same = REAL.answer(HttpRequest.create("/web/js/main.js")
        .addHeader(RawHeader.create("If-None-Match", etag)));
    assertEquals(304, same.status().intValue());
    assertEquals(etag, header(same, "ETag"));
    assertEquals("", body(same));
    HttpResponse other = REAL.answer(HttpRequest.create("/web/js/main.js")
        .addHeader(RawHeader.create("If-None-Match", "\"000000000000000000000000\"")));
    assertEquals(200, other.status().intValue());
  }

  @Test
  void theRootAndTheBareFolderRedirectToTheUi() throws Exception {
    for (String path : List.of("/", "/web")) {
      HttpResponse r = REAL.answer(HttpRequest.create(path));
      assertEquals(302, r.status().intValue(), path);
      assertEquals("/web/", header(r, "Location"), path);
    }
    // under a URL prefix, everything moves with it
    API.settings = new ApiSettings("/orc", "/api/status", 3306, topology.Thresholds.DEFAULTS,
        "orcha-1");
    for (String path : List.of("/orc", "/orc/", "/orc/web")) {
      HttpResponse r = REAL.answer(HttpRequest.create(path));
      assertEquals(302, r.status().intValue(), path);
      assertEquals("/orc/web/", header(r, "Location"), path);
    }
    assertEquals(200, REAL.answer(HttpRequest.create("/orc/web/js/main.js")).status().intValue());
    assertTrue(REAL.target(HttpRequest.create("/web/")).isEmpty(), "outside the prefix");
    assertTrue(REAL.target(HttpRequest.create("/")).isEmpty(), "outside the prefix");
  }

  @Test
  void onlyGetAndHead() {
    HttpResponse post = REAL.answer(HttpRequest.create("/web/").withMethod(HttpMethods.POST));
    assertEquals(405, post.status().intValue());
    assertEquals("GET, HEAD", header(post, "Allow"));
    assertEquals(200, REAL.answer(HttpRequest.create("/web/").withMethod(HttpMethods.HEAD))
        .status().intValue());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theFilesAskForTheApisCredentials() {
    API.settings = API.settings.withAuth(new ApiAuth(ApiAuth.Method.MULTI, "admin", "s3cret",
        List.of("*"), "X-Forwarded-User", false));
    for (String path : List.of("/web/", "/web/js/main.js", "/web/nothing.js")) {
      HttpResponse r = REAL.answer(HttpRequest.create(path));
      assertEquals(401, r.status().intValue(), path);
      assertEquals(Authentication.CHALLENGE, header(r, "WWW-Authenticate"));
      assertEquals(401, REAL.answer(HttpRequest.create(path)
          .addHeader(RawHeader.create("Authorization", basic("admin", "wrong")))).status().intValue());
    }
    assertEquals(200, REAL.answer(HttpRequest.create("/web/")
        .addHeader(RawHeader.create("Authorization", basic("admin", "s3cret")))).status().intValue());
    assertEquals(200, REAL.answer(HttpRequest.create("/web/")
        .addHeader(RawHeader.create("Authorization", basic("readonly", "x")))).status().intValue(),
        "a read-only user may load the pages");
    assertEquals(302, REAL.answer(HttpRequest.create("/")).status().intValue(),
        "the redirect tells nothing");
    // behind a proxy, the proxy authenticates
    API.settings = API.settings.withAuth(new ApiAuth(ApiAuth.Method.PROXY, "", "",
        List.of("alice"), "X-Forwarded-User", false));
    assertEquals(200, REAL.answer(HttpRequest.create("/web/")).status().intValue());
  }

  /** A raw request over the socket (no client normalises the path); the whole answer. */
  static String raw(String method, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", PORT)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void noPathReachesAFileOutsideTheUiFolder() throws Exception {
    assertTrue(raw("GET", "/web/js/ok.js").startsWith("HTTP/1.1 200 OK"), "the control file");
    for (String path : List.of("/web/../secret.js", "/web/%2e%2e/secret.js",
        "/web/..%2Fsecret.js", "/web/js/../../secret.js", "/web/js/%2E%2E/%2E%2E/secret.js",
        "/web/%2Fsecret.js", "/web//secret.js", "/web/.%2e/secret.js", "/web/..%5Csecret.js",
        "/web/%2e%2e/ui2/x.js", "/web/../ui2/x.js", "/web/notes.txt", "/web/js/ok.js%00.txt",
        "/web/js/ok.js/", "/web/.%2e/.%2e/secret.js", "/secret.js", "/web/ui/../../secret.js")) {
      String answer = raw("GET", path);
      assertFalse(answer.startsWith("HTTP/1.1 200"), path + " → " + answer);
      assertFalse(answer.contains("SECRET"), path + " → " + answer);
    }
  }

  @Test
  void besideTheApi() throws Exception {
    String page = raw("GET", "/web/");
    assertTrue(page.startsWith("HTTP/1.1 200 OK") && page.contains("Content-Type: text/html"), page);
    String whoami = raw("GET", "/api/whoami");
    assertTrue(whoami.startsWith("HTTP/1.1 200 OK") && whoami.contains("\"CanWrite\":true"), whoami);
    String unknown = raw("GET", "/nothing-here");
    assertTrue(unknown.startsWith("HTTP/1.1 404") && unknown.contains("Unknown API path"), unknown);
    String head = raw("HEAD", "/web/js/ok.js");
    assertTrue(head.startsWith("HTTP/1.1 200 OK") && !head.contains("export const"), head);
  }
}
