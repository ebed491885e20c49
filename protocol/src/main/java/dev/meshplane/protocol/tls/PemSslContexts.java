package dev.meshplane.protocol.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds a server {@link SSLContext} from a PEM certificate chain and a PEM private key.
 *
 * <p>Keys are accepted as PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) and as PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}, what older cert-manager and openssl setups write); PKCS#1 is
 * wrapped into PKCS#8 here so the JDK can read it. Encrypted keys are refused with a message
 * saying how to convert them, because a node cannot prompt for a pass phrase.
 */
public final class PemSslContexts {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** DER prefix of a PKCS#8 PrivateKeyInfo for rsaEncryption, before the PKCS#1 octet string. */
  private static final byte[] RSA_ALGORITHM_ID = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00
  };

  private PemSslContexts() {}

  /**
   * @throws IllegalArgumentException with one line naming the file and what is wrong with it
   */
  public static SSLContext fromPemFiles(Path certChain, Path privateKey) {
    List<Certificate> chain = readCertificates(certChain);
    PrivateKey key = readPrivateKey(privateKey);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] noPassword = new char[0];
      store.setKeyEntry("server", key, noPassword, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, noPassword);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "TLS certificate " + certChain + " and key " + privateKey + " do not form a usable pair: "
              + e.getMessage(), e);
    }
  }

  static List<Certificate> readCertificates(Path file) {
    List<Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(file)) {
        if (block.type.equals("CERTIFICATE")) {
          certificates.add(factory.generateCertificate(new ByteArrayInputStream(block.der)));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS certificate " + file + " is not valid PEM X.509: "
          + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("TLS certificate " + file
          + " holds no '-----BEGIN CERTIFICATE-----' block");
    }
    return certificates;
  }

  static PrivateKey readPrivateKey(Path file) {
    for (Block block : blocks(file)) {
      switch (block.type) {
        case "PRIVATE KEY":
          return pkcs8(file, block.der);
        case "RSA PRIVATE KEY":
          return pkcs8(file, wrapPkcs1Rsa(block.der));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException("TLS key " + file + " is encrypted; decrypt it with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException("TLS key " + file + " is a SEC1 EC key; convert it"
              + " with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        default:
          // Certificates or parameters bundled in the same file are skipped.
      }
    }
    throw new IllegalArgumentException("TLS key " + file
        + " holds no '-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----' block");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // The PEM label does not say the algorithm; the first factory that parses it wins.
      }
    }
    throw new IllegalArgumentException("TLS key " + file + " is not an RSA, EC or Ed25519 key");
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsa, OCTET STRING pkcs1 }. */
  private static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = derTagged(0x04, pkcs1);
    byte[] body = concat(version, RSA_ALGORITHM_ID, octets);
    return derTagged(0x30, body);
  }

  private static byte[] derTagged(int tag, byte[] content) {
    byte[] length = derLength(content.length);
    return concat(new byte[] {(byte) tag}, length, content);
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    byte[] out = new byte[1 + bytes];
    out[0] = (byte) (0x80 | bytes);
    for (int i = 0; i < bytes; i++) {
      out[bytes - i] = (byte) (length >>> (8 * i));
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int total = 0;
    for (byte[] part : parts) {
      total += part.length;
    }
    byte[] out = new byte[total];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS file " + file + ": " + e.getMessage(), e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      String base64 = matcher.group(2).replaceAll("\\s", "");
      try {
        blocks.add(new Block(matcher.group(1), Base64.getDecoder().decode(base64)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("TLS file " + file + " has a '" + matcher.group(1)
            + "' block that is not valid base64", e);
      }
    }
    return blocks;
  }
}
