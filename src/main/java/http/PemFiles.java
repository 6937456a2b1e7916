package http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files as operators have them (what openssl and
 * most CAs write): certificate chains ({@code BEGIN CERTIFICATE}, leaf first), and unencrypted
 * keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}). Hand-written rather than a dependency: the two legacy key
 * forms only need wrapping into PKCS#8, which the JDK reads.
 *
 * <p>Every failure is an IllegalArgumentException naming the file and what is wrong with it;
 * no message ever carries the file's content (a key must not end up in a log).
 */
public final class PemFiles {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** PKCS#8 key algorithms tried in turn (the JDK's factories refuse keys of another kind). */
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

  private PemFiles() {}

  /** One PEM block: its label ("CERTIFICATE", "PRIVATE KEY"...) and its DER bytes. */
  private record Block(String type, byte[] der) {}

  /** The certificates of a PEM file, in file order (for a chain: the leaf first). */
  public static List<X509Certificate> certificates(Path file) {
    List<Block> blocks = blocks(file);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " holds a CERTIFICATE that cannot be parsed ("
          + e.getClass().getSimpleName() + ")");
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate (BEGIN CERTIFICATE)"
          + found(blocks));
    }
    return List.copyOf(certs);
  }

  /** The private key of a PEM file (the first key block). */
  public static PrivateKey privateKey(Path file) {
    List<Block> blocks = blocks(file);
    for (Block b : blocks) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(file, b.der());
        case "RSA PRIVATE KEY":
          return pkcs8(file, Der.rsaPkcs1ToPkcs8(b.der()));
        case "EC PRIVATE KEY":
          return pkcs8(file, Der.ecSec1ToPkcs8(b.der(), file));
        case "ENCRYPTED PRIVATE KEY":
          throw encrypted(file);
        default:
          break;
      }
    }
    throw new IllegalArgumentException(file + " holds no PEM private key (BEGIN PRIVATE KEY, "
        + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)" + found(blocks));
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not a key of this kind: try the next (messages are not shown: they may quote bytes)
      }
    }
    throw new IllegalArgumentException(file + " holds a private key that cannot be parsed "
        + "(not an RSA, EC or EdDSA key, or damaged)");
  }

  private static IllegalArgumentException encrypted(Path file) {
    return new IllegalArgumentException(file + " holds an encrypted private key; orcha needs it "
        + "unencrypted (openssl pkey -in KEY -out PLAIN, readable by orcha's user only)");
  }

  private static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + " is not a PEM file (binary content; DER? "
          + "convert with openssl x509/pkey -inform der)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read file " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1).trim();
      String body = m.group(2);
      if (body.contains("ENCRYPTED")) {
        throw encrypted(file); // legacy "Proc-Type: 4,ENCRYPTED" headers
      }
      try {
        blocks.add(new Block(type, Base64.getMimeDecoder().decode(body.strip())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " has a damaged PEM block (" + type + ")");
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(file + " is not a PEM file (no -----BEGIN ...----- block)");
    }
    return blocks;
  }

  private static String found(List<Block> blocks) {
    return "; found: " + String.join(", ", blocks.stream().map(Block::type).distinct().toList());
  }
}
