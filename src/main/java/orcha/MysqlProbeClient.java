package orcha;

import actors.probe.ProbeClient;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import mysql.CustomQuery;
import mysql.Prober;
import mysql.ProberSettings;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * The probers' way to servers: {@link mysql.Prober} built from {@link Settings}. A reload that
 * changes how servers are reached swaps in a new prober (its connections are opened afresh).
 */
final class MysqlProbeClient implements ProbeClient, AutoCloseable {

  private final java.util.concurrent.atomic.AtomicLong probes = new java.util.concurrent.atomic.AtomicLong();
  private volatile ProberSettings current;
  private volatile Prober prober;
  private volatile java.util.function.Consumer<InstanceKey> connectionLost = k -> { };

  MysqlProbeClient(Settings settings) {
    this.current = proberSettings(settings);
    this.prober = new Prober(current);
  }

  static ProberSettings proberSettings(Settings s) {
    Settings.Queries q = s.queries();
    ProberSettings.Builder b = ProberSettings.builder(s.mysql().topologyUser(),
            s.mysql().topologyPassword().value())
        .connectTimeout(s.mysql().connectTimeout())
        .queryTimeout(s.mysql().queryTimeout())
        .probeTimeout(s.mysql().connectTimeout().plus(s.mysql().queryTimeout().multipliedBy(2)))
        .discoverByShowSlaveHosts(s.discovery().discoverByShowSlaveHosts())
        .tls(s.mysql().tls())
        .query(CustomQuery.REPLICATION_LAG, q.replicationLag())
        .query(CustomQuery.CLUSTER_ALIAS, q.clusterAlias())
        .query(CustomQuery.CLUSTER_DOMAIN, q.clusterDomain())
        .query(CustomQuery.INSTANCE_ALIAS, q.instanceAlias())
        .query(CustomQuery.DATA_CENTER, q.dataCenter())
        .query(CustomQuery.REGION, q.region())
        .query(CustomQuery.PHYSICAL_ENVIRONMENT, q.physicalEnvironment())
        .query(CustomQuery.PROMOTION_RULE, q.promotionRule())
        .query(CustomQuery.SEMI_SYNC_ENFORCED, q.semiSyncEnforced());
    pattern(b, CustomQuery.DATA_CENTER, q.dataCenterPattern());
    pattern(b, CustomQuery.REGION, q.regionPattern());
    pattern(b, CustomQuery.PHYSICAL_ENVIRONMENT, q.physicalEnvironmentPattern());
    return b.build();
  }

  private static void pattern(ProberSettings.Builder b, CustomQuery q, Pattern p) {
    if (p != null) {
      b.hostPattern(q, p.pattern());
    }
  }

  @Override
  public CompletionStage<ProbeResult> probe(InstanceKey key) {
    probes.incrementAndGet();
    return prober.probe(key);
  }

  /** Probes started since this node started (benchmarks, metrics). */
  long probesStarted() {
    return probes.get();
  }

  /** Connections opened to managed servers since start (a reused connection counts once). */
  long connectionsOpened() {
    return prober.connectionsOpened();
  }

  @Override
  public void forget(InstanceKey key) {
    prober.forget(key);
  }

  @Override
  public void onConnectionLost(java.util.function.Consumer<InstanceKey> listener) {
    connectionLost = listener;
    prober.onConnectionLost(listener);
  }

  /** Applies reloaded settings; a no-op when nothing about reaching servers changed. */
  synchronized void update(Settings settings) {
    ProberSettings next = proberSettings(settings);
    if (next.equals(current)) {
      return;
    }
    Prober old = prober;
    current = next;
    Prober fresh = new Prober(next);
    fresh.onConnectionLost(connectionLost);
    prober = fresh;
    old.close();
  }

  @Override
  public void close() {
    prober.close();
  }
}
