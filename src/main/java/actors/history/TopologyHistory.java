package actors.history;

import backend.HistoryStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import topology.InstanceKey;
import topology.TopologyChange;

/**
 * Reads the topology history this node recorded, on the blocking executor; converts between
 * the domain's {@link TopologyChange} and the store's rows.
 */
public final class TopologyHistory {

  private final HistoryStore store;
  private final Executor blocking;

  public TopologyHistory(HistoryStore store, Executor blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  public CompletionStage<List<TopologyChange>> query(TopologyChange.Query q) {
    HistoryStore.Query sq = new HistoryStore.Query(q.key() == null ? null : key(q.key()),
        q.clusterNames(), q.clusterAliases(),
        q.members().stream().sorted().map(TopologyHistory::key).toList(), q.since(), q.until(),
        q.limit(), q.oldestFirst());
    return CompletableFuture.supplyAsync(() -> store.query(sq).stream()
        .map(TopologyHistory::change).flatMap(Optional::stream).toList(), blocking);
  }

  /** How many entries the store holds. */
  public CompletionStage<Long> count() {
    return CompletableFuture.supplyAsync(store::count, blocking);
  }

  static HistoryStore.Key key(InstanceKey k) {
    return new HistoryStore.Key(k.hostname(), k.port());
  }

  static HistoryStore.Row row(TopologyChange c) {
    return new HistoryStore.Row(0, c.at(), c.key().hostname(), c.key().port(), c.clusterName(),
        c.clusterAlias(), c.kind().label(), c.before(), c.after(), c.message());
  }

  /** A stored row; empty for a kind this version does not know (written by a newer one). */
  static Optional<TopologyChange> change(HistoryStore.Row r) {
    return TopologyChange.Kind.fromLabel(r.kind()).map(kind -> new TopologyChange(r.at(),
        new InstanceKey(r.hostname(), r.port()), r.clusterName(), r.clusterAlias(), kind,
        r.before(), r.after(), r.message()));
  }
}
