package topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Failure detection: the replication analysis of a whole snapshot (orchestrator's
 * {@code GetReplicationAnalysis}). Pure: a snapshot and a context in, entries out; the same
 * input always gives the same list.
 *
 * <p>One entry per reached server whose code is not {@code NoProblem} or that has a structure
 * warning. Servers matching RecoveryIgnoreHostnameFilters are left out. Downtimed servers are
 * kept and marked ({@code IsDowntimed}, {@code SkippableDueToDowntime}); so are servers whose
 * replicas are all downtimed when the problem is the replicas' ({@code IsReplicasDowntimed}).
 * Servers never reached are not analysed (orchestrator has no row for them), but they are no
 * one's replicas either: only reached servers count as replicas.
 *
 * <p>Validity is {@link InstanceView#lastCheckValid()}: a server not re-checked since this node
 * started ({@link Liveness#restored}) is invalid, so right after a start every server looks
 * unreachable (typically {@code DeadMasterAndReplicas} or {@code UnreachableMaster}). This is
 * deliberate and matches orchestrator; the caller holds back detection hooks and recovery for
 * the start-up delay (3 x InstancePollSeconds) instead.
 *
 * <p>Order (§7.1): masters first, then cluster masters, then by replica count descending; ties
 * by host and port so that the order is stable.
 */
public final class Analyzer {

  private Analyzer() {}

  public static final Comparator<ReplicationAnalysis> ORDER =
      Comparator.comparing((ReplicationAnalysis a) -> !a.input().isMaster())
          .thenComparing(a -> !a.input().isClusterMaster())
          .thenComparing(a -> -a.input().countReplicas())
          .thenComparing(ReplicationAnalysis::key);

  /** Every entry of the snapshot, as the {@code replication-analysis} API lists them. */
  public static List<ReplicationAnalysis> analyze(TopologySnapshot snapshot,
      AnalysisContext ctx) {
    Map<InstanceKey, List<InstanceView>> replicas = replicasByMaster(snapshot);
    List<ReplicationAnalysis> out = new ArrayList<>();
    for (InstanceView v : snapshot.instances().values()) {
      if (ctx.settings().ignoresHost(v.key().hostname())) {
        continue;
      }
      ReplicationAnalysis a = analyze(v, replicas.getOrDefault(v.key(), List.of()), snapshot,
          ctx);
      if (a.relevant()) {
        out.add(a);
      }
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /** The entries of one cluster (by its name), in the same order. */
  public static List<ReplicationAnalysis> forCluster(TopologySnapshot snapshot,
      AnalysisContext ctx, String clusterName) {
    return analyze(snapshot, ctx).stream()
        .filter(a -> a.clusterDetails().clusterName().equals(clusterName)).toList();
  }

  /**
   * The listed entry of one server (none when it has no problem, is ignored or unknown), as
   * {@code replication-analysis/instance/:host/:port} returns it.
   */
  public static List<ReplicationAnalysis> forInstance(TopologySnapshot snapshot,
      AnalysisContext ctx, InstanceKey key) {
    return entry(snapshot, ctx, key)
        .filter(a -> a.relevant() && !ctx.settings().ignoresHost(key.hostname()))
        .stream().toList();
  }

  /**
   * The entry of one server whatever it says, {@code NoProblem} included and no filter applied:
   * for re-checking a problem before and after acting on it. Empty when the server is unknown.
   */
  public static Optional<ReplicationAnalysis> entry(TopologySnapshot snapshot,
      AnalysisContext ctx, InstanceKey key) {
    InstanceView v = snapshot.instances().get(key);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(analyze(v, snapshot.replicasOf(key).stream()
        .filter(r -> !r.key().equals(key)).toList(), snapshot, ctx));
  }

  private static ReplicationAnalysis analyze(InstanceView v, List<InstanceView> replicas,
      TopologySnapshot snapshot, AnalysisContext ctx) {
    AnalysisInput in = AnalysisInput.from(v, replicas, ctx);
    AnalysisCode code = AnalysisCode.classify(in);
    List<StructureWarning> warnings = StructureWarning.of(in);

    ReplicationCluster c = snapshot.clusters().get(v.clusterName());
    ReplicationAnalysis.ClusterDetails cluster = c == null
        ? ReplicationAnalysis.ClusterDetails.of(v.clusterName(), "", "", ctx.settings())
        : ReplicationAnalysis.ClusterDetails.of(c.name(), c.alias(), c.domain(), ctx.settings());

    boolean replicasDowntimed = code.aboutReplicas() && in.countReplicas() > 0
        && in.countDowntimedReplicas() == in.countReplicas();
    ReplicationAnalysis.DowntimeStatus downtime = ReplicationAnalysis.DowntimeStatus.of(
        ctx.activeDowntime(v.key()).orElse(null), replicasDowntimed, ctx.now());

    return new ReplicationAnalysis(in, cluster, code, warnings, downtime,
        ReplicationAnalysis.Processing.byNode(ctx.processingNodeHostname(),
            ctx.processingNodeToken()));
  }

  private static Map<InstanceKey, List<InstanceView>> replicasByMaster(TopologySnapshot s) {
    Map<InstanceKey, List<InstanceView>> m = new HashMap<>();
    for (InstanceView v : s.instances().values()) {
      InstanceKey master = v.instance().masterKey();
      if (v.instance().isReplica() && !master.equals(v.key())) {
        m.computeIfAbsent(master, k -> new ArrayList<>()).add(v);
      }
    }
    m.values().forEach(l -> l.sort(Comparator.comparing(InstanceView::key)));
    return m;
  }
}
