package topology;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How one server ({@link #replica()}) comes to replicate from another ({@link #target()}), as
 * ordered steps; {@link MovePlanner} chooses the method. The steps are complete for a single
 * move; inside a {@link RefactoringPlan} that shares stops (move-up-replicas, take-master) a move
 * may hold only its own part.
 */
public sealed interface MovePlan {

  InstanceKey replica();

  InstanceKey target();

  List<PlanStep> steps();

  /** A short name of the method for messages and the audit log. */
  String method();

  /** The servers whose replication the steps stop or change, sorted (maintenance locks). */
  default SortedSet<InstanceKey> servers() {
    SortedSet<InstanceKey> s = new TreeSet<>();
    steps().stream().filter(st -> !(st instanceof PlanStep.WaitUntilGtidCaughtUp))
        .forEach(st -> s.add(st.key()));
    s.add(replica());
    return s;
  }

  /** Both MySQL with gtid_mode=ON: CHANGE MASTER ... MASTER_AUTO_POSITION=1. */
  record MySqlGtid(InstanceKey replica, InstanceKey target, List<PlanStep> steps)
      implements MovePlan {
    public MySqlGtid {
      steps = List.copyOf(steps);
    }

    @Override
    public String method() {
      return "MySQL GTID";
    }
  }

  /** Both MariaDB: CHANGE MASTER ... MASTER_USE_GTID=slave_pos (current_pos when asked). */
  record MariaDbGtid(InstanceKey replica, InstanceKey target, boolean currentPos,
      List<PlanStep> steps) implements MovePlan {
    public MariaDbGtid {
      steps = List.copyOf(steps);
    }

    @Override
    public String method() {
      return "MariaDB GTID (" + (currentPos ? "current_pos" : "slave_pos") + ")";
    }
  }

  /**
   * File:pos replication where the coordinates can be matched exactly.
   *
   * @param at where the replica starts reading the target's binary log
   */
  record BinlogPosition(InstanceKey replica, InstanceKey target, Kind kind, CoordinatesOf at,
      List<PlanStep> steps) implements MovePlan {
    public BinlogPosition {
      steps = List.copyOf(steps);
    }

    @Override
    public String method() {
      return "binlog position (" + kind.description + ")";
    }
  }

  /** The situations in which binlog coordinates match exactly. */
  enum Kind {
    /** Same master again (repoint): the replica's own exec coordinates. */
    SAME_MASTER("same master"),
    /**
     * The target is the master's master (move-up), orchestrator's MoveUp: stop M, stop the
     * replica, start it until M's own binlog position (SelfBinlogCoordinates, read after M
     * stopped), CHANGE MASTER to M's master at M's Relay_Master_Log_File:Exec_Master_Log_Pos,
     * start the replica, start M. M needs log_bin and log_slave_updates: its own binlog must
     * hold exactly what it executed from the target.
     */
    MOVE_UP("move up"),
    /**
     * Siblings (move-below): both stopped, the one behind catches up to the other, then the
     * replica replicates from the sibling at the sibling's own binlog position.
     */
    BELOW_SIBLING("below sibling"),
    /**
     * The target replicates from the replica and has executed all it has (take-master after the
     * catch-up, make-co-master): the replica continues at the target's own binlog position.
     */
    BELOW_OWN_REPLICA("below own replica");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }
}
