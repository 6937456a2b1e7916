package mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The Netty side of one connection attempt, which r2dbc-mysql does not expose: the driver builds
 * its socket through {@link #onChannel}, so this wrapper of the shared event loops sees it and
 *
 * <ul>
 *   <li>can close it at once ({@link #forceClose}): the driver's own close queues a goodbye behind
 *       any statement still waiting for an answer, and a cancelled login is never closed at all;
 *   <li>checks the server's first bytes: a MySQL server starts with a handshake packet (sequence
 *       0, protocol 10, or an error packet); anything else — an HTTP server, garbage — is noted
 *       and the socket closed, so the probe fails at once as a protocol error instead of waiting
 *       for a "packet" of megabytes;
 *   <li>once the greeting is seen, bounds every answer with an {@link AnswerGuard} (size,
 *       packet order) and keeps why it closed the connection ({@link #rejected}).
 * </ul>
 *
 * One instance per connection attempt; the event loops are shared and never disposed here.
 */
final class ChannelTracker implements LoopResources {

  private static final String CHECK_NAME = "orcha.greetingCheck";
  /** r2dbc-mysql's decoder, which the answer guard goes just in front of (after any TLS) */
  private static final String DRIVER_CODEC = "R2dbcMySqlMessageDuplexCodec";
  private static final int MAX_GREETING = 64 * 1024;

  private final LoopResources loops;
  private volatile Channel channel;
  private volatile boolean handshakeSeen;
  private volatile String notMySql;
  private volatile String rejected;

  ChannelTracker(LoopResources loops) {
    this.loops = loops;
  }

  boolean handshakeSeen() {
    return handshakeSeen;
  }

  /** The server's first bytes (hex and text) when they were not a MySQL handshake, else null. */
  String notMySql() {
    return notMySql;
  }

  /** Why the {@link AnswerGuard} closed the connection (an answer too large, ...), else null. */
  String rejected() {
    return rejected;
  }

  boolean isOpen() {
    Channel c = channel;
    return c != null && c.isActive();
  }

  /** Runs {@code action} once the socket is closed, whoever closed it (the server, or we). */
  void onClose(Runnable action) {
    Channel c = channel;
    if (c == null) {
      return;
    }
    c.closeFuture().addListener(f -> action.run());
  }

  /** Closes the socket now, whatever the driver is doing on it. */
  void forceClose() {
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
    C c = loops.onChannel(channelType, group);
    if (!(c instanceof DatagramChannel)) {
      channel = c;
      c.pipeline().addFirst(CHECK_NAME, new GreetingCheck());
    }
    return c;
  }

  @Override
  public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType,
      EventLoopGroup group) {
    return loops.onChannelClass(channelType, group);
  }

  @Override
  public EventLoopGroup onClient(boolean useNative) {
    return loops.onClient(useNative);
  }

  @Override
  public EventLoopGroup onServer(boolean useNative) {
    return loops.onServer(useNative);
  }

  @Override
  public EventLoopGroup onServerSelect(boolean useNative) {
    return loops.onServerSelect(useNative);
  }

  @Override
  public boolean daemon() {
    return loops.daemon();
  }

  @Override
  public boolean isDisposed() {
    return loops.isDisposed();
  }

  @Override
  public void dispose() {
    // the loops are shared by every connection: the Prober disposes them
  }

  @Override
  public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
    return Mono.empty();
  }

  /** Looks at the first 5 bytes (packet header + protocol byte), then removes itself. */
  private final class GreetingCheck extends ChannelInboundHandlerAdapter {
    private final byte[] head = new byte[16];
    private int have;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf && have < 5) {
        int before = have;
        int n = Math.min(buf.readableBytes(), head.length - have);
        buf.getBytes(buf.readerIndex(), head, have, n);
        have += n;
        if (have >= 5) {
          int length = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16;
          int sequence = head[3] & 0xff;
          int first = head[4] & 0xff;
          // protocol 10 (9 for ancient servers) or an error packet (too many connections, ...)
          boolean greeting = sequence == 0 && length > 0 && length <= MAX_GREETING
              && (first == 10 || first == 9 || first == 0xff);
          if (!greeting) {
            notMySql = describe(head, have);
            buf.release();
            ctx.close();
            return;
          }
          handshakeSeen = true;
          if (first == 10 && before == 0 && buf.readableBytes() >= 4 + length
              && truncatedGreeting(buf, length)) {
            // the driver would fail on it with an index error (and log its stack trace)
            rejected = "a truncated greeting: its " + length + " bytes end before the"
                + " capability flags";
            buf.release();
            ctx.close();
            return;
          }
          AnswerGuard guard = new AnswerGuard(why -> rejected = why);
          guard.alreadyRead(head, before);
          if (ctx.pipeline().get(DRIVER_CODEC) != null) {
            ctx.pipeline().addBefore(DRIVER_CODEC, AnswerGuard.NAME, guard);
          } else {
            ctx.pipeline().addAfter(ctx.name(), AnswerGuard.NAME, guard);
          }
          ctx.pipeline().remove(this);
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * A protocol 10 greeting too short for what every server sends: version, connection id,
   * scramble, filler, capability flags.
   */
  private static boolean truncatedGreeting(ByteBuf buf, int length) {
    int start = buf.readerIndex() + 5;
    int end = buf.readerIndex() + 4 + length;
    int nul = buf.indexOf(start, end, (byte) 0);
    return nul < 0 || end - (nul + 1) < 4 + 8 + 1 + 2;
  }

  static String describe(byte[] bytes, int count) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      int b = bytes[i] & 0xff;
      if (i > 0) {
        hex.append(' ');
      }
      hex.append(String.format("%02x", b));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return hex + " (\"" + text + "\")";
  }
}
