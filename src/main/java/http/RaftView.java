package http;

import java.util.List;

/**
 * This node's view of the orcha cluster, in raft terms (§6.2): orcha is a Pekko Cluster whose
 * leader is the oldest Up member, as long as a majority of the members is reachable.
 *
 * @param self this node's cluster address, {@code host:port} (RaftBind)
 * @param state {@code Leader}, {@code Follower}, {@code Candidate} (not Up yet, or no majority in
 *     sight) or {@code Shutdown} (leaving, downed)
 * @param leader the leader's cluster address; {@code ""} when this node cannot tell
 * @param peers every member's cluster address, sorted
 * @param partOfQuorum Up and seeing a majority of the members reachable
 */
public record RaftView(String self, String state, String leader, List<String> peers,
    boolean partOfQuorum) {

  public RaftView {
    peers = List.copyOf(peers);
  }
}
