package dev.meshplane.bootstrap.certs;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private CA for one cluster's remoting: it signs one certificate per node, in the shape Pekko's
 * {@code RotatingKeysSSLEngineProvider} accepts. That provider reads RSA keys only, trusts node
 * certificates issued by the CA directly (no intermediate), checks no host name, and accepts a peer
 * only when the peer's certificate shares a name (CN or DNS SAN) with its own: every node
 * certificate therefore carries the cluster name as its CN, and its host as the SAN for tools that
 * do check host names.
 */
final class CertificateAuthority {

  /** Pekko's PEM key loader reads RSA only; 2048 bits is the usual minimum today. */
  private static final int RSA_BITS = 2048;
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Node certificates start an hour back, so a node whose clock lags the issuer's accepts them. */
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);

  private static final String SIGNATURE = "SHA256withRSA";
  private static final byte[] SIGNATURE_ALGORITHM =
      Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.nullValue());
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  /** keyCertSign (bit 5) and cRLSign (bit 6); the last bit is padding. */
  private static final byte[] CA_KEY_USAGE = Der.bitString(new byte[] {0x06}, 1);
  /** digitalSignature (bit 0) and keyEncipherment (bit 2); the last five bits are padding. */
  private static final byte[] NODE_KEY_USAGE = Der.bitString(new byte[] {(byte) 0xa0}, 5);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern DNS_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new self-signed CA, valid for ten years. */
  static CertificateAuthority create(String name) throws GeneralSecurityException {
    KeyPair pair = newKeyPair();
    byte[] subject = name(name);
    Instant now = Instant.now();
    byte[] keyId = keyIdentifier(pair.getPublic());
    X509Certificate certificate = sign(pair.getPrivate(), subject, subject, pair.getPublic(), now.minus(CLOCK_SKEW),
        now.plus(CA_VALIDITY), List.of(
            extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(BigInteger.ZERO))),
            extension(KEY_USAGE, true, CA_KEY_USAGE),
            extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyId))));
    return new CertificateAuthority(certificate, pair.getPrivate());
  }

  /** The CA a previous run wrote (PEM certificate, PKCS#8 RSA key), to sign more nodes. */
  static CertificateAuthority load(String certificatePem, String keyPem) throws GeneralSecurityException {
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Pem.decode(certificatePem, Pem.CERTIFICATE)));
    PrivateKey key = KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(keyPem, Pem.PRIVATE_KEY)));
    return new CertificateAuthority(certificate, key);
  }

  X509Certificate certificate() {
    return certificate;
  }

  PrivateKey key() {
    return key;
  }

  /**
   * A certificate for the node at {@code host} (an IP address or a DNS name) in the cluster named
   * {@code clusterName}, valid for {@code validity} or until the CA expires, whichever is first.
   */
  NodeCertificate issue(String host, String clusterName, Duration validity) throws GeneralSecurityException {
    KeyPair pair = newKeyPair();
    Instant now = Instant.now();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    List<byte[]> extensions = new ArrayList<>(List.of(
        extension(BASIC_CONSTRAINTS, true, Der.sequence()),
        extension(KEY_USAGE, true, NODE_KEY_USAGE),
        // Each node is the server of the connections it accepts and the client of those it opens.
        extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
        extension(SUBJECT_ALT_NAME, false, Der.sequence(alternativeName(host))),
        extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(pair.getPublic())))));
    authorityKeyIdentifier().ifPresent(id ->
        extensions.add(extension(AUTHORITY_KEY_IDENTIFIER, false, Der.sequence(Der.implicit(0, id)))));
    X509Certificate issued = sign(key, certificate.getSubjectX500Principal().getEncoded(), name(clusterName),
        pair.getPublic(), now.minus(CLOCK_SKEW), notAfter, extensions);
    return new NodeCertificate(issued, pair.getPrivate());
  }

  /** A node's certificate and its private key. */
  record NodeCertificate(X509Certificate certificate, PrivateKey key) {}

  /** Whether {@code host} can name a node: an IPv4 or IPv6 address, or a DNS name. */
  static boolean validHost(String host) {
    return ipAddress(host).isPresent() || (DNS_NAME.matcher(host).matches() && !IPV4.matcher(host).matches());
  }

  private static byte[] alternativeName(String host) {
    Optional<byte[]> ip = ipAddress(host);
    // GeneralName: [7] iPAddress (the address bytes) or [2] dNSName (IA5String).
    return ip.map(bytes -> Der.implicit(7, bytes))
        .orElseGet(() -> Der.implicit(2, host.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The address bytes of an IP literal; never a DNS lookup. */
  private static Optional<byte[]> ipAddress(String host) {
    boolean v4 = IPV4.matcher(host).matches()
        && Arrays.stream(host.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
    // InetAddress resolves nothing for a literal; a string with ':' is only ever taken as IPv6.
    if (!v4 && !host.contains(":")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(host).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The CA's own key identifier, which the JDK and openssl match issued certificates against. */
  private Optional<byte[]> authorityKeyIdentifier() {
    byte[] extension = certificate.getExtensionValue(SUBJECT_KEY_IDENTIFIER);
    // getExtensionValue wraps the extension's OCTET STRING (itself the key id) in another one.
    return Optional.ofNullable(extension).map(value -> Der.contents(Der.contents(value)));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(RSA_BITS, RANDOM);
    return generator.generateKeyPair();
  }

  /** A Name of one common name. */
  private static byte[] name(String commonName) {
    return Der.sequence(Der.setOf(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
  }

  /** The first 160 bits of the SHA-256 hash of the encoded key, a key identifier as RFC 7093 §2 allows. */
  private static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
    return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  private static X509Certificate sign(PrivateKey issuerKey, byte[] issuer, byte[] subject, PublicKey subjectKey,
      Instant notBefore, Instant notAfter, List<byte[]> extensions) throws GeneralSecurityException {
    // Positive, at most 20 bytes (RFC 5280 §4.1.2.2), and unpredictable.
    BigInteger serial = new BigInteger(127, RANDOM).setBit(0);
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)),
        Der.integer(serial),
        SIGNATURE_ALGORITHM,
        issuer,
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        subject,
        subjectKey.getEncoded(),
        Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
    Signature signature = Signature.getInstance(SIGNATURE);
    signature.initSign(issuerKey);
    signature.update(tbs);
    byte[] certificate = Der.sequence(tbs, SIGNATURE_ALGORITHM, Der.bitString(signature.sign()));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate));
  }
}
