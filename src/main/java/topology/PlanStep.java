package topology;

import java.time.Duration;

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

  // ---- recovery and promotion (PromotionPlanner) ------------------------------------------------

  /**
   * Wait until the SQL thread of {@code key} has applied everything its IO thread received (its
   * relay log is applied): MariaDB: {@code MASTER_GTID_WAIT(Gtid_IO_Pos)}, i.e. gtid_slave_pos
   * reaches Gtid_IO_Pos; MySQL with GTID: {@code WAIT_FOR_EXECUTED_GTID_SET(Retrieved_Gtid_Set)};
   * otherwise until Relay_Master_Log_File:Exec_Master_Log_Pos equals
   * Master_Log_File:Read_Master_Log_Pos. The target is read when the step runs; the IO thread of
   * a replica of a dead master receives nothing more, so it does not move. An SQL thread that is
   * stopped (by an error) fails the step; a stopped IO thread is fine. Bounded by the
   * operation timeout.
   *
   * @param failIfBehind FailMasterPromotionIfSQLThreadNotUpToDate: check once and fail the plan
   *     when the relay log is not applied, instead of waiting
   */
  record WaitUntilSqlThreadCaughtUp(InstanceKey key, boolean failIfBehind) implements PlanStep {
    @Override
    public String toString() {
      return (failIfBehind ? "check that " : "wait until ") + key
          + " has applied all it received (relay log applied)"
          + (failIfBehind ? ", fail otherwise" : "");
    }
  }

  /**
   * Graceful takeover: wait at most {@code timeout} until {@code key} has executed everything
   * {@code master} has written, read from {@code master} when the step runs (after it was made
   * read-only): by GTID, MySQL {@code WAIT_FOR_EXECUTED_GTID_SET(master's gtid_executed)},
   * MariaDB {@code MASTER_GTID_WAIT(master's gtid_binlog_pos)}; otherwise until
   * {@code key}'s Exec_Master_Log_Pos reaches the master's own binlog position (SHOW MASTER
   * STATUS), orchestrator's WaitForExecBinlogCoordinatesToReach. A timeout fails the plan.
   */
  record WaitUntilCaughtUpWithMaster(InstanceKey key, InstanceKey master,
      Duration timeout) implements PlanStep {
    @Override
    public String toString() {
      return "wait (at most " + timeout.toSeconds() + "s) until " + key
          + " has executed everything " + master + " wrote";
    }
  }

  /**
   * {@code STOP SLAVE; RESET SLAVE ALL} (MySQL 8.0.22+: {@code RESET REPLICA ALL}): the promoted
   * server forgets its replication channel. orchestrator retries once; a failure is recorded and
   * the promotion stands (SHOW SLAVE STATUS may still show a master).
   */
  record ResetReplicaAll(InstanceKey key) implements PlanStep {
    @Override
    public String toString() {
      return "reset replication (RESET SLAVE ALL) on " + key;
    }
  }

  /**
   * {@code SET GLOBAL read_only = 0|1} on {@code key} (MySQL: super_read_only follows the
   * UseSuperReadOnly setting; making writable clears super_read_only first). On MariaDB
   * read_only does not stop SUPER users (MARIADB.md item 6): fencing a demoted master further
   * is the executor's concern.
   */
  record SetReadOnly(InstanceKey key, boolean readOnly) implements PlanStep {
    @Override
    public String toString() {
      return "set " + key + (readOnly ? " read-only (read_only=1)" : " writable (read_only=0)");
    }
  }

  /**
   * orchestrator's detach-replica-master-host on {@code key}: its master host becomes
   * {@code //host} (port, credentials and position kept), so it can no longer replicate from
   * the failed server; reversible with reattach-replica-master-host. Used for lost replicas
   * (DetachLostReplicasAfterMasterFailover), a co-master successor that is not the other
   * co-master (it would close a replication ring) and MasterFailoverDetachReplicaMasterHost.
   */
  record DetachMasterHost(InstanceKey key) implements PlanStep {
    @Override
    public String toString() {
      return "detach the master host of " + key;
    }
  }
}
