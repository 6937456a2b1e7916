package actors.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/** A node's cluster address as orcha names it (raft-peers, fences, opinions): {@code host:port}. */
public final class NodeAddress {

  private NodeAddress() {}

  public static String hostPort(Address a) {
    return a.getHost().orElse("") + ":" + a.getPort().map(String::valueOf).orElse("");
  }

  /** This node's address. */
  public static String self(ActorSystem<?> system) {
    return hostPort(Cluster.get(system).selfMember().address());
  }
}
