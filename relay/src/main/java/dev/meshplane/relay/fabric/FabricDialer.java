package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.HelloV2;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one outbound stream open to every wanted member that has no live stream (openzro
 * relay/server/cluster/transport.go, Dial): connect (connect timeout), write HELLO, register under
 * the dialed address (where streams must prove themselves, once the remote has), and close the new
 * stream if another one for that address appeared meanwhile.
 *
 * <p>Members come from discovery sources ({@link #setMembers}), each replacing its own set; they are
 * the only addresses dialed (an address announced in an inbound HELLO never is). Unlike
 * openzro, which dials a DNS answer once and never again, a member without a live stream is
 * redialled with exponential backoff (with jitter, so two nodes that keep colliding drift apart)
 * for as long as a source lists it.
 */
final class FabricDialer {

  private static final Logger log = LoggerFactory.getLogger(FabricDialer.class);
  /** A stream that lived this long resets the backoff: the remote was healthy. */
  private static final long HEALTHY_STREAM_NANOS = Duration.ofSeconds(10).toNanos();

  private final ActorSystem<?> system;
  private final RelayFabric fabric;
  private final FabricStreams streams;
  private final FabricSettings settings;
  private final byte[] secret;
  private final Clock clock;
  private final Materializer materializer;
  private final Map<String, Set<String>> membersBySource = new ConcurrentHashMap<>();
  private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();
  private volatile String self;
  private volatile boolean stopped;

  /** Dial history of one address. */
  private static final class Attempts {
    boolean dialing;
    int failures;
    long notBeforeNanos;
    /** Timestamp of the last HELLO sent to this address; a HELLO is never repeated. */
    long helloSecond = Long.MIN_VALUE;
  }

  FabricDialer(ActorSystem<?> system, RelayFabric fabric, FabricStreams streams, FabricSettings settings,
      byte[] secret, Clock clock) {
    this.system = system;
    this.fabric = fabric;
    this.streams = streams;
    this.settings = settings;
    this.secret = secret.clone();
    this.clock = clock;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** The address this node announces; it is never dialed. */
  void self(String announceAddress) {
    this.self = announceAddress;
  }

  /** Replaces what {@code source} says the members are; dials the new ones at once. */
  void setMembers(String source, Set<String> addresses) {
    Set<String> previous = membersBySource.put(source, Set.copyOf(addresses));
    if (!addresses.equals(previous)) {
      log.info("Fabric members from {}: {}", source, addresses);
    }
    dialDue();
  }

  Set<String> wanted() {
    Set<String> all = new HashSet<>();
    membersBySource.values().forEach(all::addAll);
    all.remove(self);
    return all;
  }

  /** Dials every wanted member without a live stream whose backoff has passed; called on a timer too. */
  synchronized void dialDue() {
    if (stopped || self == null) {
      return;
    }
    long now = System.nanoTime();
    HelloV2 hello = HelloV2.now(self, clock);
    Set<String> wanted = wanted();
    attempts.keySet().retainAll(wanted);
    for (String address : wanted) {
      if (streams.hasLive(address)) {
        continue;
      }
      Attempts a = attempts.computeIfAbsent(address, k -> new Attempts());
      // A HELLO is its address and second: a second dial within the same second would send the
      // same bytes, which the remote refuses as a replay. The next tick is in the next second.
      if (a.dialing || now - a.notBeforeNanos < 0 || a.helloSecond == hello.unixSeconds()) {
        continue;
      }
      a.dialing = true;
      a.helloSecond = hello.unixSeconds();
      dial(address, hello);
    }
  }

  void stop() {
    stopped = true;
  }

  private void dial(String address, HelloV2 hello) {
    InetSocketAddress remote;
    try {
      remote = parse(address);
    } catch (IllegalArgumentException e) {
      log.warn("Fabric member [{}] is not host:port; not dialing it", address);
      ended(address, false, 0);
      return;
    }
    FabricStream stream = new FabricStream(FabricStream.Direction.OUTBOUND, address);
    ByteString helloFrame = ByteString.fromArrayUnsafe(FabricFrameCodec.encode(hello.encode(secret)));
    List<Inet.SocketOption> options = List.of(TcpSO.keepAlive(true), TcpSO.tcpNoDelay(true));
    var tcp = Tcp.get(system).outgoingConnection(remote, Optional.empty(), options, true,
        Optional.of(settings.connectTimeout()), Optional.empty());
    var connected = Source.<ByteString>queue(settings.streamQueueSize())
        // HELLO is the first frame; the dialer does not wait for any acknowledgement.
        .prepend(Source.single(helloFrame))
        .viaMat(KillSwitches.single(), Keep.both())
        .mapMaterializedValue(handles -> {
          stream.attach(handles.first(), handles.second());
          return handles;
        })
        .viaMat(tcp, Keep.right())
        .via(FabricFraming.frames())
        .map(frame -> {
          fabric.onFrame(stream, frame);
          return frame;
        })
        .watchTermination((connection, done) -> {
          done.whenComplete((ok, failure) -> onEnd(stream, failure));
          return connection;
        })
        .to(Sink.ignore())
        .run(materializer);
    connected.whenComplete((connection, failure) -> {
      if (failure != null) {
        log.debug("Fabric dial to [{}] failed: {}", address, failure.toString());
        return; // the stream ends too; onEnd schedules the retry
      }
      if (!fabric.opened(stream)) {
        stream.close();
      }
    });
  }

  private void onEnd(FabricStream stream, Throwable failure) {
    stream.close();
    boolean wasRegistered = fabric.onClosed(stream);
    if (wasRegistered && failure != null) {
      log.debug("Fabric stream to [{}] failed: {}", stream.key(), failure.toString());
    }
    ended(stream.key(), wasRegistered, stream.ageNanos(System.nanoTime()));
  }

  private synchronized void ended(String address, boolean wasRegistered, long livedNanos) {
    Attempts a = attempts.get(address);
    if (a != null) {
      a.dialing = false;
      a.failures = wasRegistered && livedNanos > HEALTHY_STREAM_NANOS ? 0 : a.failures + 1;
      a.notBeforeNanos = System.nanoTime() + backoffNanos(a.failures);
    }
  }

  private long backoffNanos(int failures) {
    if (failures == 0) {
      return 0;
    }
    long min = settings.redialMinBackoff().toNanos();
    long max = settings.redialMaxBackoff().toNanos();
    long base = failures >= 30 ? max : Math.min(max, min << Math.min(failures - 1, 30));
    // ±20 % jitter.
    return (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
  }

  /** {@code host:port} or {@code [v6]:port}, as HelloV2.joinHostPort writes it. */
  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(address);
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(address, e);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(address);
    }
    return new InetSocketAddress(host, port);
  }
}
