package sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * MySQL client/server protocol packets as a MariaDB 10.11 server sends them to a client that did
 * not ask for CLIENT_DEPRECATE_EOF (the simulator does not offer it): greeting, OK, ERR, and text
 * result sets (column count, column definitions, EOF, rows, EOF).
 */
public final class Packets {

  static final int CLIENT_LONG_PASSWORD = 1;
  static final int CLIENT_FOUND_ROWS = 2;
  static final int CLIENT_LONG_FLAG = 4;
  static final int CLIENT_CONNECT_WITH_DB = 8;
  static final int CLIENT_PROTOCOL_41 = 0x200;
  static final int CLIENT_TRANSACTIONS = 0x2000;
  static final int CLIENT_SECURE_CONNECTION = 0x8000;
  static final int CLIENT_MULTI_STATEMENTS = 0x10000;
  static final int CLIENT_MULTI_RESULTS = 0x20000;
  static final int CLIENT_PLUGIN_AUTH = 0x80000;
  static final int CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG
      | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
      | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS
      | CLIENT_PLUGIN_AUTH;
  static final int STATUS_AUTOCOMMIT = 0x0002;
  /** the largest payload one packet carries; a longer one continues in the next packet */
  static final int MAX_PAYLOAD = 0xffffff;
  static final int STATUS_MORE_RESULTS = 0x0008;

  private Packets() {}

  /** Appends one packet (3-byte length, sequence id, payload) to {@code out}. */
  public static void frame(ByteArrayOutputStream out, int seq, byte[] payload) {
    out.write(payload.length & 0xff);
    out.write((payload.length >> 8) & 0xff);
    out.write((payload.length >> 16) & 0xff);
    out.write(seq & 0xff);
    out.writeBytes(payload);
  }

  /** A protocol 10 greeting: mysql_native_password, no TLS offered. */
  public static byte[] greeting(String version, long connectionId) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(10);
    p.writeBytes((version + "\0").getBytes(StandardCharsets.US_ASCII));
    int4(p, connectionId);
    p.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII)); // scramble part 1
    p.write(0);
    int2(p, CAPABILITIES & 0xffff);
    p.write(45); // utf8mb4_general_ci
    int2(p, STATUS_AUTOCOMMIT);
    int2(p, CAPABILITIES >>> 16);
    p.write(21); // scramble length
    p.writeBytes(new byte[10]);
    p.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII)); // scramble part 2
    p.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
    return p.toByteArray();
  }

  static byte[] ok(int status) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0);
    p.write(0); // affected rows
    p.write(0); // last insert id
    int2(p, status);
    int2(p, 0); // warnings
    return p.toByteArray();
  }

  static byte[] error(int code, String sqlState, String message) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0xff);
    int2(p, code);
    p.write('#');
    p.writeBytes(sqlState.getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    return p.toByteArray();
  }

  static byte[] eof(int status) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0xfe);
    int2(p, 0);
    int2(p, status);
    return p.toByteArray();
  }

  /**
   * Appends a whole text result set starting at sequence {@code seq}; returns the next sequence.
   * When {@code numeric}, the columns whose values are all integers are declared BIGINT (the driver decodes {@code SELECT @@x} by type),
   * the others VARCHAR as SHOW statements declare them.
   */
  static int resultSet(ByteArrayOutputStream out, int seq, List<String> columns,
      List<Map<String, String>> rows, boolean numeric, int status) {
    frame(out, seq++, lenencInt(columns.size()));
    for (String c : columns) {
      boolean n = numeric && rows.stream().allMatch(r -> r.get(c) != null
          && r.get(c).matches("-?\\d+"));
      frame(out, seq++, columnDefinition(c, n));
    }
    frame(out, seq++, eof(status & ~STATUS_MORE_RESULTS));
    for (Map<String, String> r : rows) {
      frame(out, seq++, row(columns.stream().map(r::get).toList()));
    }
    frame(out, seq++, eof(status));
    return seq;
  }

  /** The head of a text result set (column count, VARCHAR definitions, EOF); the next sequence. */
  static int resultHead(ByteArrayOutputStream out, int seq, List<String> columns, int status) {
    frame(out, seq++, lenencInt(columns.size()));
    for (String c : columns) {
      frame(out, seq++, columnDefinition(c, false));
    }
    frame(out, seq++, eof(status & ~STATUS_MORE_RESULTS));
    return seq;
  }

  /** One text row's payload; a null value is SQL NULL. */
  static byte[] row(List<String> values) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    for (String v : values) {
      if (v == null) {
        p.write(0xfb);
      } else {
        lenencString(p, v);
      }
    }
    return p.toByteArray();
  }

  private static byte[] columnDefinition(String name, boolean numeric) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    lenencString(p, "def");
    lenencString(p, "");
    lenencString(p, "");
    lenencString(p, "");
    lenencString(p, name);
    lenencString(p, name);
    p.write(0x0c);
    int2(p, numeric ? 63 : 45); // binary for numbers, utf8mb4 for text
    int4(p, numeric ? 21 : 1024);
    p.write(numeric ? 0x08 : 0xfd); // LONGLONG or VAR_STRING
    int2(p, 0);
    p.write(0);
    int2(p, 0);
    return p.toByteArray();
  }

  static byte[] lenencInt(long v) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    writeLenenc(p, v);
    return p.toByteArray();
  }

  private static void writeLenenc(ByteArrayOutputStream p, long v) {
    if (v < 251) {
      p.write((int) v);
    } else if (v < 0x10000) {
      p.write(0xfc);
      int2(p, (int) v);
    } else if (v < 0x1000000) {
      p.write(0xfd);
      p.write((int) v & 0xff);
      p.write((int) (v >> 8) & 0xff);
      p.write((int) (v >> 16) & 0xff);
    } else {
      p.write(0xfe);
      int4(p, v);
      int4(p, v >>> 32);
    }
  }

  private static void lenencString(ByteArrayOutputStream p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeLenenc(p, b.length);
    p.writeBytes(b);
  }

  private static void int2(ByteArrayOutputStream p, int v) {
    p.write(v & 0xff);
    p.write((v >> 8) & 0xff);
  }

  private static void int4(ByteArrayOutputStream p, long v) {
    for (int i = 0; i < 4; i++) {
      p.write((int) (v >> (8 * i)) & 0xff);
    }
  }
}
