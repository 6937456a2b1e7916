package http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests too malformed to reach the routes (an illegal request target such as a bad
 * percent-escape) with a JSON ERROR envelope instead of Pekko's plain-text body. Configured by
 * {@link HttpServer} through {@code ServerSettings.withParsingErrorHandler}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log,
      ServerSettings settings) {
    log.warning("Illegal request, responding with status '{}': {}", status, info.formatPretty());
    String message = info.summary().isEmpty() ? status.reason() : info.summary();
    return ApiRouter.toHttp(ApiReply.error(status.intValue(), "Bad request: " + message));
  }
}
