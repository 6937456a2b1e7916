package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

class HttpServerTest {

  @Test
  void listenAddressFollowsOrchestratorsForm() {
    assertEquals(new ListenAddress("0.0.0.0", 3000), ListenAddress.parse(":3000"));
    assertEquals(new ListenAddress("127.0.0.1", 3001), ListenAddress.parse("127.0.0.1:3001"));
    assertEquals(new ListenAddress("orcha-1.example", 80), ListenAddress.parse("orcha-1.example:80"));
    assertEquals(new ListenAddress("::1", 3000), ListenAddress.parse("[::1]:3000"));
    assertEquals(new ListenAddress("127.0.0.1", 0), ListenAddress.parse(" 127.0.0.1:0 "));
  }

  @Test
  void badListenAddressesAreNamed() {
    for (String bad : new String[] {"3000", "host:abc", ":70000", "::1:3000", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void anUnparsableAddressFailsTheStage() throws Exception {
    try (ServerSupport s = new ServerSupport("HttpServerTestBad", new InMemoryNodeApi(), "")) {
      ExecutionException e = assertThrows(ExecutionException.class, () ->
          HttpServer.start(s.system, "nonsense", new InMemoryNodeApi()).toCompletableFuture()
              .get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("'nonsense'"), e.getCause().getMessage());
    }
  }

  @Test
  void aBindFailureNamesTheAddress() throws Exception {
    try (ServerSupport s = new ServerSupport("HttpServerTestBusy", new InMemoryNodeApi(), "")) {
      String taken = "127.0.0.1:" + s.port();
      ExecutionException e = assertThrows(ExecutionException.class, () ->
          HttpServer.start(s.system, taken, new InMemoryNodeApi()).toCompletableFuture()
              .get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
      assertTrue(e.getCause().getMessage().contains("'" + taken + "'"), e.getCause().getMessage());
    }
  }

  @Test
  void coordinatedShutdownUnbinds() throws Exception {
    ServerSupport s = new ServerSupport("HttpServerTestShutdown", new InMemoryNodeApi(), "");
    int port = s.port();
    assertEquals(200, s.client.get("/api/_ping").status());
    CoordinatedShutdown.get(s.system.classicSystem())
        .runAll(CoordinatedShutdown.unknownReason())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    s.close();
  }
}
