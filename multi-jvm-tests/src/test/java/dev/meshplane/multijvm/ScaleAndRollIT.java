package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Changing the fleet under traffic: scale-up from 3 to 4 nodes with connection rebalancing on,
 * and a rolling restart of all three nodes one at a time. Clients behave like Go clients behind a
 * round-robin load balancer: unary Send retried on failure, streams reopened when they end.
 */
class ScaleAndRollIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern ACTIVE_PEERS = Pattern.compile("(?m)^active_peers ([0-9.]+)$");

  /** The node slots of one test: ports fixed, the process in a slot may be replaced. */
  private final List<NodeProcess.Ports> ports = new ArrayList<>();
  private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
  private final List<SignalTestClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger rotation = new AtomicInteger();
  private String peers;

  @AfterEach
  void stop() {
    clients.forEach(c -> {
      if (c != null) {
        c.close();
      }
    });
    nodes.forEach(n -> {
      if (n != null) {
        n.close();
      }
    });
  }

  private void plan(int slots) {
    for (int i = 0; i < slots; i++) {
      ports.add(NodeProcess.Ports.free());
      nodes.add(null);
      clients.add(null);
    }
    peers = ports.stream().map(p -> "127.0.0.1:" + p.management()).collect(Collectors.joining(","));
  }

  private NodeProcess startSlot(int slot, boolean rebalance) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MESHPLANE_CLUSTER_MODE", "embedded");
    env.put("MESHPLANE_CLUSTER_PEERS", peers);
    env.put("MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "3");
    env.put("MESHPLANE_ROLES", "signal");
    env.put("MESHPLANE_SIGNAL_REBALANCE", rebalance ? "on" : "off");
    env.put("JAVA_OPTS", "-Xmx384m -Dmeshplane.signal.rebalance.interval=2s");
    NodeProcess node = NodeProcess.start("slot-" + (slot + 1), ports.get(slot), env);
    nodes.set(slot, node);
    if (clients.get(slot) == null) {
      clients.set(slot, new SignalTestClient("127.0.0.1", ports.get(slot).signal()));
    }
    return node;
  }

  /** The next live node's client, round robin: what a load balancer does for a new connection. */
  private SignalTestClient balanced() {
    for (int tries = 0; tries < clients.size() * 2; tries++) {
      int slot = Math.floorMod(rotation.getAndIncrement(), clients.size());
      NodeProcess node = nodes.get(slot);
      if (node != null && node.isAlive() && clients.get(slot) != null) {
        return clients.get(slot);
      }
    }
    throw new AssertionError("no live node");
  }

  /** A peer that keeps a stream open through whatever the fleet does. */
  private final class Peer {
    final String key;
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    volatile PeerStream stream;
    final AtomicInteger reconnects = new AtomicInteger();

    Peer(String key) throws Exception {
      this.key = key;
      this.stream = open();
    }

    private PeerStream open() throws Exception {
      Exception last = null;
      for (int attempt = 0; attempt < 10; attempt++) {
        PeerStream candidate = balanced().connect(key);
        try {
          candidate.awaitRegistered(WAIT);
          return candidate;
        } catch (Exception e) {
          candidate.close();
          last = e;
        }
      }
      throw last;
    }

    void poll() throws Exception {
      EncryptedMessage m;
      while ((m = stream.poll(Duration.ofMillis(10))) != null) {
        seen.add(Integer.valueOf(m.getBody().toStringUtf8()));
      }
      if (stream.isClosed()) {
        stream = open();
        reconnects.incrementAndGet();
      }
    }
  }

  /** Sends numbered rounds to every peer until stopped; Go-like retries through the balancer. */
  private Thread sender(List<Peer> peers, AtomicBoolean running, AtomicLong rounds, AtomicLong failed) {
    Thread thread = new Thread(() -> {
      int i = 0;
      while (running.get()) {
        for (Peer p : peers) {
          if (!sendLikeGo(message("sender", p.key, Integer.toString(i)))) {
            failed.incrementAndGet();
          }
        }
        rounds.set(++i);
        LockSupport.parkNanos(20_000_000L);
      }
    }, "sender");
    thread.start();
    return thread;
  }

  private boolean sendLikeGo(EncryptedMessage message) {
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        balanced().send(message);
        return true;
      } catch (StatusRuntimeException | AssertionError retry) {
        // next attempt, possibly through another node
      }
    }
    return false;
  }

  private static void assertNothingLost(List<Peer> peers, long rounds) {
    for (Peer p : peers) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        if (!p.seen.contains(i)) {
          missing.add(i);
        }
      }
      assertEquals(List.of(), missing, p.key + " lost messages (reconnected " + p.reconnects + " times)");
    }
  }

  /** Keeps every peer reading (and reopening its stream) until {@code done} holds. */
  private static void pollUntil(List<Peer> peers, Duration timeout, String what, BooleanSupplier done) {
    Await.until(timeout, what, () -> {
      for (Peer p : peers) {
        try {
          p.poll();
        } catch (Exception e) {
          throw new AssertionError(p.key + " could not read or reopen its stream", e);
        }
      }
      return done.getAsBoolean();
    });
  }

  /** Reads until every peer has every round; names the rounds a peer is missing if some never come. */
  private static void awaitEveryRound(List<Peer> peers, long rounds) {
    try {
      pollUntil(peers, WAIT, "every peer received all " + rounds + " rounds",
          () -> peers.stream().allMatch(p -> p.seen.size() >= rounds));
    } catch (AssertionError notAll) {
      assertNothingLost(peers, rounds);
      throw notAll;
    }
  }

  private static boolean isReady(NodeProcess node) {
    return NodeProcess.httpStatus(URI.create("http://127.0.0.1:" + node.managementPort + "/ready")) == 200;
  }

  private static int activePeers(NodeProcess node) throws Exception {
    Matcher m = ACTIVE_PEERS.matcher(node.get("/metrics", node.metricsPort));
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void scaleUpFromThreeToFourRebalancesConnectionsWithoutLoss() throws Exception {
    plan(4);
    for (int slot = 0; slot < 3; slot++) {
      startSlot(slot, true);
    }
    for (int slot = 0; slot < 3; slot++) {
      nodes.get(slot).awaitReady(Duration.ofSeconds(90));
    }
    List<Peer> peersList = new ArrayList<>();
    for (int p = 0; p < 12; p++) {
      peersList.add(new Peer("scale-peer-" + p));
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong rounds = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Thread sender = sender(peersList, running, rounds, failed);

    NodeProcess fourth = startSlot(3, true);
    pollUntil(peersList, Duration.ofSeconds(90), "node 4 answers /ready with 200", () -> isReady(fourth));
    long joined = System.nanoTime();
    AtomicInteger onFourth = new AtomicInteger();
    pollUntil(peersList, Duration.ofSeconds(40), "the new node got connections through rebalancing"
        + " (active_peers >= 2 on node 4)", () -> {
          try {
            onFourth.set(activePeers(fourth));
          } catch (Exception e) {
            onFourth.set(-1);
          }
          return onFourth.get() >= 2;
        });
    System.out.printf("node 4 holds %d streams %.1f s after it was ready%n", onFourth.get(),
        (System.nanoTime() - joined) / 1e9);
    running.set(false);
    sender.join(60_000);
    long total = rounds.get();
    awaitEveryRound(peersList, total);
    assertEquals(0, failed.get(), "every Send eventually succeeded");
    assertNothingLost(peersList, total);
    peersList.forEach(p -> p.stream.close());
  }

  @Test
  void rollingRestartOfAllThreeNodesLosesNothing() throws Exception {
    plan(3);
    for (int slot = 0; slot < 3; slot++) {
      startSlot(slot, false);
    }
    for (int slot = 0; slot < 3; slot++) {
      nodes.get(slot).awaitReady(Duration.ofSeconds(90));
    }
    List<Peer> peersList = new ArrayList<>();
    for (int p = 0; p < 9; p++) {
      peersList.add(new Peer("roll-peer-" + p));
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong rounds = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Thread sender = sender(peersList, running, rounds, failed);

    for (int slot = 0; slot < 3; slot++) {
      NodeProcess old = nodes.get(slot);
      Thread stopper = new Thread(() -> {
        try {
          old.terminate(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      stopper.start();
      pollUntil(peersList, Duration.ofSeconds(60), "node " + (slot + 1) + " exits after SIGTERM", () -> !old.isAlive());
      stopper.join(5_000);
      NodeProcess restarted = startSlot(slot, false);
      pollUntil(peersList, Duration.ofSeconds(90), "restarted node " + (slot + 1) + " answers /ready with 200",
          () -> isReady(restarted));
      System.out.printf("node %d restarted and ready after round %d%n", slot + 1, rounds.get());
    }
    running.set(false);
    sender.join(60_000);
    long total = rounds.get();
    awaitEveryRound(peersList, total);
    System.out.printf("rolling restart: %d rounds to %d peers, reconnects %s%n", total, peersList.size(),
        peersList.stream().map(p -> Integer.toString(p.reconnects.get())).collect(Collectors.joining(",")));
    assertEquals(0, failed.get(), "every Send eventually succeeded");
    assertNothingLost(peersList, total);
    peersList.forEach(p -> p.stream.close());
  }
}
