package http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/** An actor system with the API bound on a free loopback port. */
final class ServerSupport implements AutoCloseable {

  final ActorSystem<Void> system;
  final ServerBinding binding;
  final ApiClient client;

  /** Serves {@code api}, over HTTPS when its settings carry TLS. */
  ServerSupport(String name, NodeApi api, String extraConfig) throws Exception {
    this(name, new ApiRouter(api), extraConfig, api.settings().tls());
  }

  /** Serves a given router (one with a fixed clock, say). */
  ServerSupport(String name, ApiRouter router, String extraConfig) throws Exception {
    this(name, router, extraConfig, null);
  }

  private ServerSupport(String name, ApiRouter router, String extraConfig, ApiTls tls)
      throws Exception {
    Config config = ConfigFactory.parseString(extraConfig
        + "\npekko.loglevel = WARNING\npekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.load());
    system = ActorSystem.create(Behaviors.empty(), name, config);
    binding = HttpServer.start(system, "127.0.0.1:0", router.route(), tls).toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    client = new ApiClient(binding.localAddress().getPort());
  }

  int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
