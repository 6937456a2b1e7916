package hooks;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What happened to one hook command.
 *
 * @param index 1-based position in its list
 * @param description orchestrator's wording, e.g. {@code PreFailoverProcesses hook 2 of 3} or
 *     {@code ... (async)}
 * @param command the command text as run (after trimming, {@code &} removal and substitution;
 *     the template itself when rendering was refused)
 * @param exitCode the shell's exit status, when it exited by itself
 * @param outputTail the last bytes of combined stdout and stderr (bounded by the runner)
 * @param failureReason why it failed, e.g. {@code exit status 3}; empty on success or while an
 *     asynchronous command still runs
 */
public record CommandOutcome(int index, String description, String command, boolean async,
    Status status, OptionalInt exitCode, Duration duration, String outputTail,
    Optional<String> failureReason) {

  /** Longest output excerpt put into an audit line. */
  static final int AUDIT_OUTPUT_CHARS = 1024;

  public enum Status {
    SUCCEEDED,
    /** Exited with a non-zero status, or was interrupted. */
    FAILED,
    /** Ran longer than the runner's timeout; its whole process tree was killed. */
    TIMED_OUT,
    /** Never ran: the shell could not start, the temp file failed, or rendering was refused. */
    NOT_STARTED,
    /** Asynchronous and still running when the list returned; see the completion future. */
    RUNNING
  }

  public CommandOutcome {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outputTail, "outputTail");
    Objects.requireNonNull(failureReason, "failureReason");
  }

  public boolean failed() {
    return status != Status.SUCCEEDED && status != Status.RUNNING;
  }

  /**
   * orchestrator's completion line: {@code Completed <description> in <duration>}, or
   * {@code Execution of <description> failed in <duration> with error: (<reason>) <output>}.
   */
  public String auditLine() {
    if (status == Status.RUNNING) {
      return "Started " + description;
    }
    String took = GoDuration.format(duration);
    if (!failed()) {
      return "Completed " + description + " in " + took;
    }
    String line = "Execution of " + description + " failed in " + took + " with error: ("
        + failureReason.orElse(status.name()) + ")";
    String out = outputTail.strip();
    if (out.length() > AUDIT_OUTPUT_CHARS) {
      out = "..." + out.substring(out.length() - AUDIT_OUTPUT_CHARS);
    }
    return out.isEmpty() ? line : line + " " + out;
  }
}
