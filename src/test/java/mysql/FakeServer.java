package mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that misbehaves in one way, for the prober's fault tests. Counts the
 * connections it accepted and how many of them the client closed (so tests can prove the prober
 * leaks no socket).
 */
final class FakeServer implements AutoCloseable {

  enum Mode {
    /** accepts and never says anything */
    SILENT,
    /** answers like an HTTP server and keeps the connection open */
    HTTP,
    /** sends a few bytes of nonsense and closes */
    GARBAGE_THEN_CLOSE,
    /** a valid MySQL handshake, then no answer to the login */
    GREETING_THEN_SILENT,
    /** a valid MySQL handshake, reads the login, closes */
    GREETING_THEN_CLOSE
  }

  private final ServerSocket server;
  private final Mode mode;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  FakeServer(Mode mode) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fake-mysql-" + mode);
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  /** Connections on which the client's side reached end of stream (the prober closed it). */
  int closedByClient() {
    return closedByClient.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-mysql-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      switch (mode) {
        case SILENT -> { }
        case HTTP -> out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        case GARBAGE_THEN_CLOSE -> {
          out.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x00, 0x11,
              'j', 'u', 'n', 'k'});
          out.flush();
          return;
        }
        case GREETING_THEN_SILENT -> out.write(greeting());
        case GREETING_THEN_CLOSE -> {
          out.write(greeting());
          out.flush();
          in.read(new byte[4096]); // the login packet
          return;
        }
      }
      out.flush();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // discard whatever the client says until it closes
      }
      closedByClient.incrementAndGet();
    } catch (IOException e) {
      closedByClient.incrementAndGet(); // reset by the client
    }
  }

  /** A protocol-10 handshake packet (the fleet simulator's) of a MySQL 5.7. */
  static byte[] greeting() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sim.Packets.frame(out, 0, sim.Packets.greeting("5.7.99-fake", 1));
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
