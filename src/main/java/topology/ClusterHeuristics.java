package topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * orchestrator's heuristic server lists of a cluster (orchestrator-api.md §4.1, §4.2): the
 * control replicas of an online schema change ({@code cluster-osc-replicas}) and the pooled
 * servers of a cluster ({@code heuristic-cluster-pool-instances}), with their heuristic lag.
 * Pure.
 */
public final class ClusterHeuristics {

  private ClusterHeuristics() {}

  /**
   * Replicas fit to control a pt-online-schema-change, as orchestrator picks them: up to two
   * first-tier intermediate masters (most replicas first); then two replicas of the one
   * intermediate master found, or one replica of each of two; then up to two third-tier
   * replicas; then up to two first-tier replicas without replicas. Only servers whose last
   * check is valid count. Ties are broken by host and port (orchestrator's sort is unstable).
   */
  public static List<InstanceView> oscReplicas(TopologySnapshot s, String clusterName) {
    List<InstanceView> cluster = s.clusterInstances(clusterName);
    Comparator<InstanceView> busiestFirst = Comparator
        .comparingInt((InstanceView v) -> -s.replicasOf(v.key()).size())
        .thenComparing(InstanceView::key);
    List<InstanceView> result = new ArrayList<>();

    List<InstanceView> intermediateMasters = fit(cluster.stream()
        .filter(v -> v.replicationDepth() == 1 && !s.replicasOf(v.key()).isEmpty())
        .sorted(busiestFirst).toList());
    intermediateMasters = first(intermediateMasters, 2);
    result.addAll(intermediateMasters);
    if (intermediateMasters.size() == 1) {
      result.addAll(first(fit(s.replicasOf(intermediateMasters.get(0).key()).stream()
          .sorted(busiestFirst).toList()), 2));
    } else if (intermediateMasters.size() == 2) {
      for (InstanceView im : intermediateMasters) {
        first(fit(s.replicasOf(im.key()).stream().sorted(busiestFirst).toList()), 1)
            .forEach(result::add);
      }
    }
    result.addAll(first(fit(cluster.stream().filter(v -> v.replicationDepth() == 3)
        .sorted(busiestFirst).toList()), 2));
    result.addAll(first(fit(cluster.stream()
        .filter(v -> v.replicationDepth() == 1 && s.replicasOf(v.key()).isEmpty())
        .sorted(Comparator.comparing(InstanceView::key)).toList()), 2));
    return result;
  }

  /**
   * The servers of a cluster that are in a pool ({@code pooled}: the keys of one pool, or of
   * every pool), by host and port; only those whose last check is valid.
   */
  public static List<InstanceView> poolInstances(TopologySnapshot s, String clusterName,
      Set<InstanceKey> pooled) {
    return s.clusterInstances(clusterName).stream()
        .filter(v -> pooled.contains(v.key()))
        .filter(InstanceView::lastCheckValid)
        .sorted(Comparator.comparing(InstanceView::key))
        .toList();
  }

  /**
   * The largest replication lag among {@code instances} (unknown lag counts as none).
   *
   * @throws IllegalArgumentException when there are none (orchestrator's text)
   */
  public static long maxLag(List<InstanceView> instances) {
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("No instances found in GetInstancesMaxLag");
    }
    long max = 0;
    for (InstanceView v : instances) {
      Long lag = v.instance().replicationLagSeconds();
      if (lag != null && lag > max) {
        max = lag;
      }
    }
    return max;
  }

  private static List<InstanceView> fit(List<InstanceView> candidates) {
    return candidates.stream().filter(InstanceView::lastCheckValid).toList();
  }

  private static List<InstanceView> first(List<InstanceView> l, int n) {
    return l.subList(0, Math.min(n, l.size()));
  }
}
