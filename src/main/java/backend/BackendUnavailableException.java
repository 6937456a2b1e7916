package backend;

/**
 * The node's backend database cannot be used: a bad SQLite path, an unreachable or refusing
 * MySQL server, a failed statement. The message names the HOCON key to fix
 * ({@code orcha.backend.sqlite-file}, {@code orcha.backend.mysql.host}, ...) and the cause, and
 * never contains a password.
 */
public final class BackendUnavailableException extends RuntimeException {

  public BackendUnavailableException(String message) {
    super(message);
  }

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
