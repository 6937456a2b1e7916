package sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link Fleet} over the MySQL wire protocol: every simulated server listens on its own
 * address and port, and ONE thread runs all listeners and connections with a NIO selector, so ten
 * thousand servers cost one thread and a few kilobytes each. Faults act at the wire
 * ({@link Fault}), kills close the listener and every connection (a kill -9 as the client sees
 * it). Tests change things through the public methods, which hand the work to the loop thread.
 */
public final class FleetSimulator implements AutoCloseable {

  /** a command packet larger than this closes the connection (bounded memory per connection) */
  private static final int MAX_PACKET = 1 << 20;

  public final Fleet fleet;
  final Statements statements;
  private final Selector selector;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private final Map<SimServer, ServerSocketChannel> listeners = new HashMap<>();
  private final Map<SimServer, Set<Conn>> conns = new HashMap<>();
  private final AtomicLong connectionIds = new AtomicLong(1);
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong queries = new AtomicLong();
  private volatile boolean closed;

  private record Timed(long at, long seq, Runnable run) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  private long timerSeq;

  public FleetSimulator(Fleet fleet) throws IOException {
    this.fleet = fleet;
    this.statements = new Statements(fleet);
    this.selector = Selector.open();
    this.loop = new Thread(this::run, "fleet-simulator");
    loop.setDaemon(true);
    loop.start();
  }

  // --------------------------------------------------------------------------------------------
  // control (any thread)

  /** Starts listening for every server of the fleet that is up and not listening yet. */
  public void listenAll() {
    call(() -> {
      for (SimServer s : fleet.servers()) {
        if (!listeners.containsKey(s) && s.up()) {
          listen(s);
        }
      }
    });
  }

  public void setFault(SimServer s, Fault f) {
    call(() -> {
      synchronized (fleet) {
        s.fault = f;
      }
      if (f == Fault.REFUSE) {
        unlisten(s);
        closeConnections(s);
      } else if (f == Fault.HANDSHAKE_GARBAGE || f == Fault.HANDSHAKE_TRUNCATED
          || f == Fault.AUTH_ERROR) {
        // these act when a client connects: as if the server restarted broken
        closeConnections(s);
      }
      if (f != Fault.REFUSE && !listeners.containsKey(s) && !s.dead) {
        listen(s);
      }
    });
  }

  public void setSlowMillis(SimServer s, long millis) {
    synchronized (fleet) {
      s.slowMillis = millis;
    }
  }

  /** Size of each row a {@link Fault#HUGE_RESULT} server streams (up to 16 MB minus a little). */
  public void setHugeRowBytes(SimServer s, int bytes) {
    if (bytes < 1 || bytes > Packets.MAX_PAYLOAD - 64) {
      throw new IllegalArgumentException("huge row size " + bytes + " not in 1.."
          + (Packets.MAX_PAYLOAD - 64));
    }
    synchronized (fleet) {
      s.hugeRowBytes = bytes;
    }
  }

  /** A kill -9: the listener and every connection close, the position freezes. */
  public void kill(SimServer s) {
    call(() -> {
      fleet.kill(s);
      unlisten(s);
      closeConnections(s);
    });
  }

  /** Starts a killed server again: it listens, its replicas reconnect, positions move on. */
  public void restart(SimServer s) {
    call(() -> {
      fleet.restart(s);
      if (!listeners.containsKey(s) && s.up()) {
        listen(s);
      }
    });
  }

  private void closeConnections(SimServer s) {
    for (Conn c : new ArrayList<>(conns.getOrDefault(s, Set.of()))) {
      c.close();
    }
  }

  public Set<String> unknownStatements() {
    return Set.copyOf(statements.unknown);
  }

  public long accepted() {
    return accepted.get();
  }

  public long queries() {
    return queries.get();
  }

  /** Queries {@code s} received (whatever its fault made of them). */
  public long queries(SimServer s) {
    synchronized (fleet) {
      return s.queries;
    }
  }

