package dev.meshplane.bootstrap.jmx;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.server.RMISocketFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * {@code ./meshplane inspect [--user NAME] [--tls | --tls-ca FILE] [HOST:PORT]}: connects to a
 * node's remote JMX port and prints its cluster, sharding, signal and relay state as tables. Needs
 * only the JDK's JMX client; the node must run with {@code MESHPLANE_JMX_PORT} set.
 *
 * <p>It logs in as the node's reader does: the user from {@code --user} or
 * {@code MESHPLANE_JMX_USER}, the password from {@code MESHPLANE_JMX_PASSWORD} or, on a terminal,
 * a prompt (never from the command line, where other users of the machine could read it). It
 * speaks TLS when given certificates to trust ({@code --tls-ca FILE}, {@code
 * MESHPLANE_JMX_TLS_CA_FILE}, or beside a node the node's own {@code MESHPLANE_JMX_TLS_CERT_FILE})
 * or told to trust the JVM's ({@code --tls}). Run with the node's environment, it needs no options.
 */
public final class Inspect {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 9010;
  static final String DEFAULT_TARGET = DEFAULT_HOST + ":" + DEFAULT_PORT;
  static final String USAGE = "usage: ./meshplane inspect [--user NAME] [--tls | --tls-ca FILE] [HOST:PORT]   (default "
      + DEFAULT_TARGET + ")";
  static final String USER_VARIABLE = "MESHPLANE_JMX_USER";
  static final String PASSWORD_VARIABLE = "MESHPLANE_JMX_PASSWORD";
  static final String CA_VARIABLE = "MESHPLANE_JMX_TLS_CA_FILE";
  static final String NODE_CERT_VARIABLE = "MESHPLANE_JMX_TLS_CERT_FILE";
  /** How the JNDI lookup reaches a registry that speaks TLS. */
  private static final String JNDI_SOCKET_FACTORY = "com.sun.jndi.rmi.factory.socket";
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  /** Longer than the slowest attribute (a cluster-wide sharding query, a few seconds). */
  private static final int READ_TIMEOUT_MS = 15_000;

  private Inspect() {}

  public static void main(String[] args) {
    Console console = System.console();
    System.exit(run(args, System.getenv(),
        user -> console == null ? Optional.empty()
            : Optional.ofNullable(console.readPassword("JMX password for %s: ", user)).map(String::new),
        System.out, System.err));
  }

  /**
   * Parses the command line and environment, connects and prints; returns the exit status: 0,
   * 1 when the node cannot be read, 2 for bad arguments.
   *
   * @param prompt asks for the password of a user when the environment has none; empty when it cannot
   */
  static int run(String[] args, Map<String, String> env, Function<String, Optional<String>> prompt, PrintStream out,
      PrintStream err) {
    Target target;
    Login login;
    try {
      Options options = Options.parse(args, env);
      target = Target.parse(options.target());
      login = options.login(env, prompt);
    } catch (IllegalArgumentException e) {
      err.println("meshplane inspect: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    useTimeouts();
    try {
      out.print(inspect(target, login));
      return 0;
    } catch (SecurityException e) {
      err.println("meshplane inspect: JMX at " + target + " refused: " + rootMessage(e) + " (log in with --user or "
          + USER_VARIABLE + ", and " + PASSWORD_VARIABLE + ")");
      return 1;
    } catch (IOException e) {
      err.println("meshplane inspect: cannot read JMX at " + target + ": " + rootMessage(e)
          + " (is the node running with MESHPLANE_JMX_PORT=" + target.port() + "?"
          + (login.tls().isPresent() ? "" : " does its port speak TLS? then pass --tls-ca FILE") + ")");
      return 1;
    }
  }

  /** Connects to {@code host:port} without logging in and returns the tables of every meshplane node found there. */
  public static String inspect(String target) throws IOException {
    return inspect(Target.parse(target), Login.NONE);
  }

  /** Connects to {@code host:port} with {@code login} and returns the tables of every meshplane node found there. */
  public static String inspect(String target, Login login) throws IOException {
    return inspect(Target.parse(target), login);
  }

  private static String inspect(Target target, Login login) throws IOException {
    Map<String, Object> env = new HashMap<>();
    login.user().ifPresent(user -> env.put(JMXConnector.CREDENTIALS, new String[] {user, login.password()}));
    if (login.tls().isPresent()) {
      // The node's stubs carry the JDK's TLS client factory, which takes the JVM's default context.
      SSLContext.setDefault(login.tls().get());
      env.put(JNDI_SOCKET_FACTORY, new SslRMIClientSocketFactory());
    }
    try (JMXConnector connector =
        JMXConnectorFactory.connect(RemoteJmxServer.serviceUrl(target.host(), target.port()), env)) {
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

  /**
   * How inspect logs in: a user and password when the node has accounts, and the certificates to
   * trust when its port speaks TLS.
   *
   * @param password ignored without a user
   */
  public record Login(Optional<String> user, String password, Optional<SSLContext> tls) {

    public static final Login NONE = new Login(Optional.empty(), "", Optional.empty());

    /** An SSL context that trusts the PEM certificates in {@code file} (a CA, or the node's own certificate). */
    public static SSLContext trusting(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("trusted-" + i++, certificate);
        }
        if (i == 0) {
          throw new IllegalArgumentException("no certificate in " + file);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot read certificates to trust from " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "Login[user=" + user.orElse("") + ", tls=" + tls.isPresent() + "]";
    }
  }

  /** The command line: {@code [--user NAME] [--tls | --tls-ca FILE] [HOST:PORT]}. */
  record Options(String target, Optional<String> user, boolean tls, Optional<Path> caFile) {

    static Options parse(String[] args, Map<String, String> env) {
      String target = DEFAULT_TARGET;
      boolean targetSeen = false;
      Optional<String> user = Optional.empty();
      boolean tls = false;
      Optional<Path> caFile = Optional.empty();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--user" -> user = Optional.of(value(args, ++i, "--user"));
          case "--tls" -> tls = true;
          case "--tls-ca" -> caFile = Optional.of(Path.of(value(args, ++i, "--tls-ca")));
          default -> {
            if (args[i].startsWith("-") || targetSeen) {
              throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            target = args[i];
            targetSeen = true;
          }
        }
      }
      return new Options(target, user, tls, caFile);
    }

    /** The login the options and environment describe; the password comes from the environment, else {@code prompt}. */
    Login login(Map<String, String> env, Function<String, Optional<String>> prompt) {
      Optional<String> name = user.or(() -> nonEmpty(env.get(USER_VARIABLE)));
      String password = "";
      if (name.isPresent()) {
        password = nonEmpty(env.get(PASSWORD_VARIABLE)).or(() -> prompt.apply(name.get())).orElseThrow(() ->
            new IllegalArgumentException("no password for JMX user " + name.get() + ": set " + PASSWORD_VARIABLE));
      }
      Optional<Path> trust = caFile.or(() -> nonEmpty(env.get(CA_VARIABLE)).map(Path::of))
          .or(() -> tls ? Optional.empty() : nonEmpty(env.get(NODE_CERT_VARIABLE)).map(Path::of));
      Optional<SSLContext> context = trust.map(Login::trusting);
      if (context.isEmpty() && tls) {
        try {
          context = Optional.of(SSLContext.getDefault());
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException("no default TLS context: " + e.getMessage(), e);
        }
      }
      return new Login(name, password, context);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static Optional<String> nonEmpty(String value) {
      return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
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
