package dev.meshplane.bootstrap.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.event.NoMarkerLogging;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;
import org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code ./meshplane certs} writes, checked by the JDK's certificate parser and by the engine
 * provider Pekko remoting runs: nodes of one CA and cluster name complete mutual TLS, anything else
 * is refused.
 */
class CertsTest {

  @TempDir
  Path dir;

  @Test
  void writesACaAndOneDirectoryPerNodeNamedForItsHost() throws Exception {
    Output output = certs(dir.toString(), "--nodes", "10.0.0.1, node-2.example.org,fd00::1");
    assertEquals(0, output.status(), output.err());
    X509Certificate ca = certificate(dir.resolve("ca.crt"));
    assertEquals("CN=meshplane CA", ca.getSubjectX500Principal().getName());
    assertEquals(0, ca.getBasicConstraints(), "a CA that signs node certificates only");

    Map<String, List<?>> expected = Map.of(
        "10.0.0.1", List.of(7, "10.0.0.1"),
        "node-2.example.org", List.of(2, "node-2.example.org"),
        "fd00::1", List.of(7, "fd00:0:0:0:0:0:0:1"));
    for (Map.Entry<String, List<?>> node : expected.entrySet()) {
      Path nodeDir = dir.resolve(node.getKey());
      X509Certificate certificate = certificate(nodeDir.resolve("tls.crt"));
      certificate.verify(ca.getPublicKey());
      assertEquals(List.of(node.getValue()), List.copyOf(certificate.getSubjectAlternativeNames()), node.getKey());
      assertEquals("CN=meshplane", certificate.getSubjectX500Principal().getName(), "the name all nodes share");
      assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
      assertTrue(certificate.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
          "server and client authentication");
      assertArrayEquals(Files.readAllBytes(dir.resolve("ca.crt")), Files.readAllBytes(nodeDir.resolve("ca.crt")));
      // Loaded exactly as remoting loads it.
      PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(nodeDir.resolve("tls.key"))));
      assertEquals(((RSAKey) certificate.getPublicKey()).getModulus(), ((RSAKey) key).getModulus());
      assertEquals("rw-------", permissions(nodeDir.resolve("tls.key")));
    }
    assertEquals("rw-------", permissions(dir.resolve("ca.key")));
    assertTrue(output.out().contains("MESHPLANE_REMOTING_TLS_DIR=" + dir.resolve("10.0.0.1").toAbsolutePath()),
        output.out());
  }

  @Test
  void nodesOfOneCaCompleteMutualTlsInPekkosEngine() throws Exception {
    assertEquals(0, certs(dir.toString(), "--nodes", "127.0.0.1,127.0.0.2").status());
    RotatingKeysSSLEngineProvider first = provider(dir.resolve("127.0.0.1"));
    RotatingKeysSSLEngineProvider second = provider(dir.resolve("127.0.0.2"));
    assertEquals(Optional.empty(), connect(first, second));
    assertEquals(Optional.empty(), connect(second, first));
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedBothWays() throws Exception {
    Path other = dir.resolve("other");
    assertEquals(0, certs(dir.resolve("ours").toString(), "--nodes", "127.0.0.1").status());
    assertEquals(0, certs(other.toString(), "--nodes", "127.0.0.1").status());
    RotatingKeysSSLEngineProvider ours = provider(dir.resolve("ours/127.0.0.1"));
    RotatingKeysSSLEngineProvider theirs = provider(other.resolve("127.0.0.1"));
    assertThrows(SSLHandshakeException.class, () -> connect(theirs, ours), "intruder dials a node");
    assertThrows(SSLHandshakeException.class, () -> connect(ours, theirs), "a node dials the intruder");
  }

  @Test
  void theSameCaWithAnotherClusterNameIsRefusedAfterTheHandshake() throws Exception {
    assertEquals(0, certs(dir.toString(), "--nodes", "127.0.0.1").status());
    assertEquals(0, certs(dir.toString(), "--nodes", "127.0.0.2", "--cluster", "staging").status());
    Optional<Throwable> refused = connect(provider(dir.resolve("127.0.0.2")), provider(dir.resolve("127.0.0.1")));
    assertTrue(refused.isPresent(), "Pekko's subject check refuses a peer sharing no name");
    assertTrue(refused.get().getMessage().contains("staging"), refused.get().getMessage());
  }

  @Test
  void aSecondRunReusesTheCaSoNewNodesJoinTheOldOnes() throws Exception {
    assertEquals(0, certs(dir.toString(), "--nodes", "10.0.0.1").status());
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
    Output second = certs(dir.toString(), "--nodes", "10.0.0.4", "--days", "30");
    assertEquals(0, second.status(), second.err());
    assertTrue(second.out().contains("reusing the CA"), second.out());
    assertArrayEquals(ca, Files.readAllBytes(dir.resolve("ca.crt")));
    assertEquals(Optional.empty(), connect(provider(dir.resolve("10.0.0.4")), provider(dir.resolve("10.0.0.1"))));
    X509Certificate fourth = certificate(dir.resolve("10.0.0.4/tls.crt"));
    Duration validity = Duration.between(fourth.getNotBefore().toInstant(), fourth.getNotAfter().toInstant());
    assertEquals(30, validity.toDays(), "30 days from an hour back, rounded down");
  }

  @Test
  void aCaCertificateWithoutItsKeyIsAFailure() throws Exception {
    Files.writeString(dir.resolve("ca.crt"), "left over");
    Output output = certs(dir.toString(), "--nodes", "10.0.0.1");
    assertEquals(1, output.status());
    assertTrue(output.err().contains("only one of ca.crt and ca.key"), output.err());
  }

  static Stream<List<String>> badArguments() {
    return Stream.of(
        List.of(),
        List.of("out"),
        List.of("out", "--nodes"),
        List.of("out", "--nodes", " , "),
        List.of("out", "--nodes", "../etc"),
        List.of("out", "--nodes", "a/b"),
        List.of("out", "--nodes", "10.0.0.1", "--days", "0"),
        List.of("out", "--nodes", "10.0.0.1", "--days", "soon"),
        List.of("out", "--nodes", "10.0.0.1", "--cluster", " "),
        List.of("out", "--nodes", "10.0.0.1", "--verbose"),
        List.of("out", "second-dir", "--nodes", "10.0.0.1"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArgumentsExitTwoWithUsageAndWriteNothing(List<String> args) throws Exception {
    List<String> inDir = new ArrayList<>();
    args.forEach(arg -> inDir.add(arg.equals("out") ? dir.resolve("out").toString() : arg));
    Output output = certs(inDir.toArray(String[]::new));
    assertEquals(2, output.status(), output.err());
    assertTrue(output.err().startsWith("meshplane certs: "), output.err());
    assertTrue(output.err().contains("usage: meshplane certs DIR --nodes"), output.err());
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  // ------------------------------------------------------------------------------------------

  private record Output(int status, String out, String err) {}

  private static Output certs(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Certs.run(args, o, e);
    }
    return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String permissions(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private static X509Certificate certificate(Path file) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
  }

  /** The engine provider remoting uses, on one node's directory, with Pekko's defaults otherwise. */
  private static RotatingKeysSSLEngineProvider provider(Path nodeDir) {
    Config config = ConfigFactory.parseMap(Map.of(
            "key-file", nodeDir.resolve("tls.key").toString(),
            "cert-file", nodeDir.resolve("tls.crt").toString(),
            "ca-cert-file", nodeDir.resolve("ca.crt").toString()))
        .withFallback(ConfigFactory.defaultReference().getConfig("pekko.remote.artery.ssl.rotating-keys-engine"));
    return new RotatingKeysSSLEngineProvider(config, NoMarkerLogging.getInstance());
  }

  /**
   * {@code client} opens a connection to {@code server} as remoting does: a TLS handshake (which
   * throws when either side refuses the other's certificate), then Pekko's session checks on both
   * sides. Returns what a session check refused, if anything.
   */
  private static Optional<Throwable> connect(RotatingKeysSSLEngineProvider client, RotatingKeysSSLEngineProvider server)
      throws SSLException {
    SSLEngine clientEngine = client.createClientSSLEngine("127.0.0.1", 25520);
    SSLEngine serverEngine = server.createServerSSLEngine("127.0.0.1", 25520);
    handshake(clientEngine, serverEngine);
    scala.Option<Throwable> atClient = client.verifyClientSession("127.0.0.1", clientEngine.getSession());
    scala.Option<Throwable> atServer = server.verifyServerSession("127.0.0.1", serverEngine.getSession());
    return atClient.isDefined() ? Optional.of(atClient.get())
        : atServer.isDefined() ? Optional.of(atServer.get()) : Optional.empty();
  }

  /** Drives both engines over in-memory buffers until both have finished the handshake. */
  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < 100; step++) {
      advance(client, toClient, toServer);
      advance(server, toServer, toClient);
      if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
        return;
      }
    }
    throw new AssertionError("the handshake neither finished nor failed");
  }

  private static void advance(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
    switch (engine.getHandshakeStatus()) {
      case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        engine.unwrap(in, ByteBuffer.allocate(1 << 17));
        in.compact();
      }
      case NEED_TASK -> {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
          task.run();
        }
      }
      default -> {
        // FINISHED or NOT_HANDSHAKING: nothing to do on this side.
      }
    }
  }
}
