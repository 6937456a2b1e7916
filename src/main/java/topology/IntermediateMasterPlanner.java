package topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Plans the recovery of a dead intermediate master (DeadIntermediateMaster,
 * DeadIntermediateMasterAndSomeReplicas, DeadIntermediateMasterWithSingleReplicaFailingToConnect,
 * AllIntermediateMasterReplicasFailingToConnectOrDead), orchestrator's RecoverDeadIntermediateMaster
 * and GetCandidateSiblingOfIntermediateMaster (orchestrator-api.md §7.5). Pure.
 *
 * <p><b>Candidate sibling</b>: a replica of the intermediate master's master, not the
 * intermediate master, reachable, replicating (both threads), with binary log and
 * log_slave_updates, not banned, with the same replication-filter status, that has executed at
 * least as far as the intermediate master (last seen); preferred in this order: a registered
 * candidate ({@code prefer}/{@code must}) in the same data center and environment, a registered
 * candidate, one in the same data center and environment, any; among equals the sibling with
 * more replicas, then the more advanced, then the lower host:port.
 *
 * <p><b>Plans</b>, decided up front (orchestrator tries them in turn at run time):
 * <ol type="A">
 *   <li>the candidate sibling is in the intermediate master's data center and every replica can
 *       move below it: all move there;</li>
 *   <li>two or more replicas: regroup them below the first eligible in promotion order
 *       ({@link PromotionPlanner#rank}), which first moves below the other-DC sibling (plan C)
 *       or else below the intermediate master's master (plan D); a replica that cannot go below
 *       the leader goes where the leader went, or to the master;</li>
 *   <li>otherwise each replica below the other-DC sibling, or else</li>
 *   <li>below the intermediate master's own master.</li>
 * </ol>
 * The replicas of a dead server cannot be matched by binlog coordinates (they refer to its binary
 * log) and orcha has no Pseudo-GTID: every move is by GTID; replicas without it stay. Nothing is
 * lost by moving: the new master executed at least what the intermediate master had, or (the
 * master) everything; MariaDB moves wait until it has what the replica has.
 */
public final class IntermediateMasterPlanner {

  static final String PREFIX = "RecoverDeadIntermediateMaster";

  private IntermediateMasterPlanner() {}

  public static Planned<IntermediateMasterPlan> recoverDeadIntermediateMaster(TopologySnapshot s,
      InstanceKey failed, RecoverySettings settings) {
    Optional<InstanceView> xv = s.instance(failed);
    if (xv.isEmpty()) {
      return Planned.refused(failed + " is not a known instance");
    }
    InstanceView x = xv.get();
    if (!x.instance().isReplica()) {
      return Planned.refused(PREFIX + ": " + failed + " is not a replica");
    }
    InstanceKey masterKey = x.instance().masterKey();
    Optional<InstanceView> master = s.instance(masterKey);
    List<InstanceView> replicas = s.replicasOf(failed).stream()
        .filter(v -> !v.key().equals(failed) && !v.key().equals(masterKey)).toList();
    if (replicas.isEmpty()) {
      return Planned.refused(PREFIX + ": no replicas found for " + failed);
    }
    List<String> audit = new ArrayList<>();
    audit.add(PREFIX + ": will recover " + failed);
    List<PromotionPlan.LostReplica> unmoved = new ArrayList<>();
    List<InstanceView> reachable = new ArrayList<>();
    for (InstanceView r : replicas) {
      if (r.lastCheckValid()) {
        reachable.add(r);
      } else {
        unmoved.add(new PromotionPlan.LostReplica(r.key(),
            PromotionPlan.LostReplica.Why.UNREACHABLE, "unreachable: last check invalid"));
      }
    }
    if (reachable.isEmpty()) {
      return Planned.refused(PREFIX + ": none of the " + replicas.size() + " replicas of "
          + failed + " is reachable");
    }
    Optional<InstanceView> sibling = candidateSibling(s, x, settings, audit);
    String dc = x.instance().labels().dataCenter();

    // plan A: a sibling in the same data center takes them all
    if (sibling.isPresent() && sibling.get().instance().labels().dataCenter().equals(dc)) {
      InstanceView cs = sibling.get();
      List<MovePlan> moves = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (InstanceView r : reachable) {
        Planned<MovePlan> p = move(r, cs, settings);
        if (p.isReady()) {
          moves.add(p.plan());
        } else {
          refused.add(p.reason());
        }
      }
      if (refused.isEmpty()) {
        audit.add("- " + PREFIX + ": will attempt a candidate intermediate master: " + cs.key()
            + " (same DC " + dc + ")");
        return Planned.ready(plan(x, cs.key(), IntermediateMasterPlan.Strategy.SIBLING_SAME_DC,
            cs.key(), InstanceKey.NONE, List.of(), moves, unmoved, audit));
      }
      audit.add("- " + PREFIX + ": not every replica can move below " + cs.key() + ": "
          + String.join("; ", refused));
    }
    InstanceView otherDc = sibling.orElse(null);
    InstanceView target = otherDc != null ? otherDc : master.orElse(null);

    // plan B: regroup, the leader below the other-DC sibling (C) or the master (D)
    if (reachable.size() >= 2 && target != null) {
      List<PromotionPlanner.Ranked> ranked = PromotionPlanner.rank(reachable, x, settings);
      Optional<PromotionPlanner.Ranked> leader = ranked.stream()
          .filter(PromotionPlanner.Ranked::eligible).findFirst();
      Planned<MovePlan> up = leader.isPresent() ? move(leader.get().view(), target, settings)
          : Planned.refused("no eligible regroup leader: " + ranked.stream()
              .map(PromotionPlanner.Ranked::toString).collect(Collectors.joining(", ")));
      if (up.isReady()) {
        InstanceView g = leader.get().view();
        audit.add("- " + PREFIX + ": will regroup the replicas of " + failed + " below "
            + g.key() + ", which moves below " + target.key()
            + (otherDc != null ? " (candidate sibling in DC "
                + otherDc.instance().labels().dataCenter() + ")" : " (the master of " + failed
                + ")"));
        List<MovePlan> moves = new ArrayList<>();
        boolean allBelowLeader = true;
        for (InstanceView r : reachable) {
          if (r.key().equals(g.key())) {
            continue;
          }
          Optional<MovePlan> m = firstReady(r, settings, unmoved, g, target,
              master.orElse(null));
          m.ifPresent(moves::add);
          allBelowLeader &= m.isPresent() && m.get().target().equals(g.key());
        }
        InstanceKey successor = otherDc != null ? otherDc.key()
            : allBelowLeader && unmoved.isEmpty() ? g.key() : masterKey;
        return Planned.ready(plan(x, successor, otherDc != null
                ? IntermediateMasterPlan.Strategy.REGROUP_THEN_SIBLING
                : IntermediateMasterPlan.Strategy.REGROUP_THEN_MASTER,
            otherDc == null ? InstanceKey.NONE : otherDc.key(), g.key(), up.plan().steps(), moves,
            unmoved, audit));
      }
      audit.add("- " + PREFIX + ": regroup not possible: " + up.reason());
    }

    // plans C and D: each replica below the other-DC sibling, else the master
    if (target == null) {
      return Planned.refused(PREFIX + " failed to match up any replica from " + failed
          + ": no candidate sibling, and its master " + masterKey + " is not a known instance");
    }
    List<MovePlan> moves = new ArrayList<>();
    List<PromotionPlan.LostReplica> stays = new ArrayList<>(unmoved);
    for (InstanceView r : reachable) {
      firstReady(r, settings, stays, target, master.orElse(null)).ifPresent(moves::add);
    }
    if (moves.isEmpty()) {
      return Planned.refused(PREFIX + " failed to match up any replica from " + failed + ": "
          + stays.stream().map(PromotionPlan.LostReplica::toString)
          .collect(Collectors.joining("; ")));
    }
    boolean toSibling = otherDc != null
        && moves.stream().anyMatch(m -> m.target().equals(otherDc.key()));
    audit.add("- " + PREFIX + ": will relocate the replicas of " + failed + " below "
        + (toSibling ? otherDc.key() + " (candidate sibling in another DC)"
            : masterKey + " (its master)"));
    return Planned.ready(plan(x, toSibling ? otherDc.key() : masterKey, toSibling
            ? IntermediateMasterPlan.Strategy.RELOCATE_TO_SIBLING
            : IntermediateMasterPlan.Strategy.RELOCATE_TO_MASTER,
        otherDc == null ? InstanceKey.NONE : otherDc.key(), InstanceKey.NONE, List.of(), moves,
        stays, audit));
  }

  /**
   * orchestrator's GetCandidateSiblingOfIntermediateMaster: valid siblings, most replicas first,
   * then most advanced, then host:port; the first of each preference tier.
   */
  static Optional<InstanceView> candidateSibling(TopologySnapshot s, InstanceView x,
      RecoverySettings settings, List<String> audit) {
    InstanceKey masterKey = x.instance().masterKey();
    List<InstanceView> siblings = s.replicasOf(masterKey).stream()
        .filter(v -> !v.key().equals(x.key()) && !v.key().equals(masterKey))
        .sorted(Comparator.comparingInt((InstanceView v) -> -s.replicasOf(v.key()).size())
            .thenComparing(v -> v.instance().replication().execCoordinates(),
                (a, b) -> a.isEmpty() || b.isEmpty() ? Boolean.compare(a.isEmpty(), b.isEmpty())
                    : b.compareTo(a))
            .thenComparing(InstanceView::key))
        .toList();
    if (siblings.isEmpty()) {
      audit.add("no siblings found for " + x.key());
      return Optional.empty();
    }
    audit.add("searching for the best candidate sibling of dead intermediate master " + x.key());
    List<InstanceView> valid = new ArrayList<>();
    for (InstanceView sib : siblings) {
      String why = invalidSibling(x, sib, settings);
      if (why.isEmpty()) {
        valid.add(sib);
      } else {
        audit.add("sibling " + sib.key() + " is not a candidate: " + why);
      }
    }
    Predicate<InstanceView> registered = v -> v.promotionRule() == PromotionRule.MUST
        || v.promotionRule() == PromotionRule.PREFER;
    Predicate<InstanceView> sameDcEnv = v ->
        v.instance().labels().dataCenter().equals(x.instance().labels().dataCenter())
        && v.instance().labels().physicalEnvironment()
            .equals(x.instance().labels().physicalEnvironment());
    List<Map.Entry<String, Predicate<InstanceView>>> tiers = List.of(
        Map.entry("the ideal candidate", registered.and(sameDcEnv)),
        Map.entry("candidate sibling", registered),
        Map.entry("same dc & environment", sameDcEnv),
        Map.entry("any sibling", v -> true));
    for (Map.Entry<String, Predicate<InstanceView>> tier : tiers) {
      Optional<InstanceView> found = valid.stream().filter(tier.getValue()).findFirst();
      if (found.isPresent()) {
        audit.add("found " + found.get().key() + " as a replacement for " + x.key() + " ["
            + tier.getKey() + "]");
        return found;
      }
    }
    audit.add("cannot find candidate sibling of " + x.key());
    return Optional.empty();
  }

  /** orchestrator's isValidAsCandidateSiblingOfIntermediateMaster, with why not ("" = valid). */
  private static String invalidSibling(InstanceView x, InstanceView sib,
      RecoverySettings settings) {
    Instance i = sib.instance();
    if (!i.logBinEnabled() || !i.logReplicationUpdatesEnabled()) {
      return "no binary log or log_slave_updates";
    }
    if (!i.replication().isRunning()) {
      return "not replicating";
    }
    if (!sib.lastCheckValid()) {
      return "last check invalid";
    }
    Optional<String> banned = PromotionPlanner.banned(sib, settings);
    if (banned.isPresent()) {
      return banned.get();
    }
    if (i.replication().hasReplicationFilters()
        != x.instance().replication().hasReplicationFilters()) {
      return "replication filters differ from " + x.key() + "'s";
    }
    if (!executedAtLeast(sib, x)) {
      return "has not executed as far as " + x.key();
    }
    return "";
  }

  /**
   * {@code sib} has executed at least what {@code x} had: by GTID when both have the same kind,
   * else by exec coordinates in their common master's binary log.
   */
  private static boolean executedAtLeast(InstanceView sib, InstanceView x) {
    ReplicaProgress a = ReplicaProgress.of(sib);
    ReplicaProgress b = ReplicaProgress.of(x);
    ReplicaProgress.Order o;
    if (a.kind() == ReplicaProgress.Kind.MARIADB_GTID && b.kind() == a.kind()) {
      o = ReplicaProgress.compare(a.mariaDbExecuted(), b.mariaDbExecuted());
    } else if (a.kind() == ReplicaProgress.Kind.MYSQL_GTID && b.kind() == a.kind()) {
      o = ReplicaProgress.compare(a.mysqlExecuted(), b.mysqlExecuted());
    } else {
      o = ReplicaProgress.compare(a.exec(), b.exec());
    }
    return o == ReplicaProgress.Order.AHEAD || o == ReplicaProgress.Order.EQUAL;
  }

  /** {@code r} below {@code y} by GTID (the only way off a dead server), or why not. */
  private static Planned<MovePlan> move(InstanceView r, InstanceView y,
      RecoverySettings settings) {
    Verdict rules = ReplicationRules.canReplicateFrom(r, y, settings.moves());
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(r.instance(),
        y.instance(), why);
    if (kind.isEmpty()) {
      return Planned.refused("cannot move " + r.key() + " below " + y.key() + ": " + why
          + "; its binlog coordinates refer to the dead intermediate master");
    }
    return Planned.ready(PromotionPlanner.gtidMove(r.instance(), y.instance(), kind.get(),
        settings.moves()));
  }

  /** The first of the targets {@code r} can move below; else it stays, with the reasons. */
  private static Optional<MovePlan> firstReady(InstanceView r, RecoverySettings settings,
      List<PromotionPlan.LostReplica> stays, InstanceView... targets) {
    List<String> reasons = new ArrayList<>();
    List<InstanceKey> tried = new ArrayList<>();
    for (InstanceView y : targets) {
      if (y == null || tried.contains(y.key())) {
        continue;
      }
      tried.add(y.key());
      Planned<MovePlan> p = move(r, y, settings);
      if (p.isReady()) {
        return Optional.of(p.plan());
      }
      reasons.add(p.reason());
    }
    PromotionPlan.LostReplica.Why why = reasons.stream().anyMatch(x -> x.contains(" cannot "
        + "replicate from ")) ? PromotionPlan.LostReplica.Why.CANNOT_REPLICATE
        : PromotionPlan.LostReplica.Why.POSITION_UNMATCHABLE;
    stays.add(new PromotionPlan.LostReplica(r.key(), why, String.join("; ", reasons)));
    return Optional.empty();
  }

  private static IntermediateMasterPlan plan(InstanceView x, InstanceKey successor,
      IntermediateMasterPlan.Strategy strategy, InstanceKey sibling, InstanceKey leader,
      List<PlanStep> prepare, List<MovePlan> moves, List<PromotionPlan.LostReplica> unmoved,
      List<String> audit) {
    Map<InstanceKey, InstanceKey> expected = new LinkedHashMap<>();
    if (leader.isValid()) {
      expected.put(leader, prepareTarget(prepare));
    }
    moves.forEach(m -> expected.put(m.replica(), m.target()));
    List<String> all = new ArrayList<>(audit);
    unmoved.forEach(u -> all.add("stays below " + x.key() + ": " + u));
    all.add("successor: " + successor);
    RefactoringPlan relocation = new RefactoringPlan("recover-dead-intermediate-master", x.key(),
        successor, prepare, moves, List.of(), true, expected,
        unmoved.stream().map(PromotionPlan.LostReplica::toString).toList());
    return new IntermediateMasterPlan(x.key(), successor, strategy, sibling, leader, relocation,
        unmoved, all);
  }

  private static InstanceKey prepareTarget(List<PlanStep> prepare) {
    return prepare.stream().filter(st -> st instanceof PlanStep.ChangeMaster)
        .map(st -> ((PlanStep.ChangeMaster) st).newMaster()).findFirst()
        .orElse(InstanceKey.NONE);
  }
}
