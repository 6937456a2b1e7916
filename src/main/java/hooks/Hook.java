package hooks;

/**
 * The nine hook lists of orchestrator (api §9.1), with the config name used in audit lines and
 * the failure effect: lists that gate an action stop at their first failure, the others run
 * every command and report failures without acting on them.
 */
public enum Hook {
  ON_FAILURE_DETECTION("OnFailureDetectionProcesses", true),
  PRE_GRACEFUL_TAKEOVER("PreGracefulTakeoverProcesses", true),
  PRE_FAILOVER("PreFailoverProcesses", true),
  POST_MASTER_FAILOVER("PostMasterFailoverProcesses", false),
  POST_INTERMEDIATE_MASTER_FAILOVER("PostIntermediateMasterFailoverProcesses", false),
  POST_FAILOVER("PostFailoverProcesses", false),
  POST_UNSUCCESSFUL_FAILOVER("PostUnsuccessfulFailoverProcesses", false),
  POST_GRACEFUL_TAKEOVER("PostGracefulTakeoverProcesses", false),
  /** Runs through {@link HookRunner#runPostTakeMaster}: no placeholders, two arguments. */
  POST_TAKE_MASTER("PostTakeMasterProcesses", false);

  private final String configName;
  private final boolean stopOnFailure;

  Hook(String configName, boolean stopOnFailure) {
    this.configName = configName;
    this.stopOnFailure = stopOnFailure;
  }

  /** orchestrator's config key, e.g. {@code PreFailoverProcesses}; audit lines use it. */
  public String configName() {
    return configName;
  }

  /** True for the lists whose first failure aborts the action (and the remaining hooks). */
  public boolean stopOnFailure() {
    return stopOnFailure;
  }
}
