package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures of the node behind the API, and malformed requests, all answered as JSON. */
class ErrorMappingTest extends ApiTestBase {

  static final InMemoryNodeApi API = new InMemoryNodeApi();
  static ServerSupport server;

  @BeforeAll
  static void start() throws Exception {
    // a short server-side request timeout for the never-answering node
    server = new ServerSupport("ErrorMappingTest", API, "pekko.http.server.request-timeout = 1s");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetApi() {
    API.reset();
    API.snapshot = Fixtures.snapshot(Fixtures.star().stream().map(Fixtures::reached).toList());
  }

  @Override
  ApiClient client() {
    return server.client;
  }

  @Test
  void apiExceptionMessageBecomesTheEnvelopeMessage() {
    API.failure = new ApiException("backend refused the write");
    for (String path : List.of("/api/clusters", "/api/instance/127.0.0.1/10111",
        "/api/discover/127.0.0.1/10111", "/api/health", "/api/topology/ci")) {
      assertEquals("backend refused the write", error(path), path);
    }
  }

  @Test
  void askTimeoutsSayTheNodeDidNotAnswerInTime() {
    API.failure = new AskTimeoutException("Ask timed out on [Actor[pekko://x/user/view]] after [5000 ms]");
    assertEquals(ErrorMapping.TIMEOUT_MESSAGE, error("/api/all-instances"));
    API.failure = new CompletionException(new TimeoutException("typed ask"));
    assertEquals(ErrorMapping.TIMEOUT_MESSAGE, error("/api/master/ci"));
    assertTrue(ErrorMapping.TIMEOUT_MESSAGE.contains("did not answer in time"));
  }

  @Test
  void aNodeThatNeverAnswersGetsATimeoutEnvelopeFromTheServer() {
    API.silent = true;
    JsonNode e = errorEnvelope("/api/clusters", 500);
    assertEquals(ErrorMapping.TIMEOUT_MESSAGE, e.get("Message").asText());
  }

  @Test
  void unexpectedFailuresAreGenericErrors() {
    API.failure = new IllegalStateException("bug: index 7 out of bounds");
    assertEquals(ErrorMapping.INTERNAL_MESSAGE, error("/api/clusters-info"));
    API.failure = new NullPointerException();
    assertEquals(ErrorMapping.INTERNAL_MESSAGE, error("/api/discover/127.0.0.1/10111"));
  }

  @Test
  void failingSettingsAreMappedToo() {
    java.util.concurrent.atomic.AtomicBoolean loaded = new java.util.concurrent.atomic.AtomicBoolean(true);
    InMemoryNodeApi broken = new InMemoryNodeApi() {
      @Override
      public ApiSettings settings() {
        if (!loaded.get()) {
          throw new IllegalStateException("settings not loaded");
        }
        return super.settings();
      }
    };
    // the router is built at start with readable settings (its leader-forwarding client takes
    // the TLS settings then); they fail later, on a request
    ApiRouter router = new ApiRouter(broken);
    loaded.set(false);
    var response = router.handleRequest(
        org.apache.pekko.http.javadsl.model.HttpRequest.GET("/api/clusters"))
        .toCompletableFuture().join();
    assertEquals(500, response.status().intValue());
    assertEquals(ApiRouter.JSON, response.entity().getContentType());
  }

  @Test
  void malformedRequestTargetsAreAnsweredWithJson() throws Exception {
    String raw = rawRequest("GET /api/instance/%zz/3306 HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    assertTrue(raw.startsWith("HTTP/1.1 400 "), raw);
    assertTrue(raw.contains("Content-Type: " + JSON_CONTENT_TYPE), raw);
    JsonNode body = ApiJson.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertEquals("ERROR", body.get("Code").asText());
    assertTrue(body.get("Message").asText().startsWith("Bad request: "), raw);
  }

  @Test
  void badQueryEscapesAreAnsweredWithJson() throws Exception {
    String raw = rawRequest("GET /api/search?s=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    JsonNode body = ApiJson.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertEquals("ERROR", body.get("Code").asText(), raw);
    assertTrue(raw.contains("Content-Type: " + JSON_CONTENT_TYPE), raw);
    assertTrue(raw.startsWith("HTTP/1.1 400 "), raw);
    assertTrue(body.get("Message").asText().startsWith("Bad request: Illegal request-target"), raw);
  }

  private String rawRequest(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
