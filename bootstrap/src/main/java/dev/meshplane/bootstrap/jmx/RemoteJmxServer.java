package dev.meshplane.bootstrap.jmx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote JMX connector (RMI) whose registry and connector share one port bound to one address,
 * so a single firewall rule is enough. There is no authentication and no TLS.
 */
final class RemoteJmxServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RemoteJmxServer.class);
  private static final String RMI_HOSTNAME = "java.rmi.server.hostname";

  private final Registry registry;
  private final JMXConnectorServer connector;

  private RemoteJmxServer(Registry registry, JMXConnectorServer connector) {
    this.registry = registry;
    this.connector = connector;
  }

  static RemoteJmxServer start(MBeanServer mbeans, String host, int port) {
    // RMI stubs carry the host a client calls back to; without this it is whatever the JVM
    // guesses as "local host", often unreachable from outside. It is JVM-wide, so an operator's
    // own -Djava.rmi.server.hostname wins.
    if (System.getProperty(RMI_HOSTNAME) == null) {
      System.setProperty(RMI_HOSTNAME, host);
    }
    BoundServerSocketFactory sockets = new BoundServerSocketFactory(host);
    Registry registry = null;
    try {
      registry = LocateRegistry.createRegistry(port, null, sockets);
      // The same (equal) socket factory and port make RMI export the connector on the registry's
      // listening socket instead of a second, random port.
      Map<String, Object> env = new HashMap<>();
      env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
      JMXServiceURL url = serviceUrl(host, port);
      JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, env, mbeans);
      connector.start();
      log.warn("Remote JMX is on at {} WITHOUT authentication or TLS: anyone who can reach {}:{} controls "
          + "this node and its JVM. Keep the port on a private address.", url, host, port);
      return new RemoteJmxServer(registry, connector);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        unexport(registry);
      }
      throw new IllegalStateException("cannot start remote JMX on " + host + ":" + port + ": " + e.getMessage(), e);
    }
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
   * Listens on one address only. Equality by address matters: RMI shares a listening socket
   * between exports only when their factories are equal.
   */
  private static final class BoundServerSocketFactory implements RMIServerSocketFactory {

    private final InetAddress address;

    BoundServerSocketFactory(String host) {
      try {
        this.address = InetAddress.getByName(host);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve JMX host " + host, e);
      }
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return new ServerSocket(port, 0, address);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BoundServerSocketFactory that && address.equals(that.address);
    }

    @Override
    public int hashCode() {
      return Objects.hash(address);
    }
  }
}
