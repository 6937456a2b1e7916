package hooks;

import java.nio.charset.StandardCharsets;

/** Keeps the last {@code limit} bytes written to it; thread-safe. */
final class OutputTail {

  private final byte[] ring;
  private long written;

  OutputTail(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("output limit must be > 0, got " + limit);
    }
    ring = new byte[limit];
  }

  synchronized void write(byte[] buf, int off, int len) {
    if (len >= ring.length) {
      off += len - ring.length;
      len = ring.length;
    }
    for (int k = 0; k < len; k++) {
      ring[(int) ((written + k) % ring.length)] = buf[off + k];
    }
    written += len;
  }

  /** The kept bytes as UTF-8 (a character cut at the start becomes U+FFFD). */
  synchronized String text() {
    int size = (int) Math.min(written, ring.length);
    byte[] b = new byte[size];
    int start = (int) ((written - size) % ring.length);
    for (int k = 0; k < size; k++) {
      b[k] = ring[(start + k) % ring.length];
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
