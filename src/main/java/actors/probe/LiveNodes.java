package actors.probe;

import actors.cluster.NodeAddress;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Shared probing: follows the cluster's membership and reachability as this node sees them and
 * tells the {@link ProbeManager} the live nodes (members Up and reachable, plus this node
 * itself, by "host:port") whenever that set changes; the manager re-assigns the servers.
 */
public final class LiveNodes {

  private LiveNodes() {}

  /** A membership or reachability event: look at the cluster's state again. */
  private record Changed() {}

  public static Behavior<Object> create(ActorRef<ProbeManager.Command> manager) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, e -> new Changed()),
          ClusterEvent.ClusterDomainEvent.class));
      var last = new java.util.concurrent.atomic.AtomicReference<Set<String>>(Set.of());
      return Behaviors.receiveMessage(m -> {
        Set<String> live = live(cluster);
        if (!live.equals(last.get())) {
          last.set(live);
          manager.tell(new ProbeManager.LiveNodes(live));
        }
        return Behaviors.same();
      });
    });
  }

  static Set<String> live(Cluster cluster) {
    var state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Set<String> live = new TreeSet<>();
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() && !unreachable.contains(m)) {
        live.add(NodeAddress.hostPort(m.address()));
      }
    }
    live.add(NodeAddress.hostPort(cluster.selfMember().address()));
    return Set.copyOf(live);
  }
}
