package dev.meshplane.multijvm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A node started exactly as an operator starts one: {@code ./meshplane run} in its own JVM,
 * configured through environment variables, on free loopback ports. Its output goes to a log
 * file under target/ so a failing test can be read afterwards.
 */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * Shared by every node a test starts: nodes of one cluster must agree on it, and it is harmless
   * where the relay fabric is off (no relay role, or not embedded).
   */
  private static final String FABRIC_SECRET = "multi-jvm-fabric-secret";

  /** The ports one node listens on, chosen before start so peers can be told about each other. */
  record Ports(int signal, int relay, int management, int metrics, int remoting, int fabric) {
    static Ports free() {
      return new Ports(freePort(), freePort(), freePort(), freePort(), freePort(), freePort());
    }
  }

  final int signalPort;
  final int relayPort;
  final int managementPort;
  final int metricsPort;
  final int remotingPort;
  final int fabricPort;
  final Path log;
  private final String name;
  private final Process process;

  private NodeProcess(String name, Ports ports, Map<String, String> extraEnv) throws IOException {
    signalPort = ports.signal();
    relayPort = ports.relay();
    managementPort = ports.management();
    metricsPort = ports.metrics();
    remotingPort = ports.remoting();
    fabricPort = ports.fabric();
    this.name = name;
    Path root = repositoryRoot();
    log = root.resolve("multi-jvm-tests/target/nodes/" + name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(root.resolve("meshplane").toString(), "run")
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("MESHPLANE_HOST", "127.0.0.1");
    env.put("MESHPLANE_BIND_HOST", "127.0.0.1");
    env.put("MESHPLANE_SIGNAL_PORT", Integer.toString(signalPort));
    env.put("MESHPLANE_RELAY_PORT", Integer.toString(relayPort));
    env.put("MESHPLANE_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("MESHPLANE_METRICS_PORT", Integer.toString(metricsPort));
    env.put("MESHPLANE_REMOTING_PORT", Integer.toString(remotingPort));
    // Always set: nodes share 127.0.0.1, so the fabric's default port would collide between them.
    env.put("MESHPLANE_FABRIC_PORT", Integer.toString(fabricPort));
    env.put("MESHPLANE_FABRIC_SECRET", FABRIC_SECRET);
    env.put("JAVA_OPTS", "-Xmx384m");
    env.putAll(extraEnv);
    // Remoting speaks mutual TLS, with a certificate for the node's address from the tests' one
    // CA, unless the test chose otherwise (an empty value: plain TCP).
    if (!extraEnv.containsKey("MESHPLANE_REMOTING_TLS_DIR")) {
      env.put("MESHPLANE_REMOTING_TLS_DIR", ClusterCertificates.forNode(env.get("MESHPLANE_HOST")).toString());
    }
    process = builder.start();
  }

  static NodeProcess start(String name) throws IOException {
    return new NodeProcess(name, Ports.free(), Map.of());
  }

  static NodeProcess start(String name, Map<String, String> env) throws IOException {
    return new NodeProcess(name, Ports.free(), new HashMap<>(env));
  }

  static NodeProcess start(String name, Ports ports, Map<String, String> env) throws IOException {
    return new NodeProcess(name, ports, new HashMap<>(env));
  }

  static Path repositoryRoot() {
    String root = System.getProperty("meshplane.root");
    return Path.of(root != null ? root : "..").toAbsolutePath().normalize();
  }

  /** Waits until /ready answers 200; fails with the node's log tail if the deadline passes or it dies. */
  Duration awaitReady(Duration timeout) {
    long start = System.nanoTime();
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/ready");
    await(timeout, "/ready answers 200", () -> httpStatus(ready) == 200);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Waits until {@code condition} (a question to this node) holds; see {@link ProcessAwait}. */
  void await(Duration timeout, String what, BooleanSupplier condition) {
    await(timeout, what, () -> "not met", condition);
  }

  /** As {@link #await(Duration, String, BooleanSupplier)}; {@code lastSeen} goes into the failure message. */
  void await(Duration timeout, String what, Supplier<String> lastSeen, BooleanSupplier condition) {
    ProcessAwait.until(process, "node " + name, this::logTail, timeout, what, lastSeen, condition);
  }

  String get(String path, int port) throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  static int httpStatus(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM, as Kubernetes and systemd stop a node; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node did not exit within " + timeout + " of SIGTERM:\n" + logTail());
    }
    return process.exitValue();
  }

  /** Waits for the node to exit by itself; returns the exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node still running after " + timeout + ":\n" + logTail());
    }
    return process.exitValue();
  }

  String logTail() {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL: the node vanishes without leaving, as when its machine dies. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  static int freePort() {
    return dev.meshplane.protocol.testkit.FreePorts.next();
  }
}
