package topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Plans the promotion of a replica when a master (or co-master) dies, and the forced and graceful
 * takeovers (orchestrator-api.md §7.5, §7.6), as {@link PromotionPlan} values. Pure: reads a
 * {@link TopologySnapshot} and {@link RecoverySettings}; no I/O, no clock.
 *
 * <p><b>Candidate order</b> ({@link #rank}), orchestrator's sortedReplicas and
 * chooseCandidateReplica: most advanced first, by what each replica <em>received</em> from the
 * master, then what it executed ({@link ReplicaProgress}: GTID positions, else read/exec
 * coordinates); ties: log_slave_updates, lower major version, lower binlog format, same data
 * center as the failed master, no errant GTID, better promotion rule; then, where orchestrator
 * leaves an unstable sort, the PreventCross* constraints satisfied, then lower host:port. The
 * first <em>eligible</em> replica is the rule's choice: reachable, binary log and
 * log_slave_updates, not banned ({@code must_not} or PromotionIgnoreHostnameFilters), not of a
 * newer major version nor a larger binlog format than most replicas.
 *
 * <p><b>Replacement</b> (§7.5 step 5, orchestrator's SuggestReplacementForPromotedReplica): a
 * registered candidate or, for a geo-violating or {@code prefer_not} choice, a neutral replica may
 * take over from the first choice; a designated server (takeover, recover with a candidate, the
 * other co-master) always does.
 *
 * <p><b>Lossless gate</b> (orcha, beyond orchestrator). The server that becomes master must end
 * up with everything any reachable replica received from the dead master:
 * <ul>
 *   <li>it applies its relay log before promotion ({@link PlanStep.WaitUntilSqlThreadCaughtUp}:
 *       DelayMasterPromotionIfSQLThreadNotUpToDate is always on; with
 *       FailMasterPromotionIfSQLThreadNotUpToDate it fails instead of waiting);</li>
 *   <li>when it did not receive everything another reachable replica did, it first catches up
 *       from a replica that did (a two-phase promotion: {@link PromotionPlan#source()}). That
 *       source is never made writable: it only serves its binary log for a moment, so a
 *       {@code must_not} or out-of-region source is fine, but it needs log_slave_updates and
 *       GTID, and the promoted server must be able to replicate from it;</li>
 *   <li>when no such source exists the recovery is refused, naming what would be lost, unless
 *       {@link RecoverySettings#allowLosingTransactions()}: then the more advanced replicas are
 *       lost, and the audit says so.</li>
 * </ul>
 * Unreachable replicas are lost and never waited for; what they received is unknown.
 *
 * <p><b>Relocation</b>: every other reachable replica moves below the promoted server, each move
 * independent (parallel): by GTID (MySQL auto-position, MariaDB {@code slave_pos} after the
 * promoted server has what the replica has), else, without GTID, only a replica that received
 * exactly what the promoted server received (both apply their relay logs, then it continues at
 * the promoted server's own binlog position, orchestrator's "equal replicas"). orcha has no
 * Pseudo-GTID: other non-GTID replicas are lost. A replica ReplicationRules refuse below the
 * promoted server is lost.
 *
 * <p><b>Checks</b> (§7.5 step 6) with orchestrator's texts: PreventCrossDataCenter/Region,
 * FailMasterPromotionOnLagMinutes, FailMasterPromotionIfSQLThreadNotUpToDate. A failing check
 * keeps the regroup (as orchestrator) and promotes nobody ({@link PromotionPlan#checkFailure()}).
 */
public final class PromotionPlanner {

  static final String RECOVER_DEAD_MASTER = "RecoverDeadMaster";
  static final String RECOVER_DEAD_CO_MASTER = "RecoverDeadCoMaster";

  private PromotionPlanner() {}

  // ==== candidate order =========================================================================

  /**
   * One replica in promotion order.
   *
   * @param ineligible why it may not be the rule's choice; {@code ""} when it may
   */
  public record Ranked(InstanceView view, ReplicaProgress progress, String ineligible) {
    public InstanceKey key() {
      return view.key();
    }

    public Instance instance() {
      return view.instance();
    }

    public boolean eligible() {
      return ineligible.isEmpty();
    }

    @Override
    public String toString() {
      return key() + " (received " + progress.received()
          + (progress.sqlThreadCaughtUp() ? "" : ", executed " + progress.executed())
          + (ineligible.isEmpty() ? "" : "; not eligible: " + ineligible) + ")";
    }
  }

  /**
   * The replicas of {@code failed} in promotion order, each with its eligibility (§7.5 step 2).
   * The priority major version and binlog format (the most common, ties to the smaller) are
   * taken over the given replicas.
   */
  public static List<Ranked> rank(List<InstanceView> replicas, InstanceView failed,
      RecoverySettings settings) {
    String version = mostCommon(replicas.stream().map(PromotionPlanner::family).toList(),
        PromotionPlanner::compareFamilies);
    String format = mostCommon(replicas.stream()
        .map(r -> r.instance().binlogFormat().toUpperCase(Locale.ROOT)).toList(),
        Comparator.comparingInt(PromotionPlanner::formatRank));
    List<Ranked> ranked = replicas.stream()
        .map(r -> new Ranked(r, ReplicaProgress.of(r), ineligibility(r, version, format,
            settings)))
        .toList();
    boolean sameKind = ranked.stream().map(r -> r.progress().kind()).distinct().count() == 1;
    ReplicaProgress.Kind kind = sameKind && !ranked.isEmpty() ? ranked.get(0).progress().kind()
        : ReplicaProgress.Kind.COORDINATES;
    return ranked.stream().sorted(order(kind, failed, settings)).toList();
  }

  private static Comparator<Ranked> order(ReplicaProgress.Kind kind, InstanceView failed,
      RecoverySettings s) {
    Comparator<Ranked> advanced;
    if (kind == ReplicaProgress.Kind.COORDINATES) {
      advanced = Comparator.comparing((Ranked r) -> r.progress().read(), PromotionPlanner::desc)
          .thenComparing(r -> r.progress().exec(), PromotionPlanner::desc);
    } else {
      advanced = Comparator.comparingLong((Ranked r) -> -r.progress().receivedRank())
          .thenComparingLong(r -> -r.progress().executedRank());
    }
    String dc = failed.instance().labels().dataCenter();
    return advanced
        .thenComparing(r -> !r.instance().logReplicationUpdatesEnabled())
        .thenComparing(r -> family(r.view()), PromotionPlanner::compareFamilies)
        .thenComparingInt(r -> formatRank(r.instance().binlogFormat()))
        .thenComparing(r -> !r.instance().labels().dataCenter().equals(dc))
        .thenComparing(r -> !r.view().gtidErrant().isEmpty())
        .thenComparing(r -> r.view().promotionRule())
        .thenComparing(r -> geoViolation(r.view(), failed, s).isPresent())
        .thenComparing(Ranked::key);
  }

  /** Most advanced first; an unknown (empty) position last. */
  private static int desc(BinlogCoordinates a, BinlogCoordinates b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    return b.compareTo(a);
  }

  /** Why a replica may not be the rule's choice (orchestrator's chooseCandidateReplica), or "". */
  static String ineligibility(InstanceView r, String priorityVersion, String priorityFormat,
      RecoverySettings s) {
    Instance i = r.instance();
    if (!r.lastCheckValid()) {
      return "last check invalid";
    }
    if (!i.logBinEnabled()) {
      return "no binary log (log_bin=OFF)";
    }
    if (!i.logReplicationUpdatesEnabled()) {
      return "does not log what it replicates (log_slave_updates=OFF)";
    }
    Optional<String> banned = banned(r, s);
    if (banned.isPresent()) {
      return banned.get();
    }
    if (compareFamilies(family(r), priorityVersion) > 0) {
      return "newer major version (" + family(r) + ") than most replicas (" + priorityVersion + ")";
    }
    if (ReplicationRules.isSmallerBinlogFormat(priorityFormat, i.binlogFormat())) {
      return "larger binlog format (" + i.binlogFormat() + ") than most replicas ("
          + priorityFormat + ")";
    }
    return "";
  }

  /** orchestrator's IsBannedFromBeingCandidateReplica, with why. */
  static Optional<String> banned(InstanceView r, RecoverySettings s) {
    if (r.promotionRule() == PromotionRule.MUST_NOT) {
      return Optional.of("promotion rule must_not");
    }
    if (s.ignoredForPromotion(r.key().hostname())) {
      return Optional.of("ignored by PromotionIgnoreHostnameFilters");
    }
    return Optional.empty();
  }

  /** orchestrator's MasterFailoverGeographicConstraintSatisfied: the reason it is not, if not. */
  static Optional<String> geoViolation(InstanceView candidate, InstanceView failed,
      RecoverySettings s) {
    InstanceLabels c = candidate.instance().labels();
    InstanceLabels f = failed.instance().labels();
    if (s.preventCrossDataCenterMasterFailover() && !c.dataCenter().equals(f.dataCenter())) {
      return Optional.of("PreventCrossDataCenterMasterFailover: will not promote server in "
          + c.dataCenter() + " when failed server in " + f.dataCenter());
    }
    if (s.preventCrossRegionMasterFailover() && !c.region().equals(f.region())) {
      return Optional.of("PreventCrossRegionMasterFailover: will not promote server in "
          + c.region() + " when failed server in " + f.region());
    }
    return Optional.empty();
  }

  /** "MySQL 8.0", "MariaDB 10.11": versions compare only within a family. */
  private static String family(InstanceView v) {
    Instance i = v.instance();
    return (i.flavor().isMariaDb() ? "MariaDB " : "MySQL ") + i.majorVersion();
  }

  /**
   * Lower first: within a family by major version; MySQL before MariaDB (MariaDB can replicate
   * from MySQL, not the reverse).
   */
  private static int compareFamilies(String a, String b) {
    String[] x = a.split(" ", 2);
    String[] y = b.split(" ", 2);
    if (!x[0].equals(y[0])) {
      return x[0].equals("MySQL") ? -1 : 1;
    }
    return ReplicationRules.compareMajorVersions(x.length > 1 ? x[1] : "",
        y.length > 1 ? y[1] : "");
  }

  private static int formatRank(String format) {
    return switch (format.toUpperCase(Locale.ROOT)) {
      case "STATEMENT" -> 0;
      case "MIXED" -> 1;
      case "ROW" -> 2;
      default -> 3;
    };
  }

  /** The most frequent value; ties to the smallest by {@code order}. */
  private static String mostCommon(List<String> values, Comparator<String> order) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    values.forEach(v -> counts.merge(v, 1, Integer::sum));
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey(order)))
        .map(Map.Entry::getKey).findFirst().orElse("");
  }

  // ==== entry points ============================================================================

  /**
   * Dead master recovery (DeadMaster, DeadMasterAndSomeReplicas, the recover API): regroup the
   * failed master's replicas below the best candidate and promote it.
   *
   * @param candidate a designated server (recover with a candidate), or null
   */
  public static Planned<PromotionPlan> recoverDeadMaster(TopologySnapshot s, InstanceKey failed,
      InstanceKey candidate, RecoverySettings settings) {
    return forced("recover-dead-master", s, failed, candidate, settings);
  }

  /** force-master-failover: the cluster master is taken as dead; no designated candidate. */
  public static Planned<PromotionPlan> forceMasterFailover(TopologySnapshot s, InstanceKey master,
      RecoverySettings settings) {
    return forced("force-master-failover", s, master, null, settings);
  }

  /**
   * force-master-takeover: the cluster master is taken as dead and {@code designated}, a direct
   * replica, is promoted ({@code You may only promote a direct child of the master <m>. The
   * master of <d> is <x>.} otherwise).
   */
  public static Planned<PromotionPlan> forceMasterTakeover(TopologySnapshot s, InstanceKey master,
      InstanceKey designated, RecoverySettings settings) {
    if (designated == null || !designated.isValid()) {
      return Planned.refused("force-master-takeover: no designated instance given");
    }
    return forced("force-master-takeover", s, master, designated, settings);
  }

  private static Planned<PromotionPlan> forced(String operation, TopologySnapshot s,
      InstanceKey failed, InstanceKey designated, RecoverySettings settings) {
    Optional<InstanceView> fv = s.instance(failed);
    if (fv.isEmpty()) {
      return Planned.refused(unknown(failed));
    }
    InstanceView d = null;
    if (designated != null && designated.isValid()) {
      Optional<InstanceView> dv = s.instance(designated);
      InstanceKey itsMaster = dv.map(v -> v.instance().masterKey()).orElse(InstanceKey.NONE);
      if (dv.isEmpty() || !itsMaster.equals(failed)) {
        return Planned.refused("You may only promote a direct child of the master " + failed
            + ". The master of " + designated + " is " + itsMaster + ".");
      }
      d = dv.get();
      Optional<String> banned = banned(d, settings);
      if (banned.isPresent()) {
        return Planned.refused(RECOVER_DEAD_MASTER + ": designated instance " + designated
            + " cannot be promoted due to promotion rule or it is explicitly ignored in"
            + " PromotionIgnoreHostnameFilters configuration");
      }
    }
    return regroup(new Request(operation, RecoveryType.MasterRecovery, RECOVER_DEAD_MASTER, s,
        fv.get(), d, null, settings));
  }

  /**
   * Dead co-master recovery (DeadCoMaster, DeadCoMasterAndSomeReplicas): like a dead master, but
   * with CoMasterRecoveryMustPromoteOtherCoMaster, or when the other co-master is writable, the
   * successor must be the other co-master. The successor's channel is kept (it still points at
   * the dead co-master, as orchestrator leaves it); a successor that is not the other co-master
   * has its master host detached (it would close a ring). No geo or lag checks (as upstream).
   */
  public static Planned<PromotionPlan> recoverDeadCoMaster(TopologySnapshot s, InstanceKey failed,
      RecoverySettings settings) {
    Optional<InstanceView> fv = s.instance(failed);
    if (fv.isEmpty()) {
      return Planned.refused(unknown(failed));
    }
    InstanceKey otherKey = fv.get().instance().masterKey();
    Optional<InstanceView> other = s.instance(otherKey);
    if (!fv.get().instance().isReplica() || other.isEmpty()) {
      return Planned.refused(RECOVER_DEAD_CO_MASTER + ": could not read info for co-master "
          + otherKey + " of " + failed);
    }
    List<String> audit = new ArrayList<>();
    boolean must = settings.coMasterRecoveryMustPromoteOtherCoMaster();
    if (!other.get().instance().readOnly()) {
      audit.add(RECOVER_DEAD_CO_MASTER + ": other co-master " + otherKey
          + " is writeable hence has to be promoted");
      must = true;
    }
    audit.add(RECOVER_DEAD_CO_MASTER + ": mustPromoteOtherCoMaster? " + must);
    return regroup(new Request("recover-dead-co-master", RecoveryType.CoMasterRecovery,
        RECOVER_DEAD_CO_MASTER, s, fv.get(), must ? other.get() : null, other.get(), settings),
        audit);
  }

  // ==== the regroup-and-promote core ============================================================

  /**
   * @param designated the server that must become master (takeover, candidate, other co-master)
   * @param otherCoMaster for a co-master recovery, the other co-master
   */
  private record Request(String operation, RecoveryType type, String prefix, TopologySnapshot s,
      InstanceView failed, InstanceView designated, InstanceView otherCoMaster,
      RecoverySettings cfg) {

    boolean coMaster() {
      return type == RecoveryType.CoMasterRecovery;
    }
  }

  private static Planned<PromotionPlan> regroup(Request q) {
    return regroup(q, new ArrayList<>());
  }

  private static Planned<PromotionPlan> regroup(Request q, List<String> audit) {
    RecoverySettings cfg = q.cfg();
    InstanceKey fk = q.failed().key();
    audit.add(0, q.prefix() + ": will recover " + fk);
    List<InstanceView> replicas = q.s().replicasOf(fk).stream()
        .filter(v -> !v.key().equals(fk)).toList();
    if (replicas.isEmpty()) {
      return Planned.refused(q.prefix() + ": no replicas found for " + fk);
    }
    List<PromotionPlan.LostReplica> lost = new ArrayList<>();
    List<InstanceView> reachable = new ArrayList<>();
    for (InstanceView r : replicas) {
      if (r.lastCheckValid()) {
        reachable.add(r);
      } else {
        lost.add(new PromotionPlan.LostReplica(r.key(), PromotionPlan.LostReplica.Why.UNREACHABLE,
            "unreachable: last check invalid, not waited for"));
      }
    }
    if (reachable.isEmpty()) {
      return Planned.refused(q.prefix() + ": none of the " + replicas.size() + " replicas of "
          + fk + " is reachable");
    }
    List<Ranked> ranked = rank(reachable, q.failed(), cfg);
    audit.add("candidates in promotion order: " + ranked.stream().map(Ranked::toString)
        .collect(Collectors.joining(", ")));

    // 1. the rule's choice
    Optional<Ranked> first = ranked.stream().filter(Ranked::eligible).findFirst();
    if (first.isEmpty()) {
      first = ranked.stream().filter(r -> banned(r.view(), cfg).isEmpty()).findFirst();
      if (first.isEmpty()) {
        return Planned.refused(q.prefix() + ": no candidate replica found among the replicas of "
            + fk + ": " + ranked.stream().map(Ranked::toString)
            .collect(Collectors.joining(", ")));
      }
      audit.add("no replica is fully eligible; " + first.get().key()
          + " is the first that is not banned (orchestrator's fallback)");
    }
    Ranked choice = first.get();

    // 2. designated, or a replacement for the rule's choice
    Ranked target;
    if (q.designated() != null) {
      target = ranked.stream().filter(r -> r.key().equals(q.designated().key())).findFirst()
          .orElse(null);
      if (target == null) {
        if (q.coMaster()) {
          return Planned.refused(coMasterNotPromoted(q, choice.key()));
        }
        return Planned.refused(q.prefix() + ": designated instance " + q.designated().key()
            + " is not reachable (last check invalid)");
      }
      audit.add((q.coMaster() ? "the other co-master " : "designated ") + target.key()
          + " is to be promoted");
    } else {
      Ranked replacement = replacement(choice, ranked, q, audit);
      if (replacement != choice && !losslessFor(replacement, ranked, cfg)
          && losslessFor(choice, ranked, cfg)) {
        // a replacement is an improvement only when it loses nothing
        audit.add("replacement " + replacement.key() + " dropped: it cannot catch up with"
            + " everything the others received; keeping " + choice.key());
        replacement = choice;
      }
      target = replacement;
    }

    // 3. the lossless gate
    Ranked source = null;
    if (!coversAll(target, ranked)) {
      List<Ranked> ahead = ranked.stream()
          .filter(x -> x != target && !target.progress().covers(x.progress())).toList();
      List<Ranked> covering = ranked.stream().filter(r -> coversAll(r, ranked)).toList();
      Optional<Ranked> usable = covering.stream()
          .filter(c -> sourceProblem(c, target, cfg).isEmpty()).findFirst();
      if (usable.isPresent()) {
        source = usable.get();
        audit.add("two-phase: " + target.key() + " received " + target.progress().received()
            + ", less than " + source.key() + " (" + source.progress().received() + "); "
            + target.key() + " first catches up from " + source.key()
            + (source.eligible() ? "" : " (" + source.ineligible()
                + ": never made writable, only a catch-up source)")
            + ", then takes over");
      } else if (cfg.allowLosingTransactions()) {
        for (Ranked x : ahead) {
          lost.add(new PromotionPlan.LostReplica(x.key(),
              PromotionPlan.LostReplica.Why.MORE_ADVANCED, "more advanced than " + target.key()
                  + ": received " + target.progress().missing(x.progress()) + " that "
                  + target.key() + " did not"));
        }
        audit.add("allowLosingTransactions is set: promoting " + target.key() + " loses "
            + ahead.stream().map(x -> target.progress().missing(x.progress()) + " received by "
                + x.key()).collect(Collectors.joining("; ")));
      } else {
        return Planned.refused(lossRefusal(q, target, ahead, covering));
      }
    }
    final Ranked t = target;
    final Ranked src = source;
    Set<InstanceKey> lostKeys = new HashSet<>();
    lost.forEach(l -> lostKeys.add(l.key()));
    Ranked applier = src != null ? src : t;
    audit.add("chose " + t.key() + ": " + why(t, choice, q, ranked, src));

    // 4. relocations below the promoted server
    InstanceView tv = t.view();
    List<MovePlan> moves = new ArrayList<>();
    Map<InstanceKey, InstanceKey> expected = new LinkedHashMap<>();
    for (Ranked r : ranked) {
      if (r == t || lostKeys.contains(r.key())) {
        continue;
      }
      Verdict rules = ReplicationRules.canReplicateFrom(r.view(), tv, cfg.moves());
      if (rules.refused()) {
        lost.add(new PromotionPlan.LostReplica(r.key(),
            PromotionPlan.LostReplica.Why.CANNOT_REPLICATE, rules.reason()));
        continue;
      }
      StringBuilder why = new StringBuilder();
      Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(r.instance(),
          t.instance(), why);
      if (kind.isPresent()) {
        moves.add(gtidMove(r.instance(), t.instance(), kind.get(), cfg.moves()));
        expected.put(r.key(), t.key());
        continue;
      }
      Optional<String> unmatchable = unmatchable(r, t, src);
      if (unmatchable.isPresent()) {
        lost.add(new PromotionPlan.LostReplica(r.key(),
            PromotionPlan.LostReplica.Why.POSITION_UNMATCHABLE, why + "; " + unmatchable.get()));
        continue;
      }
      moves.add(fileMove(r.instance(), t.instance()));
      expected.put(r.key(), t.key());
    }
    PromotionPlan.Method method = ranked.stream().filter(r -> r != t)
        .allMatch(r -> ReplicationRules.gtidKind(r.instance(), t.instance(), new StringBuilder())
            .isPresent())
        && (ranked.size() > 1 || t.instance().supportsGtid())
        ? PromotionPlan.Method.MasterRecoveryGTID : PromotionPlan.Method.MasterRecoveryPseudoGTID;
    audit.add(1, q.prefix() + ": masterRecoveryType=" + method);

    // 5. the promotion checks (§7.5 step 6)
    String checkFailure = checks(q, t, applier);
    // known to fail: no wait step that would abort before the regroup orchestrator keeps
    boolean sqlCheckFailed = cfg.failMasterPromotionIfSqlThreadNotUpToDate()
        && !applier.progress().sqlThreadCaughtUp();
    if (cfg.failMasterPromotionIfSqlThreadNotUpToDate()) {
      audit.add("FailMasterPromotionIfSQLThreadNotUpToDate: " + applier.key()
          + " must have applied its relay log, else the promotion fails");
    } else {
      audit.add("DelayMasterPromotionIfSQLThreadNotUpToDate (always on in orcha): " + applier.key()
          + " applies its relay log before promotion"
          + (applier.progress().sqlThreadCaughtUp() ? " (already applied)" : ""));
    }

    // 6. phases
    List<PromotionPlan.Phase> phases = new ArrayList<>();
    List<PlanStep> catchUp = new ArrayList<>();
    if (!sqlCheckFailed) {
      catchUp.add(new PlanStep.WaitUntilSqlThreadCaughtUp(applier.key(),
          cfg.failMasterPromotionIfSqlThreadNotUpToDate()));
    }
    catchUp.add(new PlanStep.StopReplication(applier.key()));
    phases.add(new PromotionPlan.Phase.Ordered("catch up " + applier.key(), catchUp, true));
    if (src != null) {
      phases.add(new PromotionPlan.Phase.Ordered(
          "catch up " + t.key() + " from " + src.key(), handover(t, src, cfg), true));
    }
    if (!moves.isEmpty()) {
      phases.add(new PromotionPlan.Phase.Parallel("relocate replicas below " + t.key(), moves,
          disjoint(moves), false));
    }
    List<PlanStep> afterwards = new ArrayList<>();
    if (cfg.detachLostReplicasAfterMasterFailover()) {
      for (PromotionPlan.LostReplica l : lost) {
        Optional<InstanceView> lv = q.s().instance(l.key());
        if (lv.isPresent() && lv.get().lastCheckValid() && lv.get().instance().isReplica()
            && lv.get().instance().masterKey().equals(fk)) {
          afterwards.add(new PlanStep.DetachMasterHost(l.key()));
          expected.put(l.key(), detached(fk));
        }
      }
    }
    InstanceKey successor = InstanceKey.NONE;
    if (checkFailure.isEmpty()) {
      successor = t.key();
      List<PlanStep> promote = new ArrayList<>();
      boolean apply = cfg.applyMySqlPromotionAfterMasterFailover();
      if (q.coMaster()) {
        if (!t.key().equals(q.otherCoMaster().key())) {
          promote.add(new PlanStep.DetachMasterHost(t.key()));
          expected.put(t.key(), detached(fk));
        }
        if (apply) {
          promote.add(new PlanStep.SetReadOnly(t.key(), false));
        }
      } else {
        if (apply) {
          promote.add(new PlanStep.ResetReplicaAll(t.key()));
          promote.add(new PlanStep.SetReadOnly(t.key(), false));
          expected.put(t.key(), InstanceKey.NONE);
          afterwards.add(0, new PlanStep.SetReadOnly(fk, true));
        } else if (cfg.masterFailoverDetachReplicaMasterHost()) {
          promote.add(new PlanStep.DetachMasterHost(t.key()));
          expected.put(t.key(), detached(fk));
        }
      }
      if (!promote.isEmpty()) {
        phases.add(new PromotionPlan.Phase.Ordered("promote " + t.key(), promote, false));
      }
    } else {
      audit.add(checkFailure);
      phases.add(new PromotionPlan.Phase.Ordered("promotion refused", List.of(
          new PlanStep.StartReplication(t.key())), false));
    }
    if (!afterwards.isEmpty()) {
      phases.add(new PromotionPlan.Phase.Ordered("afterwards", afterwards, false));
    }
    if (!lost.isEmpty()) {
      audit.add("lost: " + lost.stream().map(PromotionPlan.LostReplica::toString)
          .collect(Collectors.joining("; ")));
    }
    List<InstanceKey> downtime = new ArrayList<>();
    downtime.add(fk);
    lost.forEach(l -> downtime.add(l.key()));
    return Planned.ready(new PromotionPlan(q.operation(), q.type(), method, fk, t.key(),
        src == null ? InstanceKey.NONE : src.key(), successor, checkFailure, phases, List.of(),
        lost, downtime, expected, audit));
  }

  /** {@code t} has, or can catch up to, everything any of {@code ranked} received. */
  private static boolean losslessFor(Ranked t, List<Ranked> ranked, RecoverySettings cfg) {
    return coversAll(t, ranked) || ranked.stream()
        .anyMatch(c -> coversAll(c, ranked) && sourceProblem(c, t, cfg).isEmpty());
  }

  private static boolean coversAll(Ranked r, List<Ranked> all) {
    return all.stream().allMatch(x -> r.progress().covers(x.progress()));
  }

  /** Why {@code c} cannot serve {@code t} as a catch-up source, or empty when it can. */
  private static Optional<String> sourceProblem(Ranked c, Ranked t, RecoverySettings cfg) {
    if (c == t) {
      return Optional.of("it is the promoted server itself");
    }
    Instance ci = c.instance();
    if (!ci.logBinEnabled() || !ci.logReplicationUpdatesEnabled()) {
      return Optional.of("its binary log does not hold what it replicated (log_bin or"
          + " log_slave_updates OFF)");
    }
    Verdict v = ReplicationRules.canReplicateFrom(t.view(), c.view(), cfg.moves());
    if (v.refused()) {
      return Optional.of(v.reason());
    }
    StringBuilder why = new StringBuilder();
    if (ReplicationRules.gtidKind(t.instance(), ci, why).isEmpty()) {
      return Optional.of(why + " (catching up needs GTID)");
    }
    return Optional.empty();
  }

  private static String lossRefusal(Request q, Ranked t, List<Ranked> ahead,
      List<Ranked> covering) {
    StringBuilder sb = new StringBuilder(q.prefix()).append(": will not promote ")
        .append(t.key()).append(": it did not receive ");
    sb.append(ahead.stream().map(x -> t.progress().missing(x.progress()) + " that " + x.key()
        + " received").collect(Collectors.joining(", ")));
    if (covering.isEmpty()) {
      sb.append("; no reachable replica received everything the others did");
    } else {
      sb.append("; no replica that received everything can be its catch-up source: ");
      sb.append(covering.stream().map(c -> c.key() + ": "
          + sourceProblem(c, t, q.cfg()).orElse("")).collect(Collectors.joining("; ")));
    }
    sb.append(". Set allowLosingTransactions to promote it anyway");
    return sb.toString();
  }

  private static String coMasterNotPromoted(Request q, InstanceKey promoted) {
    return RECOVER_DEAD_CO_MASTER + ": could not manage to promote other-co-master "
        + q.otherCoMaster().key() + "; was only able to promote " + promoted
        + "; mustPromoteOtherCoMaster is true (either CoMasterRecoveryMustPromoteOtherCoMaster is"
        + " true, or co-master is writeable), therefore failing";
  }

  /** The audit's reason for the choice. */
  private static String why(Ranked t, Ranked choice, Request q, List<Ranked> ranked,
      Ranked source) {
    List<String> parts = new ArrayList<>();
    if (source == null && coversAll(t, ranked)) {
      parts.add("most advanced (" + t.progress().received() + ")");
    } else if (source == null) {
      parts.add("received " + t.progress().received());
    } else {
      parts.add("catches up from " + source.key());
    }
    String dc = q.failed().instance().labels().dataCenter();
    if (!dc.isEmpty()) {
      parts.add(t.instance().labels().dataCenter().equals(dc) ? "same DC (" + dc + ")"
          : "other DC (" + t.instance().labels().dataCenter() + ")");
    }
    parts.add(t.view().promotionRule().apiName());
    if (q.designated() != null) {
      parts.add(q.coMaster() ? "the other co-master" : "designated");
    } else if (!t.key().equals(choice.key())) {
      parts.add("replaces " + choice.key());
    }
    return String.join(", ", parts);
  }

  /**
   * orchestrator's SuggestReplacementForPromotedReplica on the plan: {@code promoted} (the rule's
   * choice) keeps the job unless a registered candidate, or a neutral server when {@code
   * promoted} breaks the geo constraints or is {@code prefer_not}, can take over. Of several,
   * the first in promotion order (orchestrator: the last it iterates).
   */
  private static Ranked replacement(Ranked promoted, List<Ranked> ranked, Request q,
      List<String> audit) {
    InstanceView failed = q.failed();
    RecoverySettings cfg = q.cfg();
    List<Ranked> pool = ranked.stream()
        .filter(w -> w != promoted && wouldMoveBelow(w, promoted, cfg)).toList();
    PromotionRule rule = promoted.view().promotionRule();
    if (q.type() == RecoveryType.MasterRecovery && sameDcEnv(promoted.view(), failed)) {
      boolean bestRule = pool.stream().noneMatch(w -> w.view().promotionRule().compareTo(rule) < 0);
      if (rule == PromotionRule.MUST || rule == PromotionRule.PREFER
          || bestRule && rule != PromotionRule.MUST_NOT) {
        audit.add(q.prefix() + ": found " + promoted.key()
            + " to be ideal candidate; will optimize recovery");
        return promoted;
      }
    }
    Predicate<Ranked> takesOver = w -> canTakeOver(w, promoted, cfg);
    List<Ranked> registered = pool.stream().filter(w -> isRegisteredCandidate(w.view())).toList();
    boolean promotedRegistered = isRegisteredCandidate(promoted.view());
    if (promotedRegistered && sameDcEnv(promoted.view(), failed)) {
      audit.add("promoted replica " + promoted.key() + " is the ideal candidate");
      return promoted;
    }
    Optional<Ranked> w = registered.stream().filter(takesOver)
        .filter(c -> sameDcEnv(c.view(), failed)).findFirst();
    if (w.isPresent()) {
      return replacedBy(promoted, w.get(), "a candidate in the same DC and environment as the"
          + " failed master", audit);
    }
    boolean promotedGeoOk = geoViolation(promoted.view(), failed, cfg).isEmpty();
    if (promotedRegistered && promotedGeoOk) {
      audit.add("promoted replica " + promoted.key() + " is a good candidate");
      return promoted;
    }
    w = registered.stream().filter(takesOver)
        .filter(c -> sameDcEnv(c.view(), promoted.view())).findFirst();
    if (w.isPresent()) {
      return replacedBy(promoted, w.get(), "a candidate in the same DC and environment as "
          + promoted.key(), audit);
    }
    w = registered.stream().filter(takesOver)
        .filter(c -> geoViolation(c.view(), failed, cfg).isEmpty()).findFirst();
    if (w.isPresent()) {
      return replacedBy(promoted, w.get(), "a candidate", audit);
    }
    String keepSearching = !promotedGeoOk ? "Will keep searching; "
        + geoViolation(promoted.view(), failed, cfg).orElse("")
        : rule == PromotionRule.PREFER_NOT ? "Will keep searching because we have promoted a"
            + " server with prefer_not rule: " + promoted.key() : "";
    if (!keepSearching.isEmpty()) {
      audit.add(keepSearching);
      // orcha: a replacement that breaks the geo constraints as well is no improvement
      List<Ranked> neutral = pool.stream()
          .filter(c -> c.view().promotionRule() == PromotionRule.NEUTRAL).filter(takesOver)
          .filter(c -> geoViolation(c.view(), failed, cfg).isEmpty())
          .toList();
      w = neutral.stream().filter(c -> sameDcEnv(c.view(), failed)).findFirst();
      if (w.isPresent()) {
        return replacedBy(promoted, w.get(), "a neutral server in the same DC and environment as"
            + " the failed master", audit);
      }
      w = neutral.stream().filter(c -> sameDcEnv(c.view(), promoted.view())).findFirst();
      if (w.isPresent()) {
        return replacedBy(promoted, w.get(), "a neutral server in the same DC and environment"
            + " as " + promoted.key(), audit);
      }
      w = neutral.stream().findFirst();
      if (w.isPresent()) {
        return replacedBy(promoted, w.get(), "a neutral server satisfying the geo constraints",
            audit);
      }
    }
    audit.add("found no server to promote on top of " + promoted.key());
    return promoted;
  }

  private static Ranked replacedBy(Ranked promoted, Ranked w, String why, List<String> audit) {
    audit.add("no candidate was offered but orcha picks " + w.key()
        + " as candidate replacement of " + promoted.key() + ": " + why);
    return w;
  }

  private static boolean isRegisteredCandidate(InstanceView v) {
    return v.promotionRule() == PromotionRule.MUST || v.promotionRule() == PromotionRule.PREFER;
  }

  private static boolean sameDcEnv(InstanceView a, InstanceView b) {
    InstanceLabels x = a.instance().labels();
    InstanceLabels y = b.instance().labels();
    return x.dataCenter().equals(y.dataCenter())
        && x.physicalEnvironment().equals(y.physicalEnvironment());
  }

  /** After regrouping below {@code promoted}, {@code w} would replicate from it. */
  private static boolean wouldMoveBelow(Ranked w, Ranked promoted, RecoverySettings cfg) {
    if (ReplicationRules.canReplicateFrom(w.view(), promoted.view(), cfg.moves()).refused()) {
      return false;
    }
    return ReplicationRules.gtidKind(w.instance(), promoted.instance(), new StringBuilder())
        .isPresent() || unmatchable(w, promoted, null).isEmpty();
  }

  /** orchestrator's canTakeOverPromotedServerAsMaster. */
  private static boolean canTakeOver(Ranked w, Ranked promoted, RecoverySettings cfg) {
    Instance i = w.instance();
    return w.view().lastCheckValid() && i.logBinEnabled() && i.logReplicationUpdatesEnabled()
        && banned(w.view(), cfg).isEmpty()
        && ReplicationRules.canReplicateFrom(promoted.view(), w.view(), cfg.moves()).allowed();
  }

  /**
   * Without GTID, {@code r} can continue at {@code t}'s own binlog position only when both
   * received exactly the same (both apply their relay logs first) and {@code t} takes no writes
   * meanwhile; empty when that holds.
   */
  private static Optional<String> unmatchable(Ranked r, Ranked t, Ranked source) {
    if (source != null) {
      return Optional.of(t.key() + " catches up from " + source.key()
          + " by GTID, so no binlog position of it matches " + r.key());
    }
    BinlogCoordinates rr = r.progress().read();
    BinlogCoordinates tr = t.progress().read();
    if (rr.isEmpty() || tr.isEmpty() || t.instance().selfCoordinates().isEmpty()) {
      return Optional.of("binlog coordinates unknown");
    }
    if (rr.compareTo(tr) != 0) {
      return Optional.of("it received up to " + rr.displayString() + " and " + t.key() + " up to "
          + tr.displayString() + ": only equal positions can be matched without GTID");
    }
    if (!t.instance().readOnly()) {
      return Optional.of(t.key() + " is writable: its own writes make its binlog position"
          + " unmatchable");
    }
    return Optional.empty();
  }

  /** The checks of §7.5 step 6, in orchestrator's order; "" when all pass. */
  private static String checks(Request q, Ranked t, Ranked applier) {
    RecoverySettings cfg = q.cfg();
    if (q.type() == RecoveryType.MasterRecovery) {
      Optional<String> geo = geoViolation(t.view(), q.failed(), cfg);
      if (geo.isPresent()) {
        return q.prefix() + ": failed " + t.key() + " promotion; " + geo.get();
      }
      String lag = lagCheck(t.view(), cfg);
      if (!lag.isEmpty()) {
        return lag;
      }
    }
    if (cfg.failMasterPromotionIfSqlThreadNotUpToDate() && !applier.progress().sqlThreadCaughtUp()) {
      return q.coMaster()
          ? "Promoted replica " + applier.key() + ": sql thread is not up to date (relay logs"
              + " still unapplied). Aborting promotion"
          : q.prefix() + ": failed promotion. FailMasterPromotionIfSQLThreadNotUpToDate is set"
              + " and promoted replica " + applier.key() + " 's sql thread is not up to date"
              + " (relay logs still unapplied). Aborting promotion";
    }
    return "";
  }

  private static String lagCheck(InstanceView t, RecoverySettings cfg) {
    int minutes = cfg.failMasterPromotionOnLagMinutes();
    if (minutes <= 0) {
      return "";
    }
    Long lag = t.instance().replicationLagSeconds();
    long seconds = lag == null ? 0 : lag;
    if (seconds >= minutes * 60L) {
      return RECOVER_DEAD_MASTER + ": failed promotion. FailMasterPromotionOnLagMinutes is set to "
          + minutes + " (minutes) and promoted replica " + t.key() + " 's lag is " + seconds
          + " (seconds)";
    }
    return "";
  }

  // ==== graceful takeover (§7.6) ================================================================

  /**
   * The server graceful-master-takeover[-auto] promotes (§7.6 step 3), with its texts: the
   * designated one (must be a direct replica), the single replica, or with {@code auto} the
   * first eligible replica in promotion order (ties: the PreventCross* constraints, then lower
   * host:port). An invalid designated key counts as not given.
   */
  public static Planned<InstanceKey> gracefulTakeoverTarget(TopologySnapshot s, InstanceKey master,
      InstanceKey designated, boolean auto, RecoverySettings settings) {
    Optional<InstanceView> mv = s.instance(master);
    if (mv.isEmpty()) {
      return Planned.refused(unknown(master));
    }
    List<InstanceView> replicas = s.replicasOf(master).stream()
        .filter(v -> !v.key().equals(master)).toList();
    if (replicas.isEmpty()) {
      return Planned.refused("Master " + master + " doesn't seem to have replicas");
    }
    if (designated == null || !designated.isValid()) {
      if (replicas.size() == 1) {
        return Planned.ready(replicas.get(0).key());
      }
      if (!auto) {
        return Planned.refused("GracefulMasterTakeover: target instance not indicated, auto=false,"
            + " and master " + master + " has " + replicas.size() + " replicas. orchestrator"
            + " cannot choose where to failover to. Aborting");
      }
      return rank(replicas, mv.get(), settings).stream().filter(Ranked::eligible).findFirst()
          .map(r -> Planned.ready(r.key()))
          .orElseGet(() -> Planned.refused("GracefulMasterTakeover: no target instance indicated,"
              + " failed to auto-detect candidate replica for master " + master + ". Aborting"));
    }
    if (replicas.stream().noneMatch(r -> r.key().equals(designated))) {
      return Planned.refused("GracefulMasterTakeover: indicated designated instance " + designated
          + " must be directly replicating from the master " + master);
    }
    return Planned.ready(designated);
  }

  /**
   * graceful-master-takeover[-auto] (§7.6): the designated server takes its siblings, the master
   * turns read-only, the designated server executes everything the master wrote (which also
   * makes it hold everything any replica received: nothing can be lost), it is promoted, and the
   * old master replicates from it (left stopped; started with {@code auto}). A failing check
   * (geo, lag) makes the old master writable again; so does an abort before the promotion.
   */
  public static Planned<PromotionPlan> gracefulMasterTakeover(TopologySnapshot s,
      InstanceKey master, InstanceKey designated, boolean auto, RecoverySettings settings) {
    Planned<InstanceKey> target = gracefulTakeoverTarget(s, master, designated, auto, settings);
    if (!target.isReady()) {
      return Planned.refused(target.verdict());
    }
    InstanceView m = s.instance(master).orElseThrow();
    InstanceView d = s.instance(target.plan()).orElseThrow();
    InstanceKey dk = d.key();
    if (banned(d, settings).isPresent()) {
      return Planned.refused("GracefulMasterTakeover: designated instance " + dk + " cannot be"
          + " promoted due to promotion rule or it is explicitly ignored in"
          + " PromotionIgnoreHostnameFilters configuration");
    }
    if (!reasonableMaintenanceLag(d.instance(), settings.reasonableMaintenanceLagSeconds())) {
      return Planned.refused("Desginated instance " + dk
          + " seems to be lagging too much for this operation. Aborting.");
    }
    if (!m.lastCheckValid()) {
      return Planned.refused("GracefulMasterTakeover: master " + master + " is not reachable"
          + " (last check invalid); force-master-failover takes over from a dead master");
    }
    if (!d.lastCheckValid()) {
      return Planned.refused("GracefulMasterTakeover: designated instance " + dk
          + " is not reachable (last check invalid)");
    }
    List<String> audit = new ArrayList<>();
    audit.add("GracefulMasterTakeover: will demote " + master + " and promote " + dk);
    List<MovePlan> moves = new ArrayList<>();
    Map<InstanceKey, InstanceKey> expected = new LinkedHashMap<>();
    for (InstanceView r : s.replicasOf(master)) {
      if (r.key().equals(dk) || r.key().equals(master)) {
        continue;
      }
      Planned<MovePlan> p = MovePlanner.plan(s, r.key(), dk, MoveConstraint.ANY,
          settings.moves());
      if (p.isReady()) {
        moves.add(p.plan());
        expected.put(r.key(), dk);
      } else if (r.downtimed()) {
        audit.add("GracefulMasterTakeover: unable to relocate " + r.key() + " below designated "
            + dk + ", but since it is downtimed (downtime reason: " + r.downtime().reason()
            + ") I will proceed: " + p.reason());
      } else {
        return Planned.refused("Desginated instance " + dk
            + " cannot take over all of its siblings. Error: " + p.reason());
      }
    }
    String checkFailure = geoViolation(d, m, settings)
        .map(g -> RECOVER_DEAD_MASTER + ": failed " + dk + " promotion; " + g)
        .orElse(lagCheck(d, settings));
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(m.instance(),
        d.instance(), why);
    boolean allGtid = kind.isPresent() && moves.stream().allMatch(mp -> !(mp instanceof
        MovePlan.BinlogPosition));
    PromotionPlan.Method method = allGtid ? PromotionPlan.Method.MasterRecoveryGTID
        : PromotionPlan.Method.MasterRecoveryPseudoGTID;
    audit.add(RECOVER_DEAD_MASTER + ": masterRecoveryType=" + method);

    List<PromotionPlan.Phase> phases = new ArrayList<>();
    if (auto) {
      phases.add(new PromotionPlan.Phase.Ordered("start replication on " + dk,
          List.of(new PlanStep.StartReplication(dk)), true));
    }
    if (!moves.isEmpty()) {
      phases.add(new PromotionPlan.Phase.Parallel("relocate siblings below " + dk, moves,
          disjoint(moves), true));
    }
    Duration wait = Duration.ofSeconds(settings.reasonableMaintenanceLagSeconds());
    List<PlanStep> demote = new ArrayList<>(List.of(new PlanStep.SetReadOnly(master, true),
        new PlanStep.WaitUntilCaughtUpWithMaster(dk, master, wait)));
    InstanceKey successor = InstanceKey.NONE;
    if (checkFailure.isEmpty()) {
      successor = dk;
      demote.add(new PlanStep.StopReplication(dk));
      phases.add(new PromotionPlan.Phase.Ordered("demote " + master, demote, true));
      List<PlanStep> promote = new ArrayList<>();
      // the old master's CHANGE MASTER reads dk's position before dk takes writes, and copies
      // the TLS options of dk's channel (MASTER_SSL_CA, ...) before dk's RESET SLAVE ALL drops it
      boolean credentials = MovePlanner.needsCredentials(m.instance());
      boolean ssl = credentials && d.instance().replication().sslAllowed();
      if (kind.isPresent() && kind.get() == ReplicationRules.GtidKind.MYSQL) {
        promote.add(new PlanStep.ChangeMaster(master, dk, MasterPositioning.AUTO_POSITION,
            credentials, ssl));
      } else if (kind.isPresent()) {
        boolean currentPos = settings.moves().mariaDbCurrentPos();
        if (!currentPos) {
          promote.add(new PlanStep.SetGtidSlavePosFromBinlogPos(master));
        }
        promote.add(new PlanStep.ChangeMaster(master, dk,
            new MasterPositioning.MariaDbGtid(currentPos), credentials, ssl));
      } else {
        promote.add(new PlanStep.ChangeMaster(master, dk,
            new MasterPositioning.BinlogFile(CoordinatesOf.self(d.instance())), credentials,
            ssl));
      }
      promote.add(new PlanStep.ResetReplicaAll(dk));
      promote.add(new PlanStep.SetReadOnly(dk, false));
      if (auto) {
        promote.add(new PlanStep.StartReplication(master));
      }
      phases.add(new PromotionPlan.Phase.Ordered("promote " + dk, promote, false));
      expected.put(dk, InstanceKey.NONE);
      expected.put(master, dk);
      audit.add("chose " + dk + (designated != null && designated.isValid() ? ": designated"
          : auto ? ": first in promotion order" : ": the only replica")
          + "; it executes everything " + master + " wrote before promotion"
          + (auto ? "; replication started on " + master : "; replication on " + master
              + " left stopped"));
    } else {
      phases.add(new PromotionPlan.Phase.Ordered("demote " + master, demote, true));
      phases.add(new PromotionPlan.Phase.Ordered("promotion refused",
          List.of(new PlanStep.SetReadOnly(master, false)), false));
      audit.add(checkFailure);
    }
    return Planned.ready(new PromotionPlan(auto ? "graceful-master-takeover-auto"
        : "graceful-master-takeover", RecoveryType.MasterRecovery, method, master, dk,
        InstanceKey.NONE, successor, checkFailure, phases,
        List.of(new PlanStep.SetReadOnly(master, false)), List.of(), List.of(master), expected,
        audit));
  }

  /** orchestrator's HasReasonableMaintenanceReplicationLag (Seconds_Behind_Master; null is 0). */
  private static boolean reasonableMaintenanceLag(Instance i, long limit) {
    Long sbm = i.replication().secondsBehindMaster();
    long lag = sbm == null ? 0 : sbm;
    long delay = i.replication().sqlDelay();
    return (delay > 0 ? Math.abs(lag - delay) : lag) <= limit;
  }

  // ==== steps ===================================================================================

  /**
   * {@code t} catches up from {@code source} by GTID: it replicates from it until it has executed
   * everything {@code source} has, then stops (it is about to become master).
   */
  private static List<PlanStep> handover(Ranked t, Ranked source, RecoverySettings cfg) {
    ReplicationRules.GtidKind kind = ReplicationRules.gtidKind(t.instance(), source.instance(),
        new StringBuilder()).orElseThrow();
    MovePlan below = gtidMove(t.instance(), source.instance(), kind, cfg.moves());
    List<PlanStep> steps = new ArrayList<>(below.steps());
    steps.add(new PlanStep.WaitUntilGtidCaughtUp(t.key(), source.key()));
    steps.add(new PlanStep.StopReplication(t.key()));
    return steps;
  }

  /**
   * {@code x} below {@code y} by GTID, as {@link MovePlanner}'s GTID moves: stop x; MariaDB: wait
   * until y has what x has (a replica ahead of its new master fails with error 1236); CHANGE
   * MASTER; start x.
   */
  static MovePlan gtidMove(Instance x, Instance y, ReplicationRules.GtidKind kind,
      MoveSettings settings) {
    List<PlanStep> steps = new ArrayList<>();
    steps.add(new PlanStep.StopReplication(x.key()));
    boolean credentials = MovePlanner.needsCredentials(x);
    boolean ssl = credentials && y.replication().sslAllowed();
    if (kind == ReplicationRules.GtidKind.MYSQL) {
      steps.add(new PlanStep.ChangeMaster(x.key(), y.key(), MasterPositioning.AUTO_POSITION,
          credentials, ssl));
      steps.add(new PlanStep.StartReplication(x.key()));
      return new MovePlan.MySqlGtid(x.key(), y.key(), steps);
    }
    boolean currentPos = settings.mariaDbCurrentPos();
    steps.add(new PlanStep.WaitUntilGtidCaughtUp(y.key(), x.key()));
    steps.add(new PlanStep.ChangeMaster(x.key(), y.key(),
        new MasterPositioning.MariaDbGtid(currentPos), credentials, ssl));
    steps.add(new PlanStep.StartReplication(x.key()));
    return new MovePlan.MariaDbGtid(x.key(), y.key(), currentPos, steps);
  }

  /**
   * Without GTID, orchestrator's "equal replicas": {@code x} received exactly what {@code t}
   * received; it applies its relay log (as {@code t} did), stops, and continues at {@code t}'s
   * own binlog position, read when the CHANGE MASTER runs ({@code t} is stopped and read-only
   * then).
   */
  private static MovePlan fileMove(Instance x, Instance t) {
    CoordinatesOf at = CoordinatesOf.self(t);
    boolean credentials = MovePlanner.needsCredentials(x);
    return new MovePlan.BinlogPosition(x.key(), t.key(), MovePlan.Kind.BELOW_SIBLING, at, List.of(
        new PlanStep.WaitUntilSqlThreadCaughtUp(x.key(), false),
        new PlanStep.StopReplication(x.key()),
        new PlanStep.ChangeMaster(x.key(), t.key(), new MasterPositioning.BinlogFile(at),
            credentials, credentials && t.replication().sslAllowed()),
        new PlanStep.StartReplication(x.key())));
  }

  /** The moves change disjoint sets of servers, so they may run at the same time. */
  static boolean disjoint(List<MovePlan> moves) {
    Set<InstanceKey> seen = new HashSet<>();
    for (MovePlan m : moves) {
      for (InstanceKey k : m.servers()) {
        if (!seen.add(k)) {
          return false;
        }
      }
    }
    return true;
  }

  private static InstanceKey detached(InstanceKey master) {
    return new InstanceKey("//" + master.hostname(), master.port());
  }

  private static String unknown(InstanceKey k) {
    return k + " is not a known instance";
  }
}
