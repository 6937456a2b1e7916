package actors.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** How many nodes make a majority: more than half of every member the cluster lists. */
public final class Majority {

  private Majority() {}

  /**
   * Members in any status count (unreachable and downed ones too, until removed), and never
   * fewer than the configured nodes: a majority is never computed over only those that answer.
   * 1 outside a cluster (tests).
   */
  public static int members(ActorSystem<?> system) {
    if (!system.settings().classicSettings().ProviderClass().contains("Cluster")) {
      return 1;
    }
    int n = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() != MemberStatus.removed()) {
        n++;
      }
    }
    // the configured nodes count too: a node that started first (or alone) is not a majority
    // of a cluster of one while the others are still joining
    return Math.max(Math.max(n, configured(system)), 1);
  }

  /** The orcha nodes of the configuration (orcha.cluster.nodes, as Pekko's seed nodes). */
  public static int configured(ActorSystem<?> system) {
    var config = system.settings().config();
    return config.hasPath("pekko.cluster.seed-nodes")
        ? config.getStringList("pekko.cluster.seed-nodes").size() : 0;
  }

  public static int of(ActorSystem<?> system) {
    return members(system) / 2 + 1;
  }
}
