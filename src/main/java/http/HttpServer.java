package http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the API to orchestrator's ListenAddress and unbinds it when the node shuts down
 * (CoordinatedShutdown phase service-unbind; in-flight requests get {@link #DRAIN} to finish).
 */
public final class HttpServer {

  /** How long in-flight requests may take after unbinding, during shutdown. */
  public static final Duration DRAIN = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /**
   * Serves {@link ApiRouter} for {@code api}. The stage fails with a message naming the address
   * when it cannot be parsed or bound.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String listenAddress,
      NodeApi api) {
    return start(system, listenAddress, new ApiRouter(api).route());
  }

  /** Serves any route (the API plus other areas concatenated by the caller). */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String listenAddress,
      Route route) {
    ListenAddress address;
    try {
      address = ListenAddress.parse(listenAddress);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ServerSettings settings = ServerSettings.create(system.classicSystem())
        .withParsingErrorHandler(JsonParsingErrorHandler.class.getName());
    return Http.get(system)
        .newServerAt(address.host(), address.port())
        .withSettings(settings)
        .bind(route)
        .thenApply(binding -> {
          LOG.info("HTTP API listening on {}", binding.localAddress());
          return binding.addToCoordinatedShutdown(DRAIN, system);
        })
        .exceptionallyCompose(failure -> {
          Throwable cause = ErrorMapping.unwrap(failure);
          return CompletableFuture.failedFuture(new IllegalStateException(
              "Cannot listen on ListenAddress '" + listenAddress + "' (" + address.host() + ":"
                  + address.port() + "): " + cause.getMessage(), cause));
        });
  }
}
