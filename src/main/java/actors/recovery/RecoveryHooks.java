package actors.recovery;

import hooks.Hook;
import hooks.HookEvent;
import java.util.concurrent.CompletionStage;

/**
 * Runs a configured hook list for a recovery event, off the actors' threads (hooks may take
 * minutes); completes with whether it failed and the audit lines (command, exit, output).
 */
public interface RecoveryHooks {
  CompletionStage<RecoveryProcedure.HookRun> run(Hook hook, HookEvent event);
}
