package topology;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How clusters get their aliases besides DetectClusterAliasQuery: manual overrides
 * (set-cluster-alias) win, then the servers' suggested alias, then ClusterNameToAlias patterns.
 */
public record AliasRules(List<NamePattern> clusterNameToAlias, Map<String, String> overrides) {

  public static final AliasRules NONE = new AliasRules(List.of(), Map.of());

  /** One ClusterNameToAlias entry: a regex on the cluster name and the alias it gives. */
  public record NamePattern(Pattern pattern, String alias) {}

  public AliasRules {
    clusterNameToAlias = List.copyOf(clusterNameToAlias);
    overrides = Map.copyOf(overrides);
  }

  String fromPatterns(String clusterName) {
    for (NamePattern p : clusterNameToAlias) {
      if (p.pattern().matcher(clusterName).find()) {
        return p.alias();
      }
    }
    return "";
  }
}
