package topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One server as the whole picture sees it: the facts of its last successful probe, its liveness,
 * and what only the whole topology can tell (cluster, depth, co-master).
 *
 * @param lastCheckValid the last probe succeeded and is younger than poll + reasonable check
 * @param upToDate checked within the poll interval
 * @param recentlyChecked checked within 5 x the poll interval
 * @param downtime the active downtime, null when none
 * @param registeredPromotionRule an unexpired register-candidate rule, null when none
 */
public record InstanceView(
    Instance instance,
    Liveness liveness,
    String clusterName,
    int replicationDepth,
    boolean coMaster,
    boolean lastCheckValid,
    boolean upToDate,
    boolean recentlyChecked,
    Long secondsSinceLastSeen,
    String gtidErrant,
    List<String> problems,
    Downtime downtime,
    PromotionRule registeredPromotionRule) {

  public InstanceView {
    problems = List.copyOf(problems);
    gtidErrant = gtidErrant == null ? "" : gtidErrant;
  }

  public InstanceKey key() {
    return instance.key();
  }

  /**
   * Judges one observation at {@code now}. Cluster facts come from the caller, which sees the
   * whole topology.
   */
  static InstanceView judge(Instance instance, Liveness liveness, String clusterName, int depth,
      boolean coMaster, String gtidErrant, Thresholds t, Instant now) {
    boolean succeeded = liveness.lastAttemptSucceeded();
    boolean valid = succeeded && age(liveness.lastAttempt(), now).compareTo(t.validityWindow()) <= 0;
    boolean upToDate = succeeded && age(liveness.lastAttempt(), now).compareTo(t.validityWindow()) <= 0;
    boolean recent = liveness.lastAttempt() != null
        && age(liveness.lastAttempt(), now).compareTo(t.recentlyCheckedWindow()) <= 0;
    Long sinceSeen = liveness.lastSeen() == null ? null : age(liveness.lastSeen(), now).toSeconds();
    List<String> problems = new ArrayList<>();
    ReplicationStatus r = instance.replication();
    Long lag = instance.replicationLagSeconds();
    if (!valid) {
      problems.add("last_check_invalid");
    } else if (!recent) {
      problems.add("not_recently_checked");
    } else if (instance.isReplica() && !r.isRunning()) {
      problems.add("not_replicating");
    } else if (instance.isReplica() && lag != null
        && Math.abs(lag - r.sqlDelay()) > t.reasonableReplicationLagSeconds()) {
      problems.add("replication_lag");
    }
    if (!gtidErrant.isEmpty()) {
      problems.add("errant_gtid");
    }
    return new InstanceView(instance, liveness, clusterName, depth, coMaster, valid, upToDate,
        recent, sinceSeen, gtidErrant, problems, null, null);
  }

  private static Duration age(Instant then, Instant now) {
    if (then == null) {
      return Duration.ofDays(365_000);
    }
    Duration d = Duration.between(then, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  public InstanceView withDowntime(Downtime d) {
    return new InstanceView(instance, liveness, clusterName, replicationDepth, coMaster,
        lastCheckValid, upToDate, recentlyChecked, secondsSinceLastSeen, gtidErrant, problems, d,
        registeredPromotionRule);
  }

  /** The same server judged unreachable now (a recovery's re-read got no answer in time). */
  public InstanceView unreachable() {
    return new InstanceView(instance, liveness, clusterName, replicationDepth, coMaster, false,
        false, recentlyChecked, secondsSinceLastSeen, gtidErrant, problems, downtime,
        registeredPromotionRule);
  }

  public InstanceView withRegisteredPromotionRule(PromotionRule r) {
    return new InstanceView(instance, liveness, clusterName, replicationDepth, coMaster,
        lastCheckValid, upToDate, recentlyChecked, secondsSinceLastSeen, gtidErrant, problems,
        downtime, r);
  }

  /**
   * The promotion rule recovery honours: a registration (register-candidate, unexpired) wins,
   * then DetectPromotionRuleQuery, else neutral.
   */
  public PromotionRule promotionRule() {
    if (registeredPromotionRule != null) {
      return registeredPromotionRule;
    }
    return PromotionRule.parse(instance.labels().promotionRule()).orElse(PromotionRule.NEUTRAL);
  }

  public boolean downtimed() {
    return downtime != null;
  }

  /** A running replica whose last check is valid and recent: "+" in the topology text. */
  public boolean healthyReplica() {
    return instance.isReplica() && instance.replication().isRunning() && lastCheckValid
        && recentlyChecked;
  }
}
