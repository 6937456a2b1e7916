package telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * orcha's own cluster, as this node sees it:
 *
 * <ul>
 *   <li>{@code orcha_cluster_members{reachability="reachable|unreachable"}}: the members this
 *       node's cluster state lists;
 *   <li>{@code orcha_cluster_leader}: 1 while this node is the leader (actors.node.Leadership);
 *   <li>{@code orcha_cluster_leader_fence_fresh}: 1 while it leads with its fence acknowledged by
 *       a majority within the last second (what leader-check answers 200 for);
 *   <li>{@code orcha_fence_write_duration_seconds{kind="claim|hold",result="acknowledged|lost"}}:
 *       fence writes to a majority of the nodes' keepers (a claim includes its first hold).
 * </ul>
 */
public final class ClusterMetrics {

  private final MeterRegistry registry;
  private final Timer[][] fence = new Timer[2][2];

  /** What a fence write was. */
  public enum FenceWrite { CLAIM, HOLD }

  ClusterMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (FenceWrite kind : FenceWrite.values()) {
      for (boolean ok : new boolean[] {true, false}) {
        fence[kind.ordinal()][ok ? 0 : 1] = Timer.builder("orcha.fence.write.duration")
            .description("Fence writes to a majority of the orcha nodes, by kind and result")
            .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
            .tag("result", ok ? "acknowledged" : "lost")
            .serviceLevelObjectives(Buckets.WRITE)
            .register(registry);
      }
    }
  }

  /**
   * Reads membership from {@code system}'s cluster state and leadership from the suppliers at
   * each scrape (both are thread-safe reads of the node's current view).
   */
  public void bind(ActorSystem<?> system, BooleanSupplier leader, BooleanSupplier fenceFresh) {
    Cluster cluster = Cluster.get(system);
    Gauge.builder("orcha.cluster.members", cluster, c -> members(c.state(), true))
        .description("Members of orcha's cluster as this node sees them, by reachability")
        .tag("reachability", "reachable")
        .strongReference(true)
        .register(registry);
    Gauge.builder("orcha.cluster.members", cluster, c -> members(c.state(), false))
        .description("Members of orcha's cluster as this node sees them, by reachability")
        .tag("reachability", "unreachable")
        .strongReference(true)
        .register(registry);
    Gauge.builder("orcha.cluster.leader", leader, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while this node is the leader")
        .strongReference(true)
        .register(registry);
    Gauge.builder("orcha.cluster.leader.fence.fresh", fenceFresh, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while this node leads with its fence acknowledged by a majority "
            + "within the last second (leader-check answers 200)")
        .strongReference(true)
        .register(registry);
  }

  static int members(ClusterEvent.CurrentClusterState state, boolean reachable) {
    int count = 0;
    for (Member m : state.getMembers()) {
      if (state.getUnreachable().contains(m) != reachable) {
        count++;
      }
    }
    return count;
  }

  /** One fence write ended. */
  public void fenceWritten(FenceWrite kind, boolean acknowledged, Duration took) {
    fence[kind.ordinal()][acknowledged ? 0 : 1].record(took);
  }
}
