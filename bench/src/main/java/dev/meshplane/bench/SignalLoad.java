package dev.meshplane.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One round against one system: opens 2 x pairs streams, one connection each, lets every stream
 * keep a window of messages in flight for warmup + measured time, waits for what is still in
 * flight, and closes the streams.
 */
final class SignalLoad {

  /** Time for in-flight messages to arrive after the last send; what is still missing is lost. */
  private static final long DRAIN_GRACE_MILLIS = 10_000;
  private static final int REGISTRATION_TIMEOUT_SECONDS = 30;

  private final SignalBenchOptions options;
  private final SecureRandom random = new SecureRandom();
  private final byte[] padding = new byte[SignalFlow.BODY_BYTES];

  SignalLoad(SignalBenchOptions options) {
    this.options = options;
    // Encrypted bodies look random; keep compression or zero-run tricks from helping anyone.
    random.nextBytes(padding);
  }

  List<SignalFlowResult> round(int port, SignalRouting routing, long warmupMillis, long measuredMillis)
      throws Exception {
    return round(port, port, routing, warmupMillis, measuredMillis);
  }

  /**
   * As {@link #round(int, SignalRouting, long, long)}, but the first peer of every pair connects
   * to {@code firstPort} and its partner to {@code partnerPort}: with two nodes of one cluster,
   * every message then has to cross from one node to the other.
   */
  List<SignalFlowResult> round(int firstPort, int partnerPort, SignalRouting routing, long warmupMillis,
      long measuredMillis) throws Exception {
    List<SignalPeerStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * options.pairs(); i++) {
        streams.add(SignalPeerStream.open(newPeerKey(), i % 2 == 0 ? firstPort : partnerPort));
      }
      if (routing.awaitsRegistration()) {
        awaitRegistration(streams);
      }

      SignalRunClock clock = SignalRunClock.startingNow(warmupMillis, measuredMillis);
      CountDownLatch drained = new CountDownLatch(streams.size());
      List<SignalFlow> flows = new ArrayList<>();
      for (int i = 0; i < streams.size(); i += 2) {
        SignalPeerStream a = streams.get(i);
        SignalPeerStream b = streams.get(i + 1);
        flows.add(connect(a, b, routing == SignalRouting.TO_PARTNER ? b : a, clock, drained));
        flows.add(connect(b, a, routing == SignalRouting.TO_PARTNER ? a : b, clock, drained));
      }
      for (SignalFlow flow : flows) {
        flow.start(options.window());
      }
      // Flows stop sending at the end of the measured phase by themselves; this waits for their
      // last messages, or gives up on the ones that will never come.
      drained.await(warmupMillis + measuredMillis + DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);

      List<SignalFlowResult> results = new ArrayList<>();
      for (SignalFlow flow : flows) {
        results.add(flow.result());
      }
      return results;
    } finally {
      for (SignalPeerStream stream : streams) {
        stream.close();
      }
      for (SignalPeerStream stream : streams) {
        stream.awaitClosed(5, TimeUnit.SECONDS);
      }
    }
  }

  private SignalFlow connect(SignalPeerStream from, SignalPeerStream to, SignalPeerStream arrivesAt,
      SignalRunClock clock, CountDownLatch drained) {
    SignalFlow flow = new SignalFlow(from, to.key(), clock, drained, padding);
    arrivesAt.deliverTo(flow);
    return flow;
  }

  private static void awaitRegistration(List<SignalPeerStream> streams) throws Exception {
    CompletableFuture<?>[] registered = streams.stream()
        .map(SignalPeerStream::registered)
        .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(registered).get(REGISTRATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("streams not registered within " + REGISTRATION_TIMEOUT_SECONDS + " s", e);
    }
  }

  /** A WireGuard public key's shape: 32 random bytes, base64 (44 characters). */
  private String newPeerKey() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
