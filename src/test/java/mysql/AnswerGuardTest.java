package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The answer guard on a channel of its own: answers that keep to the protocol and the bounds
 * pass untouched however the bytes are cut into reads; the others close the connection with a
 * reason.
 */
class AnswerGuardTest {

  private final AtomicReference<String> rejected = new AtomicReference<>();
  private final EmbeddedChannel ch = new EmbeddedChannel(new AnswerGuard(rejected::set));

  private static void packet(ByteArrayOutputStream out, int seq, int... bytes) {
    byte[] payload = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      payload[i] = (byte) bytes[i];
    }
    packet(out, seq, payload);
  }

  private static void packet(ByteArrayOutputStream out, int seq, byte[] payload) {
    out.write(payload.length & 0xff);
    out.write(payload.length >> 8 & 0xff);
    out.write(payload.length >> 16 & 0xff);
    out.write(seq);
    out.writeBytes(payload);
  }

  /** A request written, then {@code answer} read in pieces of {@code cut} bytes. */
  private int answer(byte[] answer, int cut) {
    ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 3}));
    ch.readOutbound();
    int passed = 0;
    for (int i = 0; i < answer.length && ch.isOpen(); i += cut) {
      ch.writeInbound(Unpooled.wrappedBuffer(answer, i, Math.min(cut, answer.length - i)));
      ByteBuf b;
      while ((b = ch.readInbound()) != null) {
        passed += b.readableBytes();
        b.release();
      }
    }
    return passed;
  }

  /** Two result sets (the first says more results follow), of one column and two rows each. */
  private static byte[] twoResults(int secondColumns) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int seq = 1;
    for (int r = 0; r < 2; r++) {
      int more = r == 0 ? 0x08 : 0;
      if (r == 1 && secondColumns > 0xffff) {
        packet(o, seq++, 0xfd, secondColumns & 0xff, secondColumns >> 8 & 0xff,
            secondColumns >> 16 & 0xff);
      } else {
        packet(o, seq++, r == 0 ? 1 : secondColumns);
      }
      packet(o, seq++, "\u0003def\u0000\u0000\u0000\u0001v\u0001v".getBytes());
      packet(o, seq++, 0xfe, 0, 0, 2, 0);
      packet(o, seq++, 0); // an empty string: looks like an OK packet
      packet(o, seq++, 2, 'o', 'k');
      packet(o, seq++, 0xfe, 0, 0, 2 | more, 0);
    }
    return o.toByteArray();
  }

  @Test
  void answersWithinTheBoundsPassUntouchedHoweverTheyAreCut() {
    byte[] ok = twoResults(1);
    for (int cut : new int[] {1, 2, 3, 5, 7, ok.length}) {
      assertEquals(ok.length, answer(ok, cut), "cut " + cut);
      assertNull(rejected.get(), "cut " + cut);
      assertTrue(ch.isOpen());
    }
  }

  @Test
  void packetsOutOfOrderCloseTheConnection() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    packet(o, 1, 1);
    packet(o, 3, "\u0003def".getBytes());
    answer(o.toByteArray(), 3);
    assertFalse(ch.isOpen());
    assertEquals("packets out of order: sequence id 3 where 2 was expected", rejected.get());
  }

  @Test
  void aSixteenMegabytePacketIsRefusedFromItsHeader() {
    answer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 'x'}, 2);
    assertFalse(ch.isOpen());
    assertTrue(rejected.get().startsWith("a packet announcing 16777215 bytes"), rejected.get());
  }

  @Test
  void anAnswerGrowingPastTheBoundIsRefused() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    packet(o, 1, 1);
    byte[] row = new byte[60_000];
    row[0] = (byte) 0xfc; // a lenenc string of 59,997 bytes
    row[1] = (byte) (59_997 & 0xff);
    row[2] = (byte) (59_997 >> 8);
    for (int seq = 2; o.size() <= AnswerGuard.MAX_ANSWER_BYTES; seq++) {
      packet(o, seq & 0xff, row);
    }
    int passed = answer(o.toByteArray(), 64 * 1024);
    assertFalse(ch.isOpen());
    assertTrue(passed <= AnswerGuard.MAX_ANSWER_BYTES, passed + " bytes passed");
    assertTrue(rejected.get().startsWith("an answer larger than 4 MiB"), rejected.get());
  }

  @Test
  void aHugeColumnCountIsRefusedInAnyResultOfABatch() {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    packet(first, 1, 0xfd, 0x80, 0x96, 0x98); // 10,000,000 columns
    answer(first.toByteArray(), 2);
    assertFalse(ch.isOpen());
    assertEquals("a result set of 10000000 columns announced, more than the 65535 orcha reads",
        rejected.get());

    AtomicReference<String> second = new AtomicReference<>();
    EmbeddedChannel other = new EmbeddedChannel(new AnswerGuard(second::set));
    other.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 3}));
    other.writeInbound(Unpooled.wrappedBuffer(twoResults(1 << 23)));
    List<Object> drained = new ArrayList<>();
    Object m;
    while ((m = other.readInbound()) != null) {
      drained.add(m);
    }
    assertFalse(other.isOpen());
    assertTrue(String.valueOf(second.get()).startsWith("a result set of 8388608 columns"),
        second.get());
  }
}
