package hooks;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The result of running one hook list.
 *
 * @param hook the list's name as audited, e.g. {@code PreFailoverProcesses}
 * @param outcomes one per command that was attempted, in order (commands after a stop are
 *     absent); asynchronous ones as they stood when the list returned ({@code RUNNING})
 * @param failed a synchronous command failed (non-zero exit, timeout, could not start, refused
 *     or interrupted); asynchronous commands never count
 * @param stopped the list stopped early (stopOnFailure, or interruption): later hooks did not run
 * @param audit the audit lines, in order, for the caller to record
 * @param asyncCompletion completes (never exceptionally) with the final outcomes of the
 *     asynchronous commands, each with its own {@link CommandOutcome#auditLine()}; already
 *     complete when there were none
 */
public record HookRunResult(String hook, List<CommandOutcome> outcomes, boolean failed,
    boolean stopped, List<String> audit,
    CompletableFuture<List<CommandOutcome>> asyncCompletion) {

  public HookRunResult {
    Objects.requireNonNull(hook, "hook");
    outcomes = List.copyOf(outcomes);
    audit = List.copyOf(audit);
    Objects.requireNonNull(asyncCompletion, "asyncCompletion");
  }

  /** The synchronous failure that decided {@link #failed()}, if any. */
  public Optional<CommandOutcome> firstFailure() {
    return outcomes.stream().filter(o -> !o.async() && o.failed()).findFirst();
  }
}
