package mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bounds what orcha reads from one server, so that a broken or hostile server (or a proxy gone
 * wrong) cannot make a node use unbounded memory or read a desynchronised stream as answers.
 * A Netty handler on every connection, between the socket (after TLS) and the driver's decoder,
 * that closes the connection when
 *
 * <ul>
 *   <li>the answer to one request (a probe's batch of statements, an operation's statement, a
 *       login step) grows beyond {@link #MAX_ANSWER_BYTES}: the driver would otherwise gather
 *       an endless result set, or endless 16 MB continuation packets, until a timeout;
 *   <li>a packet header announces more than {@link #MAX_ANSWER_BYTES}: such a packet is never
 *       part of an answer orcha reads, so it is refused at once rather than waited for;
 *   <li>packet sequence ids within an answer do not follow each other (the driver ignores them;
 *       libmysqlclient calls this "packets out of order");
 *   <li>a result set announces more than {@link #MAX_COLUMNS} columns: the driver allocates an
 *       array of that many column definitions as soon as it reads the count, so a count of two
 *       billion is an OutOfMemoryError and one of a hundred million holds half a gigabyte while
 *       the server says nothing more.
 * </ul>
 *
 * The reason is handed to {@code onReject} before the close, so the failure can say what was
 * wrong instead of "connection closed". {@link #rows} bounds the rows of one statement, for the
 * same reason: a few megabytes of tiny rows are a lot of row objects.
 *
 * <p>On a TLS connection where this handler ends up on the encrypted side of the TLS handler,
 * only the byte bound applies (frames cannot be read there).
 */
final class AnswerGuard extends ChannelDuplexHandler {

  static final String NAME = "orcha.answerGuard";
  /** the largest answer to one request orcha reads: SHOW GLOBAL VARIABLES is ~100 KB */
  static final int MAX_ANSWER_BYTES = 4 << 20;
  /** the most rows orcha reads of one statement: SHOW GLOBAL VARIABLES has under 1,000 */
  static final int MAX_ROWS = 10_000;
  /** the most columns of one result set (MySQL tables have at most 4,096) */
  static final int MAX_COLUMNS = 65_535;
  private static final int MORE_RESULTS = 0x0008;
  /** enough of a packet's start to read a column count, or an OK's or EOF's status */
  private static final int PREFIX = 1 + 9 + 9 + 2;

  private final Consumer<String> onReject;
  private boolean rejected;
  private String why;
  private long answerBytes;
  /** the sequence id the next packet must have; -1 = any (the first packet after a request) */
  private int expectedSeq = -1;
  private final byte[] header = new byte[4];
  private int headerHave;
  private long payloadLeft;
  private int packetLength;
  private final byte[] prefix = new byte[PREFIX];
  private int prefixHave;
  private int prefixWanted;
  /** the next packet may start a result set: the first after a request, or after "more results" */
  private boolean resultMayStart;
  /** null until known: whether this handler sees plaintext (no TLS, or after the TLS handler) */
  private Boolean plaintext;

  AnswerGuard(Consumer<String> onReject) {
    this.onReject = onReject;
  }

  /** The rows of one statement, refused past {@link #MAX_ROWS}. */
  static <T> Mono<List<T>> rows(Publisher<T> rows) {
    return Flux.from(rows).take(MAX_ROWS + 1L).collectList().flatMap(l -> l.size() > MAX_ROWS
        ? Mono.error(new MysqlErrors.AnswerRejected("more than " + MAX_ROWS + " rows", null))
        : Mono.just(l));
  }

  /** Bytes of the first packet that went by before this handler was installed (the greeting). */
  void alreadyRead(byte[] bytes, int count) {
    for (int i = 0; i < count && !rejected; i++) {
      frameByte(bytes[i]);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf) {
      answerBytes += buf.readableBytes();
      if (answerBytes > MAX_ANSWER_BYTES) {
        reject(ctx, msg, "an answer larger than " + mib(MAX_ANSWER_BYTES)
            + " (orcha reads no more of one answer)");
        return;
      }
      if (plaintext(ctx)) {
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end && !rejected; ) {
          if (payloadLeft > 0 && prefixHave < prefixWanted) {
            frameByte(buf.getByte(i++));
          } else if (payloadLeft > 0) {
            int skip = (int) Math.min(payloadLeft, end - i);
            payloadLeft -= skip;
            i += skip;
          } else {
            frameByte(buf.getByte(i++));
          }
        }
        if (rejected) {
          reject(ctx, msg, null);
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void frameByte(byte b) {
    if (payloadLeft > 0) {
      payloadLeft--;
      if (prefixHave < prefixWanted) {
        prefix[prefixHave++] = b;
        if (prefixHave == prefixWanted) {
          packetStart();
        }
      }
      return;
    }
    header[headerHave++] = b;
    if (headerHave < 4) {
      return;
    }
    headerHave = 0;
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    int seq = header[3] & 0xff;
    if (length > MAX_ANSWER_BYTES) {
      rejected = true;
      why = "a packet announcing " + length + " bytes, more than the " + mib(MAX_ANSWER_BYTES)
          + " orcha reads of one answer";
      return;
    }
    if (expectedSeq >= 0 && seq != expectedSeq) {
      rejected = true;
      why = "packets out of order: sequence id " + seq + " where " + expectedSeq
          + " was expected";
      return;
    }
    expectedSeq = (seq + 1) & 0xff;
    payloadLeft = length;
    packetLength = length;
    prefixHave = 0;
    prefixWanted = Math.min(length, PREFIX);
    if (prefixWanted == 0) {
      packetStart();
    }
  }

  /** Looks at a packet's first bytes: a result set's column count, an OK's or EOF's status. */
  private void packetStart() {
    boolean mayStart = resultMayStart;
    resultMayStart = false;
    if (prefixHave == 0) {
      return;
    }
    int first = prefix[0] & 0xff;
    if (mayStart && first != 0x00 && first != 0xff && first != 0xfb && first != 0xfe) {
      long columns = lenenc(0);
      if (columns > MAX_COLUMNS) {
        rejected = true;
        why = "a result set of " + columns + " columns announced, more than the " + MAX_COLUMNS
            + " orcha reads";
        return;
      }
    }
    int status = -1;
    if (first == 0xfe && packetLength <= 5) {
      status = packetLength == 5 ? u16(3) : 0; // EOF
    } else if (first == 0x00 || first == 0xfe && packetLength < 0xffffff) {
      int at = 1; // OK (0xfe: an OK ending a result set, with CLIENT_DEPRECATE_EOF)
      at += lenencSize(at);
      at += lenencSize(at);
      status = at + 2 <= prefixHave ? u16(at) : 0;
    }
    if (status > 0 && (status & MORE_RESULTS) != 0) {
      resultMayStart = true;
    }
  }

  private int lenencSize(int at) {
    if (at >= prefixHave) {
      return 1;
    }
    int b = prefix[at] & 0xff;
    return b < 0xfb ? 1 : b == 0xfc ? 3 : b == 0xfd ? 4 : b == 0xfe ? 9 : 1;
  }

  /** The length-encoded integer at {@code at} of the prefix; -1 when not all there. */
  private long lenenc(int at) {
    int size = lenencSize(at);
    if (at + size > prefixHave) {
      return -1;
    }
    int b = prefix[at] & 0xff;
    if (size == 1) {
      return b;
    }
    long v = 0;
    for (int i = size - 1; i >= 1; i--) {
      v = v << 8 | (prefix[at + i] & 0xff);
    }
    return v < 0 ? Long.MAX_VALUE : v;
  }

  private int u16(int at) {
    return at + 2 <= prefixHave ? (prefix[at] & 0xff) | (prefix[at + 1] & 0xff) << 8 : 0;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    int n = msg instanceof ByteBuf b ? b.readableBytes()
        : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    if (n > 0) {
      // a new request: its answer gets a budget of its own, and starts a new sequence
      answerBytes = 0;
      expectedSeq = -1;
      resultMayStart = true;
    }
    super.write(ctx, msg, promise);
  }

  private boolean plaintext(ChannelHandlerContext ctx) {
    if (plaintext != null) {
      return plaintext;
    }
    var tls = ctx.pipeline().context(SslHandler.class);
    if (tls == null) {
      return true; // not yet known: TLS may still start (it starts before any answer is read)
    }
    List<String> names = ctx.pipeline().names();
    plaintext = names.indexOf(tls.name()) < names.indexOf(ctx.name());
    if (!plaintext) {
      answerBytes = 0;
    }
    return plaintext;
  }

  private void reject(ChannelHandlerContext ctx, Object msg, String reason) {
    rejected = true;
    if (reason != null) {
      why = reason;
    }
    ReferenceCountUtil.release(msg);
    onReject.accept(why);
    ctx.close();
  }

  private static String mib(int bytes) {
    return (bytes >> 20) + " MiB";
  }
}
