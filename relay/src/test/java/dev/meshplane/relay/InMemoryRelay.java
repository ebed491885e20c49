package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayMessageType;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The connections of one relay without its HTTP listener: each {@link PeerConnection} runs its own
 * stream, materialized between two in-memory queues instead of a WebSocket, and authenticates as a
 * client would. The store, the peer-state subscriptions and the way to other nodes are the real
 * ones, so their rules are tested without sockets.
 */
final class InMemoryRelay {

  static final Duration WAIT = Duration.ofSeconds(5);
  private static final HexFormat HEX = HexFormat.of();

  final PeerStore store = new PeerStore();
  /** Other nodes as the connections see them; {@link RemotePeers#NONE} unless a test sets one. */
  final AtomicReference<RemotePeers> remote = new AtomicReference<>(RemotePeers.NONE);
  private final ActorSystem<?> system;
  private final RelayRuntime runtime;
  private final ConnectionBudget budget;

  InMemoryRelay(ActorSystem<?> system) {
    this.system = system;
    RelaySettings settings = RelayTestSupport.settings(Map.of());
    byte[] authResponse = RelayMessageCodec.encode(new RelayMessage.AuthResponse("rel://in-memory.test:80"));
    budget = ConnectionBudget.of(settings);
    runtime = new RelayRuntime(settings, store, RelayMetrics.register(new PrometheusRegistry(), store, budget),
        AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(RelayTestSupport.SECRET)),
        BinaryMessage.create(ByteString.fromArrayUnsafe(authResponse)), Clock.systemUTC(),
        Materializer.matFromSystem(system), system.scheduler(), system.executionContext(), closed -> { }, remote);
  }

  /** A connection of {@code publicKey} that has authenticated, so it is in the store now. */
  Peer connect(String publicKey) {
    PeerConnection connection = new PeerConnection(runtime, "in-memory " + publicKey,
        budget.open("in-memory " + publicKey).slot());
    BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    BoundedSourceQueue<Message> inbound = Source.<Message>queue(16)
        .via(connection.flow())
        .toMat(Sink.foreach(message -> received.add(message.asBinaryMessage().getStrictData().toArray())),
            Keep.left())
        .run(system);
    Peer peer = new Peer(PeerId.fromPublicKey(publicKey), connection, inbound, received);
    peer.send(RelayMessageCodec.encode(new RelayMessage.Auth(peer.id(), RelayTestSupport.validToken())));
    assertEquals(RelayMessageType.AUTH_RESPONSE.code(), peer.next()[1], publicKey + ": first message");
    return peer;
  }

  /** PEERS_ONLINE naming {@code id}, as a watcher of {@code id} receives it. */
  static byte[] online(PeerId id) {
    return RelayMessageCodec.encode(new RelayMessage.PeersOnline(List.of(id)));
  }

  /** PEERS_WENT_OFFLINE naming {@code id}, as a watcher of {@code id} receives it. */
  static byte[] offline(PeerId id) {
    return RelayMessageCodec.encode(new RelayMessage.PeersWentOffline(List.of(id)));
  }

  /** One connection and its two ends: what the peer sends and what the relay wrote to it. */
  record Peer(PeerId id, PeerConnection connection, BoundedSourceQueue<Message> inbound,
      BlockingQueue<byte[]> received) {

    void send(byte[] message) {
      assertTrue(inbound.offer(BinaryMessage.create(ByteString.fromArray(message))).isEnqueued(),
          id + ": message queued");
    }

    /** The next message the relay wrote, health checks skipped; fails after {@link #WAIT}. */
    byte[] next() {
      byte[] message = poll(WAIT);
      assertNotNull(message, id + ": nothing from the relay within " + WAIT);
      return message;
    }

    void expect(byte[] expected) {
      assertEquals(HEX.formatHex(expected), HEX.formatHex(next()));
    }

    /** Fails if the relay writes anything but health checks within {@link Await#QUIET}. */
    void expectNothing() {
      byte[] message = poll(Await.QUIET);
      assertNull(message, () -> id + ": unexpected " + HEX.formatHex(message));
    }

    /** The peer goes away (its socket ends); the connection closes as on a dropped WebSocket. */
    void disconnect() {
      inbound.complete();
    }

    private byte[] poll(Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (true) {
          byte[] message = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (message == null || message.length != 2 || message[1] != RelayMessageType.HEALTH_CHECK.code()) {
            return message;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
