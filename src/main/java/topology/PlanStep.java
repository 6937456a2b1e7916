package topology;

/**
 * One step of a move plan, run on one server ({@link #key()}). Plans are values: an executor
 * elsewhere runs the steps in order, reads fresh coordinates where a step refers to
 * {@link CoordinatesOf}, and bounds every wait by its operation timeout.
 */
public sealed interface PlanStep {

  /** The server the step runs on. */
  InstanceKey key();

  /** {@code STOP SLAVE} (both threads). */
  record StopReplication(InstanceKey key) implements PlanStep {
    @Override
    public String toString() {
      return "stop replication on " + key;
    }
  }

  /** {@code START SLAVE} (both threads). */
  record StartReplication(InstanceKey key) implements PlanStep {
    @Override
    public String toString() {
      return "start replication on " + key;
    }
  }

  /**
   * orchestrator's StartSlaveUntilMasterCoordinates: {@code START SLAVE UNTIL
   * MASTER_LOG_FILE/MASTER_LOG_POS} at {@code until} (a position in {@code key}'s current
   * master's binary log), wait until its SQL thread has executed exactly up to there, then make
   * sure replication is stopped. Fails when the position is already passed.
   */
  record StartReplicationUntil(InstanceKey key, CoordinatesOf until) implements PlanStep {
    @Override
    public String toString() {
      return "start replication on " + key + " until " + until + ", wait for it";
    }
  }

  /**
   * orchestrator's MoveBelow alignment of two stopped siblings: read both ExecBinlogCoordinates;
   * start the one behind until the other's (as {@link StartReplicationUntil}); nothing when equal.
   * Afterwards both have executed exactly the same statements of their common master.
   */
  record AlignSiblings(InstanceKey key, InstanceKey sibling) implements PlanStep {
    @Override
    public String toString() {
      return "bring " + key + " and " + sibling + " to the same exec position (the one behind"
          + " catches up)";
    }
  }

  /**
   * Wait until {@code key} has executed every GTID {@code reference} has: MySQL
   * {@code WAIT_FOR_EXECUTED_GTID_SET(reference's gtid_executed)}, MariaDB
   * {@code MASTER_GTID_WAIT(reference's gtid_slave_pos)} (gtid_current_pos with current_pos),
   * read when the step runs. A timeout fails the plan (e.g. {@code reference} has transactions
   * {@code key} will never get).
   */
  record WaitUntilGtidCaughtUp(InstanceKey key, InstanceKey reference) implements PlanStep {
    @Override
    public String toString() {
      return "wait until " + key + " has executed every GTID of " + reference;
    }
  }

  /**
   * MariaDB, before a server without a replication channel (a master) starts replicating with
   * {@code MASTER_USE_GTID=slave_pos}: {@code SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos}, so
   * its own writes count as replicated and a stale slave position is not re-fetched.
   */
  record SetGtidSlavePosFromBinlogPos(InstanceKey key) implements PlanStep {
    @Override
    public String toString() {
      return "set gtid_slave_pos to gtid_binlog_pos on " + key;
    }
  }

  /**
   * {@code CHANGE MASTER TO} on {@code key}: the new master's host and port and the positioning.
   *
   * @param needsCredentials {@code key} has no usable replication channel now (a master, a
   *     server after RESET SLAVE ALL, or an empty Master_User), so the statement must carry
   *     MASTER_USER/MASTER_PASSWORD: the executor refuses before changing anything when the
   *     configuration has no replication credentials (MARIADB.md item 1)
   * @param enableSsl also set {@code MASTER_SSL=1} (the other side of the link replicates with
   *     SSL; orchestrator's make-co-master copies it)
   */
  record ChangeMaster(InstanceKey key, InstanceKey newMaster, MasterPositioning positioning,
      boolean needsCredentials, boolean enableSsl) implements PlanStep {
    public ChangeMaster {
      if (key == null || newMaster == null || positioning == null) {
        throw new IllegalArgumentException("key, new master and positioning are required");
      }
    }

    @Override
    public String toString() {
      return "change master of " + key + " to " + newMaster + " with " + positioning
          + (needsCredentials ? " (with replication credentials)" : "")
          + (enableSsl ? " (with SSL)" : "");
    }
  }
}
