package topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Plans the topology refactorings of contract §4.3 as values: which method moves a replica, in
 * which steps, which servers it touches and what the topology looks like afterwards. Pure: reads
 * a {@link TopologySnapshot}, no I/O, no clock. Refusals keep orchestrator's texts where §4.3
 * and go/inst/instance_topology.go give them and name the servers as {@code host:port}.
 *
 * <p>Method choice ({@link #plan}): GTID first (MySQL: both gtid_mode=ON; MariaDB: both MariaDB,
 * {@code MASTER_USE_GTID=slave_pos}), then binlog file:pos where coordinates match exactly:
 * same master again, siblings (orchestrator's MoveBelow), the master's master (MoveUp). That is
 * orchestrator's relocateBelowInternal without Pseudo-GTID, binlog servers and
 * equivalent-coordinate lookups, which orcha does not have.
 *
 * <p>Deliberate differences from orchestrator:
 * <ul>
 *   <li>move-up, move-below, take-master and make-co-master use GTID when both sides have it.
 *       orchestrator runs move-up and move-below with GTIDHintDeny, which turns auto-position off
 *       on the moved replica; GTID yields the same topology, stops only the moved replica and
 *       keeps the replica regroupable later (MARIADB.md item 5). File:pos stays available with
 *       {@link MoveConstraint#BINLOG_ONLY};</li>
 *   <li>GTID eligibility is "able to": a MySQL replica with gtid_mode=ON that does not use
 *       auto-position yet is switched to it (orchestrator requires it to use it already);</li>
 *   <li>MariaDB GTID moves use {@code slave_pos}; a server without a replication channel (a
 *       master) first gets {@code gtid_slave_pos = gtid_binlog_pos}, and the target is waited
 *       for until it has everything the moving server has (a MariaDB replica ahead of its new
 *       master fails with error 1236). orchestrator uses {@code current_pos};</li>
 *   <li>repoint to a different master needs GTID: a replica's file:pos coordinates refer to its
 *       current master's binary logs (orchestrator trusts the user, for binlog servers);</li>
 *   <li>match-up and match-up-replicas (Pseudo-GTID in orchestrator) are GTID move-ups, refused
 *       without GTID; regroup-replicas picks the most advanced replica and moves the others by
 *       GTID or, without GTID, as siblings by binlog coordinates;</li>
 *   <li>a target that already is the replica's master is a repoint, checked before the
 *       descendant rule (in a co-master pair each is the other's descendant);</li>
 *   <li>move-below below a writable co-master sibling by file:pos is refused as in relocate:
 *       the co-master's own recent writes would be skipped.</li>
 * </ul>
 */
public final class MovePlanner {

  private static final String NOT_MATCHABLE =
      " and their binlog coordinates cannot be matched (not siblings, not the master's master)";

  private MovePlanner() {}

  // ==== one move ===============================================================================

  /** {@link #plan(TopologySnapshot, InstanceKey, InstanceKey, MoveConstraint, MoveSettings)}. */
  public static Planned<MovePlan> plan(TopologySnapshot s, InstanceKey replica,
      InstanceKey target, MoveConstraint constraint) {
    return plan(s, replica, target, constraint, MoveSettings.DEFAULTS);
  }

  /**
   * How {@code replica} comes to replicate from {@code target}, or why it cannot: the structure
   * rules, {@link ReplicationRules#canReplicateFrom}, then GTID (unless
   * {@link MoveConstraint#BINLOG_ONLY}), then binlog coordinates (unless
   * {@link MoveConstraint#GTID_ONLY}).
   */
  public static Planned<MovePlan> plan(TopologySnapshot s, InstanceKey replica,
      InstanceKey target, MoveConstraint constraint, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(replica);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(replica));
    }
    Optional<InstanceView> yv = s.instance(target);
    if (yv.isEmpty()) {
      return Planned.refused(unknown(target));
    }
    return plan(s, xv.get(), yv.get(), constraint, settings);
  }

  private static Planned<MovePlan> plan(TopologySnapshot s, InstanceView xv, InstanceView yv,
      MoveConstraint constraint, MoveSettings settings) {
    Instance x = xv.instance();
    Instance y = yv.instance();
    InstanceKey xk = x.key();
    InstanceKey yk = y.key();
    Verdict structure = ReplicationRules.canMoveBelow(s, xk, yk);
    if (structure.refused()) {
      return Planned.refused(structure);
    }
    Verdict rules = ReplicationRules.canReplicateFrom(xv, yv, settings);
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    if (x.isReplica() && realMaster(x).equals(yk)) {
      return samePlace(xv, yv, constraint, settings, "cannot move " + xk + " below " + yk + ": ");
    }
    String prefix = "cannot move " + xk + " below " + yk + ": ";
    Verdict movable = ReplicationRules.canMoveViaGtid(xv);
    if (movable.refused()) {
      return Planned.refused(prefix + movable.reason());
    }
    StringBuilder why = new StringBuilder();
    if (constraint != MoveConstraint.BINLOG_ONLY) {
      Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(x, y, why);
      if (kind.isPresent()) {
        return Planned.ready(gtidMove(x, y, kind.get(), settings, true));
      }
    }
    if (constraint == MoveConstraint.GTID_ONLY) {
      return Planned.refused("Instances " + xk + ", " + yk
          + " not GTID compatible or not using GTID: " + why);
    }
    // binlog file:pos: siblings (a writable co-master only by move-up, as orchestrator)
    if (areSiblings(x, y) && !(yv.coMaster() && !y.readOnly())) {
      return siblingsMove(xv, yv, settings);
    }
    Optional<InstanceView> mv = x.isReplica() ? s.instance(x.masterKey()) : Optional.empty();
    if (mv.isPresent() && mv.get().instance().isReplica()
        && mv.get().instance().masterKey().equals(yk)) {
      return moveUpMove(xv, mv.get(), y, settings);
    }
    String gtid = constraint == MoveConstraint.BINLOG_ONLY ? "file:pos asked for" : why.toString();
    return Planned.refused(prefix + gtid + NOT_MATCHABLE);
  }

  /** The replica already replicates from {@code yv} (or did, before a detach): a repoint. */
  private static Planned<MovePlan> samePlace(InstanceView xv, InstanceView yv,
      MoveConstraint constraint, MoveSettings settings, String prefix) {
    Instance x = xv.instance();
    Instance y = yv.instance();
    StringBuilder why = new StringBuilder();
    if (constraint != MoveConstraint.BINLOG_ONLY) {
      Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(x, y, why);
      if (kind.isPresent()) {
        // its own master cannot be behind it: no wait, and the master may be down (repoint)
        return Planned.ready(gtidMove(x, y, kind.get(), settings, false));
      }
    }
    if (constraint == MoveConstraint.GTID_ONLY) {
      return Planned.refused("Instances " + x.key() + ", " + y.key()
          + " not GTID compatible or not using GTID: " + why);
    }
    if (x.replication().execCoordinates().isEmpty()) {
      return Planned.refused(prefix + x.key() + " has no exec coordinates"
          + (why.length() > 0 ? " and " + why : ""));
    }
    CoordinatesOf at = CoordinatesOf.exec(x);
    return Planned.ready(new MovePlan.BinlogPosition(x.key(), y.key(), MovePlan.Kind.SAME_MASTER,
        at, List.of(new PlanStep.StopReplication(x.key()),
            changeMaster(x, y, new MasterPositioning.BinlogFile(at)),
            new PlanStep.StartReplication(x.key()))));
  }

  /**
   * A GTID move of {@code x} below {@code y}: stop x, (MariaDB: align a master's slave position,
   * wait for y to have what x has), CHANGE MASTER, start x.
   */
  private static MovePlan gtidMove(Instance x, Instance y, ReplicationRules.GtidKind kind,
      MoveSettings settings, boolean waitForTarget) {
    List<PlanStep> steps = new ArrayList<>();
    if (x.isReplica()) {
      steps.add(new PlanStep.StopReplication(x.key()));
    }
    if (kind == ReplicationRules.GtidKind.MYSQL) {
      steps.add(changeMaster(x, y, MasterPositioning.AUTO_POSITION));
      steps.add(new PlanStep.StartReplication(x.key()));
      return new MovePlan.MySqlGtid(x.key(), y.key(), steps);
    }
    boolean currentPos = settings.mariaDbCurrentPos();
    steps.addAll(mariaDbPreparation(x, y, currentPos, waitForTarget));
    steps.add(changeMaster(x, y, new MasterPositioning.MariaDbGtid(currentPos)));
    steps.add(new PlanStep.StartReplication(x.key()));
    return new MovePlan.MariaDbGtid(x.key(), y.key(), currentPos, steps);
  }

  private static List<PlanStep> mariaDbPreparation(Instance x, Instance y, boolean currentPos,
      boolean waitForTarget) {
    List<PlanStep> steps = new ArrayList<>();
    if (!x.isReplica() && !currentPos) {
      steps.add(new PlanStep.SetGtidSlavePosFromBinlogPos(x.key()));
    }
    if (waitForTarget) {
      steps.add(new PlanStep.WaitUntilGtidCaughtUp(y.key(), x.key()));
    }
    return steps;
  }

  /** orchestrator's MoveBelow: both stopped, the one behind catches up, x at y's own position. */
  private static Planned<MovePlan> siblingsMove(InstanceView xv, InstanceView yv,
      MoveSettings settings) {
    Instance x = xv.instance();
    Instance y = yv.instance();
    String prefix = "cannot move " + x.key() + " below " + y.key() + ": ";
    for (InstanceView v : List.of(xv, yv)) {
      Verdict movable = ReplicationRules.canMove(v, settings);
      if (movable.refused()) {
        return Planned.refused(prefix + movable.reason());
      }
    }
    CoordinatesOf at = CoordinatesOf.self(y);
    return Planned.ready(new MovePlan.BinlogPosition(x.key(), y.key(),
        MovePlan.Kind.BELOW_SIBLING, at, List.of(
            new PlanStep.StopReplication(x.key()),
            new PlanStep.StopReplication(y.key()),
            new PlanStep.AlignSiblings(x.key(), y.key()),
            changeMaster(x, y, new MasterPositioning.BinlogFile(at)),
            new PlanStep.StartReplication(x.key()),
            new PlanStep.StartReplication(y.key()))));
  }

  /**
   * orchestrator's MoveUp: stop the master M, stop x, start x until M's own binlog position,
   * point x at M's master at M's exec coordinates, start x, start M.
   */
  private static Planned<MovePlan> moveUpMove(InstanceView xv, InstanceView mv, Instance g,
      MoveSettings settings) {
    Instance x = xv.instance();
    Instance m = mv.instance();
    Verdict v = moveUpPreconditions(xv, mv, g, settings);
    if (v.refused()) {
      return Planned.refused(v);
    }
    CoordinatesOf at = CoordinatesOf.exec(m);
    return Planned.ready(new MovePlan.BinlogPosition(x.key(), g.key(), MovePlan.Kind.MOVE_UP, at,
        List.of(new PlanStep.StopReplication(m.key()),
            new PlanStep.StopReplication(x.key()),
            new PlanStep.StartReplicationUntil(x.key(), CoordinatesOf.self(m)),
            changeMaster(x, g, new MasterPositioning.BinlogFile(at)),
            new PlanStep.StartReplication(x.key()),
            new PlanStep.StartReplication(m.key()))));
  }

  private static Verdict moveUpPreconditions(InstanceView xv, InstanceView mv, Instance g,
      MoveSettings settings) {
    Instance m = mv.instance();
    String prefix = "cannot move " + xv.key() + " below " + g.key() + ": ";
    Verdict movable = ReplicationRules.canMove(xv, settings);
    if (movable.refused()) {
      return Verdict.refused(prefix + movable.reason());
    }
    Verdict master = ReplicationRules.canMoveViaGtid(mv);
    if (master.refused()) {
      return Verdict.refused(prefix + master.reason());
    }
    if (!m.logBinEnabled() || !m.logReplicationUpdatesEnabled()) {
      return Verdict.refused(prefix + m.key() + " does not log what it replicates"
          + " (log_slave_updates=OFF), so its coordinates cannot be matched");
    }
    if (m.replication().execCoordinates().isEmpty() || m.selfCoordinates().isEmpty()) {
      return Verdict.refused(prefix + "the binlog coordinates of " + m.key() + " are unknown");
    }
    return Verdict.ALLOWED;
  }

  private static PlanStep.ChangeMaster changeMaster(Instance x, Instance newMaster,
      MasterPositioning positioning) {
    boolean credentials = needsCredentials(x);
    return new PlanStep.ChangeMaster(x.key(), newMaster.key(), positioning, credentials,
        credentials && newMaster.replication().sslAllowed());
  }

  /** No usable replication channel: a master, after RESET SLAVE ALL, or no Master_User. */
  static boolean needsCredentials(Instance x) {
    return !x.isReplica() || x.replication().masterUser().isEmpty();
  }

  // ==== refactorings (contract §4.3) ===========================================================

  /**
   * relocate: {@code instance} below {@code below} by the best method. Refuses
   * {@code relocate: <below> is a descendant of <instance>}.
   */
  public static Planned<RefactoringPlan> relocate(TopologySnapshot s, InstanceKey instance,
      InstanceKey below, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    Optional<InstanceView> yv = s.instance(below);
    if (xv.isEmpty() || yv.isEmpty()) {
      return Planned.refused(unknown(xv.isEmpty() ? instance : below));
    }
    if (!isMasterOf(below, xv.get().instance())
        && ReplicationRules.isDescendant(s, below, instance)) {
      return Planned.refused("relocate: " + below + " is a descendant of " + instance);
    }
    return single("relocate", instance,
        plan(s, xv.get(), yv.get(), MoveConstraint.ANY, settings));
  }

  /**
   * relocate-replicas: every replica of {@code instance} (matching {@code pattern}, a regular
   * expression found in {@code host:port}; empty = all) below {@code below}, each by its best
   * method. Replicas that cannot move are skipped with their reason; refused when none can.
   */
  public static Planned<RefactoringPlan> relocateReplicas(TopologySnapshot s,
      InstanceKey instance, InstanceKey below, String pattern, MoveSettings settings) {
    return relocateReplicas("relocate-replicas", instance, s, instance, below, pattern,
        settings);
  }

  private static Planned<RefactoringPlan> relocateReplicas(String operation, InstanceKey named,
      TopologySnapshot s, InstanceKey instance, InstanceKey below, String pattern,
      MoveSettings settings) {
    if (s.instance(instance).isEmpty() || s.instance(below).isEmpty()) {
      return Planned.refused(unknown(s.instance(instance).isEmpty() ? instance : below));
    }
    Optional<Predicate<InstanceKey>> filter = pattern(pattern);
    if (filter.isEmpty()) {
      return Planned.refused(badPattern(pattern));
    }
    List<InstanceView> replicas = replicasOf(s, instance, filter.get(), false).stream()
        .filter(r -> !r.key().equals(below)).toList();
    for (InstanceView r : replicas) {
      if (ReplicationRules.isDescendant(s, below, r.key())) {
        return Planned.refused(operation + ": " + below + " is a descendant of " + r.key());
      }
    }
    return multi(operation, named, below, replicas,
        r -> plan(s, r, s.instance(below).orElseThrow(), MoveConstraint.ANY, settings),
        "of " + instance + " below " + below);
  }

  /**
   * move-up: {@code instance} becomes a sibling of its master (replicates from its master's
   * master). GTID when both sides have it, else orchestrator's MoveUp by binlog coordinates.
   */
  public static Planned<RefactoringPlan> moveUp(TopologySnapshot s, InstanceKey instance,
      MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("instance is not a replica: " + instance);
    }
    Optional<InstanceView> mv = s.instance(x.masterKey());
    if (mv.isEmpty()) {
      return Planned.refused("cannot move " + instance + " up: its master " + x.masterKey()
          + " is not a known instance");
    }
    Instance m = mv.get().instance();
    if (!m.isReplica()) {
      return Planned.refused("master is not a replica itself: " + m.key());
    }
    Optional<InstanceView> gv = s.instance(m.masterKey());
    if (gv.isEmpty()) {
      return Planned.refused("cannot move " + instance + " up: " + m.key() + " replicates from "
          + m.masterKey() + ", which is not a known instance");
    }
    return single("move-up", instance, plan(s, xv.get(), gv.get(), MoveConstraint.ANY, settings));
  }

  /**
   * move-up-replicas: every replica of {@code instance} (matching {@code pattern}) replicates
   * from {@code instance}'s master. By GTID where possible; by binlog coordinates
   * {@code instance} is stopped once (prepare) and each replica catches up to its own binlog
   * position before it moves to {@code instance}'s exec coordinates (orchestrator's
   * MoveUpReplicas).
   */
  public static Planned<RefactoringPlan> moveUpReplicas(TopologySnapshot s, InstanceKey instance,
      String pattern, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("instance is not a replica: " + instance);
    }
    Optional<InstanceView> gv = s.instance(x.masterKey());
    if (gv.isEmpty()) {
      return Planned.refused("cannot move replicas of " + instance + " up: its master "
          + x.masterKey() + " is not a known instance");
    }
    Optional<Predicate<InstanceKey>> filter = pattern(pattern);
    if (filter.isEmpty()) {
      return Planned.refused(badPattern(pattern));
    }
    InstanceView g = gv.get();
    List<InstanceView> replicas = replicasOf(s, instance, filter.get(), false);
    List<MovePlan> moves = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    boolean stopsInstance = false;
    for (InstanceView r : replicas) {
      Planned<MovePlan> p = moveUpReplica(s, r, xv.get(), g, settings);
      if (p.isReady()) {
        moves.add(p.plan());
        stopsInstance |= p.plan() instanceof MovePlan.BinlogPosition;
      } else {
        skipped.add(p.reason());
      }
    }
    if (moves.isEmpty() && !skipped.isEmpty()) {
      return Planned.refused(noneMoved("move-up-replicas", replicas.size(),
          "of " + instance + " up below " + g.key(), skipped));
    }
    Map<InstanceKey, InstanceKey> expected = new LinkedHashMap<>();
    moves.forEach(m -> expected.put(m.replica(), m.target()));
    List<PlanStep> prepare = stopsInstance
        ? List.of(new PlanStep.StopReplication(instance)) : List.of();
    List<PlanStep> finish = stopsInstance
        ? List.of(new PlanStep.StartReplication(instance)) : List.of();
    return Planned.ready(new RefactoringPlan("move-up-replicas", instance, g.key(), prepare,
        moves, finish, true, expected, skipped));
  }

  /** One replica of a move-up-replicas; the shared stop of its master is in the prepare steps. */
  private static Planned<MovePlan> moveUpReplica(TopologySnapshot s, InstanceView rv,
      InstanceView xv, InstanceView gv, MoveSettings settings) {
    Instance r = rv.instance();
    Instance x = xv.instance();
    Instance g = gv.instance();
    Verdict structure = ReplicationRules.canMoveBelow(s, r.key(), g.key());
    if (structure.refused()) {
      return Planned.refused(structure);
    }
    Verdict rules = ReplicationRules.canReplicateFrom(rv, gv, settings);
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    String prefix = "cannot move " + r.key() + " below " + g.key() + ": ";
    Verdict movable = ReplicationRules.canMoveViaGtid(rv);
    if (movable.refused()) {
      return Planned.refused(prefix + movable.reason());
    }
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(r, g, why);
    if (kind.isPresent()) {
      return Planned.ready(gtidMove(r, g, kind.get(), settings, true));
    }
    Verdict v = moveUpPreconditions(rv, xv, g, settings);
    if (v.refused()) {
      return Planned.refused(v);
    }
    CoordinatesOf at = CoordinatesOf.exec(x);
    return Planned.ready(new MovePlan.BinlogPosition(r.key(), g.key(), MovePlan.Kind.MOVE_UP, at,
        List.of(new PlanStep.StopReplication(r.key()),
            new PlanStep.StartReplicationUntil(r.key(), CoordinatesOf.self(x)),
            changeMaster(r, g, new MasterPositioning.BinlogFile(at)),
            new PlanStep.StartReplication(r.key()))));
  }

  /**
   * move-below: {@code instance} replicates from its sibling {@code sibling}
   * ({@code instances are not siblings: <i>, <s>} otherwise). GTID when both have it, else
   * orchestrator's MoveBelow by binlog coordinates.
   */
  public static Planned<RefactoringPlan> moveBelow(TopologySnapshot s, InstanceKey instance,
      InstanceKey sibling, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    Optional<InstanceView> yv = s.instance(sibling);
    if (xv.isEmpty() || yv.isEmpty()) {
      return Planned.refused(unknown(xv.isEmpty() ? instance : sibling));
    }
    if (instance.equals(sibling)) {
      return Planned.refused("cannot move " + instance + " below itself");
    }
    if (!areSiblings(xv.get().instance(), yv.get().instance())) {
      return Planned.refused("instances are not siblings: " + instance + ", " + sibling);
    }
    return single("move-below", instance,
        plan(s, xv.get(), yv.get(), MoveConstraint.ANY, settings));
  }

  /**
   * move-below-gtid (alias move-gtid): {@code instance} below any {@code below} by GTID only
   * ({@code Instances <i>, <b> not GTID compatible or not using GTID: <why>} otherwise).
   */
  public static Planned<RefactoringPlan> moveBelowGtid(TopologySnapshot s, InstanceKey instance,
      InstanceKey below, MoveSettings settings) {
    return single("move-below-gtid", instance,
        plan(s, instance, below, MoveConstraint.GTID_ONLY, settings));
  }

  /** move-replicas-gtid: every (matching) replica of {@code instance} below {@code below} by GTID. */
  public static Planned<RefactoringPlan> moveReplicasGtid(TopologySnapshot s,
      InstanceKey instance, InstanceKey below, String pattern, MoveSettings settings) {
    if (s.instance(instance).isEmpty() || s.instance(below).isEmpty()) {
      return Planned.refused(unknown(s.instance(instance).isEmpty() ? instance : below));
    }
    Optional<Predicate<InstanceKey>> filter = pattern(pattern);
    if (filter.isEmpty()) {
      return Planned.refused(badPattern(pattern));
    }
    List<InstanceView> replicas = replicasOf(s, instance, filter.get(), false).stream()
        .filter(r -> !r.key().equals(below)).toList();
    return multi("move-replicas-gtid", instance, below, replicas,
        r -> plan(s, r, s.instance(below).orElseThrow(), MoveConstraint.GTID_ONLY, settings),
        "of " + instance + " below " + below);
  }

  /**
   * repoint: CHANGE MASTER without moving in the tree. {@code master} null = the current master
   * (also after detach-replica-master-host: {@code //host} is pointed at {@code host} again).
   * The master need not be reachable (orchestrator prefers it alive but does not require it).
   * To the same master: GTID when both have it, else the replica's own exec coordinates. To
   * another master: GTID only. A server without a replication channel needs a given master and
   * GTID, and replication credentials.
   */
  public static Planned<RefactoringPlan> repoint(TopologySnapshot s, InstanceKey instance,
      InstanceKey master, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    return single("repoint", instance, repointMove(s, xv.get(), master, settings));
  }

  private static Planned<MovePlan> repointMove(TopologySnapshot s, InstanceView xv,
      InstanceKey master, MoveSettings settings) {
    Instance x = xv.instance();
    if (master == null || !master.isValid()) {
      if (!x.isReplica()) {
        return Planned.refused("instance is not a replica: " + x.key());
      }
      master = realMaster(x);
    }
    Optional<InstanceView> mv = s.instance(master);
    String prefix = "cannot repoint " + x.key() + " to " + master + ": ";
    if (mv.isEmpty()) {
      return Planned.refused(prefix + master + " is not a known instance");
    }
    Instance m = mv.get().instance();
    if (x.key().equals(master)) {
      return Planned.refused(prefix + "a server cannot replicate from itself");
    }
    boolean sameMaster = x.isReplica() && realMaster(x).equals(master);
    if (!sameMaster) {
      Verdict structure = ReplicationRules.canMoveBelow(s, x.key(), master);
      if (structure.refused()) {
        return Planned.refused(structure);
      }
    }
    Verdict rules = ReplicationRules.canReplicateFrom(x, m, settings);
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    if (sameMaster) {
      return samePlace(xv, mv.get(), MoveConstraint.ANY, settings, prefix);
    }
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(x, m, why);
    if (kind.isPresent()) {
      return Planned.ready(gtidMove(x, m, kind.get(), settings, true));
    }
    String where = x.isReplica()
        ? "its coordinates refer to the binary logs of " + realMaster(x)
        : x.key() + " has no replication coordinates";
    return Planned.refused(prefix + why + ", and " + where);
  }

  /**
   * repoint-replicas: every (matching) replica of {@code instance}, detached ones included, is
   * repointed at {@code instance}.
   */
  public static Planned<RefactoringPlan> repointReplicas(TopologySnapshot s, InstanceKey instance,
      String pattern, MoveSettings settings) {
    if (s.instance(instance).isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Optional<Predicate<InstanceKey>> filter = pattern(pattern);
    if (filter.isEmpty()) {
      return Planned.refused(badPattern(pattern));
    }
    List<InstanceView> replicas = replicasOf(s, instance, filter.get(), true);
    return multi("repoint-replicas", instance, instance, replicas,
        r -> repointMove(s, r, instance, settings), "of " + instance);
  }

  /**
   * take-siblings: the siblings of {@code instance} become its replicas (orchestrator: a
   * relocate-replicas of its master below it).
   */
  public static Planned<RefactoringPlan> takeSiblings(TopologySnapshot s, InstanceKey instance,
      MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("take-siblings: instance " + instance + " is not a replica.");
    }
    if (s.instance(x.masterKey()).isEmpty()) {
      return Planned.refused("take-siblings: master " + x.masterKey() + " of " + instance
          + " is not a known instance");
    }
    return relocateReplicas("take-siblings", instance, s, x.masterKey(), instance, "", settings);
  }

  /**
   * take-master: {@code instance} swaps with its master M: it replicates from M's master G, and
   * M from it; other replicas stay where they are. orchestrator's TakeMaster: stop M, stop
   * {@code instance}, start it until M's own binlog position, point it at G at M's exec
   * coordinates, point M at it at its own binlog position, start both; by GTID when all three
   * have it (then {@code instance} catches up to M by GTID). G may be unreachable. Refuses a
   * co-master M unless {@code allowTakingCoMaster} ({@code <m> is co-master. Cannot take it.}).
   */
  public static Planned<RefactoringPlan> takeMaster(TopologySnapshot s, InstanceKey instance,
      boolean allowTakingCoMaster, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("instance is not a replica: " + instance);
    }
    Optional<InstanceView> mv = s.instance(x.masterKey());
    if (mv.isEmpty()) {
      return Planned.refused("take-master: master " + x.masterKey() + " of " + instance
          + " is not a known instance");
    }
    Instance m = mv.get().instance();
    if (mv.get().coMaster() && !allowTakingCoMaster) {
      return Planned.refused(m.key() + " is co-master. Cannot take it.");
    }
    if (!m.isReplica()) {
      return Planned.refused("take-master: master " + m.key() + " of " + instance
          + " is not a replica itself (graceful-master-takeover replaces a cluster master)");
    }
    InstanceKey gk = m.masterKey();
    Optional<Instance> g = s.instance(gk).map(InstanceView::instance);
    Verdict rules = ReplicationRules.canReplicateFrom(mv.get(), xv.get(), settings);
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    if (g.isPresent()) {
      Verdict up = ReplicationRules.canReplicateFrom(x, g.get(), settings);
      if (up.refused()) {
        return Planned.refused(up);
      }
    }
    String prefix = "take-master: ";
    for (InstanceView v : List.of(xv.get(), mv.get())) {
      Verdict movable = ReplicationRules.canMoveViaGtid(v);
      if (movable.refused()) {
        return Planned.refused(prefix + movable.reason());
      }
    }
    // X -> G and M -> X, both by GTID or both by coordinates
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> down = ReplicationRules.gtidKind(m, x, why);
    Optional<ReplicationRules.GtidKind> upKind = g.isPresent()
        ? ReplicationRules.gtidKind(x, g.get(), why)
        : m.replication().autoPosition() || m.replication().usingMariaDbGtidReplication()
            ? down : Optional.empty();
    Map<InstanceKey, InstanceKey> expected = Map.of(x.key(), gk, m.key(), x.key());
    List<PlanStep> finish = List.of(new PlanStep.StartReplication(x.key()),
        new PlanStep.StartReplication(m.key()));
    if (down.isPresent() && upKind.isPresent() && down.get() == upKind.get()) {
      List<PlanStep> prepare = List.of(new PlanStep.StopReplication(m.key()),
          new PlanStep.WaitUntilGtidCaughtUp(x.key(), m.key()),
          new PlanStep.StopReplication(x.key()));
      MovePlan xUp;
      MovePlan mDown;
      if (down.get() == ReplicationRules.GtidKind.MYSQL) {
        xUp = new MovePlan.MySqlGtid(x.key(), gk, List.of(new PlanStep.ChangeMaster(x.key(), gk,
            MasterPositioning.AUTO_POSITION, needsCredentials(x), false)));
        mDown = new MovePlan.MySqlGtid(m.key(), x.key(),
            List.of(changeMaster(m, x, MasterPositioning.AUTO_POSITION)));
      } else {
        boolean cp = settings.mariaDbCurrentPos();
        MasterPositioning pos = new MasterPositioning.MariaDbGtid(cp);
        xUp = new MovePlan.MariaDbGtid(x.key(), gk, cp, List.of(
            new PlanStep.ChangeMaster(x.key(), gk, pos, needsCredentials(x), false)));
        mDown = new MovePlan.MariaDbGtid(m.key(), x.key(), cp, List.of(changeMaster(m, x, pos)));
      }
      return Planned.ready(new RefactoringPlan("take-master", instance, gk, prepare,
          List.of(xUp, mDown), finish, false, expected, List.of()));
    }
    if (!m.logReplicationUpdatesEnabled()) {
      return Planned.refused(prefix + m.key() + " does not log what it replicates"
          + " (log_slave_updates=OFF), so its coordinates cannot be matched");
    }
    if (m.replication().execCoordinates().isEmpty() || m.selfCoordinates().isEmpty()) {
      return Planned.refused(prefix + "the binlog coordinates of " + m.key() + " are unknown");
    }
    CoordinatesOf upAt = CoordinatesOf.exec(m);
    CoordinatesOf downAt = CoordinatesOf.self(x);
    List<PlanStep> prepare = List.of(new PlanStep.StopReplication(m.key()),
        new PlanStep.StopReplication(x.key()),
        new PlanStep.StartReplicationUntil(x.key(), CoordinatesOf.self(m)));
    MovePlan xUp = new MovePlan.BinlogPosition(x.key(), gk, MovePlan.Kind.MOVE_UP, upAt,
        List.of(new PlanStep.ChangeMaster(x.key(), gk, new MasterPositioning.BinlogFile(upAt),
            needsCredentials(x), false)));
    MovePlan mDown = new MovePlan.BinlogPosition(m.key(), x.key(),
        MovePlan.Kind.BELOW_OWN_REPLICA, downAt,
        List.of(changeMaster(m, x, new MasterPositioning.BinlogFile(downAt))));
    return Planned.ready(new RefactoringPlan("take-master", instance, gk, prepare,
        List.of(xUp, mDown), finish, false, expected, List.of()));
  }

  /**
   * make-co-master: {@code instance}'s master M also replicates from {@code instance}. §4.3's
   * preconditions and texts, in orchestrator's order: {@code instance} movable; M checked and
   * recent; {@code instance <k> is already co master of <m>}; {@code instance <k> is not
   * read-only; first make it read-only before making it co-master}; if M is a co-master, its
   * other co-master must be read-only or unreachable, else refused; otherwise M must not
   * replicate from a known server ({@code <m> is not a real master; it replicates from: <x>});
   * M can replicate from {@code instance}. M has no replication channel, so its CHANGE MASTER
   * needs credentials.
   */
  public static Planned<RefactoringPlan> makeCoMaster(TopologySnapshot s, InstanceKey instance,
      MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    Verdict movable = ReplicationRules.canMove(xv.get(), settings);
    if (movable.refused()) {
      return Planned.refused(movable);
    }
    Optional<InstanceView> mv = s.instance(x.masterKey());
    if (mv.isEmpty()) {
      return Planned.refused("make-co-master: master " + x.masterKey() + " of " + instance
          + " is not a known instance");
    }
    Instance m = mv.get().instance();
    Verdict masterMovable = ReplicationRules.canMoveViaGtid(mv.get());
    if (masterMovable.refused()) {
      return Planned.refused(masterMovable);
    }
    if (m.isReplica() && m.masterKey().equals(instance)) {
      return Planned.refused("instance " + instance + " is already co master of " + m.key());
    }
    if (!x.readOnly()) {
      return Planned.refused("instance " + instance
          + " is not read-only; first make it read-only before making it co-master");
    }
    Optional<InstanceView> mm = m.isReplica() ? s.instance(m.masterKey()) : Optional.empty();
    if (mv.get().coMaster()) {
      if (mm.isPresent() && mm.get().lastCheckValid() && !mm.get().instance().readOnly()) {
        InstanceKey o = mm.get().key();
        return Planned.refused("master " + m.key() + " is already co-master with " + o + ", and "
            + o + " is alive, and not read-only; cowardly refusing to demote it. Please set it as"
            + " read-only beforehand");
      }
    } else if (mm.isPresent()) {
      return Planned.refused(m.key() + " is not a real master; it replicates from: "
          + m.masterKey());
    }
    Verdict rules = ReplicationRules.canReplicateFrom(mv.get(), xv.get(), settings);
    if (rules.refused()) {
      return Planned.refused(rules);
    }
    StringBuilder why = new StringBuilder();
    Optional<ReplicationRules.GtidKind> kind = ReplicationRules.gtidKind(m, x, why);
    MovePlan move;
    if (kind.isPresent()) {
      move = gtidMove(m, x, kind.get(), settings, true);
    } else {
      // orchestrator: "just point master into *some* position within coMaster": X has
      // executed nothing M lacks, so M continues at X's own binlog position
      CoordinatesOf at = CoordinatesOf.self(x);
      List<PlanStep> steps = new ArrayList<>();
      if (m.isReplica()) {
        steps.add(new PlanStep.StopReplication(m.key()));
      }
      steps.add(changeMaster(m, x, new MasterPositioning.BinlogFile(at)));
      steps.add(new PlanStep.StartReplication(m.key()));
      move = new MovePlan.BinlogPosition(m.key(), x.key(), MovePlan.Kind.BELOW_OWN_REPLICA, at,
          steps);
    }
    return Planned.ready(new RefactoringPlan("make-co-master", instance, m.key(), List.of(),
        List.of(move), List.of(), false, Map.of(m.key(), x.key(), x.key(), m.key()), List.of()));
  }

  /**
   * match-up: orchestrator moves {@code instance} up by Pseudo-GTID. orcha has no Pseudo-GTID:
   * a GTID move to the master's master, refused without GTID.
   */
  public static Planned<RefactoringPlan> matchUp(TopologySnapshot s, InstanceKey instance,
      MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("instance is not a replica: " + instance);
    }
    Optional<InstanceView> mv = s.instance(x.masterKey());
    if (mv.isEmpty()) {
      return Planned.refused("Cannot get master for " + instance + ": " + x.masterKey()
          + " is not a known instance");
    }
    Instance m = mv.get().instance();
    if (!m.isReplica()) {
      return Planned.refused("master is not a replica itself: " + m.key());
    }
    Optional<InstanceView> gv = s.instance(m.masterKey());
    if (gv.isEmpty()) {
      return Planned.refused("cannot match " + instance + " up: " + m.key() + " replicates from "
          + m.masterKey() + ", which is not a known instance");
    }
    return single("match-up", instance, matchMove(s, xv.get(), gv.get(), settings));
  }

  /** match-up-replicas: every (matching) replica of {@code instance} matched up by GTID. */
  public static Planned<RefactoringPlan> matchUpReplicas(TopologySnapshot s, InstanceKey instance,
      String pattern, MoveSettings settings) {
    Optional<InstanceView> xv = s.instance(instance);
    if (xv.isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    Instance x = xv.get().instance();
    if (!x.isReplica()) {
      return Planned.refused("instance is not a replica: " + instance);
    }
    Optional<InstanceView> gv = s.instance(x.masterKey());
    if (gv.isEmpty()) {
      return Planned.refused("cannot match replicas of " + instance + " up: its master "
          + x.masterKey() + " is not a known instance");
    }
    Optional<Predicate<InstanceKey>> filter = pattern(pattern);
    if (filter.isEmpty()) {
      return Planned.refused(badPattern(pattern));
    }
    return multi("match-up-replicas", instance, gv.get().key(),
        replicasOf(s, instance, filter.get(), false),
        r -> matchMove(s, r, gv.get(), settings), "of " + instance + " up below " + gv.get().key());
  }

  private static Planned<MovePlan> matchMove(TopologySnapshot s, InstanceView xv,
      InstanceView gv, MoveSettings settings) {
    StringBuilder why = new StringBuilder();
    if (ReplicationRules.gtidKind(xv.instance(), gv.instance(), why).isEmpty()) {
      return Planned.refused("cannot match " + xv.key() + " below " + gv.key()
          + ": orcha has no Pseudo-GTID and matches by GTID only (" + why
          + "); move-up moves by binlog coordinates");
    }
    return plan(s, xv, gv, MoveConstraint.GTID_ONLY, settings);
  }

  /**
   * regroup-replicas: the most advanced replica of {@code instance} takes its siblings. The
   * candidate: replicas sorted by exec coordinates (then executed GTIDs) most advanced first,
   * then promotion rule, then host:port; the first with a valid last check, binary log and
   * log_slave_updates, not {@code must_not}, not of a newer major version nor a larger binlog
   * format than most of its siblings (orchestrator's chooseCandidateReplica). The others move
   * below it by GTID or, as siblings, by binlog coordinates; those that cannot are skipped.
   * {@link RefactoringPlan#target()} is the candidate.
   */
  public static Planned<RefactoringPlan> regroupReplicas(TopologySnapshot s, InstanceKey instance,
      MoveSettings settings) {
    if (s.instance(instance).isEmpty()) {
      return Planned.refused(unknown(instance));
    }
    List<InstanceView> replicas = replicasOf(s, instance, k -> true, false);
    if (replicas.isEmpty()) {
      return Planned.refused("regroup-replicas: no replicas found for " + instance);
    }
    Optional<InstanceView> candidate = chooseCandidate(replicas);
    if (candidate.isEmpty()) {
      return Planned.refused("regroup-replicas: no candidate replica found among the replicas of "
          + instance);
    }
    InstanceView c = candidate.get();
    List<InstanceView> others = replicas.stream().filter(r -> !r.key().equals(c.key())).toList();
    return multi("regroup-replicas", instance, c.key(), others,
        r -> plan(s, r, c, MoveConstraint.ANY, settings), "of " + instance + " below " + c.key());
  }

  /** orchestrator's candidate order and eligibility (see {@link #regroupReplicas}). */
  static Optional<InstanceView> chooseCandidate(List<InstanceView> replicas) {
    String version = mostCommon(replicas.stream().map(MovePlanner::familyVersion).toList(),
        Comparator.naturalOrder());
    String format = mostCommon(replicas.stream().map(r -> r.instance().binlogFormat()).toList(),
        Comparator.comparingInt(MovePlanner::formatRank));
    return replicas.stream()
        .sorted(advancedFirst()
            .thenComparing(InstanceView::promotionRule)
            .thenComparing(InstanceView::key))
        .filter(r -> {
          Instance i = r.instance();
          return r.lastCheckValid() && i.logBinEnabled() && i.logReplicationUpdatesEnabled()
              && r.promotionRule() != PromotionRule.MUST_NOT
              && !newerThan(familyVersion(r), version)
              && !ReplicationRules.isSmallerBinlogFormat(format, i.binlogFormat());
        })
        .findFirst();
  }

  /**
   * Most advanced first: exec coordinates (siblings read the same master's binary log), then the
   * number of executed GTIDs (MySQL: transactions in gtid_executed; MariaDB: the sum of the
   * highest sequence number per domain of gtid_slave_pos). A total order, so sorting is stable.
   */
  private static Comparator<InstanceView> advancedFirst() {
    Comparator<InstanceView> byExec = (a, b) -> {
      BinlogCoordinates ea = a.instance().replication().execCoordinates();
      BinlogCoordinates eb = b.instance().replication().execCoordinates();
      if (ea.isEmpty() || eb.isEmpty()) {
        return Boolean.compare(ea.isEmpty(), eb.isEmpty());
      }
      return eb.compareTo(ea);
    };
    return byExec.thenComparing(
        Comparator.comparingLong((InstanceView v) -> executedGtidCount(v.instance())).reversed());
  }

  /** How many GTIDs a server has executed, as far as its GTID text tells; 0 when unreadable. */
  static long executedGtidCount(Instance i) {
    try {
      if (i.flavor().isMariaDb()) {
        MariaDbGtidPosition p = MariaDbGtidPosition.parse(i.gtid().mariaDbSlavePos());
        return p.entries().stream().mapToLong(MariaDbGtidPosition.Gtid::domainId).distinct()
            .map(d -> p.sequence(d).orElse(0)).sum();
      }
      GtidSet g = GtidSet.parse(i.gtid().executedGtidSet());
      long n = 0;
      for (String uuid : g.uuids()) {
        for (GtidSet.Interval in : g.intervals(uuid)) {
          n += in.end() - in.start() + 1;
        }
      }
      return n;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static String familyVersion(InstanceView v) {
    Instance i = v.instance();
    return (i.flavor().isMariaDb() ? "MariaDB " : "MySQL ") + i.majorVersion();
  }

  private static boolean newerThan(String familyVersion, String priority) {
    String[] a = familyVersion.split(" ", 2);
    String[] b = priority.split(" ", 2);
    return a[0].equals(b[0]) && ReplicationRules.compareMajorVersions(a[1], b[1]) > 0;
  }

  private static int formatRank(String format) {
    return switch (format.toUpperCase(java.util.Locale.ROOT)) {
      case "STATEMENT" -> 0;
      case "MIXED" -> 1;
      case "ROW" -> 2;
      default -> 3;
    };
  }

  /** The most frequent value; ties go to the smallest by {@code order}. */
  private static String mostCommon(List<String> values, Comparator<String> order) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    values.forEach(v -> counts.merge(v, 1, Integer::sum));
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey(order)))
        .map(Map.Entry::getKey).findFirst().orElse("");
  }

  // ==== helpers =================================================================================

  private static Planned<RefactoringPlan> single(String operation, InstanceKey instance,
      Planned<MovePlan> move) {
    if (!move.isReady()) {
      return move.refusal();
    }
    return Planned.ready(RefactoringPlan.single(operation, instance, move.plan()));
  }

  /** Independent moves of several replicas; refused only when replicas exist and none can move. */
  private static Planned<RefactoringPlan> multi(String operation, InstanceKey instance,
      InstanceKey target, List<InstanceView> replicas,
      java.util.function.Function<InstanceView, Planned<MovePlan>> planner, String what) {
    List<MovePlan> moves = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (InstanceView r : replicas) {
      Planned<MovePlan> p = planner.apply(r);
      if (p.isReady()) {
        moves.add(p.plan());
      } else {
        skipped.add(p.reason());
      }
    }
    if (moves.isEmpty() && !skipped.isEmpty()) {
      return Planned.refused(noneMoved(operation, replicas.size(), what, skipped));
    }
    Map<InstanceKey, InstanceKey> expected = new LinkedHashMap<>();
    moves.forEach(m -> expected.put(m.replica(), m.target()));
    return Planned.ready(new RefactoringPlan(operation, instance, target, List.of(), moves,
        List.of(), true, expected, skipped));
  }

  private static String noneMoved(String operation, int count, String what,
      List<String> reasons) {
    return operation + ": none of the " + count + " replicas " + what + " can be moved: "
        + String.join("; ", reasons);
  }

  /**
   * Direct replicas of {@code master} in host:port order, matching {@code filter}; with
   * {@code detached}, also replicas detached from it ({@code //host}).
   */
  private static List<InstanceView> replicasOf(TopologySnapshot s, InstanceKey master,
      Predicate<InstanceKey> filter, boolean detached) {
    return s.allInstances().stream()
        .filter(v -> v.instance().isReplica())
        .filter(v -> v.instance().masterKey().equals(master)
            || detached && realMaster(v.instance()).equals(master))
        .filter(v -> !v.key().equals(master))
        .filter(v -> filter.test(v.key()))
        .sorted(Comparator.comparing(InstanceView::key))
        .toList();
  }

  /** orchestrator's filterInstancesByPattern: a regular expression found in host:port. */
  private static Optional<Predicate<InstanceKey>> pattern(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return Optional.of(k -> true);
    }
    try {
      Pattern p = Pattern.compile(pattern);
      return Optional.of(k -> p.matcher(k.displayString()).find());
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
  }

  private static String badPattern(String pattern) {
    return "invalid pattern: " + pattern;
  }

  /** The master a replica points at, with a detached {@code //host} read as {@code host}. */
  static InstanceKey realMaster(Instance x) {
    InstanceKey m = x.masterKey();
    return m.isDetached() ? new InstanceKey(m.hostname().substring(2), m.port()) : m;
  }

  private static boolean isMasterOf(InstanceKey master, Instance replica) {
    return replica.isReplica() && realMaster(replica).equals(master);
  }

  private static boolean areSiblings(Instance a, Instance b) {
    return a.isReplica() && b.isReplica() && !a.key().equals(b.key())
        && a.masterKey().equals(b.masterKey());
  }

  private static String unknown(InstanceKey k) {
    return k + " is not a known instance";
  }
}
