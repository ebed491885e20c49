package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of one of three nodes while pairs of peers exchange numbered messages: peers whose
 * streams are on the surviving nodes lose nothing; peers whose streams were on the dead node
 * reconnect elsewhere, and the test reports how long until their delivery resumed.
 */
class NodeFailureIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  /** Time for the first 50 rounds of traffic before the kill. */
  private static final Duration WARM_UP = Duration.ofSeconds(60);
  /** How long a victim keeps trying to register again, as a Go client would. */
  private static final Duration RECONNECT_DEADLINE = Duration.ofSeconds(60);
  private static final int SURVIVOR_PAIRS = 6;
  private static final int VICTIM_PAIRS = 2;

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(NodeProcess::close);
  }

  /** A receiving peer; for victims, the stream is replaced when its node dies. */
  private static final class Receiver implements AutoCloseable {
    final String key;
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final AtomicLong duplicates = new AtomicLong();
    volatile PeerStream stream;
    volatile long resumedAtNanos;

    Receiver(String key, PeerStream stream) {
      this.key = key;
      this.stream = stream;
    }

    /** Drains whatever arrived; records the first arrival after {@code sinceNanos}. */
    void collect(long sinceNanos) throws InterruptedException {
      EncryptedMessage m;
      while ((m = stream.poll(Duration.ofMillis(20))) != null) {
        if (!seen.add(Integer.valueOf(m.getBody().toStringUtf8()))) {
          duplicates.incrementAndGet();
        }
        if (sinceNanos != 0 && resumedAtNanos == 0 && System.nanoTime() > sinceNanos) {
          resumedAtNanos = System.nanoTime();
        }
      }
    }

    @Override
    public void close() {
      stream.close();
    }
  }

  @Test
  void killingANodeLosesNoMessageBetweenPeersOnSurvivingNodes() throws Exception {
    List<NodeProcess.Ports> ports = List.of(NodeProcess.Ports.free(), NodeProcess.Ports.free(), NodeProcess.Ports.free());
    String peers = ports.stream().map(p -> "127.0.0.1:" + p.management()).collect(Collectors.joining(","));
    for (int i = 0; i < 3; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("MESHPLANE_CLUSTER_MODE", "embedded");
      env.put("MESHPLANE_CLUSTER_PEERS", peers);
      env.put("MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "3");
      env.put("MESHPLANE_ROLES", "signal");
      nodes.add(NodeProcess.start("failure-node-" + (i + 1), ports.get(i), env));
    }
    for (NodeProcess node : nodes) {
      node.awaitReady(Duration.ofSeconds(90));
    }
    NodeProcess first = nodes.get(0);
    NodeProcess victim = nodes.get(1);
    NodeProcess third = nodes.get(2);

    try (SignalTestClient senderClient = new SignalTestClient("127.0.0.1", first.signalPort);
        SignalTestClient survivorClient = new SignalTestClient("127.0.0.1", third.signalPort);
        SignalTestClient victimClient = new SignalTestClient("127.0.0.1", victim.signalPort)) {
      List<Receiver> survivors = new ArrayList<>();
      List<Receiver> victims = new ArrayList<>();
      for (int p = 0; p < SURVIVOR_PAIRS; p++) {
        survivors.add(new Receiver("survivor-" + p, register(survivorClient, "survivor-" + p)));
      }
      for (int p = 0; p < VICTIM_PAIRS; p++) {
        victims.add(new Receiver("victim-" + p, register(victimClient, "victim-" + p)));
      }
      List<Receiver> all = new ArrayList<>(survivors);
      all.addAll(victims);

      // Senders behave like Go clients: unary Send, retried on failure (4 attempts).
      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      AtomicLong failedSends = new AtomicLong();
      Thread sender = new Thread(() -> {
        int i = 0;
        while (sending.get()) {
          for (Receiver r : all) {
            if (!sendLikeGo(senderClient, message("sender", r.key, Integer.toString(i)))) {
              failedSends.incrementAndGet();
            }
          }
          sent.set(++i);
          LockSupport.parkNanos(10_000_000L);
        }
      }, "go-like-sender");
      sender.start();

      long trafficStart = System.nanoTime();
      Await.until(WARM_UP, "50 rounds sent before the kill", () -> {
        collectAll(all, 0);
        return sent.get() >= 50;
      });
      victim.kill();
      long killedAt = System.nanoTime();
      System.out.println("killed node 2 (SIGKILL) after " + sent.get() + " rounds");

      // Victims' streams break; they reconnect to a surviving node, as a Go client would.
      for (Receiver v : victims) {
        v.stream.awaitClose(WAIT);
        v.stream = reconnectLikeGo(senderClient, v.key);
      }
      long traffic = System.nanoTime() + Duration.ofSeconds(25).toNanos();
      while (System.nanoTime() - traffic < 0) {
        collectAll(all, killedAt);
      }
      sending.set(false);
      sender.join(60_000);
      long rounds = sent.get();
      try {
        Await.until(WAIT, "every survivor received all " + rounds + " rounds", () -> {
          collectAll(all, killedAt);
          return survivors.stream().allMatch(r -> r.seen.size() >= rounds);
        });
      } catch (AssertionError notAll) {
        assertNothingLost(survivors, rounds); // names the rounds each survivor is missing
        throw notAll;
      }

      System.out.printf("sent %d rounds in %.1f s; sends that failed after 4 attempts: %d%n",
          rounds, (System.nanoTime() - trafficStart) / 1e9, failedSends.get());
      for (Receiver v : victims) {
        System.out.printf("%s: delivery resumed %.2f s after the kill; received %d of %d%n", v.key,
            v.resumedAtNanos == 0 ? -1 : (v.resumedAtNanos - killedAt) / 1e9, v.seen.size(), rounds);
      }
      assertNothingLost(survivors, rounds);
      assertEquals(0, failedSends.get(), "every Send eventually succeeded");
      for (Receiver v : victims) {
        assertTrue(v.resumedAtNanos != 0, v.key + " never received after reconnecting");
      }
      all.forEach(Receiver::close);
    }
  }

  /** Drains every receiver once; see {@link Receiver#collect}. */
  private static void collectAll(List<Receiver> receivers, long sinceNanos) {
    try {
      for (Receiver r : receivers) {
        r.collect(sinceNanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while collecting", e);
    }
  }

  private static void assertNothingLost(List<Receiver> survivors, long rounds) {
    for (Receiver s : survivors) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        if (!s.seen.contains(i)) {
          missing.add(i);
        }
      }
      System.out.printf("%s: received %d of %d, duplicates %d%n", s.key, s.seen.size(), rounds, s.duplicates.get());
      assertEquals(List.of(), missing, s.key + " lost messages");
    }
  }

  private static PeerStream register(SignalTestClient client, String key) throws Exception {
    PeerStream stream = client.connect(key);
    stream.awaitRegistered(WAIT);
    return stream;
  }

  /**
   * The Go client's stream loop: open, wait for the registered header, retry after a failure
   * (registration can fail while the peer's session is being restarted elsewhere).
   */
  private static PeerStream reconnectLikeGo(SignalTestClient client, String key) {
    AtomicReference<PeerStream> registered = new AtomicReference<>();
    Await.until(RECONNECT_DEADLINE, key + " registered on a surviving node", () -> {
      PeerStream stream = client.connect(key);
      try {
        stream.awaitRegistered(WAIT);
        registered.set(stream);
        return true;
      } catch (ExecutionException | TimeoutException e) {
        stream.close();
        System.out.println(key + ": registration failed (" + e.getMessage() + "), retrying");
        return false;
      } catch (Exception e) {
        stream.close();
        throw new AssertionError(key + ": reconnecting failed", e);
      }
    });
    return registered.get();
  }

  /** The Go client's Send: up to 4 attempts, each with a 10 s deadline. */
  private static boolean sendLikeGo(SignalTestClient client, EncryptedMessage message) {
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        client.send(message);
        return true;
      } catch (StatusRuntimeException retry) {
        // next attempt, as the Go client does
      }
    }
    return false;
  }
}
