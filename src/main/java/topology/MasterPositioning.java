package topology;

/** How a CHANGE MASTER step positions a replica at its new master. */
public sealed interface MasterPositioning {

  /** MySQL: {@code MASTER_AUTO_POSITION=1} (both sides gtid_mode=ON). */
  record MySqlAutoPosition() implements MasterPositioning {
    @Override
    public String toString() {
      return "MASTER_AUTO_POSITION=1";
    }
  }

  /**
   * MariaDB: {@code MASTER_USE_GTID=slave_pos}, or {@code current_pos} when asked for it
   * (MARIADB.md item 5).
   */
  record MariaDbGtid(boolean currentPos) implements MasterPositioning {
    @Override
    public String toString() {
      return "MASTER_USE_GTID=" + (currentPos ? "current_pos" : "slave_pos");
    }
  }

  /** Explicit file:pos in the new master's binary log, read from a server when the step runs. */
  record BinlogFile(CoordinatesOf at) implements MasterPositioning {
    public BinlogFile {
      if (at == null) {
        throw new IllegalArgumentException("coordinates are required");
      }
    }

    @Override
    public String toString() {
      return "file:pos at " + at;
    }
  }

  MasterPositioning AUTO_POSITION = new MySqlAutoPosition();

  default boolean isGtid() {
    return !(this instanceof BinlogFile);
  }
}
