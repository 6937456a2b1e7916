package mysql;

/**
 * The optional per-server queries of orchestrator's configuration. Each returns one value: the
 * first column of the first row. Three of them have a host-name pattern alternative; when both
 * are configured the query wins, and the pattern is used only when the query fails.
 */
public enum CustomQuery {
  REPLICATION_LAG("ReplicationLagQuery", null),
  CLUSTER_ALIAS("DetectClusterAliasQuery", null),
  CLUSTER_DOMAIN("DetectClusterDomainQuery", null),
  INSTANCE_ALIAS("DetectInstanceAliasQuery", null),
  DATA_CENTER("DetectDataCenterQuery", "DataCenterPattern"),
  REGION("DetectRegionQuery", "RegionPattern"),
  PHYSICAL_ENVIRONMENT("DetectPhysicalEnvironmentQuery", "PhysicalEnvironmentPattern"),
  PROMOTION_RULE("DetectPromotionRuleQuery", null),
  SEMI_SYNC_ENFORCED("DetectSemiSyncEnforcedQuery", null);

  private final String settingName;
  private final String patternSettingName;

  CustomQuery(String settingName, String patternSettingName) {
    this.settingName = settingName;
    this.patternSettingName = patternSettingName;
  }

  /** orchestrator's configuration key, used in warnings and validation messages. */
  public String settingName() {
    return settingName;
  }

  /** The configuration key of the host-name pattern alternative, or null when there is none. */
  public String patternSettingName() {
    return patternSettingName;
  }

  public boolean hasPattern() {
    return patternSettingName != null;
  }
}
