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
 *
 * <p>With shared probing (each server probed regularly by one node, the observations shared)
 * every node's picture holds the same observation of a server, so seeing a failure in the
 * picture is no longer independent: a node counts (in its opinion, and the leader in its own
 * vote) only failures its OWN latest probe of the server confirmed ({@link OwnProbes}). A
 * shared failure observation alone never makes a majority.
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
   * @param nodes the nodes that see it, this one first (unless its own probes did not confirm
   *     it: shared probing)
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
   * Which failures this node saw itself. {@code shared}: the picture also holds observations
   * of other nodes (shared probing); without them every observation is this node's own and
   * every failure in the picture is confirmed. {@code failedAt}: the servers whose latest probe
   * BY THIS NODE failed, and when.
   */
  public record OwnProbes(boolean shared, Map<InstanceKey, Instant> failedAt) {

    /** Without shared probing: everything in the picture was seen by this node. */
    public static final OwnProbes ALL = new OwnProbes(false, Map.of());

    public OwnProbes {
      failedAt = Map.copyOf(failedAt);
    }

    /**
     * Whether this node confirms the failure the picture shows for {@code key}: nothing to
     * confirm when the picture has the server reachable (its facts come from a probe that
     * reached it, whoever ran it); otherwise this node's own latest probe of it must have
     * failed, no earlier than the server was last seen (an old own failure, from before the
     * server answered again, confirms nothing).
     */
    public boolean confirms(InstanceKey key, TopologySnapshot picture) {
      if (!shared) {
        return true;
      }
      java.util.Optional<InstanceView> v = picture.instance(key);
      if (v.isPresent() && v.get().lastCheckValid()) {
        return true;
      }
      Instant failed = failedAt.get(key);
      Instant lastSeen = v.map(x -> x.liveness().lastSeen()).orElse(null);
      return failed != null && (lastSeen == null || !failed.isBefore(lastSeen));
    }
  }

  /**
   * Whether a majority of {@code members} nodes sees {@code action} on {@code key}: this node
   * (which does) and every other node whose latest opinion is fresh and says the same.
   */
  public static Agreement agree(InstanceKey key, RecoveryAction action, String self,
      Collection<Opinion> others, int members, Instant now, Duration freshness) {
    return agree(key, action, self, true, others, members, now, freshness);
  }

  /**
   * As above; {@code selfConfirms}: whether this node's own probes confirm the failure (see
   * {@link OwnProbes}): when not, this node's vote does not count and only the others' opinions
   * (which count only what their own probes confirmed) can make the majority.
   */
  public static Agreement agree(InstanceKey key, RecoveryAction action, String self,
      boolean selfConfirms, Collection<Opinion> others, int members, Instant now,
      Duration freshness) {
    int needed = Math.max(members, 1) / 2 + 1;
    List<String> nodes = new ArrayList<>();
    if (selfConfirms) {
      nodes.add(self);
    }
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
