package dev.meshplane.bootstrap.jmx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.net.ssl.SSLContext;

/**
 * Remote JMX settings and client logins for tests. One TLS certificate serves every test of the
 * JVM: the JDK's TLS client factory for RMI takes the JVM's default context once and keeps it.
 */
public final class TestJmx {

  public static final String READER = "reader";
  public static final String READER_PASSWORD = "reader-password";
  public static final String OPERATOR = "operator";
  public static final String OPERATOR_PASSWORD = "operator-password";

  private static Path certificate;
  private static Path key;

  private TestJmx() {}

  /** Remote JMX off. */
  public static JmxSettings off() {
    return new JmxSettings(OptionalInt.empty(), "127.0.0.1", List.of(), Optional.empty(), Optional.empty());
  }

  /** A loopback port without accounts (read-only) and without TLS. */
  public static JmxSettings loopback(int port) {
    return new JmxSettings(OptionalInt.of(port), "127.0.0.1", List.of(), Optional.empty(), Optional.empty());
  }

  /** A loopback port with a reader and an operator account, without TLS. */
  public static JmxSettings withAccounts(int port) {
    return new JmxSettings(OptionalInt.of(port), "127.0.0.1", accounts(), Optional.empty(), Optional.empty());
  }

  /** A loopback port with both accounts and TLS from {@link #certificate()}. */
  public static synchronized JmxSettings withAccountsAndTls(int port) throws Exception {
    makeCertificate();
    return new JmxSettings(OptionalInt.of(port), "127.0.0.1", accounts(), Optional.of(certificate), Optional.of(key));
  }

  /** The client environment of a login. */
  public static Map<String, Object> login(String user, String password) {
    return Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
  }

  /** {@code ./meshplane inspect ARGS} with {@code env} as its environment and no terminal to prompt on. */
  public static int inspect(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return Inspect.run(args, env, user -> Optional.empty(), out, err);
  }

  /** The PEM certificate (self-signed, for 127.0.0.1) the TLS settings use. */
  public static synchronized Path certificate() throws Exception {
    makeCertificate();
    return certificate;
  }

  /** Makes the JVM trust {@link #certificate()}, as inspect does when given it. */
  public static synchronized SSLContext trustCertificate() throws Exception {
    SSLContext context = Inspect.Login.trusting(certificate());
    SSLContext.setDefault(context);
    return context;
  }

  private static List<JmxAccount> accounts() {
    return List.of(new JmxAccount(READER, READER_PASSWORD, JmxRole.READER),
        new JmxAccount(OPERATOR, OPERATOR_PASSWORD, JmxRole.OPERATOR));
  }

  private static void makeCertificate() throws Exception {
    if (certificate != null) {
      return;
    }
    Path dir = Files.createTempDirectory("meshplane-jmx-tls");
    Path cert = dir.resolve("jmx.crt");
    Path pem = dir.resolve("jmx.key");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", pem.toString(), "-out", cert.toString())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
      throw new IOException("openssl failed:\n" + output);
    }
    // Deleted in reverse order of registration: the folder last.
    dir.toFile().deleteOnExit();
    cert.toFile().deleteOnExit();
    pem.toFile().deleteOnExit();
    certificate = cert;
    key = pem;
  }
}