  /** Connections open now (runs on the loop). */
  public int openConnections() {
    int[] n = new int[1];
    call(() -> conns.values().forEach(c -> n[0] += c.size()));
    return n[0];
  }

  public int listening() {
    int[] n = new int[1];
    call(() -> n[0] = listeners.size());
    return n[0];
  }

  private void call(Runnable r) {
    if (Thread.currentThread() == loop) {
      r.run();
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(() -> {
      try {
        r.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    selector.wakeup();
    try {
      done.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("fleet simulator did not run the change: " + e, e);
    }
  }

  // --------------------------------------------------------------------------------------------
  // the loop

  private void listen(SimServer s) {
    try {
      ServerSocketChannel ch = ServerSocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(new InetSocketAddress(s.host, s.port), 128);
      ch.register(selector, SelectionKey.OP_ACCEPT, s);
      listeners.put(s, ch);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + s.key() + ": " + e.getMessage(), e);
    }
  }

  private void unlisten(SimServer s) {
    ServerSocketChannel ch = listeners.remove(s);
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing a listener: nothing to do
      }
    }
  }

  private void run() {
    while (!closed) {
      try {
        long wait = 0;
        Timed next = timers.peek();
        if (next != null) {
          wait = Math.max(1, next.at - System.currentTimeMillis());
        }
        selector.select(wait);
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        long now = System.currentTimeMillis();
        while (!timers.isEmpty() && timers.peek().at <= now) {
          timers.poll().run.run();
        }
        for (SelectionKey k : selector.selectedKeys()) {
          handle(k);
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          System.err.println("fleet simulator loop: " + e);
        }
      }
    }
  }

  private void handle(SelectionKey k) {
    if (!k.isValid()) {
      return;
    }
    if (k.isAcceptable()) {
      accept((SimServer) k.attachment(), (ServerSocketChannel) k.channel());
      return;
    }
    Conn c = (Conn) k.attachment();
    if (k.isWritable()) {
      c.flush();
    }
    if (k.isValid() && k.isReadable()) {
      c.read();
    }
  }

  private void accept(SimServer s, ServerSocketChannel server) {
    try {
      SocketChannel ch;
      while ((ch = server.accept()) != null) {
        accepted.incrementAndGet();
        ch.configureBlocking(false);
        Conn c = new Conn(s, ch);
        conns.computeIfAbsent(s, x -> new HashSet<>()).add(c);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        Fault f;
        synchronized (fleet) {
          f = s.fault;
        }
        if (f != Fault.SILENT) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          byte[] greeting = Packets.greeting(Fleet.VERSION, connectionIds.getAndIncrement());
          if (f == Fault.HANDSHAKE_GARBAGE) {
            greeting = "\u0017garbage, not a greeting".getBytes(StandardCharsets.ISO_8859_1);
          } else if (f == Fault.HANDSHAKE_TRUNCATED) {
            // protocol, version, connection id: the scramble and capabilities are missing
            greeting = java.util.Arrays.copyOf(greeting, 1 + Fleet.VERSION.length() + 1 + 4);
          }
          Packets.frame(out, 0, greeting);
          c.send(out.toByteArray());
        }
      }
    } catch (IOException e) {
      // the client went away while being accepted
    }
  }

  /** One client connection: a read buffer, the bytes not written yet, login state. */
  private final class Conn {
    final SimServer server;
    final SocketChannel ch;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(512);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    /** an endless answer being streamed: refills {@link #out} whenever it is empty */
    RowStream stream;
    boolean loggedIn;
    boolean closeAfterFlush;

    Conn(SimServer server, SocketChannel ch) {
      this.server = server;
      this.ch = ch;
    }

    void read() {
      try {
        int n = ch.read(in);
        if (n < 0) {
          close();
          return;
        }
        if (!in.hasRemaining()) {
          if (in.capacity() >= MAX_PACKET) {
            close();
            return;
          }
          ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
          in.flip();
          bigger.put(in);
          in = bigger;
        }
        packets();
      } catch (IOException e) {
        close();
      }
    }

