package contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A GET whose request target is sent byte for byte (java.net.URI refuses malformed escapes such
 * as {@code %zz}, which is exactly what a hostile client sends).
 */
final class RawHttp {

  private RawHttp() {}

  static LiveApi.Answer get(String host, int port, String target) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String response = new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
      int headersEnd = response.indexOf("\r\n\r\n");
      if (headersEnd < 0) {
        throw new AssertionError("GET " + target + ": no HTTP answer: " + response);
      }
      String[] head = response.substring(0, headersEnd).split("\r\n");
      int status = Integer.parseInt(head[0].split(" ")[1]);
      String contentType = "";
      for (String h : head) {
        if (h.toLowerCase().startsWith("content-type:")) {
          contentType = h.substring("content-type:".length()).trim();
        }
      }
      String body = response.substring(headersEnd + 4);
      com.fasterxml.jackson.databind.JsonNode json;
      try {
        json = body.isEmpty() ? null : LiveApi.JSON.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      return new LiveApi.Answer(target, status, contentType, body, json);
    } catch (IOException e) {
      throw new AssertionError("GET " + target + " got no answer: " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    for (int n; (n = in.read(b)) > 0; ) {
      buf.write(b, 0, n);
    }
    return buf.toByteArray();
  }
}
