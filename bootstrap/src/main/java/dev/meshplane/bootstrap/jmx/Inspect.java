package dev.meshplane.bootstrap.jmx;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;

/**
 * {@code ./meshplane inspect [HOST:PORT]}: connects to a node's remote JMX port and prints its
 * cluster, sharding, signal and relay state as tables. Needs only the JDK's JMX client; the node
 * must run with {@code MESHPLANE_JMX_PORT} set.
 */
public final class Inspect {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 9010;
  static final String DEFAULT_TARGET = DEFAULT_HOST + ":" + DEFAULT_PORT;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  /** Longer than the slowest attribute (a cluster-wide sharding query, a few seconds). */
  private static final int READ_TIMEOUT_MS = 15_000;

  private Inspect() {}

  public static void main(String[] args) {
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      System.err.println("usage: ./meshplane inspect [HOST:PORT]   (default " + DEFAULT_TARGET + ")");
      System.exit(2);
    }
    String target = args.length == 1 ? args[0] : DEFAULT_TARGET;
    System.exit(run(target, System.out, System.err));
  }

  static int run(String target, PrintStream out, PrintStream err) {
    Target parsed;
    try {
      parsed = Target.parse(target);
    } catch (IllegalArgumentException e) {
      err.println("meshplane inspect: " + e.getMessage());
      return 2;
    }
    useTimeouts();
    try {
      out.print(inspect(parsed));
      return 0;
    } catch (IOException | SecurityException e) {
      err.println("meshplane inspect: cannot read JMX at " + parsed + ": " + rootMessage(e)
          + " (is the node running with MESHPLANE_JMX_PORT=" + parsed.port() + "?)");
      return 1;
    }
  }

  /** Connects to {@code host:port} and returns the rendered tables of every meshplane node found there. */
  public static String inspect(String target) throws IOException {
    return inspect(Target.parse(target));
  }

  private static String inspect(Target target) throws IOException {
    try (JMXConnector connector =
        JMXConnectorFactory.connect(RemoteJmxServer.serviceUrl(target.host(), target.port()))) {
      return render(connector.getMBeanServerConnection());
    }
  }

  /** The tables for every meshplane node whose MBeans {@code connection} can see. */
  private static String render(MBeanServerConnection connection) throws IOException {
    List<ObjectName> clusters = new ArrayList<>(connection.queryNames(pattern("Cluster"), null));
    if (clusters.isEmpty()) {
      return "No " + MBeanRegistrations.DOMAIN + " MBeans found: is this a meshplane node?\n";
    }
    // The plain name first: in production it is the only one.
    clusters.sort((a, b) -> a.getKeyPropertyListString().compareTo(b.getKeyPropertyListString()));
    StringBuilder out = new StringBuilder();
    for (ObjectName cluster : clusters) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(new NodeReport(connection, cluster).render());
    }
    return out.toString();
  }

  private static ObjectName pattern(String type) {
    try {
      // A property-list pattern also matches the ",port=..." names of extra nodes in one JVM.
      return new ObjectName(MBeanRegistrations.DOMAIN + ":type=" + type + ",*");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Bounded connect and read times for every RMI socket of this process, so an unreachable or
   * firewalled port fails in seconds instead of the OS's minutes. JVM-wide, hence only from main.
   */
  private static void useTimeouts() {
    try {
      RMISocketFactory.setSocketFactory(new RMISocketFactory() {
        @Override
        public Socket createSocket(String host, int port) throws IOException {
          Socket socket = new Socket();
          socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
          socket.setSoTimeout(READ_TIMEOUT_MS);
          return socket;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
          return new ServerSocket(port);
        }
      });
    } catch (IOException | IllegalStateException e) {
      // Already set (e.g. called twice in one JVM): keep whatever is in place.
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** {@code HOST:PORT}, {@code [IPV6]:PORT}, {@code HOST} or {@code PORT}; the missing half from the default. */
  record Target(String host, int port) {

    static Target parse(String text) {
      String value = text.trim();
      String host = DEFAULT_HOST;
      String port = String.valueOf(DEFAULT_PORT);
      if (value.startsWith("[")) {
        int close = value.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("bad address '" + text + "': missing ']'");
        }
        host = value.substring(1, close);
        if (value.length() > close + 1) {
          if (value.charAt(close + 1) != ':') {
            throw new IllegalArgumentException("bad address '" + text + "': expected HOST:PORT");
          }
          port = value.substring(close + 2);
        }
      } else if (value.matches("\\d+")) {
        port = value;
      } else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
        host = value.substring(0, value.indexOf(':'));
        port = value.substring(value.indexOf(':') + 1);
      } else if (!value.isEmpty()) {
        host = value;
      }
      try {
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
          throw new NumberFormatException();
        }
        return new Target(host, number);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port '" + port + "' in '" + text + "' (expected 1-65535)");
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
