package dev.meshplane.bootstrap;

import dev.meshplane.config.SettingsReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;
import org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;

/**
 * The directory remoting's mutual TLS reads: {@code tls.crt}, {@code tls.key} and {@code ca.crt},
 * the names a cert-manager Secret mounts. Pekko's {@link RotatingKeysSSLEngineProvider} reads them
 * only when the first connection opens, and then fails every connection; so they are checked at
 * start-up with the same loaders, and files it cannot use stop the node with a settings problem.
 */
final class RemotingTlsFiles {

  static final String CERTIFICATE = "tls.crt";
  static final String KEY = "tls.key";
  static final String CA = "ca.crt";

  private static final String PROVIDER = "pekko.remote.artery.ssl.rotating-keys-engine.";

  private RemotingTlsFiles() {}

  /** Reads the directory setting {@code key}; empty when unset. Every unusable file is a problem of its own. */
  static Optional<Path> read(SettingsReader r, String key) {
    String value = r.string(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path dir;
    try {
      dir = Path.of(value);
    } catch (InvalidPathException e) {
      r.reject(key, "a directory holding tls.crt, tls.key and ca.crt, or empty");
      return Optional.empty();
    }
    if (!Files.isDirectory(dir)) {
      r.reject(key, "a directory holding tls.crt, tls.key and ca.crt, or empty");
      return Optional.of(dir);
    }
    boolean allReadable = true;
    for (Map.Entry<String, String> file : contents().entrySet()) {
      Path path = dir.resolve(file.getKey());
      if (!Files.isReadable(path)) {
        r.reject(key, "a directory holding " + file.getValue() + "; " + path + " is missing or unreadable");
        allReadable = false;
      }
    }
    if (allReadable) {
      checkContents(r, key, dir);
    }
    return Optional.of(dir);
  }

  /** Artery settings for mutual TLS with the files in {@code dir}. */
  static Map<String, Object> pekkoSettings(Path dir) {
    Path absolute = dir.toAbsolutePath();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("pekko.remote.artery.transport", "tls-tcp");
    values.put("pekko.remote.artery.ssl.ssl-engine-provider", RotatingKeysSSLEngineProvider.class.getName());
    values.put(PROVIDER + "cert-file", absolute.resolve(CERTIFICATE).toString());
    values.put(PROVIDER + "key-file", absolute.resolve(KEY).toString());
    values.put(PROVIDER + "ca-cert-file", absolute.resolve(CA).toString());
    return values;
  }

  private static Map<String, String> contents() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(CERTIFICATE, "tls.crt (this node's certificate, PEM)");
    files.put(KEY, "tls.key (its private key, PEM)");
    files.put(CA, "ca.crt (the certificate of the CA that issued every node's certificate, PEM)");
    return files;
  }

  /** What the provider needs beyond readable files; each file that fails is named once. */
  private static void checkContents(SettingsReader r, String key, Path dir) {
    Optional<X509Certificate> ca = certificate(r, key, dir.resolve(CA));
    Optional<X509Certificate> certificate = certificate(r, key, dir.resolve(CERTIFICATE));
    Optional<PrivateKey> privateKey = privateKey(r, key, dir.resolve(KEY));
    if (ca.isEmpty() || certificate.isEmpty() || privateKey.isEmpty()) {
      return;
    }
    try {
      certificate.get().verify(ca.get().getPublicKey());
    } catch (GeneralSecurityException e) {
      // Pekko builds no chain: a node certificate must be issued by ca.crt itself.
      r.reject(key, "a directory whose tls.crt is issued by its ca.crt; " + dir.resolve(CERTIFICATE) + " is not ("
          + e.getMessage() + ")");
      return;
    }
    if (!(certificate.get().getPublicKey() instanceof RSAKey certificateKey)
        || !certificateKey.getModulus().equals(((RSAKey) privateKey.get()).getModulus())) {
      r.reject(key, "a directory whose tls.key is the private key of its tls.crt; " + dir.resolve(KEY) + " is not");
    }
  }

  private static Optional<X509Certificate> certificate(SettingsReader r, String key, Path file) {
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(file)) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      r.reject(key, "a directory with PEM X.509 certificates; " + file + " is not one (" + e.getMessage() + ")");
      return Optional.empty();
    }
    // Only expiry: a certificate issued seconds ago on a machine whose clock runs ahead is fine soon.
    if (certificate.getNotAfter().toInstant().isBefore(Instant.now())) {
      r.reject(key, "a directory with certificates that have not expired; " + file + " expired on "
          + certificate.getNotAfter().toInstant());
      return Optional.empty();
    }
    return Optional.of(certificate);
  }

  /** Loaded exactly as Pekko will load it: RSA only, PKCS#1 or unencrypted PKCS#8. */
  private static Optional<PrivateKey> privateKey(SettingsReader r, String key, Path file) {
    try {
      String pem = Files.readString(file, StandardCharsets.US_ASCII);
      return Optional.of(DERPrivateKeyLoader.load(PEMDecoder.decode(pem)));
    } catch (Exception e) {
      // The loaders are Scala: besides PEMLoadingException they throw undeclared checked exceptions
      // (an EC key fails in the RSA KeyFactory with InvalidKeySpecException).
      r.reject(key, "a directory whose tls.key is an unencrypted RSA private key in PEM (BEGIN RSA PRIVATE KEY or"
          + " BEGIN PRIVATE KEY), the only kind Pekko remoting reads; " + file + " is not one (" + e.getMessage()
          + ")");
      return Optional.empty();
    }
  }
}
