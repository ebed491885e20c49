package dev.meshplane.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.RelaySettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The pieces the relay benchmarks share ({@code bench relay}, {@code bench relay-fabric}): relay
 * nodes on 127.0.0.1, benchmark peers on the JDK WebSocket client, the loopback TCP pump baseline,
 * pacing, and the one-way latency measurement.
 *
 * <p>Every packet is a 1400-byte transport payload (a WireGuard-sized packet) that starts with its
 * send time, so the receiver measures one-way latency on the same clock (one JVM).
 */
final class RelayLoad {

  /** WireGuard packets on a 1500-byte MTU path are at most about this size. */
  static final int PAYLOAD = 1400;
  /** Light load for the latency phase: far below the capacity of either path. */
  static final int PACED_RATE = 1_000;
  static final String SECRET = "bench-secret";

  private RelayLoad() {
  }

  // ------------------------------------------------------------ relay nodes and peers

  /** A relay node on 127.0.0.1, any free port, metrics in {@code registry}. */
  static RelayServer startRelay(ActorSystem<?> system, PrometheusRegistry registry) throws Exception {
    Config config = ConfigFactory.parseMap(Map.of(
        "meshplane.relay.host", "127.0.0.1",
        "meshplane.relay.port", 0,
        "meshplane.relay.auth-secret", SECRET));
    return RelayServer.start(system, RelaySettings.fromConfig(config), registry)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static URI relayUri(RelayServer server) {
    return URI.create("ws://127.0.0.1:" + server.boundPort() + RelayServer.PATH);
  }

  /** A relay token valid for an hour, signed with {@link #SECRET}. */
  static byte[] token() {
    return AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(SECRET)).generate(Instant.now().getEpochSecond() + 3600);
  }

