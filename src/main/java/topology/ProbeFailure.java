package topology;

/**
 * Why a probe did not reach (or did not complete on) a server, classified into stable reasons so
 * that the API, metrics and analysis need not parse driver messages.
 */
public record ProbeFailure(Reason reason, String message) {

  public enum Reason {
    /** the host name does not resolve */
    UNKNOWN_HOST,
    /** TCP connection refused (nothing listens) */
    CONNECTION_REFUSED,
    /** connect or query timed out */
    TIMEOUT,
    /** wrong user or password */
    ACCESS_DENIED,
    /** connected, but the topology user may not run a statement the probe needs */
    MISSING_PRIVILEGE,
    /** the connection broke or the server answered something unreadable */
    PROTOCOL_ERROR,
    /** TLS failed: the server offers none where it is required, or its certificate was refused */
    TLS_ERROR,
    /** anything else the server answered with an error */
    SERVER_ERROR,
    OTHER
  }

  public ProbeFailure {
    reason = reason == null ? Reason.OTHER : reason;
    message = message == null ? "" : message;
  }

  /** Failures after which the server was reached (authentication or a statement failed). */
  public boolean connected() {
    return reason == Reason.ACCESS_DENIED || reason == Reason.MISSING_PRIVILEGE
        || reason == Reason.SERVER_ERROR;
  }
}
