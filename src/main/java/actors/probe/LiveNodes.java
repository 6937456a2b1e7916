package actors.probe;

import actors.cluster.NodeAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Shared probing: follows the cluster's membership and reachability as this node sees them and
 * tells the {@link ProbeManager} the live nodes whenever that set changes; the manager
 * re-assigns the servers. A live node ("host:port") is a member Up and reachable that shares
 * its observations (its {@link ObservationSharer} is listed by the receptionist): a node
 * running without shared probing (a rolling configuration change) probes everything itself and
 * shares nothing, so no server may be left to it. This node is always live.
 */
public final class LiveNodes {

  private LiveNodes() {}

  /** A membership or reachability event: look at the cluster's state again. */
  private record MembersChanged() {}

  private record SharersChanged(Set<String> nodes) {}

  public static Behavior<Object> create(ActorRef<ProbeManager.Command> manager) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      String self = NodeAddress.self(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, e -> new MembersChanged()),
          ClusterEvent.ClusterDomainEvent.class));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(ObservationSharer.KEY,
          ctx.messageAdapter(Receptionist.Listing.class, l -> {
            Set<String> nodes = new HashSet<>();
            for (ActorRef<ObservationSharer.Command> r
                : l.getServiceInstances(ObservationSharer.KEY)) {
              Address a = r.path().address();
              nodes.add(a.getHost().isPresent() ? NodeAddress.hostPort(a) : self);
            }
            return new SharersChanged(Set.copyOf(nodes));
          })));
      var sharers = new java.util.concurrent.atomic.AtomicReference<Set<String>>(Set.of());
      var last = new java.util.concurrent.atomic.AtomicReference<Set<String>>(Set.of());
      return Behaviors.receiveMessage(m -> {
        if (m instanceof SharersChanged s) {
          sharers.set(s.nodes());
        }
        Set<String> live = live(cluster, sharers.get(), self);
        if (!live.equals(last.get())) {
          last.set(live);
          manager.tell(new ProbeManager.LiveNodes(live));
        }
        return Behaviors.same();
      });
    });
  }

  static Set<String> live(Cluster cluster, Set<String> sharers, String self) {
    var state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Set<String> live = new TreeSet<>();
    for (Member m : state.getMembers()) {
      String node = NodeAddress.hostPort(m.address());
      if (m.status() == MemberStatus.up() && !unreachable.contains(m) && sharers.contains(node)) {
        live.add(node);
      }
    }
    live.add(self);
    return Set.copyOf(live);
  }
}
