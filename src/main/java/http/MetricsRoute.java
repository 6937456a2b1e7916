package http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.encodeResponse;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import telemetry.MetricsSettings;
import telemetry.Telemetry;

/**
 * {@code {URLPrefix}/metrics}: the node's metrics in Prometheus text format (OpenMetrics when the
 * scraper asks for it), outside {@code /api}. Open by default — scrapers usually carry no
 * credentials and no metric names a server — or behind the API's authentication with
 * {@code orcha.metrics.authenticate}. Any other path is left to the API's router.
 */
public final class MetricsRoute {

  private final NodeApi api;
  private final Telemetry telemetry;
  private final MetricsSettings settings;

  public MetricsRoute(NodeApi api, Telemetry telemetry, MetricsSettings settings) {
    this.api = api;
    this.telemetry = telemetry;
    this.settings = settings;
  }

  /** Matches the metrics path only (rejects everything else, for the API's route to answer). */
  public Route route() {
    return extractRequest(req -> settings.enabled() && isMetricsPath(req)
        ? encodeResponse(() -> complete(answer(req)))
        : reject());
  }

  private boolean isMetricsPath(HttpRequest req) {
    List<String> segments = ApiRouter.segments(req.getUri().asScala().path());
    String prefix = api.settings().urlPrefix() == null ? "" : api.settings().urlPrefix();
    List<String> want = new java.util.ArrayList<>();
    for (String s : prefix.split("/")) {
      if (!s.isEmpty()) {
        want.add(s);
      }
    }
    want.add("metrics");
    return segments.equals(want)
        || (segments.size() == want.size() + 1 && segments.subList(0, want.size()).equals(want)
            && segments.get(want.size()).isEmpty());
  }

  /** The answer to a request for the metrics path. */
  HttpResponse answer(HttpRequest req) {
    if (!req.method().equals(HttpMethods.GET) && !req.method().equals(HttpMethods.HEAD)) {
      return HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED)
          .addHeader(RawHeader.create("Allow", "GET, HEAD"))
          .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "only GET and HEAD are served here\n");
    }
    if (settings.authenticate()) {
      Authentication.Decision d = Authentication.decide(api.settings().auth(), req,
          Optional.of("metrics"));
      if (!(d instanceof Authentication.Allow)) {
        return HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED)
            .addHeader(RawHeader.create("WWW-Authenticate", Authentication.CHALLENGE))
            .withEntity(ContentTypes.TEXT_PLAIN_UTF8, Authentication.UNAUTHORIZED + "\n");
      }
    }
    String accept = req.getHeader("Accept").map(h -> h.value()).orElse("");
    Telemetry.Exposition e = telemetry.scrape(accept);
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.parse(e.contentType()),
        e.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
