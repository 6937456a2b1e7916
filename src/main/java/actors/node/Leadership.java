package actors.node;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node is the leader, decided by every node from its own view, the same way:
 *
 * <ol>
 *   <li>while a node holding the newest fence keeps renewing it (this node's keeper heard from
 *       it within {@link actors.cluster.FenceHolder#FRESH_FOR}) and is a reachable Up member,
 *       it is the leader — leadership is sticky: an older node that comes
 *       back after a partition does not take it back, and raft-yield moves it by having the
 *       chosen node claim a newer fence;
 *   <li>otherwise (at start, or when the holder crashed, was cut off or stopped renewing) the
 *       oldest reachable Up member that is not the silent holder leads; it claims a newer
 *       fence, which makes it the holder.
 * </ol>
 *
 * Only a node that sees a majority of the members reachable leads. Several nodes may briefly
 * believe they lead; the fence (actors.cluster.Fencer) lets only the newest act.
 */
public final class Leadership {

  private final Cluster cluster;
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;
  private final actors.cluster.FenceLease lease = actors.cluster.FenceLease.systemTime();
  private final actors.cluster.FenceHolder holder = actors.cluster.FenceHolder.systemTime();
  private final String self;

  public Leadership(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.self = actors.cluster.NodeAddress.self(system);
  }

  /** The leader's fence, as recently acknowledged by a majority (renewed by its coordinator). */
  public actors.cluster.FenceLease lease() {
    return lease;
  }

  /** Who holds the newest fence, as this node's keeper saw it (updated by the keeper). */
  public actors.cluster.FenceHolder holder() {
    return holder;
  }

  /**
   * What leader-check answers: the leader, and its fence acknowledged by a majority within the
   * last second — an isolated leader stops answering 200 before the failure detector tells.
   */
  public boolean leadsWithFence() {
    return isLeader() && lease.fresh();
  }

  public boolean isLeader() {
    Member me = cluster.selfMember();
    return me.status() == MemberStatus.up() && inHealthyMajority() && me.equals(leader());
  }

  /** The leader by the rule above, among the members this node sees; null if none. */
  private Member leader() {
    var state = cluster.state();
    String newest = holder.newest().node();
    // this node's keeper acknowledged the holder lately (for this node itself too: a leader cut
    // off stops renewing once it sees no majority, and its fence needs a majority anyway)
    boolean fresh = holder.freshHolder().isPresent();
    Member holding = null;
    Member oldestOther = null;
    Member oldest = null;
    for (Member m : state.getMembers()) {
      if (m.status() != MemberStatus.up() || state.getUnreachable().contains(m)) {
        continue;
      }
      if (hostPort(m.address()).equals(newest)) {
        holding = m;
      } else if (oldestOther == null || m.isOlderThan(oldestOther)) {
        oldestOther = m;
      }
      if (oldest == null || m.isOlderThan(oldest)) {
        oldest = m;
      }
    }
    if (holding != null && fresh) {
      return holding;
    }
    // the holder is silent (or gone): the oldest of the others claims; the holder itself only
    // when no other member is there (a node alone, restarted, claims again)
    return oldestOther != null ? oldestOther : oldest;
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
    Member oldest = quorum ? leader() : null;
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
