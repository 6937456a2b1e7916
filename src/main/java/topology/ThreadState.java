package topology;

/** A replication thread's state, with orchestrator's integer codes. */
public enum ThreadState {
  NONE(-1),
  STOPPED(0),
  RUNNING(1),
  OTHER(2);

  private final int code;

  ThreadState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** From {@code Slave_IO_Running}/{@code Slave_SQL_Running}: Yes, No, Connecting, Preparing. */
  public static ThreadState fromStatus(String value) {
    if (value == null) {
      return NONE;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "yes" -> RUNNING;
      case "no" -> STOPPED;
      case "" -> NONE;
      default -> OTHER;
    };
  }
}
