package topology;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The configuration recovery reads (orchestrator-api.md §10), built once from orcha's Settings.
 * Pure values: {@link RecoveryPolicy} and {@link PromotionPlanner} take it as an argument.
 *
 * @param masterClusterFilters RecoverMasterClusterFilters (master and co-master recovery; see
 *     {@link ClusterFilters}); empty = no automated master recovery
 * @param intermediateMasterClusterFilters RecoverIntermediateMasterClusterFilters (also dead
 *     group members, as orchestrator)
 * @param recoverNonWriteableMaster RecoverNonWriteableMaster
 * @param recoverLockedSemiSyncMaster RecoverLockedSemiSyncMaster
 * @param enforceExactSemiSyncReplicas EnforceExactSemiSyncReplicas
 * @param recoveryPeriodBlock RecoveryPeriodBlockSeconds: how long a recovery blocks another on
 *     its cluster, counted in orcha from the recovery's <em>end</em> (orchestrator: from its
 *     start, so a recovery longer than the block never blocked anything)
 * @param emergencyGracePeriod how long DeadMaster, DeadMasterAndSomeReplicas and
 *     LockedSemiSyncMaster are left alone after an emergency operation on the server
 *     (orchestrator: fixed 5 s)
 * @param preventCrossDataCenterMasterFailover PreventCrossDataCenterMasterFailover
 * @param preventCrossRegionMasterFailover PreventCrossRegionMasterFailover
 * @param failMasterPromotionOnLagMinutes FailMasterPromotionOnLagMinutes (0 = off)
 * @param failMasterPromotionIfSqlThreadNotUpToDate FailMasterPromotionIfSQLThreadNotUpToDate:
 *     refuse instead of waiting for the promoted server to apply its relay logs
 * @param delayMasterPromotionIfSqlThreadNotUpToDate DelayMasterPromotionIfSQLThreadNotUpToDate;
 *     orcha always waits (lossless), so this only shows in the audit
 * @param coMasterRecoveryMustPromoteOtherCoMaster CoMasterRecoveryMustPromoteOtherCoMaster
 * @param detachLostReplicasAfterMasterFailover DetachLostReplicasAfterMasterFailover
 * @param applyMySqlPromotionAfterMasterFailover ApplyMySQLPromotionAfterMasterFailover: RESET
 *     SLAVE ALL and read_only=0 on the new master, read_only=1 on the old one
 * @param masterFailoverDetachReplicaMasterHost MasterFailoverDetachReplicaMasterHost
 * @param promotionIgnoreHostnameFilters PromotionIgnoreHostnameFilters: a regex found in a host
 *     name bans it from promotion (as {@code must_not})
 * @param moves the move rules relocations during recovery follow: its
 *     ReasonableMaintenanceReplicationLagSeconds also bounds graceful takeover
 * @param allowLosingTransactions orcha's own setting: promote a server that did not receive
 *     everything another reachable replica received when no lossless plan exists (default off:
 *     such a recovery is refused)
 */
