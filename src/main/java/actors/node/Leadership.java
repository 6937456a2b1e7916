package actors.node;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
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
    return self.status() == MemberStatus.up() && inHealthyMajority()
        && self.equals(oldestUp());
  }

  /** The oldest Up member: where the cluster singletons run. */
  private Member oldestUp() {
    Member oldest = null;
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest;
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

  /** This node's view in raft terms (raft-state, raft-leader, raft-peers, raft-status). */
  public http.RaftView view() {
    Member self = cluster.selfMember();
    boolean quorum = inHealthyMajority();
    String state;
    if (self.status() == MemberStatus.down() || self.status() == MemberStatus.exiting()
        || self.status() == MemberStatus.leaving() || self.status() == MemberStatus.removed()) {
      state = "Shutdown";
    } else if (!quorum) {
      state = "Candidate";
    } else {
      state = isLeader() ? "Leader" : "Follower";
    }
    Member oldest = quorum ? oldestUp() : null;
    List<String> peers = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      peers.add(hostPort(m.address()));
    }
    peers.sort(null);
    return new http.RaftView(hostPort(self.address()), state,
        oldest == null ? "" : hostPort(oldest.address()), peers, quorum);
  }

  static String hostPort(Address a) {
    return a.getHost().orElse("") + ":" + a.getPort().map(String::valueOf).orElse("");
  }
}
