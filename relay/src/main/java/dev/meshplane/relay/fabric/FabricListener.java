package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.FabricProtocolException;
import dev.meshplane.protocol.fabric.HelloRejectReason;
import dev.meshplane.protocol.fabric.HelloV2;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of the fabric (openzro relay/server/cluster/transport.go, acceptLoop and
 * handleAccepted): a TCP server on which other nodes, meshplane or openzro, open streams.
 *
 * <p>Each accepted connection must start with a valid HELLO v2 within the HELLO timeout; the
 * acceptor never answers it. A bad or missing HELLO closes the connection without a reply and
 * counts {@code relay_cluster_hello_rejects_total{reason}}; so do meshplane's own checks, run after
 * openzro's ({@link RelayFabric#admit}: not our own address, not a HELLO accepted before). An
 * accepted stream is keyed by the address announced in HELLO (a second live stream for that
 * address is closed) and from then on behaves exactly like a dialed one: {@link
 * RelayFabric#onFrame} handles what it receives, and the HELLO alone earns it only what it earns
 * an openzro pod (see {@link RelayFabric}).
 */
final class FabricListener {

  private static final Logger log = LoggerFactory.getLogger(FabricListener.class);
  /** Accept backlog; nodes dial each other once, so a short queue is plenty. */
  private static final int BACKLOG = 100;

  private final RelayFabric fabric;
  private final byte[] secret;
  private final Clock clock;
  private final Duration helloTimeout;
  private final int queueSize;
  private final Materializer materializer;
  /** Closes every accepted connection on {@link #stop()}: listener and every stream, as openzro's Stop. */
  private final SharedKillSwitch connections = KillSwitches.shared("fabric-listener");
  private volatile Tcp.ServerBinding binding;

  private FabricListener(RelayFabric fabric, byte[] secret, Clock clock, Duration helloTimeout, int queueSize,
      Materializer materializer) {
    this.fabric = fabric;
    this.secret = secret.clone();
    this.clock = clock;
    this.helloTimeout = helloTimeout;
    this.queueSize = queueSize;
    this.materializer = materializer;
  }

  static CompletionStage<FabricListener> start(ActorSystem<?> system, RelayFabric fabric, String host, int port,
      byte[] secret, Clock clock, Duration helloTimeout, int queueSize) {
    Materializer materializer = Materializer.matFromSystem(system);
    FabricListener listener = new FabricListener(fabric, secret, clock, helloTimeout, queueSize, materializer);
    List<Inet.SocketOption> options = List.of(TcpSO.keepAlive(true), TcpSO.tcpNoDelay(true));
    return Tcp.get(system).bind(host, port, BACKLOG, options, false, Optional.empty())
        .to(Sink.foreach(listener::accept))
        .run(materializer)
        .thenApply(bound -> {
          listener.binding = bound;
          log.info("Fabric listener bound to [{}]", bound.localAddress());
          return listener;
        });
  }

  int boundPort() {
    return binding.localAddress().getPort();
  }

  CompletionStage<Done> stop() {
    return binding.unbind().handle((unbound, failure) -> {
      connections.shutdown();
      return Done.getInstance();
    });
  }

  private void accept(Tcp.IncomingConnection connection) {
    Accepted accepted = new Accepted(connection.remoteAddress());
    Flow<ByteString, ByteString, NotUsed> logic = Flow.fromSinkAndSourceCoupledMat(
        FabricFraming.frames()
            // Bounds only the first frame; afterwards a stream may stay idle for any time (openzro too).
            .initialTimeout(helloTimeout)
            .map(accepted::onFrame)
            .watchTermination((notUsed, done) -> {
              done.whenComplete((ok, failure) -> accepted.onEnd(failure));
              return notUsed;
            })
            .to(Sink.ignore()),
        Source.<ByteString>queue(queueSize).viaMat(KillSwitches.single(), Keep.both()),
        Keep.right())
        .mapMaterializedValue(handles -> {
          accepted.stream.attach(handles.first(), handles.second());
          return NotUsed.getInstance();
        });
    connection.handleWith(logic.via(connections.flow()), materializer);
  }

  /** One accepted connection: HELLO first, then the shared stream handling. */
  private final class Accepted {

    private final InetSocketAddress remote;
    final FabricStream stream = new FabricStream(FabricStream.Direction.INBOUND, null);
    private volatile boolean helloAccepted;

    Accepted(InetSocketAddress remote) {
      this.remote = remote;
    }

    ByteString onFrame(ByteString frame) {
      if (helloAccepted) {
        fabric.onFrame(stream, frame);
        return frame;
      }
      // Throws on a bad HELLO: the stream fails, the connection closes with no reply, and onEnd
      // counts the reason carried by the exception. openzro's checks first, then meshplane's.
      HelloV2 hello = HelloV2.decode(FabricFrameCodec.decode(frame.toArray()), secret, clock);
      fabric.admit(hello);
      helloAccepted = true;
      stream.keyFromHello(hello.address());
      if (!fabric.opened(stream)) {
        log.info("Fabric stream from [{}] announcing [{}] closed", remote, hello.address());
        stream.close();
      }
      return frame;
    }

    void onEnd(Throwable failure) {
      stream.markClosed();
      if (helloAccepted) {
        fabric.onClosed(stream);
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      HelloRejectReason reason = cause instanceof FabricProtocolException e
          ? e.helloRejectReason().orElse(HelloRejectReason.MALFORMED)
          // Timeout, clean EOF, reset or a truncated frame before HELLO: all "timeout", as openzro's
          // handleAccepted counts any read error of the first frame.
          : HelloRejectReason.TIMEOUT;
      fabric.helloRejected(reason);
      log.info("Fabric connection from [{}] rejected: [{}]", remote, reason.label());
    }
  }
}
