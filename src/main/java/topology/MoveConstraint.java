package topology;

/** Which ways of moving a replica a caller accepts. */
public enum MoveConstraint {
  /** relocate: GTID when both sides have it, else exactly matched binlog coordinates. */
  ANY,
  /** move-below-gtid, move-gtid, move-replicas-gtid, match-up: refuse without GTID. */
  GTID_ONLY,
  /**
   * file:pos semantics asked for explicitly: never GTID, even when both sides have it. (orcha's
   * move-up and move-below use {@link #ANY} with their structural precondition; see
   * {@link MovePlanner}.)
   */
  BINLOG_ONLY
}
