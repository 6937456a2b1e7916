package mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 (or another local address) in front of a real server. While {@link #cutAfter} is armed, once the
 * client sends a packet containing the trigger text, the proxy forwards only the first bytes of
 * the server's answer and then hangs up on both sides: a server dying mid-answer. Or, with
 * {@link #stallAfter}, passes nothing more and keeps the connection open: a hung server.
 */
final class CuttingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile byte[] trigger;
  private volatile int keepBytes;
  private volatile boolean hangUp;

  CuttingProxy(int targetPort) throws IOException {
    this(InetAddress.getLoopbackAddress(), targetPort);
  }

  /** Listening on another address, e.g. 127.0.0.2: a name the server's certificate lacks. */
  CuttingProxy(InetAddress listen, int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, listen);
    Thread t = new Thread(this::acceptLoop, "cutting-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Arms the cut: after a client packet containing {@code text}, pass {@code bytes} bytes on. */
  void cutAfter(String text, int bytes) {
    keepBytes = bytes;
    hangUp = true;
    trigger = text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Arms a stall: after a client packet containing {@code text}, the server's answers vanish. */
  void stallAfter(String text) {
    keepBytes = 0;
    hangUp = false;
    trigger = text.getBytes(StandardCharsets.US_ASCII);
  }

  void disarm() {
    trigger = null;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        Connection c = new Connection(client, upstream);
        start(() -> c.pump(client, upstream, true));
        start(() -> c.pump(upstream, client, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private final class Connection {
    private final Socket client;
    private final Socket upstream;
    private volatile boolean cutting;

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void pump(Socket from, Socket to, boolean fromClient) {
      byte[] buf = new byte[65536];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        int left = Integer.MAX_VALUE;
        while ((n = in.read(buf)) >= 0) {
          if (fromClient) {
            byte[] t = trigger;
            if (t != null && contains(buf, n, t)) {
              cutting = true;
            }
          } else if (cutting) {
            left = left == Integer.MAX_VALUE ? keepBytes : left;
            int pass = Math.min(n, left);
            out.write(buf, 0, pass);
            out.flush();
            left -= pass;
            if (left <= 0 && hangUp) {
              hangUp();
              return;
            }
            continue;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the other pump hung up
      }
      hangUp();
    }

    private void hangUp() {
      try {
        client.close();
        upstream.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] t) {
    outer:
    for (int i = 0; i + t.length <= n; i++) {
      for (int j = 0; j < t.length; j++) {
        if (buf[i + j] != t[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
