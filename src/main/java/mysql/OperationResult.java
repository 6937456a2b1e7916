package mysql;

import java.time.Duration;
import java.util.List;
import topology.InstanceKey;
import topology.ProbeFailure;

/**
 * What one {@link Operations} call did to one server. Never thrown: failures are values.
 *
 * @param key the server
 * @param operation the operation's name, e.g. {@code change-master}
 * @param outcome succeeded, or how it failed
 * @param message one line for people: names the server ({@code host:port}) and, on failure, the
 *     statement that failed and the server's error; passwords are masked
 * @param value what the server said after the operation (re-read to verify it), e.g. the
 *     replication channel; null when the operation failed before it could be read
 * @param cause on failure, the classified reason (connection refused, missing privilege, server
 *     error, timeout, ...); null on success and for refusals by orcha's own checks
 * @param statements every statement sent that could change the server, in order, with passwords
 *     masked (for the audit log); reads are not listed
 * @param took wall time of the whole operation
 */
public record OperationResult<T>(
    InstanceKey key,
    String operation,
    Outcome outcome,
    String message,
    T value,
    ProbeFailure.Reason cause,
    List<String> statements,
    Duration took) {

  /** How an operation ended. */
  public enum Outcome {
    /** done, and the server was read again and shows the effect */
    SUCCEEDED,
    /** refused before anything was changed: unreachable server, failed precondition, missing
     *  privilege or server error on the first change; the server is as it was */
    REFUSED,
    /** something was changed, then a later step failed or the effect did not show (the message
     *  says what was changed, and what was put back) */
    FAILED_MIDWAY,
    /** a bound expired (connecting, a statement, or waiting for the effect); a statement that
     *  did not answer in time was killed on the server (the message says whether that worked) */
    TIMED_OUT
  }

  public OperationResult {
    statements = statements == null ? List.of() : List.copyOf(statements);
    message = message == null ? "" : message;
  }

  public boolean succeeded() {
    return outcome == Outcome.SUCCEEDED;
  }
}
