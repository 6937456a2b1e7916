package http;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * Just enough DER to wrap the two legacy private key forms openssl writes (PKCS#1 RSA and SEC1
 * EC keys) into the PKCS#8 PrivateKeyInfo the JDK's key factories read (RFC 5208 §5, RFC 5915
 * §3, RFC 5480 §2.1.1).
 */
final class Der {

  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int CONTEXT_0 = 0xA0;
  /** INTEGER 0: PrivateKeyInfo's version. */
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  /** rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48,
      (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE,
      0x3D, 0x02, 0x01};

  private Der() {}

  /** An RSAPrivateKey (PKCS#1) as a PrivateKeyInfo. */
  static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    return tlv(SEQUENCE, VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, pkcs1));
  }

  /**
   * An ECPrivateKey (SEC1) as a PrivateKeyInfo; the curve comes from the key's own parameters
   * (openssl always writes them).
   */
  static byte[] ecSec1ToPkcs8(byte[] sec1, Path file) {
    byte[] curve = null;
    try {
      Reader outer = new Reader(sec1, 0, sec1.length);
      Reader fields = outer.enter(SEQUENCE);
      while (fields.hasMore()) {
        int tag = fields.tag();
        byte[] value = fields.value();
        if (tag == CONTEXT_0) {
          curve = value; // the named curve's OID, as a whole TLV
        }
      }
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      throw new IllegalArgumentException(file + " holds an EC PRIVATE KEY that cannot be parsed");
    }
    if (curve == null) {
      throw new IllegalArgumentException(file + " holds an EC PRIVATE KEY without its curve; "
          + "convert it with openssl pkey -in KEY -out KEY.pkcs8");
    }
    return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, EC_PUBLIC_KEY, curve), tlv(OCTET_STRING, sec1));
  }

  /** A tag, its length and the concatenated contents. */
  static byte[] tlv(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] c : contents) {
      body.writeBytes(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = body.size();
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((n >>> (8 * i)) & 0xFF);
      }
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  /** Walks the elements of one DER range. */
  private static final class Reader {
    private final byte[] der;
    private int pos;
    private final int end;
    private int valueStart;
    private int valueEnd;

    Reader(byte[] der, int from, int to) {
      this.der = der;
      this.pos = from;
      this.end = to;
    }

    boolean hasMore() {
      return pos < end;
    }

    /** Reads the next header; returns its tag (the value is then read by value() or enter()). */
    int tag() {
      int tag = der[pos++] & 0xFF;
      int len = der[pos++] & 0xFF;
      if (len >= 0x80) {
        int bytes = len & 0x7F;
        if (bytes == 0 || bytes > 4) {
          throw new IllegalStateException("unsupported DER length");
        }
        len = 0;
        for (int i = 0; i < bytes; i++) {
          len = (len << 8) | (der[pos++] & 0xFF);
        }
      }
      if (len < 0 || pos + len > end) {
        throw new IllegalStateException("DER length past the end");
      }
      valueStart = pos;
      valueEnd = pos + len;
      return tag;
    }

    /** The last header's contents; moves past them. */
    byte[] value() {
      byte[] v = java.util.Arrays.copyOfRange(der, valueStart, valueEnd);
      pos = valueEnd;
      return v;
    }

    /** Reads a header that must carry {@code expected} and walks its contents. */
    Reader enter(int expected) {
      if (tag() != expected) {
        throw new IllegalStateException("unexpected DER tag");
      }
      Reader inner = new Reader(der, valueStart, valueEnd);
      pos = valueEnd;
      return inner;
    }
  }
}