  /** A counter of {@code registry} with label {@code reason}; 0 when absent. */
  static double counter(PrometheusRegistry registry, String name, String reason) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getName().equals(name)) {
        for (DataPointSnapshot point : snapshot.getDataPoints()) {
          if (reason.equals(point.getLabels().get("reason"))) {
            return ((CounterSnapshot.CounterDataPointSnapshot) point).getValue();
          }
        }
      }
    }
    return 0;
  }

  /** Relay drops because a receiver's outbound queue was full, on one node. */
  static double queueFullDrops(PrometheusRegistry registry) {
    return counter(registry, "meshplane_relay_dropped_messages", "queue_full");
  }

  /** One benchmark peer on the JDK WebSocket client. */
  static final class Peer implements WebSocket.Listener {
    final PeerId id;
    private final Measurement measurement;
    private final CompletableFuture<Void> authenticated = new CompletableFuture<>();
    private final ByteBuffer assembly = ByteBuffer.allocate(RelayProtocolLimits.MAX_MESSAGE_SIZE);
    private WebSocket socket;

    private Peer(String key, Measurement measurement) {
      this.id = PeerId.fromPublicKey(key);
      this.measurement = measurement;
    }

    /** Connects and authenticates; {@code measurement} records what arrives (null for a sender). */
    static Peer open(HttpClient http, URI uri, String key, byte[] token, Measurement measurement)
        throws Exception {
      Peer peer = new Peer(key, measurement);
      peer.socket = http.newWebSocketBuilder().buildAsync(uri, peer).get(10, TimeUnit.SECONDS);
      peer.socket.sendBinary(ByteBuffer.wrap(RelayMessageCodec.encode(new Auth(peer.id, token))), true)
          .get(10, TimeUnit.SECONDS);
      peer.authenticated.get(10, TimeUnit.SECONDS);
      return peer;
    }

    /** Sends until {@code endNanos}, back-to-back or one per interval; the JDK allows one send at a time. */
    void pushUntil(PeerId destination, long endNanos, long intervalNanos) {
      byte[] message = RelayMessageCodec.encodeTransport(destination, new byte[PAYLOAD]);
      ByteBuffer buffer = ByteBuffer.wrap(message);
      long next = System.nanoTime();
      while (System.nanoTime() < endNanos) {
        next = pace(next, intervalNanos);
        buffer.clear();
        buffer.putLong(RelayProtocolLimits.TRANSPORT_HEADER_SIZE, System.nanoTime());
        socket.sendBinary(buffer, true).join();
      }
    }

    /** Drops the connection; the relay sees the peer go (and tells the fabric). */
    void close() {
      socket.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      assembly.put(data);
      if (last) {
        assembly.flip();
        onMessage(webSocket, assembly);
        assembly.clear();
      }
      webSocket.request(1);
      return null;
    }

    private void onMessage(WebSocket webSocket, ByteBuffer message) {
      int type = message.get(1);
      if (type == 7) { // AuthResponse
        authenticated.complete(null);
      } else if (type == 5) { // HealthCheck: answer like a real client
        webSocket.sendBinary(ByteBuffer.wrap(new byte[] {1, 5}), true);
      } else if (type == 3 && measurement != null
          && message.remaining() >= RelayProtocolLimits.TRANSPORT_HEADER_SIZE + Long.BYTES) {
        measurement.record(message.getLong(RelayProtocolLimits.TRANSPORT_HEADER_SIZE), message.remaining());
      }
    }
  }

  /**
   * Connects {@code pairs} receivers to {@code receiverUri} and as many senders to {@code senderUri},
   * runs the senders for the measurement's window and waits for what is in flight. The peers are
   * closed before returning.
   *
   * @param keyPrefix makes the peer IDs unique per call
   */
  static Result runPeers(HttpClient http, URI senderUri, URI receiverUri, String keyPrefix, int pairs,
      Measurement measurement, int ratePerPair) throws Exception {
    byte[] token = token();
    long interval = interval(ratePerPair);
    List<Peer> receivers = new ArrayList<>();
    List<Peer> senders = new ArrayList<>();
    try {
      for (int pair = 0; pair < pairs; pair++) {
        receivers.add(Peer.open(http, receiverUri, keyPrefix + "-receiver-" + pair, token, measurement));
        senders.add(Peer.open(http, senderUri, keyPrefix + "-sender-" + pair, token, null));
      }
      List<Thread> threads = new ArrayList<>();
      for (int pair = 0; pair < pairs; pair++) {
        Peer sender = senders.get(pair);
        PeerId destination = receivers.get(pair).id;
        threads.add(new Thread(() -> sender.pushUntil(destination, measurement.endNanos, interval), "sender-" + pair));
      }
      measurement.start();
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
      measurement.awaitInFlight(); // packets sent before the end still count
      Result result = measurement.result();
      // Senders go first. A saturated sender leaves megabytes in its socket buffers, which the relay
      // still reads after the close; the receivers stay until that has drained, so that it is not
      // dropped (and counted) while whatever runs next is being measured.
      senders.forEach(Peer::close);
      measurement.awaitQuiet();
      return result;
    } finally {
      senders.forEach(Peer::close);
      receivers.forEach(Peer::close);
    }
  }

  // ------------------------------------------------------------ pacing

  /** Nanoseconds between sends for a per-pair rate; 0 = unthrottled. */
  static long interval(int ratePerPair) {
    return ratePerPair == 0 ? 0 : 1_000_000_000L / ratePerPair;
  }

  /** Waits for the next send slot when pacing; returns the slot after it. */
  static long pace(long nextSend, long intervalNanos) {
    if (intervalNanos == 0) {
      return 0;
    }
    long wait = nextSend - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
    return nextSend + intervalNanos;
  }

  // ------------------------------------------------------------ TCP pump baseline

  /**
   * The same packets through a plain pump per pair (sender socket → one copy loop → receiver
   * socket): the least any relay on this machine can cost.
   */
  static Result runTcpPump(int pairs, int seconds, int ratePerPair, long warmupNanos) throws Exception {
    Measurement measurement = new Measurement(seconds, warmupNanos);
    long interval = interval(ratePerPair);
    List<Thread> threads = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    List<AutoCloseable> resources = new ArrayList<>();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int pair = 0; pair < pairs; pair++) {
      ServerSocket pumpListener = new ServerSocket(0, 1, loopback);
      ServerSocket receiverListener = new ServerSocket(0, 1, loopback);
      Socket sender = new Socket(loopback, pumpListener.getLocalPort());
      Socket pumpIn = pumpListener.accept();
      Socket pumpOut = new Socket(loopback, receiverListener.getLocalPort());
      Socket receiver = receiverListener.accept();
      for (Socket socket : List.of(sender, pumpIn, pumpOut, receiver)) {
        socket.setTcpNoDelay(true);
        resources.add(socket);
      }
      resources.add(pumpListener);
      resources.add(receiverListener);
      threads.add(new Thread(() -> pump(pumpIn, pumpOut), "pump-" + pair));
      threads.add(new Thread(() -> receive(receiver, measurement), "tcp-receiver-" + pair));
      senders.add(new Thread(() -> send(sender, measurement.endNanos, interval), "tcp-sender-" + pair));
    }
    threads.addAll(senders);
    measurement.start();
    threads.forEach(Thread::start);
    for (Thread sender : senders) {
      sender.join(TimeUnit.SECONDS.toMillis(seconds) + TimeUnit.NANOSECONDS.toMillis(warmupNanos) + 5_000);
    }
    measurement.awaitInFlight(); // packets sent before the end still count
    for (AutoCloseable resource : resources) {
      resource.close(); // ends pump and receiver loops
    }
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    return measurement.result();
  }

  private static void send(Socket socket, long endNanos, long intervalNanos) {
    byte[] packet = new byte[PAYLOAD];
    ByteBuffer view = ByteBuffer.wrap(packet);
    try (OutputStream out = socket.getOutputStream()) {
      long next = System.nanoTime();
      while (System.nanoTime() < endNanos) {
        next = pace(next, intervalNanos);
        view.putLong(0, System.nanoTime());
        out.write(packet);
      }
    } catch (IOException ignored) {
      // socket closed at the end of the run
    }
  }

  /** The one copy loop: whatever arrives on one socket is written to the other. */
  private static void pump(Socket in, Socket out) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream input = in.getInputStream(); OutputStream output = out.getOutputStream()) {
      int read;
      while ((read = input.read(buffer)) >= 0) {
        output.write(buffer, 0, read);
      }
    } catch (IOException ignored) {
      // socket closed at the end of the run
    }
  }

  private static void receive(Socket socket, Measurement measurement) {
    byte[] packet = new byte[PAYLOAD];
    ByteBuffer view = ByteBuffer.wrap(packet);
    try (DataInputStream input = new DataInputStream(socket.getInputStream())) {
      while (true) {
        input.readFully(packet);
        measurement.record(view.getLong(0), PAYLOAD);
      }
    } catch (IOException ignored) {
      // socket closed at the end of the run
    }
  }

  // ------------------------------------------------------------ measurement

  /** Counts packets sent inside the measured window and keeps their one-way latencies. */
  static final class Measurement {
    /** Latency samples kept; enough for p99 of any run these benches make. */
    private static final int MAX_SAMPLES = 4_000_000;

    final long seconds;
    final long warmupNanos;
    volatile long measureFromNanos;
    volatile long endNanos = Long.MAX_VALUE;
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long[] samples = new long[MAX_SAMPLES];
    private final AtomicLong sampleCount = new AtomicLong();
    /** Arrival time of the last packet, measured or not. */
    private volatile long lastArrivalNanos = System.nanoTime();

    Measurement(long seconds, long warmupNanos) {
      this.seconds = seconds;
      this.warmupNanos = warmupNanos;
    }

    void start() {
      measureFromNanos = System.nanoTime() + warmupNanos;
      endNanos = measureFromNanos + TimeUnit.SECONDS.toNanos(seconds);
    }

    void record(long sentNanos, int size) {
      long now = System.nanoTime();
      lastArrivalNanos = now;
      if (sentNanos < measureFromNanos || sentNanos >= endNanos) {
        return;
      }
      packets.incrementAndGet();
      bytes.addAndGet(size);
      long index = sampleCount.getAndIncrement();
      if (index < MAX_SAMPLES) {
        samples[(int) index] = now - sentNanos;
      }
    }

    /**
     * Waits until packets sent inside the window stop arriving: the count is unchanged for 100 ms,
     * or 2 s have passed (whatever is still queued then is counted as not delivered).
     */
    void awaitInFlight() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      long last = -1;
      long stableSince = System.nanoTime();
      while (System.nanoTime() - deadline < 0) {
        long now = packets.get();
        if (now != last) {
          last = now;
          stableSince = System.nanoTime();
        } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(100)) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }

    /** Waits until no packet at all has arrived for 100 ms, or 10 s have passed. */
    void awaitQuiet() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() - deadline < 0
          && System.nanoTime() - lastArrivalNanos < TimeUnit.MILLISECONDS.toNanos(100)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }

    Result result() {
      int count = (int) Math.min(sampleCount.get(), MAX_SAMPLES);
      long[] sorted = Arrays.copyOf(samples, count);
      Arrays.sort(sorted);
      return new Result(packets.get(), seconds, sorted);
    }
  }

  static final class Result {
    final long packets;
    final long seconds;
    final long[] sortedLatencies;
    String note = "";

    Result(long packets, long seconds, long[] sortedLatencies) {
      this.packets = packets;
      this.seconds = seconds;
      this.sortedLatencies = sortedLatencies;
    }

    /** The results of several rounds as one: packets and seconds add up, latencies pool. */
    static Result combine(List<Result> rounds) {
      long packets = 0;
      long seconds = 0;
      int samples = 0;
      for (Result round : rounds) {
        packets += round.packets;
        seconds += round.seconds;
        samples += round.sortedLatencies.length;
      }
      long[] pooled = new long[samples];
      int offset = 0;
      for (Result round : rounds) {
        System.arraycopy(round.sortedLatencies, 0, pooled, offset, round.sortedLatencies.length);
        offset += round.sortedLatencies.length;
      }
      Arrays.sort(pooled);
      return new Result(packets, seconds, pooled);
    }

    double packetsPerSecond() {
      return packets / (double) seconds;
    }

    /** Payload megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
      return packets * (double) PAYLOAD / seconds / 1_000_000.0;
    }

    double percentileMicros(int percentile) {
      if (sortedLatencies.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(percentile / 100.0 * sortedLatencies.length) - 1;
      return sortedLatencies[Math.max(0, Math.min(sortedLatencies.length - 1, index))] / 1_000.0;
    }

    void print(String label) {
      System.out.printf("  %-26s %,12.0f packets/s %9.1f MB/s   p50 %,10.0f us   p99 %,10.0f us   %s%n", label,
          packetsPerSecond(), megabytesPerSecond(), percentileMicros(50), percentileMicros(99), note);
    }
  }

  /** {@code a} over {@code b}: throughput as a fraction, latency as a multiple. */
  static void printRatio(String label, Result a, Result b) {
    System.out.printf("  ratio %s: packets %.2f, MB/s %.2f, p50 latency x%.1f, p99 latency x%.1f%n", label,
        a.packetsPerSecond() / b.packetsPerSecond(), a.megabytesPerSecond() / b.megabytesPerSecond(),
        a.percentileMicros(50) / Math.max(1, b.percentileMicros(50)),
        a.percentileMicros(99) / Math.max(1, b.percentileMicros(99)));
  }
}
