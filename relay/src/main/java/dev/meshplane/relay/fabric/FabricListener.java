package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrame;
import dev.meshplane.protocol.fabric.FabricMessage;
import dev.meshplane.protocol.fabric.FabricProtocolException;
import dev.meshplane.protocol.fabric.Fwd;
import dev.meshplane.protocol.fabric.HelloRejectReason;
import dev.meshplane.protocol.fabric.HelloV2;
import dev.meshplane.protocol.fabric.IHave;
import dev.meshplane.protocol.fabric.Ping;
import dev.meshplane.protocol.fabric.Pong;
import dev.meshplane.protocol.fabric.WhoHas;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayProtocolException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of the inter-node fabric (relay-fabric.md §4, §5, §6.2, §7.2): a TCP server
 * on which other nodes, meshplane or openzro, open streams.
 *
 * <p>Each accepted connection must start with a valid HELLO v2 within {@link #HELLO_TIMEOUT}; the
 * acceptor never answers it. A bad or missing HELLO closes the connection without a reply and
 * counts {@code relay_cluster_hello_rejects_total{reason}}. After HELLO the stream answers:
 *
 * <ul>
 *   <li>WHO_HAS(peer) with I_HAVE(peer, seqno) when the peer is connected here, nothing otherwise
 *       (there is no negative answer);</li>
 *   <li>FWD(dst, message) by delivering {@code message} unchanged to {@code dst} if it is here, and
 *       dropping it silently otherwise;</li>
 *   <li>PING with PONG (meshplane's keepalive; openzro never sends PING).</li>
 * </ul>
 *
 * Unknown and unused types are skipped; a WHO_HAS, I_HAVE or FWD of the wrong size is dropped and
 * counted. I_HAVE answers arriving on an accepted stream are skipped until a locator exists.
 */
public final class FabricListener {

  /** §4.2 row 0, §9: the first frame must arrive within 10 s of accept; no deadline afterwards. */
  public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(FabricListener.class);

  private final byte[] secret;
  private final LocalPeers peers;
  private final Clock clock;
  private final Duration helloTimeout;
  private final FabricListenerMetrics metrics;
  private final Materializer materializer;
  /** Closes every accepted stream on {@link #stop()} (§11: listener closed, every stream closed). */
  private final SharedKillSwitch connections = KillSwitches.shared("fabric-listener");
  /**
   * §6.2: one counter per node for every I_HAVE sent, first value 1, wrapping as a uint32. Kept as
   * a long and masked so the wrap goes through 0 exactly like the reference's uint32.
   */
  private final AtomicLong iHaveSeqno = new AtomicLong();

  private volatile Tcp.ServerBinding binding;

  private FabricListener(ActorSystem<?> system, byte[] secret, LocalPeers peers, PrometheusRegistry registry,
      Clock clock, Duration helloTimeout) {
    this.secret = secret.clone();
    this.peers = peers;
    this.clock = clock;
    this.helloTimeout = helloTimeout;
    this.metrics = new FabricListenerMetrics(registry);
    this.materializer = Materializer.matFromSystem(system);
  }

  /**
   * Binds the fabric port and starts accepting streams.
   *
   * @param secret the cluster secret's UTF-8 bytes used as-is (§1); empty to accept only unsigned HELLOs
   */
  public static CompletionStage<FabricListener> start(ActorSystem<?> system, String host, int port, byte[] secret,
      LocalPeers peers, PrometheusRegistry registry, Clock clock) {
    return start(system, host, port, secret, peers, registry, clock, HELLO_TIMEOUT);
  }

  /** As {@link #start(ActorSystem, String, int, byte[], LocalPeers, PrometheusRegistry, Clock)} with another HELLO deadline. */
  public static CompletionStage<FabricListener> start(ActorSystem<?> system, String host, int port, byte[] secret,
      LocalPeers peers, PrometheusRegistry registry, Clock clock, Duration helloTimeout) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(clock, "clock");
    if (helloTimeout.isNegative() || helloTimeout.isZero()) {
      throw new IllegalArgumentException("helloTimeout must be positive, got " + helloTimeout);
    }
    if (secret.length == 0) {
      log.warn("Fabric listener has no cluster secret: unsigned HELLOs accepted from any source");
    }
    FabricListener listener = new FabricListener(system, secret, peers, registry, clock, helloTimeout);
    return Tcp.get(system).bind(host, port)
        .to(Sink.foreach(listener::accept))
        .run(listener.materializer)
        .handle((bound, failure) -> {
          if (failure != null) {
            listener.metrics.unregister();
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
          }
          listener.binding = bound;
          log.info("Fabric listener bound to [{}]", bound.localAddress());
          return listener;
        });
  }

  /** The port actually bound (useful with port 0). */
  public int boundPort() {
    return binding.localAddress().getPort();
  }

  /** Stops accepting, closes every accepted stream, and unregisters the metrics. */
  public CompletionStage<Done> stop() {
    return binding.unbind().handle((unbound, failure) -> {
      connections.shutdown();
      metrics.unregister();
      return Done.getInstance();
    });
  }

  private void accept(Tcp.IncomingConnection connection) {
    InetSocketAddress remote = connection.remoteAddress();
    Stream stream = new Stream(remote);
    Flow<FabricFrame, FabricFrame, NotUsed> logic = Flow.of(FabricFrame.class)
        // Only bounds the first element; afterwards a stream may stay idle for any time (§5).
        .initialTimeout(helloTimeout)
        .mapConcat(stream::onFrame)
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> stream.onEnd(failure));
          return NotUsed.getInstance();
        });
    Flow<ByteString, ByteString, NotUsed> handler =
        FabricFraming.codec().join(logic).via(connections.flow());
    connection.handleWith(handler, materializer);
  }

  /** Per-connection state; touched only from that connection's stream, plus the end callback. */
  private final class Stream {

    private final InetSocketAddress remote;
    private volatile HelloV2 hello;

    Stream(InetSocketAddress remote) {
      this.remote = remote;
    }

    List<FabricFrame> onFrame(FabricFrame frame) {
      if (hello == null) {
        // Throws on a bad HELLO: the stream fails, the connection is closed with no reply, and
        // onEnd counts the reason carried by the exception (§4.2).
        hello = HelloV2.decode(frame, secret, clock);
        log.debug("Fabric stream from [{}] announced [{}]", remote, hello.address());
        return List.of();
      }
      FabricMessage message;
      try {
        var decoded = FabricMessage.decodeAfterHello(frame);
        if (decoded.isEmpty()) {
          metrics.dropped(FabricListenerMetrics.Dropped.IGNORED);
          return List.of();
        }
        message = decoded.get();
      } catch (FabricProtocolException e) {
        // The reference closes the stream here; a dropped frame costs a correct peer nothing.
        log.debug("Dropping malformed fabric frame from [{}]: [{}]", hello.address(), e.getMessage());
        metrics.dropped(FabricListenerMetrics.Dropped.MALFORMED);
        return List.of();
      }
      if (message instanceof WhoHas whoHas) {
        return onWhoHas(whoHas);
      } else if (message instanceof Fwd fwd) {
        onFwd(fwd);
        return List.of();
      } else if (message instanceof Ping) {
        return List.of(Pong.INSTANCE.encode());
      } else {
        // I_HAVE (no locator on this side yet) and PONG (we send no PING yet).
        metrics.dropped(FabricListenerMetrics.Dropped.IGNORED);
        return List.of();
      }
    }

    /** §6.2: answer only if the peer is here; silence otherwise. */
    private List<FabricFrame> onWhoHas(WhoHas whoHas) {
      byte[] raw = whoHas.peerId();
      if (!peers.has(peerId(raw))) {
        return List.of();
      }
      long seqno = iHaveSeqno.incrementAndGet() & 0xFFFF_FFFFL;
      return List.of(new IHave(raw, seqno).encode());
    }

    /** §7.2: the message goes out unchanged; its slot already holds the source. */
    private void onFwd(Fwd fwd) {
      PeerId destination = peerId(fwd.destination());
      boolean delivered = peers.has(destination) && peers.deliver(destination, fwd.message());
      metrics.forwardReceived(delivered);
    }

    void onEnd(Throwable failure) {
      if (hello != null) {
        log.debug("Fabric stream from [{}] ended", hello.address());
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      HelloRejectReason reason = cause instanceof FabricProtocolException e
          ? e.helloRejectReason().orElse(HelloRejectReason.MALFORMED)
          // Timeout, clean EOF, reset or a truncated frame before HELLO: all "timeout" (§4.2 row 0).
          : HelloRejectReason.TIMEOUT;
      metrics.helloRejected(reason);
      log.info("Fabric connection from [{}] rejected: [{}]", remote, reason.label());
    }
  }

  private static PeerId peerId(byte[] raw) {
    try {
      return PeerId.fromBytes(raw);
    } catch (RelayProtocolException impossible) {
      // The fabric codec already enforced 36 bytes.
      throw new IllegalStateException(impossible);
    }
  }
}
