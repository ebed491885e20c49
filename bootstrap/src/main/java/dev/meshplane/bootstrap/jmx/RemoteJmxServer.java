package dev.meshplane.bootstrap.jmx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote JMX connector (RMI) whose registry and connector share one port bound to one address,
 * so a single firewall rule is enough. Clients log in with the configured accounts (none on a
 * loopback port without accounts), reach only what {@link JmxAccessPolicy} allows, and with TLS
 * configured speak TLS to the registry and the connector alike.
 *
 * <p>What a client sends is deserialized only if it is made of JDK and JMX types
 * ({@link #SERIAL_FILTER}): JMX arguments, queries and filters need no more, and the classes a
 * deserialization attack chains together live elsewhere.
 */
final class RemoteJmxServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RemoteJmxServer.class);
  private static final String RMI_HOSTNAME = "java.rmi.server.hostname";
  /** How the JNDI lookup and binding of the connector reach a registry that speaks TLS. */
  private static final String JNDI_SOCKET_FACTORY = "com.sun.jndi.rmi.factory.socket";
  /**
   * Types a client may send: JDK basics, JMX's own (names, queries, filters, open types) and the
   * RMI wrapper of invocation arguments; nothing else, and a subject for delegation neither.
   */
  private static final String SERIAL_FILTER = "maxdepth=20;maxrefs=10000;maxarray=100000;java.lang.*;java.util.*;"
      + "javax.management.*;javax.management.openmbean.*;java.rmi.MarshalledObject;!*";

  private final Registry registry;
  private final JMXConnectorServer connector;

  private RemoteJmxServer(Registry registry, JMXConnectorServer connector) {
    this.registry = registry;
    this.connector = connector;
  }

  /** Starts remote JMX as {@code settings} say; its port must be set. */
  static RemoteJmxServer start(MBeanServer mbeans, JmxSettings settings) {
    String host = settings.host();
    int port = settings.port().orElseThrow();
    // RMI stubs carry the host a client calls back to; without this it is whatever the JVM
    // guesses as "local host", often unreachable from outside. It is JVM-wide, so an operator's
    // own -Djava.rmi.server.hostname wins.
    if (System.getProperty(RMI_HOSTNAME) == null) {
      System.setProperty(RMI_HOSTNAME, host);
    }
    Optional<SSLContext> tls = settings.tls() ? Optional.of(settings.sslContext()) : Optional.empty();
    BoundServerSocketFactory sockets = new BoundServerSocketFactory(host, tls);
    // The JDK's TLS client factory: jconsole, VisualVM and inspect all have it.
    RMIClientSocketFactory clientSockets = tls.isPresent() ? new SslRMIClientSocketFactory() : null;
    Registry registry = null;
    try {
      registry = LocateRegistry.createRegistry(port, clientSockets, sockets);
      // The same (equal) socket factory and port make RMI export the connector on the registry's
      // listening socket instead of a second, random port.
      Map<String, Object> env = new HashMap<>();
      env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
      if (clientSockets != null) {
        env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
        env.put(JNDI_SOCKET_FACTORY, clientSockets);
      }
      if (!settings.accounts().isEmpty()) {
        env.put(JMXConnectorServer.AUTHENTICATOR, new JmxLogins(settings.accounts()));
      }
      env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, SERIAL_FILTER);
      JMXServiceURL url = serviceUrl(host, port);
      JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, env, mbeans);
      connector.setMBeanServerForwarder(JmxAccessPolicy.forwarder());
      connector.start();
      log.info("Remote JMX on {} ({}; {})", url, tls.isPresent() ? "TLS" : "no TLS", logins(settings));
      return new RemoteJmxServer(registry, connector);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        unexport(registry);
      }
      throw new IllegalStateException("cannot start remote JMX on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static String logins(JmxSettings settings) {
    if (settings.accounts().isEmpty()) {
      return "no login: read-only for anyone who reaches " + settings.host() + ":" + settings.port().orElseThrow();
    }
    return "logins: " + settings.accounts().stream()
        .map(account -> account.user() + " (" + account.role().name().toLowerCase(Locale.ROOT) + ")")
        .collect(Collectors.joining(", "));
  }

  /** The URL clients use, e.g. {@code service:jmx:rmi://10.0.0.5:9010/jndi/rmi://10.0.0.5:9010/jmxrmi}. */
  static JMXServiceURL serviceUrl(String host, int port) throws IOException {
    String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return new JMXServiceURL("service:jmx:rmi://" + hostPort + "/jndi/rmi://" + hostPort + "/jmxrmi");
  }

  @Override
  public void close() {
    try {
      connector.stop();
    } catch (IOException e) {
      log.warn("Remote JMX connector did not stop cleanly: {}", e.toString());
    }
    unexport(registry);
  }

  private static void unexport(Registry registry) {
    try {
      UnicastRemoteObject.unexportObject(registry, true);
    } catch (NoSuchObjectException e) {
      // Never exported or already gone.
    }
  }

  /**
   * Listens on one address only, with TLS when a context is given. Equality by address and
   * context matters: RMI shares a listening socket between exports only when their factories are
   * equal.
   */
  private static final class BoundServerSocketFactory implements RMIServerSocketFactory {

    private final InetAddress address;
    private final Optional<SSLContext> tls;

    BoundServerSocketFactory(String host, Optional<SSLContext> tls) {
      try {
        this.address = InetAddress.getByName(host);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve JMX host " + host, e);
      }
      this.tls = tls;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      if (tls.isEmpty()) {
        return new ServerSocket(port, 0, address);
      }
      return tls.get().getServerSocketFactory().createServerSocket(port, 0, address);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BoundServerSocketFactory that && address.equals(that.address)
          && tls.equals(that.tls);
    }

    @Override
    public int hashCode() {
      return Objects.hash(address, tls);
    }
  }
}
