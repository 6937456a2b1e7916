package http;

/** A failure whose message is meant for the API user (the envelope's Message). */
public class ApiException extends RuntimeException {
  public ApiException(String message) {
    super(message, null, false, false);
  }
}
