package topology;

import java.util.List;
import java.util.function.Predicate;

/**
 * orchestrator's structure warnings (orchestrator-api.md §7.3): facts about a server and its
 * replicas that make a future failover risky. Declared in the order the API lists them; every
 * entry carries all that apply ({@link #of}).
 */
public enum StructureWarning {
  /** a master with several replicas, none of which has log_bin + log_slave_updates */
  NoLoggingReplicasStructureWarning(
      in -> in.isMaster() && in.countLoggingReplicas() == 0 && in.countReplicas() > 1),
  /** a master with several replicas and no GTID, binlog-server or Pseudo-GTID topology */
  NoFailoverSupportStructureWarning(
      in -> in.isMaster() && in.countReplicas() > 1
          && !in.oracleGtidImmediateTopology() && !in.mariaDbGtidImmediateTopology()
          && !in.binlogServerImmediateTopology() && !in.pseudoGtidImmediateTopology()),
  StatementAndMixedLoggingReplicasStructureWarning(
      in -> in.isMaster() && in.countStatementBasedLoggingReplicas() > 0
          && in.countMixedBasedLoggingReplicas() > 0),
  StatementAndRowLoggingReplicasStructureWarning(
      in -> in.isMaster() && in.countStatementBasedLoggingReplicas() > 0
          && in.countRowBasedLoggingReplicas() > 0),
  MixedAndRowLoggingReplicasStructureWarning(
      in -> in.isMaster() && in.countMixedBasedLoggingReplicas() > 0
          && in.countRowBasedLoggingReplicas() > 0),
  /** major versions counted per flavour: MariaDB 10.11 and MySQL 8.0 are two */
  MultipleMajorVersionsLoggingReplicasStructureWarning(
      in -> in.isMaster() && in.countDistinctMajorVersionsLoggingReplicas() > 1),
  DifferentGTIDModesStructureWarning(
      in -> in.countReplicas() > 0 && (!in.gtidMode().equals(in.minReplicaGtidMode())
          || !in.gtidMode().equals(in.maxReplicaGtidMode()))),
  /** some non-downtimed replica has errant GTIDs */
  ErrantGTIDStructureWarning(in -> !in.maxReplicaGtidErrant().isEmpty()),
  NoWriteableMasterStructureWarning(in -> in.isMaster() && in.isReadOnly()),
  /** semi-sync master enabled but OFF, with fewer clients than it waits for */
  NotEnoughValidSemiSyncReplicasStructureWarning(
      in -> in.isMaster() && in.semiSyncMasterEnabled() && !in.semiSyncMasterStatus()
          && in.semiSyncMasterWaitForReplicaCount() > 0
          && in.semiSyncMasterClients() < in.semiSyncMasterWaitForReplicaCount());

  private final Predicate<AnalysisInput> predicate;

  StructureWarning(Predicate<AnalysisInput> predicate) {
    this.predicate = predicate;
  }

  public Predicate<AnalysisInput> predicate() {
    return predicate;
  }

  public boolean matches(AnalysisInput in) {
    return predicate.test(in);
  }

  /** Every warning that applies, in the API's order. */
  public static List<StructureWarning> of(AnalysisInput in) {
    return java.util.Arrays.stream(values()).filter(w -> w.predicate.test(in)).toList();
  }
}
