package actors.node;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node is the leader: the oldest Up member among those reachable, while it sees a
 * majority of the members reachable — so an isolated old leader stops calling itself leader as
 * soon as it notices the partition, and the others pick the next-oldest as soon as they notice
 * the old one gone. Every node's recovery coordinator acts only while its node is the leader,
 * and only under a fence held by a majority.
 */
public final class Leadership {

  private final Cluster cluster;
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;
  private final actors.cluster.FenceLease lease = actors.cluster.FenceLease.systemTime();

  public Leadership(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    this.system = system;
    this.cluster = Cluster.get(system);
  }

  /** The leader's fence, as recently acknowledged by a majority (renewed by its coordinator). */
  public actors.cluster.FenceLease lease() {
    return lease;
  }

  /**
   * What leader-check answers: the leader, and its fence acknowledged by a majority within the
   * last second — an isolated leader stops answering 200 before the failure detector tells.
   */
  public boolean leadsWithFence() {
    return isLeader() && lease.fresh();
  }

  public boolean isLeader() {
    Member self = cluster.selfMember();
    return self.status() == MemberStatus.up() && inHealthyMajority()
        && self.equals(oldestReachableUp());
  }

  /**
   * The oldest Up member that is reachable: the leader. A crashed or cut-off leader is passed
   * over as soon as the failure detector says so, not only once the Split Brain Resolver has
   * removed it; the fence (actors.cluster.Fencer) makes sure an old leader that still believes
   * in itself cannot act.
   */
  private Member oldestReachableUp() {
    var state = cluster.state();
    Member oldest = null;
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() && !state.getUnreachable().contains(m)
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest;
  }

  /**
   * Part of a healthy majority (raft-health): Up and seeing, reachable and Up, a majority of the
   * nodes — counted over the configured nodes and every member listed, so a node alone (the
   * first to start, or cut off) is no majority.
   */
  public boolean inHealthyMajority() {
    if (cluster.selfMember().status() != MemberStatus.up()) {
      return false;
    }
    var state = cluster.state();
    int reachableUp = 0;
    for (Member m : state.getMembers()) {
      if ((m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
          && !state.getUnreachable().contains(m)) {
        reachableUp++;
      }
    }
    return reachableUp >= actors.cluster.Majority.of(system);
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
    Member oldest = quorum ? oldestReachableUp() : null;
    List<String> peers = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      peers.add(hostPort(m.address()));
    }
    peers.sort(null);
    return new http.RaftView(hostPort(self.address()), state,
        oldest == null ? "" : hostPort(oldest.address()), peers, quorum);
  }

  static String hostPort(Address a) {
    return actors.cluster.NodeAddress.hostPort(a);
  }
}