    private void packets() {
      in.flip();
      while (in.remaining() >= 4) {
        int len = (in.get(in.position()) & 0xff) | (in.get(in.position() + 1) & 0xff) << 8
            | (in.get(in.position() + 2) & 0xff) << 16;
        if (in.remaining() < 4 + len) {
          break;
        }
        in.position(in.position() + 4);
        byte[] payload = new byte[len];
        in.get(payload);
        packet(payload);
        if (!ch.isOpen()) {
          return;
        }
      }
      in.compact();
    }

    private void packet(byte[] p) {
      Fault f;
      long slow;
      synchronized (fleet) {
        f = server.fault;
        slow = server.slowMillis;
        if (loggedIn && p.length > 0 && p[0] == 0x03) {
          server.queries++;
        }
      }
      if (f == Fault.SILENT) {
        return;
      }
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      if (!loggedIn && f == Fault.AUTH_ERROR) {
        Packets.frame(o, 2, Packets.error(1045, "28000", "Access denied for user 'orcha'@'"
            + ch.socket().getInetAddress().getHostAddress() + "' (using password: YES)"));
        closeAfterFlush = true;
        send(o.toByteArray());
        return;
      }
      if (!loggedIn) {
        // the handshake response: any user and password are accepted
        loggedIn = true;
        Packets.frame(o, 2, Packets.ok(Packets.STATUS_AUTOCOMMIT));
        reply(o.toByteArray(), f, slow, false);
        return;
      }
      int cmd = p.length == 0 ? -1 : p[0] & 0xff;
      switch (cmd) {
        case 0x01 -> close(); // COM_QUIT
        case 0x03 -> {
          queries.incrementAndGet();
          query(o, new String(p, 1, p.length - 1, StandardCharsets.UTF_8), f);
          reply(o.toByteArray(), f, slow, true);
        }
        case 0x0e, 0x02 -> { // COM_PING, COM_INIT_DB
          Packets.frame(o, 1, Packets.ok(Packets.STATUS_AUTOCOMMIT));
          reply(o.toByteArray(), f, slow, false);
        }
        default -> {
          Packets.frame(o, 1, Packets.error(1047, "08S01", "Unknown command"));
          reply(o.toByteArray(), f, slow, false);
        }
      }
    }

    private void query(ByteArrayOutputStream o, String sql, Fault f) {
      List<String> parts = split(sql);
      int seq = 1;
      for (int i = 0; i < parts.size(); i++) {
        int status = Packets.STATUS_AUTOCOMMIT
            | (i < parts.size() - 1 ? Packets.STATUS_MORE_RESULTS : 0);
        if (f == Fault.HUGE_RESULT && listsReplicas(parts.get(i))) {
          int rowBytes;
          synchronized (fleet) {
            rowBytes = server.hugeRowBytes;
          }
          List<String> cols = List.of("Server_id", "Host", "Port", "Master_id");
          stream = new RowStream(Packets.resultHead(o, seq, cols, status), rowBytes);
          return; // the rows never end: the statements after this one are never answered
        }
        Statements.Answer a = statements.answer(server, parts.get(i));
        if (a instanceof Statements.Rows r) {
          seq = Packets.resultSet(o, seq, r.columns(), r.rows(), r.numeric(), status);
        } else if (a instanceof Statements.Err e) {
          Packets.frame(o, seq, Packets.error(e.code(), e.sqlState(), e.message()));
          return; // an error ends a multi-statement batch
        } else {
          Packets.frame(o, seq++, Packets.ok(status));
        }
      }
    }

