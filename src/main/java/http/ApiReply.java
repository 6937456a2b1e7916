package http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One answer of the API before it becomes an HTTP response: a status code and a JSON body.
 * Every answer is JSON, errors included (orchestrator-client retries on anything else).
 */
public record ApiReply(int status, JsonNode body) {

  public static final int OK = 200;
  public static final int ERROR = 500;

  public ApiReply {
    if (body == null) {
      throw new IllegalArgumentException("body must not be null");
    }
  }

  /** A bare JSON value (the listing endpoints), HTTP 200. */
  public static ApiReply json(JsonNode body) {
    return new ApiReply(OK, body);
  }

  /** A bare JSON string, HTTP 200. */
  public static ApiReply string(String s) {
    return new ApiReply(OK, ApiJson.text(s));
  }

  /** ENVELOPE with Code OK, HTTP 200. */
  public static ApiReply ok(String message, JsonNode details) {
    return new ApiReply(OK, ApiJson.envelope(true, message, details));
  }

  /** ENVELOPE with Code ERROR and null Details, HTTP 500. */
  public static ApiReply error(String message) {
    return error(message, null);
  }

  /** ENVELOPE with Code ERROR, HTTP 500. */
  public static ApiReply error(String message, JsonNode details) {
    return new ApiReply(ERROR, ApiJson.envelope(false, message, details));
  }

  /** ENVELOPE with Code ERROR and another HTTP status (404 for unknown paths, ...). */
  public static ApiReply error(int status, String message) {
    return new ApiReply(status, ApiJson.envelope(false, message, null));
  }
}
