package dev.meshplane.multijvm;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * A real DNS server (dnsmasq) on a free 127.0.0.1 port, answering only the A records it is given:
 * what a Kubernetes headless Service's DNS name resolves to, without a cluster. It reads no system
 * configuration and forwards nothing.
 */
final class Dnsmasq implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  final int port;
  final Path log;
  private final Process process;

  private Dnsmasq(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts dnsmasq serving {@code name} → each of {@code addresses}; returns once it answers so. */
  static Dnsmasq serve(String name, List<String> addresses) throws IOException {
    Path executable = executable();
    int port = portFreeForUdpAndTcp();
    Path log = NodeProcess.repositoryRoot().resolve("multi-jvm-tests/target/nodes/dnsmasq.log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(
        executable.toString(),
        "--keep-in-foreground",
        "--log-facility=-", // log to stderr, which goes to the log file
        "--log-queries",
        "--conf-file=/dev/null", // not /etc/dnsmasq.conf
        "--no-resolv", // no upstream servers: a name it does not know is refused, never forwarded
        "--no-hosts", // not /etc/hosts
        "--pid-file", // none
        "--bind-interfaces",
        "--listen-address=127.0.0.1",
        "--port=" + port));
    // One host-record per address: dnsmasq answers a name with all its host-records' addresses.
    addresses.forEach(address -> command.add("--host-record=" + name + "," + address));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Dnsmasq dnsmasq = new Dnsmasq(port, log, process);
    boolean answering = false;
    try {
      dnsmasq.awaitAnswering(name, new TreeSet<>(addresses));
      answering = true;
    } finally {
      if (!answering) {
        dnsmasq.close();
      }
    }
    return dnsmasq;
  }

  String nameserver() {
    return "127.0.0.1:" + port;
  }

  /** Number of logged queries of {@code type} (A, AAAA, SRV) for {@code name}. */
  long queries(String type, String name) throws IOException {
    String marker = "query[" + type + "] " + name + " ";
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(line -> line.contains(marker)).count();
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no dnsmasq log: " + e.getMessage() + ")";
    }
  }

  /** Asks it over DNS (the JDK's own DNS client) until it returns exactly {@code expected}. */
  private void awaitAnswering(String name, Set<String> expected) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    ProcessAwait.until(process, "dnsmasq", this::logText, START_TIMEOUT,
        "dnsmasq on port " + port + " answers " + name + " with " + expected, last::get, () -> {
          try {
            Set<String> answer = aRecords(name);
            last.set("last answer " + answer);
            return answer.equals(expected);
          } catch (NamingException e) {
            last.set("last failure " + e);
            return false;
          }
        });
  }

  private Set<String> aRecords(String name) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(DirContext.PROVIDER_URL, "dns://127.0.0.1:" + port);
    env.put("com.sun.jndi.dns.timeout.initial", "200");
    env.put("com.sun.jndi.dns.timeout.retries", "1");
    DirContext context = new InitialDirContext(env);
    try {
      Set<String> addresses = new TreeSet<>();
      Attribute records = context.getAttributes(name, new String[] {"A"}).get("A");
      if (records != null) {
        NamingEnumeration<?> values = records.getAll();
        while (values.hasMore()) {
          addresses.add(values.next().toString());
        }
      }
      return addresses;
    } finally {
      context.close();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The dnsmasq binary. Distributions install it in an sbin directory, which is not on every
   * user's PATH. Missing is a failure, not a skip: CI installs it, and a skipped test proves nothing.
   */
  private static Path executable() {
    List<String> directories = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      directories.addAll(List.of(path.split(File.pathSeparator)));
    }
    directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    return directories.stream()
        .filter(directory -> !directory.isEmpty())
        .map(directory -> Path.of(directory, "dnsmasq"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new AssertionError("dnsmasq is not installed (apt-get install dnsmasq):"
            + " DNS discovery is tested against a real DNS server"));
  }

  /** DNS is served over UDP and TCP, so the port must be free for both. */
  private static int portFreeForUdpAndTcp() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 20; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(loopback, port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError("no port free for both UDP and TCP on 127.0.0.1");
  }
}
