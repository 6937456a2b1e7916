package topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Quorum-agreed detection: with several orcha nodes, a failure that would trigger a recovery is
 * acted on only when a majority of the nodes see it — each through its own probes — within a
 * freshness window. One node's view (a network problem between it and a data center) is not
 * enough to fail a master over.
 */
public final class DetectionQuorum {

  private DetectionQuorum() {}

  /** What one node saw at {@code at}: the recovery action each failing server calls for. */
  public record Opinion(String node, Instant at, Map<InstanceKey, RecoveryAction> seen) {
    public Opinion {
      seen = Map.copyOf(seen);
    }
  }

  /**
   * @param agreed a majority sees it
   * @param nodes the nodes that see it, this one first
   * @param needed how many make a majority
   * @param members how many nodes the cluster has
   */
  public record Agreement(boolean agreed, List<String> nodes, int needed, int members) {
    public Agreement {
      nodes = List.copyOf(nodes);
    }

    /** e.g. {@code 2 of 3 nodes see DeadMaster on h:1 [a, b]; a majority is 2}. */
    public String describe(AnalysisCode code, InstanceKey key) {
      return nodes.size() + " of " + members + " nodes see " + code + " on " + key + " " + nodes
          + "; a majority is " + needed;
    }
  }

  /**
   * Whether a majority of {@code members} nodes sees {@code action} on {@code key}: this node
   * (which does) and every other node whose latest opinion is fresh and says the same.
   */
  public static Agreement agree(InstanceKey key, RecoveryAction action, String self,
      Collection<Opinion> others, int members, Instant now, Duration freshness) {
    int needed = Math.max(members, 1) / 2 + 1;
    List<String> nodes = new ArrayList<>();
    nodes.add(self);
    for (Opinion o : others) {
      if (o.node().equals(self) || o.at().plus(freshness).isBefore(now)) {
        continue;
      }
      if (o.seen().get(key) == action) {
        nodes.add(o.node());
      }
    }
    return new Agreement(nodes.size() >= needed, nodes, needed, Math.max(members, 1));
  }
}
