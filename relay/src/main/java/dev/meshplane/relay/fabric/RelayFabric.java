package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrame;
import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.FabricMessage;
import dev.meshplane.protocol.fabric.FabricMessageType;
import dev.meshplane.protocol.fabric.FabricProtocolException;
import dev.meshplane.protocol.fabric.FabricProtocolLimits;
import dev.meshplane.protocol.fabric.Fwd;
import dev.meshplane.protocol.fabric.HelloRejectReason;
import dev.meshplane.protocol.fabric.HelloV2;
import dev.meshplane.protocol.fabric.IHave;
import dev.meshplane.protocol.fabric.NotHere;
import dev.meshplane.protocol.fabric.PeerLeft;
import dev.meshplane.protocol.fabric.Ping;
import dev.meshplane.protocol.fabric.Pong;
import dev.meshplane.protocol.fabric.WhoHas;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.LocalPeers;
import dev.meshplane.relay.RemotePeers;
import dev.meshplane.relay.fabric.FabricMetrics.Dropped;
import dev.meshplane.relay.fabric.FabricMetrics.ForwardResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inter-node relay fabric of one node (docs/relay.md#the-fabric-between-relay-nodes): a
 * listener, one stream per remote node, the locator and the forwarder, fed with members by
 * discovery. It is the relay's {@link RemotePeers}: packets for peers not connected here come in
 * through {@link #forward}.
 *
 * <p>Frames received on any stream, dialed or accepted, are handled by {@link #onFrame}: WHO_HAS
 * is answered with I_HAVE when the peer is here, FWD is delivered to the local peer, PING gets
 * PONG. Towards remotes that answered our PING (meshplane nodes) the fabric also sends its
 * extensions: NOT_HERE and PEER_LEFT, and periodic PINGs that close a silent stream.
 */
public final class RelayFabric implements RemotePeers {

  private static final Logger log = LoggerFactory.getLogger(RelayFabric.class);
  private static final FabricFrame PING = Ping.INSTANCE.encode();
  private static final FabricFrame PONG = Pong.INSTANCE.encode();

  private final ActorSystem<?> system;
  private final FabricSettings settings;
  private final LocalPeers local;
  private final FabricStreams streams = new FabricStreams();
  private final FabricMetrics metrics;
  private final PeerLocator locator;
  private final FabricForwarder forwarder;
  private final FabricDialer dialer;
  /** One counter for every I_HAVE sent, first value 1, wrapping as a uint32, like openzro's seqno. */
  private final AtomicLong iHaveSeqno = new AtomicLong();
  private final List<Cancellable> timers = new ArrayList<>();
  private final List<AutoCloseable> discoveries = new ArrayList<>();
  private volatile FabricListener listener;
  private volatile String announceAddress;
  private volatile boolean stopped;

  private RelayFabric(ActorSystem<?> system, FabricSettings settings, LocalPeers local, PrometheusRegistry registry,
      Clock clock) {
    this.system = system;
    this.settings = settings;
    this.local = local;
    this.metrics = new FabricMetrics(registry, streams::liveCount);
    this.locator = new PeerLocator(streams, metrics, system.scheduler(), system.executionContext(),
        settings.cacheTtl(), settings.lookupTimeout());
    this.forwarder = new FabricForwarder(local, locator, streams, metrics, settings.lookupBacklog());
    this.dialer = new FabricDialer(system, this, streams, settings, settings.secretBytes(), clock);
  }

  /**
   * Binds the fabric port and starts dialing members as discovery reports them.
   *
   * @param announceHost the host other nodes reach this node at (HELLO carries host:port)
   */
  public static CompletionStage<RelayFabric> start(ActorSystem<?> system, FabricSettings settings,
      String announceHost, LocalPeers local, PrometheusRegistry registry, Clock clock) {
    if (settings.secretBytes().length == 0) {
      log.warn("Relay fabric has no secret: HELLOs are unsigned and any host reaching the fabric port is trusted");
    }
    RelayFabric fabric = new RelayFabric(system, settings, local, registry, clock);
    return FabricListener.start(system, fabric, settings.host(), settings.port(), settings.secretBytes(), clock,
            settings.helloTimeout(), settings.streamQueueSize())
        .handle((listener, failure) -> {
          if (failure != null) {
            fabric.metrics.unregister();
            throw new IllegalStateException("cannot bind the relay fabric port " + settings.host() + ":"
                + settings.port() + ": " + failure.getMessage(), failure);
          }
          fabric.onBound(listener, announceHost);
          return fabric;
        });
  }

  private void onBound(FabricListener bound, String announceHost) {
    listener = bound;
    announceAddress = HelloV2.joinHostPort(announceHost, bound.boundPort());
    dialer.self(announceAddress);
    var scheduler = system.scheduler();
    var executor = system.executionContext();
    Duration tick = settings.redialMinBackoff().compareTo(Duration.ofSeconds(1)) < 0
        ? settings.redialMinBackoff() : Duration.ofSeconds(1);
    timers.add(scheduler.scheduleAtFixedRate(tick, tick, dialer::dialDue, executor));
    timers.add(scheduler.scheduleAtFixedRate(settings.pingInterval(), settings.pingInterval(), this::keepalive,
        executor));
    settings.headless().ifPresent(name -> discoveries.add(
        FabricDnsDiscovery.start(system, this, name, settings.port(), announceHost, settings.discoveryInterval())));
    log.info("Relay fabric up: announcing [{}]", announceAddress);
  }

  /** The address this node sends in HELLO: {@code announce-host:bound port}. */
  public String announceAddress() {
    return announceAddress;
  }

  public int boundPort() {
    return listener.boundPort();
  }

  /**
   * Replaces the members {@code source} knows about (addresses as {@code host:port}); streams are
   * opened to new ones. Discovery calls this; so can an embedding program with a fixed list.
   */
  public void setMembers(String source, Set<String> addresses) {
    dialer.setMembers(source, addresses);
  }

  /**
   * Takes fabric members from the Pekko cluster as well: relay nodes find each other through the
   * Receptionist. The discovery actor becomes a child of {@code owner} (call this from within the
   * owner's message handling); stopping the fabric stops it.
   */
  public void discoverFromCluster(ActorContext<?> owner) {
    discoveries.add(ClusterFabricDiscovery.start(owner, this));
  }

  /** Stops discovery and dialing, closes the listener and every stream, unregisters the metrics. */
  public CompletionStage<Done> stop() {
    stopped = true;
    timers.forEach(Cancellable::cancel);
    for (AutoCloseable discovery : discoveries) {
      try {
        discovery.close();
      } catch (Exception e) {
        log.debug("Stopping fabric discovery: {}", e.toString());
      }
    }
    dialer.stop();
    return listener.stop().thenApply(done -> {
      streams.closeAll();
      metrics.unregister();
      return done;
    });
  }

  /** A snapshot for JMX and inspection. */
  public FabricStats stats() {
    List<FabricStream> live = streams.allLive();
    List<String> addresses = live.stream().map(FabricStream::key).sorted().toList();
    long meshplane = live.stream().filter(FabricStream::speaksPing).count();
    return new FabricStats(announceAddress, addresses, (int) meshplane, locator.cacheSize(),
        metrics.forwards(ForwardResult.OK), metrics.forwards(ForwardResult.PEER_NOT_FOUND),
        metrics.forwards(ForwardResult.STREAM_GONE), metrics.forwards(ForwardResult.SEND_ERROR));
  }

  // ------------------------------------------------------------ RemotePeers (the relay's side)

  @Override
  public boolean forward(PeerId destination, ByteString transportMessage) {
    forwarder.forward(destination, transportMessage);
    return true;
  }

  @Override
  public CompletionStage<Boolean> isOnline(PeerId peer) {
    return locator.lookup(peer).thenApply(Optional::isPresent);
  }

  @Override
  public void peerLeft(PeerId peer) {
    FabricFrame frame = null;
    for (FabricStream stream : streams.allLive()) {
      if (stream.speaksPing()) {
        frame = frame != null ? frame : new PeerLeft(peer).encode();
        stream.send(frame);
      }
    }
  }

  // ------------------------------------------------------------ streams (listener and dialer)

  /** Registers a stream after its HELLO (one live stream per address); false: the caller closes it. */
  boolean register(FabricStream stream) {
    // A dial that connects after stop() must not leave a stream nobody will close.
    if (stopped || !streams.register(stream)) {
      return false;
    }
    log.info("Fabric stream {} open", stream);
    // The probe: meshplane nodes answer PONG, which enables the extensions; openzro pods ignore it.
    if (stream.send(PING) == FabricStream.Sent.QUEUED) {
      stream.pingSent(System.nanoTime());
      metrics.pingSent();
    }
    dialer.dialDue();
    return true;
  }

  /** @return true if {@code stream} was the registered stream for its address */
  boolean onClosed(FabricStream stream) {
    if (!streams.remove(stream)) {
      return false;
    }
    log.info("Fabric stream {} closed", stream);
    locator.onStreamClosed(stream.key());
    return true;
  }

  void helloRejected(HelloRejectReason reason) {
    metrics.helloRejected(reason);
  }

  /** Handles one whole frame received after HELLO on {@code stream}, by the fabric's receive rule. */
  void onFrame(FabricStream stream, ByteString frame) {
    stream.onFrameReceived(System.nanoTime());
    if ((frame.apply(0) & 0xFF) == FabricMessageType.FWD.code()) {
      onFwd(stream, frame);
      return;
    }
    FabricMessage message;
    try {
      Optional<FabricMessage> decoded = FabricMessage.decodeAfterHello(FabricFrameCodec.decode(frame.toArray()));
      if (decoded.isEmpty()) {
        metrics.dropped(Dropped.IGNORED);
        return;
      }
      message = decoded.get();
    } catch (FabricProtocolException e) {
      // openzro closes the stream here; dropping the frame costs a correct peer nothing.
      log.debug("Dropping malformed fabric frame from [{}]: {}", stream.key(), e.getMessage());
      metrics.dropped(Dropped.MALFORMED);
      return;
    }
    if (message instanceof WhoHas whoHas) {
      onWhoHas(stream, whoHas);
    } else if (message instanceof IHave iHave) {
      locator.onIHave(stream.key(), iHave.peerId(), iHave.seqno());
    } else if (message instanceof Ping) {
      stream.send(PONG);
    } else if (message instanceof Pong) {
      stream.onPong();
    } else if (message instanceof NotHere notHere) {
      locator.onNotHere(stream.key(), notHere.peerId());
    } else if (message instanceof PeerLeft left) {
      locator.invalidate(left.peerId(), stream.key());
    } else {
      metrics.dropped(Dropped.IGNORED);
    }
  }

  /** I_HAVE when the peer is here; else silence, as openzro's HandleWhoHas, or NOT_HERE to a meshplane node. */
  private void onWhoHas(FabricStream stream, WhoHas whoHas) {
    PeerId peer = whoHas.peerId();
    if (local.has(peer)) {
      long seqno = iHaveSeqno.incrementAndGet() & 0xFFFF_FFFFL;
      stream.send(new IHave(peer, seqno).encode());
    } else if (stream.speaksPing()) {
      stream.send(new NotHere(peer).encode());
    }
  }

  /**
   * Deliver unchanged (the slot already holds the source; openzro HandleFwd); a meshplane sender
   * learns of a miss. Read in place, the data path's one exception to decoding through the codec:
   * the message goes to the peer as a slice of the received bytes, never copied.
   */
  private void onFwd(FabricStream stream, ByteString frame) {
    if (frame.size() < Fwd.MESSAGE_OFFSET) {
      // Payload shorter than the destination ID; openzro closes the stream on it.
      log.debug("Dropping a FWD of {} bytes from [{}]", frame.size(), stream.key());
      metrics.dropped(Dropped.MALFORMED);
      return;
    }
    PeerId destination =
        PeerId.fromBytes(frame.slice(FabricProtocolLimits.HEADER_SIZE, Fwd.MESSAGE_OFFSET).toArray());
    boolean delivered = local.deliver(destination, frame.drop(Fwd.MESSAGE_OFFSET));
    metrics.forwardReceived(delivered);
    if (!delivered && stream.speaksPing() && !local.has(destination)) {
      stream.send(new NotHere(destination).encode());
    }
  }

  /**
   * Every ping-interval: PING meshplane remotes, and close a stream whose remote answered PINGs
   * before but has now been silent for ping-timeout (it is dead, or hung; the dialer redials).
   * openzro pods get only the first probe: they never answer, and their idle streams are silent.
   */
  private void keepalive() {
    long now = System.nanoTime();
    long timeout = settings.pingTimeout().toNanos();
    for (FabricStream stream : streams.allLive()) {
      if (!stream.speaksPing()) {
        continue;
      }
      long outstanding = stream.pingOutstandingSince();
      if (outstanding != 0 && now - outstanding > timeout && now - stream.lastReceivedNanos() > timeout) {
        metrics.pingLost();
        log.warn("Fabric stream {} silent for {} ms; closing it", stream, settings.pingTimeout().toMillis());
        stream.close();
      } else if (outstanding == 0 && stream.send(PING) == FabricStream.Sent.QUEUED) {
        stream.pingSent(now);
        metrics.pingSent();
      }
    }
  }
}
