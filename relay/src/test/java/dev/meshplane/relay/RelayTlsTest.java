package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.relay.testkit.RelayTestPeer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener with its own TLS (wss://) from PEM files, as configured by tls.cert-file / tls.key-file. */
class RelayTlsTest {

  @TempDir
  Path dir;

  @Test
  void peersConnectOverWssAndGetARelsInstanceUrl() throws Exception {
    KeyStore generated = selfSignedKeyStore();
    Path cert = writePem(dir.resolve("cert.pem"), "CERTIFICATE", generated.getCertificate("relay").getEncoded());
    Path key = writePem(dir.resolve("key.pem"), "PRIVATE KEY",
        ((PrivateKey) generated.getKey("relay", "changeit".toCharArray())).getEncoded());

    ActorSystem<Void> system = RelayTestSupport.actorSystem("relay-tls-test");
    RelayServer server = null;
    try {
      server = RelayTestSupport.startServer(system, Map.of(
          "tls.cert-file", cert.toString(), "tls.key-file", key.toString(),
          "exposed-address", "relay.example.com:443"), new PrometheusRegistry());
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(generated.getCertificate("relay"))).build();
      URI uri = URI.create("wss://127.0.0.1:" + server.boundPort() + RelayServer.PATH);
      RelayTestPeer peer = RelayTestPeer.connect(client, uri, "peer-a");
      peer.send(RelayMessageCodec.encode(new Auth(peer.id(), RelayTestSupport.validToken())));
      byte[] response = peer.receive();
      // No scheme in exposed-address + TLS on → rels://
      // (openzro relay/server/url.go, getInstanceURL).
      assertEquals("rels://relay.example.com:443", new String(response, 2, response.length - 2, StandardCharsets.UTF_8));
      peer.send(RelayMessageCodec.encodeTransport(peer.id(), new byte[] {7}));
      assertArrayEquals(RelayMessageCodec.encodeTransport(peer.id(), new byte[] {7}), peer.receive());
      peer.close();
    } finally {
      if (server != null) {
        RelayTestSupport.stop(server);
      }
      RelayTestSupport.terminate(system);
    }
  }

  /** A self-signed EC certificate for 127.0.0.1, made with the JDK's keytool. */
  private KeyStore selfSignedKeyStore() throws Exception {
    Path store = dir.resolve("relay.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "relay", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, "changeit".toCharArray());
    }
    return keyStore;
  }

  private static Path writePem(Path file, String type, byte[] der) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    return file;
  }

  private static SSLContext trusting(Certificate certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("relay", certificate);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
