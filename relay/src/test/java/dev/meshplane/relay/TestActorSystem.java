package dev.meshplane.relay;

import dev.meshplane.relay.fabric.FabricSettings;
import dev.meshplane.relay.fabric.RelayFabric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The actor system of one test class, and what each test starts on it. Registered on a static
 * field with {@code @RegisterExtension}, it starts the system before the first test, closes what a
 * test handed to it when that test ends (the last one started first), and terminates the system
 * after the last test.
 */
public final class TestActorSystem implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final Supplier<ActorSystem<Void>> factory;
  private final Deque<Started> started = new ArrayDeque<>();
  private ActorSystem<Void> system;

  private TestActorSystem(Supplier<ActorSystem<Void>> factory) {
    this.factory = factory;
  }

  /** A system for relay servers, as {@link RelayTestSupport#actorSystem} makes it. */
  static TestActorSystem forRelay(String name) {
    return new TestActorSystem(() -> RelayTestSupport.actorSystem(name));
  }

  /** A system on the default configuration. */
  public static TestActorSystem plain(String name) {
    return new TestActorSystem(() -> ActorSystem.create(Behaviors.empty(), name));
  }

  public ActorSystem<Void> get() {
    return system;
  }

  /** Closes {@code closeable} when the running test ends. */
  public <T extends AutoCloseable> T closeAfterTest(T closeable) {
    started.push(new Started(closeable, closeable));
    return closeable;
  }

  /** A running fabric node announcing {@code announceHost}, stopped when the running test ends. */
  public RelayFabric startFabric(FabricSettings settings, String announceHost, LocalPeers peers,
      PrometheusRegistry registry, Clock clock) throws Exception {
    RelayFabric fabric = RelayFabric.start(system, settings, announceHost, peers, registry, clock).toCompletableFuture()
        .get(RelayTestSupport.LIFECYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    started.push(new Started(fabric, () -> fabric.stop().toCompletableFuture()
        .get(RelayTestSupport.LIFECYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS)));
    return fabric;
  }

  /** Stops {@code server} when the running test ends. */
  RelayServer stopAfterTest(RelayServer server) {
    started.push(new Started(server, () -> RelayTestSupport.stop(server)));
    return server;
  }

  /**
   * Leaves {@code resource} open when the test ends: the test closed or stopped it itself, and a
   * second stop would unregister metrics a later server registered in the same registry.
   */
  void closedByTest(Object resource) {
    started.removeIf(entry -> entry.resource() == resource);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    system = factory.get();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failure = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    RelayTestSupport.terminate(system);
  }

  /** Something a test started, and how to close it. */
  private record Started(Object resource, AutoCloseable close) {
  }
}
