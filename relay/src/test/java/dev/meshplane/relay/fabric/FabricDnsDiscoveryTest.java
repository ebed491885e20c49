package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.accept;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FabricDnsDiscovery} with a fake resolver in front of a real {@link RelayFabric}. What the
 * fabric was handed is observed on the wire: a member is dialed (a plain {@link ServerSocket} on
 * {@code ip:port} receives a HELLO announcing the fabric); the node's own IP is bound on another
 * loopback address ({@code 127.0.0.2}) on the same port, so dialing it would be seen too.
 */
class FabricDnsDiscoveryTest {

  private static final String SELF_IP = "127.0.0.2";
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-dns-test");

  private RelayFabric fabric;

  @Test
  void membersAreTheAnswersWithoutSelfAndEmptyStrings() throws Exception {
    startFabric();
    ServerSocket[] sockets = sameFreePort("127.0.0.1", SELF_IP);
    ServerSocket member = sockets[0];
    ServerSocket self = sockets[1];
    int port = member.getLocalPort();
    AtomicInteger resolutions = new AtomicInteger();
    AtomicReference<String> askedFor = new AtomicReference<>();
    discovery("relay-internal", port, (name) -> {
      askedFor.set(name);
      resolutions.incrementAndGet();
      return List.of("127.0.0.1", SELF_IP, "");
    });

    try (Socket dialed = accept(member, WAIT)) {
      assertEquals(fabric.announceAddress(), helloAddress(dialed), "the member was dialed and sent our HELLO");
      // Several polls later, still nobody dialed our own IP.
      Await.until(WAIT, "three resolutions", () -> resolutions.get() >= 3);
      self.setSoTimeout((int) Await.QUIET.toMillis());
      assertThrows(SocketTimeoutException.class, self::accept, "the node dialed its own IP");
    }
    assertEquals("relay-internal", askedFor.get());
  }

  @Test
  void failedResolutionKeepsTheKnownMembers() throws Exception {
    startFabric();
    ServerSocket member = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    system.closeAfterTest(member);
    AtomicInteger resolutions = new AtomicInteger();
    discovery("relay-internal", member.getLocalPort(), (name) -> {
      if (resolutions.incrementAndGet() == 1) {
        return List.of("127.0.0.1");
      }
      throw new UnknownHostException(name);
    });

    try (Socket first = accept(member, WAIT)) {
      helloAddress(first);
      Await.until(WAIT, "failed resolutions after the first", () -> resolutions.get() >= 3);
    }
    // The stream was closed by us; the member is still known, so the fabric dials it again.
    try (Socket again = accept(member, WAIT)) {
      assertEquals(fabric.announceAddress(), helloAddress(again));
    }
  }

  // ------------------------------------------------------------ helpers

  private void startFabric() throws Exception {
    // Announced as SELF_IP: the fabric's own announce address (SELF_IP:boundPort) differs from
    // SELF_IP:port, so only the discovery's IP filter keeps SELF_IP:port out.
    fabric = system.startFabric(FabricTestSettings.loopback("s3cret", Map.of()), SELF_IP, new FakeLocalPeers(),
        new PrometheusRegistry(), Clock.systemUTC());
  }

  private void discovery(String name, int port, FabricDnsDiscovery.Resolver resolver) {
    system.closeAfterTest(FabricDnsDiscovery.start(system.get(), fabric, name, port, SELF_IP, INTERVAL, resolver));
  }

  /** Two listening sockets on the same port, one per host. */
  private ServerSocket[] sameFreePort(String first, String second) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName(first));
      try {
        ServerSocket b = new ServerSocket();
        b.bind(new InetSocketAddress(InetAddress.getByName(second), a.getLocalPort()), 50);
        system.closeAfterTest(a);
        system.closeAfterTest(b);
        return new ServerSocket[] {a, b};
      } catch (IOException taken) {
        a.close();
      }
    }
    return fail("no port free on both " + first + " and " + second);
  }

  /** The first frame, which must be a signed HELLO v2; returns its address. */
  private static String helloAddress(Socket socket) throws IOException {
    byte[] payload = RawFabric.readHelloPayload(socket);
    int addressLength = payload[1] & 0xFF;
    assertEquals(43 + addressLength, payload.length, "signed HELLO");
    return new String(payload, 2, addressLength, StandardCharsets.UTF_8);
  }
}
