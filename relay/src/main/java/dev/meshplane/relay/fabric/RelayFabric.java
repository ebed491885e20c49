package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.Challenge;
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
import dev.meshplane.protocol.fabric.Proof;
import dev.meshplane.protocol.fabric.StreamProof;
import dev.meshplane.protocol.fabric.WhoHas;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayMessageType;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.relay.LocalPeers;
import dev.meshplane.relay.RemotePeers;
import dev.meshplane.relay.fabric.FabricMetrics.Dropped;
import dev.meshplane.relay.fabric.FabricMetrics.ForwardResult;
import dev.meshplane.relay.fabric.FabricMetrics.ProofResult;
import dev.meshplane.relay.fabric.FabricStream.Remote;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * PONG. Towards remotes that proved they are meshplane nodes the fabric also sends its extensions:
 * NOT_HERE and PEER_LEFT, and periodic PINGs that close a silent stream.
 *
 * <p>Trust, stream by stream. A meshplane remote starts with PING; it then gets a CHALLENGE and
 * must answer with a {@link StreamProof} before anything else it sends counts (what it sent before
 * waits on the stream). A remote that starts with anything else is an openzro pod, trusted on its
 * HELLO as openzro trusts it, where openzro pods are allowed ({@link
 * FabricSettings#openzroPodsAllowed}); where they are not, every stream must prove itself within
 * hello-timeout and joins the stream registry only once it has.
 */
public final class RelayFabric implements RemotePeers {

  private static final Logger log = LoggerFactory.getLogger(RelayFabric.class);
  private static final FabricFrame PING = Ping.INSTANCE.encode();
  private static final FabricFrame PONG = Pong.INSTANCE.encode();

  private final ActorSystem<?> system;
  private final FabricSettings settings;
  private final LocalPeers local;
  private final byte[] secret;
  private final FabricStreams streams = new FabricStreams();
  /** Streams that must prove themselves before they are registered (no openzro pods allowed). */
  private final Set<FabricStream> unproven = ConcurrentHashMap.newKeySet();
  private final FabricMetrics metrics;
  private final PeerLocator locator;
  private final FabricForwarder forwarder;
  private final FabricDialer dialer;
  private final HelloReplayMemory hellos;
  private final SecureRandom random = new SecureRandom();
  /** One counter for every I_HAVE sent, first value 1, wrapping as a uint32, like openzro's seqno. */
  private final AtomicLong iHaveSeqno = new AtomicLong();
  private final List<Cancellable> timers = new ArrayList<>();
  private final List<AutoCloseable> discoveries = new ArrayList<>();
  private volatile FabricListener listener;
  private volatile String announceAddress;
  private volatile boolean clusterDiscovery;
  private volatile boolean stopped;

  private RelayFabric(ActorSystem<?> system, FabricSettings settings, LocalPeers local, PrometheusRegistry registry,
      Clock clock) {
    this.system = system;
    this.settings = settings;
    this.local = local;
    this.secret = settings.secretBytes();
    this.metrics = new FabricMetrics(registry, streams::liveCount);
    this.locator = new PeerLocator(streams, metrics, system.scheduler(), system.executionContext(),
        settings.cacheTtl(), settings.lookupTimeout());
    this.forwarder = new FabricForwarder(local, locator, streams, metrics, settings.lookupBacklog());
    this.dialer = new FabricDialer(system, this, streams, settings, secret, clock);
    this.hellos = new HelloReplayMemory(clock, HelloReplayMemory.CAPACITY);
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
   * opened to new ones. Discovery calls this; so can an embedding program with a fixed list. These
   * are the only addresses ever dialed: an address a remote announces in its HELLO is not.
   */
  public void setMembers(String source, Set<String> addresses) {
    dialer.setMembers(source, addresses);
  }

  /**
   * Takes fabric members from the Pekko cluster: relay nodes find each other through the
   * Receptionist. Every member found this way is a meshplane node, so unless a headless name adds
   * openzro's discovery, {@code openzro-pods = auto} stops trusting remotes that do not prove the
   * secret. The discovery actor becomes a child of {@code owner} (call this from within the owner's
   * message handling); stopping the fabric stops it.
   */
  public void discoverFromCluster(ActorContext<?> owner) {
    clusterDiscovery = true;
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
      unproven.forEach(FabricStream::close);
      metrics.unregister();
      return done;
    });
  }

  /** A snapshot for JMX and inspection. */
  public FabricStats stats() {
    List<FabricStream> live = streams.allLive();
    List<String> addresses = live.stream().map(FabricStream::key).sorted().toList();
    long meshplane = live.stream().filter(FabricStream::meshplane).count();
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
      if (stream.meshplane()) {
        frame = frame != null ? frame : new PeerLeft(peer).encode();
        stream.send(frame);
      }
    }
  }

  // ------------------------------------------------------------ streams (listener and dialer)

  /**
   * meshplane's checks of a HELLO that passed all of openzro's: it must not announce this node's
   * own address (one of our HELLOs sent back to us), and a signed HELLO is accepted only once.
   * Unsigned HELLOs are not remembered: without a secret anybody can write a fresh one.
   *
   * @throws FabricProtocolException whose reject reason the listener counts
   */
  void admit(HelloV2 hello) {
    if (hello.address().equals(announceAddress)) {
      throw new FabricProtocolException(FabricProtocolException.Reason.HELLO_OWN_ADDRESS,
          "HELLO announces this node's own address [" + hello.address() + "]");
    }
    if (secret.length > 0) {
      hellos.admit(hello);
    }
  }

  /**
   * A stream whose TCP connection is up (dialed) or whose HELLO was accepted. The probe PING goes
   * out first, before anything else can be queued, so that a meshplane remote always sees PING as
   * our first frame. The stream is registered now, or, where it must prove itself, once it has.
   *
   * @return false if the caller must close it (stopped, or the duplicate rule)
   */
  boolean opened(FabricStream stream) {
    // A dial that connects after stop() must not leave a stream nobody will close.
    if (stopped) {
      return false;
    }
    // openzro's duplicate rule, checked before a byte is sent: such a stream is closed silently,
    // unless it must prove itself anyway and would win the tie between two meshplane nodes.
    if (streams.hasLive(stream.key()) && !(proofRequired() && dialedBySmallerAddress(stream))) {
      log.info("Fabric stream {} closed: a live stream for that address exists", stream);
      return false;
    }
    // The probe: meshplane nodes answer PONG and CHALLENGE; openzro pods ignore it.
    if (stream.send(PING) == FabricStream.Sent.QUEUED) {
      stream.pingSent(System.nanoTime());
      metrics.pingSent();
    }
    system.scheduler().scheduleOnce(settings.helloTimeout(), () -> handshakeDeadline(stream),
        system.executionContext());
    if (!proofRequired() || stream.meshplane()) {
      return register(stream);
    }
    unproven.add(stream);
    if (stopped) {
      unproven.remove(stream);
      return false;
    }
    // A dialed stream's remote may have proved itself before the connect callback ran.
    return !stream.meshplane() || !unproven.remove(stream) || register(stream);
  }

  /**
   * Registers a stream (one live stream per address); false: the caller closes it. The existing
   * stream stays, as in openzro, except between two proven meshplane nodes, where the stream
   * dialed by the node with the smaller address stays: both ends then keep the same connection
   * when they dialed each other at once, instead of each closing the one the other kept.
   */
  private boolean register(FabricStream stream) {
    if (stopped) {
      return false;
    }
    if (streams.register(stream)) {
      log.info("Fabric stream {} open", stream);
      dialer.dialDue();
      return true;
    }
    FabricStream existing = streams.live(stream.key());
    if (existing != null && existing.meshplane() && stream.meshplane() && dialedBySmallerAddress(stream)
        && streams.replace(existing, stream)) {
      log.info("Fabric stream {} open, replacing {}: of two streams between two nodes the smaller address's "
          + "dial stays", stream, existing);
      existing.close();
      return true;
    }
    log.info("Fabric stream {} closed: a live stream for that address exists", stream);
    return false;
  }

  /** Whether the node with the smaller address (in canonical form) dialed {@code stream}. */
  private boolean dialedBySmallerAddress(FabricStream stream) {
    String self = StreamProof.canonicalAddress(announceAddress);
    String remote = StreamProof.canonicalAddress(stream.key());
    return stream.role() == StreamProof.Role.DIALER ? self.compareTo(remote) < 0 : remote.compareTo(self) < 0;
  }

  /** @return true if {@code stream} was the registered stream for its address */
  boolean onClosed(FabricStream stream) {
    unproven.remove(stream);
    metrics.dropped(Dropped.UNPROVEN, stream.takeHeld().size());
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
    int type = frame.apply(0) & 0xFF;
    if (isHandshake(type)) {
      onHandshake(stream, frame);
    } else if (stream.meshplane() || trustedWithoutProof(stream, type)) {
      handle(stream, frame);
    } else {
      untrusted(stream, frame);
    }
  }

  /** PING, PONG, CHALLENGE and PROOF: the frames a stream may send before anything is trusted. */
  private static boolean isHandshake(int type) {
    return type == FabricMessageType.PING.code() || type == FabricMessageType.PONG.code()
        || type == FabricMessageType.CHALLENGE.code() || type == FabricMessageType.PROOF.code();
  }

  /**
   * An openzro pod's frames: its first frame was not PING, and openzro pods are allowed. Never an
   * extension: those come from meshplane nodes, which prove themselves first.
   */
  private boolean trustedWithoutProof(FabricStream stream, int type) {
    if (type == FabricMessageType.NOT_HERE.code() || type == FabricMessageType.PEER_LEFT.code()) {
      return false;
    }
    Remote remote = stream.remote();
    if (remote == Remote.UNKNOWN) {
      remote = stream.classify(Remote.OPENZRO);
    }
    return remote == Remote.OPENZRO && openzroPodsAllowed();
  }

  /** A frame the stream is not trusted with: held until a pending proof, otherwise dropped. */
  private void untrusted(FabricStream stream, ByteString frame) {
    if (stream.remote() == Remote.MESHPLANE && stream.hold(frame)) {
      return;
    }
    metrics.dropped(Dropped.UNPROVEN);
    if (stream.remote() == Remote.OPENZRO && !openzroPodsAllowed() && stream.isLive()) {
      metrics.proof(ProofResult.REFUSED);
      log.warn("Fabric stream {} closed: the remote behaves as an openzro pod (no PING first), and openzro pods "
          + "are not allowed on this fabric (openzro-pods)", stream);
      stream.close();
    }
  }

  private void onHandshake(FabricStream stream, ByteString bytes) {
    Optional<FabricMessage> decoded;
    try {
      decoded = FabricMessage.decodeAfterHello(FabricFrameCodec.decode(bytes.toArray()));
    } catch (FabricProtocolException e) {
      decoded = Optional.empty();
    }
    if (decoded.isEmpty()) {
      // A PING or PONG with a payload, or an extension of another layout: skipped, as openzro would.
      metrics.dropped(Dropped.IGNORED);
      return;
    }
    FabricMessage message = decoded.get();
    Remote remote = stream.classify(Remote.MESHPLANE);
    if (message instanceof Ping) {
      stream.send(PONG);
    } else if (message instanceof Pong) {
      stream.onPong();
    }
    if (remote != Remote.MESHPLANE) {
      // It started as an openzro pod does: its PING is answered like any PING, and nothing of
      // meshplane's it sends later changes how far it is trusted.
      if (!(message instanceof Ping || message instanceof Pong)) {
        metrics.dropped(Dropped.IGNORED);
      }
      return;
    }
    if (secret.length == 0) {
      // Nothing to prove without a secret: a meshplane node is trusted on its PING, as on its HELLO.
      if (!stream.meshplane()) {
        proven(stream);
      }
      return;
    }
    challenge(stream);
    if (message instanceof Challenge challenge) {
      byte[] proof = StreamProof.compute(secret, stream.role(), announceAddress, stream.key(), challenge.nonce());
      stream.send(new Proof(proof).encode());
    } else if (message instanceof Proof proof) {
      onProof(stream, proof);
    }
  }

  /** Our CHALLENGE, once per stream, and only to a remote that has shown itself as a meshplane node. */
  private void challenge(FabricStream stream) {
    if (stream.challenge() != null) {
      return;
    }
    byte[] nonce = new byte[StreamProof.NONCE_SIZE];
    random.nextBytes(nonce);
    if (stream.challengeOnce(nonce) != null) {
      stream.send(new Challenge(nonce).encode());
    }
  }

  private void onProof(FabricStream stream, Proof proof) {
    byte[] nonce = stream.challenge();
    if (stream.meshplane() || nonce == null) {
      metrics.dropped(Dropped.IGNORED);
      return;
    }
    if (!StreamProof.verify(proof.mac(), secret, stream.role().other(), stream.key(), announceAddress, nonce)) {
      metrics.proof(ProofResult.MISMATCH);
      log.warn("Fabric stream {} closed: its PROOF does not match. A different secret, a node dialed at another "
          + "address than it announces (announce-host), or somebody passing on another stream's challenge", stream);
      stream.close();
      return;
    }
    metrics.proof(ProofResult.OK);
    proven(stream);
  }

  /** The remote is a meshplane node we trust: register it if it waited for that, then act on what it sent. */
  private void proven(FabricStream stream) {
    stream.markProven();
    if (unproven.remove(stream) && !register(stream)) {
      stream.close();
      return;
    }
    for (ByteString held : stream.takeHeld()) {
      handle(stream, held);
    }
  }

  /**
   * hello-timeout after a stream opened: a meshplane remote, or any remote where openzro pods are
   * not allowed, that has not proved itself by now is closed.
   */
  private void handshakeDeadline(FabricStream stream) {
    if (!stream.isLive() || stream.meshplane()) {
      return;
    }
    if (stream.remote() == Remote.MESHPLANE || proofRequired()) {
      metrics.proof(ProofResult.TIMEOUT);
      log.warn("Fabric stream {} closed: no valid PROOF within {} ms", stream, settings.helloTimeout().toMillis());
      stream.close();
    }
  }

  private boolean openzroPodsAllowed() {
    return secret.length == 0 || settings.openzroPodsAllowed(clusterDiscovery);
  }

  private boolean proofRequired() {
    return !openzroPodsAllowed();
  }

  /** A trusted frame, by the fabric's receive rule. */
  private void handle(FabricStream stream, ByteString frame) {
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
    } else if (stream.meshplane()) {
      stream.send(new NotHere(peer).encode());
    }
  }

  /**
   * Deliver unchanged (the slot already holds the source; openzro HandleFwd); a meshplane sender
   * learns of a miss. Read in place, the data path's one exception to decoding through the codec:
   * the message goes to the peer as a slice of the received bytes, never copied. Only a relay
   * Transport message a peer here can read is delivered; openzro delivers whatever it is given.
   */
  private void onFwd(FabricStream stream, ByteString frame) {
    if (frame.size() < Fwd.MESSAGE_OFFSET) {
      // Payload shorter than the destination ID; openzro closes the stream on it.
      log.debug("Dropping a FWD of {} bytes from [{}]", frame.size(), stream.key());
      metrics.dropped(Dropped.MALFORMED);
      return;
    }
    int messageSize = frame.size() - Fwd.MESSAGE_OFFSET;
    if (messageSize < RelayProtocolLimits.TRANSPORT_HEADER_SIZE
        || frame.apply(Fwd.MESSAGE_OFFSET) != RelayProtocolLimits.VERSION
        || frame.apply(Fwd.MESSAGE_OFFSET + 1) != RelayMessageType.TRANSPORT.code()) {
      log.debug("Dropping a FWD from [{}] that does not carry a relay Transport message", stream.key());
      metrics.dropped(Dropped.FWD_NOT_TRANSPORT);
      return;
    }
    if (messageSize > local.maxMessageSize()) {
      log.debug("Dropping a FWD from [{}] carrying {} bytes, over {}", stream.key(), messageSize,
          local.maxMessageSize());
      metrics.dropped(Dropped.FWD_OVERSIZE);
      return;
    }
    PeerId destination =
        PeerId.fromBytes(frame.slice(FabricProtocolLimits.HEADER_SIZE, Fwd.MESSAGE_OFFSET).toArray());
    boolean delivered = local.deliver(destination, frame.drop(Fwd.MESSAGE_OFFSET));
    metrics.forwardReceived(delivered);
    if (!delivered && stream.meshplane() && !local.has(destination)) {
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
      if (!stream.meshplane()) {
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
