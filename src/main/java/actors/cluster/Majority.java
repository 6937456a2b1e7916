package actors.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** How many nodes make a majority: more than half of every member the cluster lists. */
public final class Majority {

  private Majority() {}

  /**
   * Members in any status count (unreachable and downed ones too, until removed): a majority
   * is never computed over only those that answer. 1 outside a cluster (tests).
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
    return Math.max(n, 1);
  }

  public static int of(ActorSystem<?> system) {
    return members(system) / 2 + 1;
  }
}
