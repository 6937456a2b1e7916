package http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the API to orchestrator's ListenAddress — over HTTPS when TLS is configured
 * ({@link ApiTls}) — and unbinds it when the node shuts down (CoordinatedShutdown phase
 * service-unbind; in-flight requests get {@link #DRAIN} to finish).
 */
public final class HttpServer {

  /** How long in-flight requests may take after unbinding, during shutdown. */
  public static final Duration DRAIN = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /**
   * Serves {@link ApiRouter} for {@code api}, with the TLS of its settings. The stage fails with
   * a message naming the address when it cannot be parsed or bound.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String listenAddress,
      NodeApi api) {
    return start(system, listenAddress, new ApiRouter(api).route(), api.settings().tls());
  }

  /** Serves any route (the API plus other areas concatenated by the caller) over plain HTTP. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String listenAddress,
      Route route) {
    return start(system, listenAddress, route, null);
  }

  /** Serves any route; over HTTPS when {@code tls} is not null. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String listenAddress,
      Route route, ApiTls tls) {
    ListenAddress address;
    try {
      address = ListenAddress.parse(listenAddress);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ServerSettings settings = ServerSettings.create(system.classicSystem())
        .withParsingErrorHandler(JsonParsingErrorHandler.class.getName());
    ServerBuilder builder = Http.get(system)
        .newServerAt(address.host(), address.port())
        .withSettings(settings);
    if (tls != null) {
      SSLContext context = tls.serverContext();
      builder = builder.enableHttps(ConnectionContext.httpsServer(() -> tls.serverEngine(context)));
    }
    return builder
        .bind(route)
        .thenApply(binding -> {
          if (tls == null) {
            LOG.info("HTTP API listening on {}", binding.localAddress());
          } else {
            LOG.info("HTTPS API listening on {} with certificate {} (serial {}){}",
                binding.localAddress(), tls.certificate().getSubjectX500Principal(),
                tls.certificate().getSerialNumber().toString(16),
                tls.mutual() ? "; client certificates required (mutual TLS)" : "");
          }
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
