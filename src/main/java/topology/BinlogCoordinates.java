package topology;

/**
 * A position in a binary log (type BINARY) or relay log (type RELAY). Log files compare by
 * their numeric suffix ({@code mysql-bin.000012}), then by position.
 */
public record BinlogCoordinates(String logFile, long logPos, Type type)
    implements Comparable<BinlogCoordinates> {

  public enum Type { BINARY, RELAY }

  public static final BinlogCoordinates EMPTY = new BinlogCoordinates("", 0, Type.BINARY);
  public static final BinlogCoordinates EMPTY_RELAY = new BinlogCoordinates("", 0, Type.RELAY);

  public BinlogCoordinates {
    logFile = logFile == null ? "" : logFile;
    type = type == null ? Type.BINARY : type;
  }

  public static BinlogCoordinates binary(String file, long pos) {
    return new BinlogCoordinates(file, pos, Type.BINARY);
  }

  public static BinlogCoordinates relay(String file, long pos) {
    return new BinlogCoordinates(file, pos, Type.RELAY);
  }

  public boolean isEmpty() {
    return logFile.isEmpty();
  }

  /** Numeric suffix of the log file name, or -1 when it has none. */
  public long fileNumber() {
    int dot = logFile.lastIndexOf('.');
    if (dot < 0 || dot == logFile.length() - 1) {
      return -1;
    }
    try {
      return Long.parseLong(logFile.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public int compareTo(BinlogCoordinates o) {
    int byFile = Long.compare(fileNumber(), o.fileNumber());
    if (byFile == 0 && fileNumber() < 0) {
      byFile = logFile.compareTo(o.logFile);
    }
    return byFile != 0 ? byFile : Long.compare(logPos, o.logPos);
  }

  public String displayString() {
    return logFile + ":" + logPos;
  }
}
