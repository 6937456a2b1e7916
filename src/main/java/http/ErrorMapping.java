package http;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become API answers. Every answer is an ERROR envelope (HTTP
 * 500), never an HTML or plain-text body: orchestrator-client only reads JSON.
 */
public final class ErrorMapping {

  /** Message for asks that timed out (and for requests the server timed out). */
  public static final String TIMEOUT_MESSAGE =
      "Timed out: this orcha node did not answer in time; try again";
  /** Message for anything unexpected; the details go to the node's log. */
  public static final String INTERNAL_MESSAGE =
      "Internal error in orcha; see the node log for details";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  public static ApiReply toReply(Throwable failure, String path) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiException) {
      return ApiReply.error(t.getMessage());
    }
    // a StatusReply.error of an actor: a refusal whose text is meant for the user
    if (t instanceof org.apache.pekko.pattern.StatusReply.ErrorMessage) {
      return ApiReply.error(t.getMessage());
    }
    // includes Pekko's AskTimeoutException
    if (t instanceof TimeoutException) {
      LOG.warn("API request {} timed out: {}", path, t.toString());
      return ApiReply.error(TIMEOUT_MESSAGE);
    }
    LOG.error("API request {} failed unexpectedly", path, t);
    return ApiReply.error(INTERNAL_MESSAGE);
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }
}