    private void reply(byte[] bytes, Fault f, long slow, boolean isQuery) {
      if (isQuery && f == Fault.HANG_MID_RESULT) {
        send(java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length / 2)));
        return;
      }
      if (isQuery && f == Fault.BAD_LENGTH) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1}); // 16 MB announced
        o.writeBytes("not sixteen megabytes".getBytes(StandardCharsets.US_ASCII));
        send(o.toByteArray());
        return;
      }
      if (isQuery && f == Fault.HUGE_COLUMN_COUNT) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Packets.frame(o, 1, Packets.lenencInt(0xffffff));
        send(o.toByteArray());
        return;
      }
      if (isQuery && f == Fault.WRONG_SEQUENCE) {
        for (int at = 0; at + 4 <= bytes.length; ) {
          int len = (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16;
          bytes[at + 3] = 1;
          at += 4 + len;
        }
        send(bytes);
        return;
      }
      if (isQuery && f == Fault.DROP_MID_RESULT) {
        byte[] half = java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length / 2));
        send(half);
        closeAfterFlush = true;
        flush();
        return;
      }
      if (isQuery && f == Fault.MALFORMED) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Packets.frame(o, 1, new byte[] {1}); // one column...
        Packets.frame(o, 2, "\u0003de\u00ff\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        Packets.frame(o, 9, new byte[] {(byte) 0xfe, 0, 0});
        send(o.toByteArray());
        return;
      }
      if (f == Fault.SLOW) {
        timers.add(new Timed(System.currentTimeMillis() + slow, timerSeq++, () -> send(bytes)));
        return;
      }
      send(bytes);
    }

    void send(byte[] bytes) {
      if (!ch.isOpen()) {
        return;
      }
      out.add(ByteBuffer.wrap(bytes));
      flush();
    }

    void flush() {
      try {
        int chunks = 0;
        while (!out.isEmpty() || stream != null && ch.isOpen()) {
          if (out.isEmpty()) {
            out.add(ByteBuffer.wrap(stream.next()));
            chunks++;
          }
          ByteBuffer b = out.peek();
          ch.write(b);
          // an endless stream gives the loop back now and then: the other servers answer too
          if (b.hasRemaining() || chunks >= 16) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
          }
          out.poll();
        }
        if (key.isValid()) {
          key.interestOps(SelectionKey.OP_READ);
        }
        if (closeAfterFlush) {
          close();
        }
      } catch (IOException e) {
        close();
      }
    }

    void close() {
      Set<Conn> set = conns.get(server);
      if (set != null) {
        set.remove(this);
      }
      try {
        ch.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** The statements a probe lists replicas with, which a {@link Fault#HUGE_RESULT} never ends. */
  private static boolean listsReplicas(String sql) {
    String u = sql.toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").trim();
    return u.equals("SHOW SLAVE HOSTS") || u.equals("SHOW REPLICA HOSTS")
        || u.contains("INFORMATION_SCHEMA.PROCESSLIST");
  }

  /**
   * Rows of replicas that never end, made a chunk at a time as the client reads them: the
   * simulator's memory stays one chunk per connection, however much the client takes.
   */
  private static final class RowStream {
    private static final int CHUNK = 64 * 1024;
    private int seq;
    private long n;
    private final String pad;

    RowStream(int seq, int rowBytes) {
      this.seq = seq;
      this.pad = "x".repeat(Math.max(0, rowBytes - 40));
    }

    byte[] next() {
      ByteArrayOutputStream o = new ByteArrayOutputStream(CHUNK + pad.length() + 64);
      while (o.size() < CHUNK) {
        n++;
        Packets.frame(o, seq++, Packets.row(List.of(Long.toString(1_000_000 + n),
            "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff) + pad, "3306",
            "1")));
      }
      return o.toByteArray();
    }
  }

  /** Splits a multi-statement text at semicolons outside quotes. */
  static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        if (c == '\\' && i + 1 < sql.length()) {
          cur.append(c).append(sql.charAt(++i));
          continue;
        }
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == ';') {
        if (!cur.toString().isBlank()) {
          out.add(cur.toString().trim());
        }
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().trim());
    }
    return out;
  }

  @Override
  public void close() {
    call(() -> {
      for (SimServer s : new ArrayList<>(listeners.keySet())) {
        unlisten(s);
      }
      for (Set<Conn> set : new ArrayList<>(conns.values())) {
        new ArrayList<>(set).forEach(Conn::close);
      }
    });
    closed = true;
    selector.wakeup();
    try {
      loop.join(5000);
      selector.close();
    } catch (InterruptedException | IOException e) {
      Thread.currentThread().interrupt();
    }
  }
}
