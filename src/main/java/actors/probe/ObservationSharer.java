package actors.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import topology.InstanceKey;

/**
 * Shared probing: sends what this node's own probes observed to the other orcha nodes, and
 * hands what they observed to this node's {@link ProbeManager} (which gives it to the view and
 * learns servers it did not know). Keeps only the latest observation of each server between two
 * sends (every {@code share-every}); sends in chunks small enough for one cluster message. The
 * other nodes are found through the receptionist, like the recovery coordinators' opinions.
 */
public final class ObservationSharer {

  public sealed interface Command {}

  /** A result of one of this node's own probers. */
  public record Observed(ProbeObservation observation) implements Command {}

  /** What another node's probes observed (its latest result per server since its last send). */
  public record Shared(String node, List<ProbeObservation> observations)
      implements Command, CborSerializable {
    public Shared {
      observations = List.copyOf(observations);
    }
  }

  private record PeersChanged(Set<ActorRef<Command>> peers) implements Command {}

  private enum Send implements Command { INSTANCE }

  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "orcha-observations");

  /**
   * The most a cluster message carries, by {@link #estimatedBytes}: Pekko's Artery drops a
   * message over its maximum frame size (256 KiB by default), and an observation's size varies
   * a lot (a master with 100 replicas is ~8 KiB in CBOR, a plain replica ~2 KiB).
   */
  static final int CHUNK_BYTES = 64 * 1024;

  private final ActorContext<Command> ctx;
  private final String self;
  private final ActorRef<ProbeManager.Command> manager;
  // working memory: the latest own observation per server since the last send (insertion order)
  private final Map<InstanceKey, ProbeObservation> pending = new LinkedHashMap<>();
  private Set<ActorRef<Command>> peers = Set.of();

  /** {@code self}: this node's address ("host:port"), named in what it sends. */
  public static Behavior<Command> create(SharedProbingSettings settings, String self,
      ActorRef<ProbeManager.Command> manager) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(ObservationSharer.class);
      timers.startTimerWithFixedDelay(Send.INSTANCE, settings.shareEvery());
      var receptionist = ctx.getSystem().receptionist();
      receptionist.tell(Receptionist.register(KEY, ctx.getSelf()));
      receptionist.tell(Receptionist.subscribe(KEY, ctx.messageAdapter(Receptionist.Listing.class,
          l -> new PeersChanged(l.getServiceInstances(KEY)))));
      return new ObservationSharer(ctx, self, manager).behavior();
    }));
  }

  private ObservationSharer(ActorContext<Command> ctx, String self,
      ActorRef<ProbeManager.Command> manager) {
    this.ctx = ctx;
    this.self = self;
    this.manager = manager;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Observed.class, m -> {
          pending.put(m.observation().key(), m.observation());
          return Behaviors.same();
        })
        .onMessage(Send.class, m -> send())
        .onMessage(PeersChanged.class, m -> {
          peers = m.peers().stream().filter(p -> !p.equals(ctx.getSelf()))
              .collect(Collectors.toUnmodifiableSet());
          return Behaviors.same();
        })
        .onMessage(Shared.class, m -> {
          if (!m.node().equals(self) && !m.observations().isEmpty()) {
            manager.tell(new ProbeManager.ObservedElsewhere(m.node(), m.observations()));
          }
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> send() {
    if (pending.isEmpty()) {
      return Behaviors.same();
    }
    if (!peers.isEmpty()) {
      for (List<ProbeObservation> chunk : chunks(pending.values())) {
        Shared message = new Shared(self, chunk);
        peers.forEach(p -> p.tell(message));
      }
    }
    pending.clear(); // nobody to tell: a node that joins later gets the next observations
    return Behaviors.same();
  }

  /** Splits observations into messages of at most {@link #CHUNK_BYTES} (estimated) each. */
  static List<List<ProbeObservation>> chunks(java.util.Collection<ProbeObservation> all) {
    List<List<ProbeObservation>> out = new ArrayList<>();
    List<ProbeObservation> chunk = new ArrayList<>();
    long bytes = 0;
    for (ProbeObservation o : all) {
      long b = estimatedBytes(o);
      if (!chunk.isEmpty() && bytes + b > CHUNK_BYTES) {
        out.add(List.copyOf(chunk));
        chunk.clear();
        bytes = 0;
      }
      chunk.add(o);
      bytes += b;
    }
    if (!chunk.isEmpty()) {
      out.add(List.copyOf(chunk));
    }
    return out;
  }

  /**
   * An upper estimate of an observation's size in CBOR: twice its record text (every field name
   * and value, as CBOR carries them, with their type and length prefixes: measured ~1.2 x the
   * text; a few microseconds) plus a margin.
   */
  static long estimatedBytes(ProbeObservation o) {
    return 256L + 2L * o.toString().length();
  }
}
