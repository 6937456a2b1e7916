package actors.node;

import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node is the leader: it hosts the cluster singleton (the oldest Up member, which
 * is where Cluster Singleton runs) and sees a majority of the members reachable, so that an
 * isolated old leader stops calling itself leader as soon as it notices the partition.
 */
public final class Leadership {

  private final Cluster cluster;

  public Leadership(Cluster cluster) {
    this.cluster = cluster;
  }

  public boolean isLeader() {
    Member self = cluster.selfMember();
    if (self.status() != MemberStatus.up()) {
      return false;
    }
    var state = cluster.state();
    int up = 0;
    Member oldest = null;
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
        if (oldest == null || m.isOlderThan(oldest)) {
          oldest = m;
        }
      }
    }
    int unreachable = state.getUnreachable().size();
    boolean majority = up > 0 && (up - unreachable) * 2 > up;
    return self.equals(oldest) && majority;
  }

  /** Part of a healthy majority (raft-health): Up and seeing more than half of the members. */
  public boolean inHealthyMajority() {
    if (cluster.selfMember().status() != MemberStatus.up()) {
      return false;
    }
    var state = cluster.state();
    int members = 0;
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
        members++;
      }
    }
    return members > 0 && (members - state.getUnreachable().size()) * 2 > members;
  }
}
