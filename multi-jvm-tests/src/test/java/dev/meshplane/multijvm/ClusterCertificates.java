package dev.meshplane.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Remoting TLS directories for test nodes, made as an operator makes them: {@code ./meshplane certs}
 * for every loopback address a test node uses. Made once per test run: one CA for the nodes of the
 * tests' clusters, and another CA for intruders.
 */
final class ClusterCertificates {

  private static final String HOSTS = String.join(",", LoopbackCluster.ADDRESSES);

  private static Path cluster;
  private static Path foreign;

  private ClusterCertificates() {}

  /** The directory for a node at {@code host}, its certificate issued by the tests' cluster CA. */
  static synchronized Path forNode(String host) {
    if (cluster == null) {
      cluster = make("cluster");
    }
    return cluster.resolve(host);
  }

  /** The directory for a node at {@code host} whose certificate another CA issued. */
  static synchronized Path fromAnotherCa(String host) {
    if (foreign == null) {
      foreign = make("another-ca");
    }
    return foreign.resolve(host);
  }

  private static Path make(String name) {
    Path root = NodeProcess.repositoryRoot();
    Path dir = root.resolve("multi-jvm-tests/target/certs/" + name);
    try {
      deleteRecursively(dir);
      Process certs = new ProcessBuilder(
              root.resolve("meshplane").toString(), "certs", dir.toString(), "--nodes", HOSTS)
          .directory(root.toFile())
          .redirectErrorStream(true)
          .start();
      String output = new String(certs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!certs.waitFor(60, TimeUnit.SECONDS) || certs.exitValue() != 0) {
        throw new AssertionError("./meshplane certs failed:\n" + output);
      }
      return dir;
    } catch (IOException e) {
      throw new AssertionError("cannot run ./meshplane certs: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while making certificates", e);
    }
  }

  /** A fresh CA per run: a CA left by an earlier run would be reused. */
  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
