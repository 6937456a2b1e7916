package topology;

/**
 * What the configured Detect*Query queries (or hostname patterns) say about a server. Empty
 * strings when not configured or when the query failed (the failure is a probe warning).
 *
 * @param promotionRule from DetectPromotionRuleQuery; empty when not configured
 * @param replicationLagSeconds from ReplicationLagQuery; null when not configured or failed
 */
public record InstanceLabels(
    String instanceAlias,
    String suggestedClusterAlias,
    String clusterDomain,
    String dataCenter,
    String region,
    String physicalEnvironment,
    String promotionRule,
    int semiSyncPriority,
    Long replicationLagSeconds) {

  public static final InstanceLabels NONE = new InstanceLabels("", "", "", "", "", "", "", 0, null);

  public InstanceLabels {
    instanceAlias = nz(instanceAlias);
    suggestedClusterAlias = nz(suggestedClusterAlias);
    clusterDomain = nz(clusterDomain);
    dataCenter = nz(dataCenter);
    region = nz(region);
    physicalEnvironment = nz(physicalEnvironment);
    promotionRule = nz(promotionRule);
    if (replicationLagSeconds != null && replicationLagSeconds < 0) {
      replicationLagSeconds = 0L;
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s.trim();
  }

  InstanceLabels withoutLag() {
    return new InstanceLabels(instanceAlias, suggestedClusterAlias, clusterDomain, dataCenter,
        region, physicalEnvironment, promotionRule, semiSyncPriority, null);
  }
}