public record RecoverySettings(
    List<String> masterClusterFilters,
    List<String> intermediateMasterClusterFilters,
    boolean recoverNonWriteableMaster,
    boolean recoverLockedSemiSyncMaster,
    boolean enforceExactSemiSyncReplicas,
    Duration recoveryPeriodBlock,
    Duration emergencyGracePeriod,
    boolean preventCrossDataCenterMasterFailover,
    boolean preventCrossRegionMasterFailover,
    int failMasterPromotionOnLagMinutes,
    boolean failMasterPromotionIfSqlThreadNotUpToDate,
    boolean delayMasterPromotionIfSqlThreadNotUpToDate,
    boolean coMasterRecoveryMustPromoteOtherCoMaster,
    boolean detachLostReplicasAfterMasterFailover,
    boolean applyMySqlPromotionAfterMasterFailover,
    boolean masterFailoverDetachReplicaMasterHost,
    List<Pattern> promotionIgnoreHostnameFilters,
    MoveSettings moves,
    boolean allowLosingTransactions) {

  /** orchestrator's defaults (no automated recovery until filters are configured). */
  public static final RecoverySettings DEFAULTS = builder().build();

  public RecoverySettings {
    masterClusterFilters = masterClusterFilters == null ? List.of()
        : List.copyOf(masterClusterFilters);
    intermediateMasterClusterFilters = intermediateMasterClusterFilters == null ? List.of()
        : List.copyOf(intermediateMasterClusterFilters);
    recoveryPeriodBlock = recoveryPeriodBlock == null ? Duration.ofHours(1) : recoveryPeriodBlock;
    emergencyGracePeriod = emergencyGracePeriod == null ? Duration.ofSeconds(5)
        : emergencyGracePeriod;
    promotionIgnoreHostnameFilters = promotionIgnoreHostnameFilters == null ? List.of()
        : List.copyOf(promotionIgnoreHostnameFilters);
    moves = moves == null ? MoveSettings.DEFAULTS : moves;
    if (recoveryPeriodBlock.isNegative()) {
      throw new IllegalArgumentException(
          "RecoveryPeriodBlockSeconds must be >= 0, got " + recoveryPeriodBlock.toSeconds());
    }
    if (emergencyGracePeriod.isNegative()) {
      throw new IllegalArgumentException("emergency grace period must be >= 0, got "
          + emergencyGracePeriod);
    }
    if (failMasterPromotionOnLagMinutes < 0) {
      throw new IllegalArgumentException(
          "FailMasterPromotionOnLagMinutes must be >= 0, got " + failMasterPromotionOnLagMinutes);
    }
    if (failMasterPromotionIfSqlThreadNotUpToDate && delayMasterPromotionIfSqlThreadNotUpToDate) {
      throw new IllegalArgumentException("FailMasterPromotionIfSQLThreadNotUpToDate and"
          + " DelayMasterPromotionIfSQLThreadNotUpToDate are mutually exclusive");
    }
  }

  /** ReasonableMaintenanceReplicationLagSeconds. */
  public long reasonableMaintenanceLagSeconds() {
    return moves.reasonableMaintenanceLagSeconds();
  }

  /** PromotionIgnoreHostnameFilters: a filter found anywhere in the host name (Go's MatchString). */
  public boolean ignoredForPromotion(String hostname) {
    return promotionIgnoreHostnameFilters.stream().anyMatch(p -> p.matcher(hostname).find());
  }

  /** The detection settings {@link AnalysisCode#actionUnder} reads. */
  public AnalysisSettings analysisSettings() {
    return AnalysisSettings.DEFAULTS.withRecoverNonWriteableMaster(recoverNonWriteableMaster)
        .withRecoverLockedSemiSyncMaster(recoverLockedSemiSyncMaster)
        .withEnforceExactSemiSyncReplicas(enforceExactSemiSyncReplicas);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.masterClusterFilters = masterClusterFilters;
    b.intermediateMasterClusterFilters = intermediateMasterClusterFilters;
    b.recoverNonWriteableMaster = recoverNonWriteableMaster;
    b.recoverLockedSemiSyncMaster = recoverLockedSemiSyncMaster;
    b.enforceExactSemiSyncReplicas = enforceExactSemiSyncReplicas;
    b.recoveryPeriodBlock = recoveryPeriodBlock;
    b.emergencyGracePeriod = emergencyGracePeriod;
    b.preventCrossDataCenterMasterFailover = preventCrossDataCenterMasterFailover;
    b.preventCrossRegionMasterFailover = preventCrossRegionMasterFailover;
    b.failMasterPromotionOnLagMinutes = failMasterPromotionOnLagMinutes;
    b.failMasterPromotionIfSqlThreadNotUpToDate = failMasterPromotionIfSqlThreadNotUpToDate;
    b.delayMasterPromotionIfSqlThreadNotUpToDate = delayMasterPromotionIfSqlThreadNotUpToDate;
    b.coMasterRecoveryMustPromoteOtherCoMaster = coMasterRecoveryMustPromoteOtherCoMaster;
    b.detachLostReplicasAfterMasterFailover = detachLostReplicasAfterMasterFailover;
    b.applyMySqlPromotionAfterMasterFailover = applyMySqlPromotionAfterMasterFailover;
    b.masterFailoverDetachReplicaMasterHost = masterFailoverDetachReplicaMasterHost;
    b.promotionIgnoreHostnameFilters = promotionIgnoreHostnameFilters;
    b.moves = moves;
    b.allowLosingTransactions = allowLosingTransactions;
    return b;
  }

  /** Mutable assembler, defaults as orchestrator's (and orcha's allowLosingTransactions=false). */
  public static final class Builder {
    private List<String> masterClusterFilters = List.of();
    private List<String> intermediateMasterClusterFilters = List.of();
    private boolean recoverNonWriteableMaster;
    private boolean recoverLockedSemiSyncMaster;
    private boolean enforceExactSemiSyncReplicas;
    private Duration recoveryPeriodBlock = Duration.ofHours(1);
    private Duration emergencyGracePeriod = Duration.ofSeconds(5);
    private boolean preventCrossDataCenterMasterFailover;
    private boolean preventCrossRegionMasterFailover;
    private int failMasterPromotionOnLagMinutes;
    private boolean failMasterPromotionIfSqlThreadNotUpToDate;
    private boolean delayMasterPromotionIfSqlThreadNotUpToDate;
    private boolean coMasterRecoveryMustPromoteOtherCoMaster = true;
    private boolean detachLostReplicasAfterMasterFailover = true;
    private boolean applyMySqlPromotionAfterMasterFailover = true;
    private boolean masterFailoverDetachReplicaMasterHost;
    private List<Pattern> promotionIgnoreHostnameFilters = List.of();
    private MoveSettings moves = MoveSettings.DEFAULTS;
    private boolean allowLosingTransactions;

    private Builder() {}

    public Builder masterClusterFilters(List<String> v) { masterClusterFilters = v; return this; }
    public Builder intermediateMasterClusterFilters(List<String> v) { intermediateMasterClusterFilters = v; return this; }
    public Builder recoverNonWriteableMaster(boolean v) { recoverNonWriteableMaster = v; return this; }
    public Builder recoverLockedSemiSyncMaster(boolean v) { recoverLockedSemiSyncMaster = v; return this; }
    public Builder enforceExactSemiSyncReplicas(boolean v) { enforceExactSemiSyncReplicas = v; return this; }
    public Builder recoveryPeriodBlock(Duration v) { recoveryPeriodBlock = v; return this; }
    public Builder emergencyGracePeriod(Duration v) { emergencyGracePeriod = v; return this; }
    public Builder preventCrossDataCenterMasterFailover(boolean v) { preventCrossDataCenterMasterFailover = v; return this; }
    public Builder preventCrossRegionMasterFailover(boolean v) { preventCrossRegionMasterFailover = v; return this; }
    public Builder failMasterPromotionOnLagMinutes(int v) { failMasterPromotionOnLagMinutes = v; return this; }
    public Builder failMasterPromotionIfSqlThreadNotUpToDate(boolean v) { failMasterPromotionIfSqlThreadNotUpToDate = v; return this; }
    public Builder delayMasterPromotionIfSqlThreadNotUpToDate(boolean v) { delayMasterPromotionIfSqlThreadNotUpToDate = v; return this; }
    public Builder coMasterRecoveryMustPromoteOtherCoMaster(boolean v) { coMasterRecoveryMustPromoteOtherCoMaster = v; return this; }
    public Builder detachLostReplicasAfterMasterFailover(boolean v) { detachLostReplicasAfterMasterFailover = v; return this; }
    public Builder applyMySqlPromotionAfterMasterFailover(boolean v) { applyMySqlPromotionAfterMasterFailover = v; return this; }
    public Builder masterFailoverDetachReplicaMasterHost(boolean v) { masterFailoverDetachReplicaMasterHost = v; return this; }
    public Builder promotionIgnoreHostnameFilters(List<Pattern> v) { promotionIgnoreHostnameFilters = v; return this; }
    public Builder moves(MoveSettings v) { moves = v; return this; }
    public Builder allowLosingTransactions(boolean v) { allowLosingTransactions = v; return this; }

    public RecoverySettings build() {
      return new RecoverySettings(masterClusterFilters, intermediateMasterClusterFilters,
          recoverNonWriteableMaster, recoverLockedSemiSyncMaster, enforceExactSemiSyncReplicas,
          recoveryPeriodBlock, emergencyGracePeriod, preventCrossDataCenterMasterFailover,
          preventCrossRegionMasterFailover, failMasterPromotionOnLagMinutes,
          failMasterPromotionIfSqlThreadNotUpToDate, delayMasterPromotionIfSqlThreadNotUpToDate,
          coMasterRecoveryMustPromoteOtherCoMaster, detachLostReplicasAfterMasterFailover,
          applyMySqlPromotionAfterMasterFailover, masterFailoverDetachReplicaMasterHost,
          promotionIgnoreHostnameFilters, moves, allowLosingTransactions);
    }
  }
}
