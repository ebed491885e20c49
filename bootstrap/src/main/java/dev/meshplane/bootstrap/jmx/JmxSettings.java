package dev.meshplane.bootstrap.jmx;

import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.config.SettingsReader.FilePair;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.net.ssl.SSLContext;

/**
 * Typed view of {@code meshplane.jmx} (defaults and reasons in bootstrap's {@code reference.conf}).
 *
 * <p>A port that other machines can reach needs an account and TLS: without an account anyone
 * who reaches it reads the node, and without TLS the password crosses the network in clear. A
 * loopback port needs neither; without accounts it is read-only.
 *
 * @param port the remote JMX port; empty for local JMX only
 * @param host address the port binds to and advertises
 * @param accounts the logins, at most one per role; empty = no login (loopback only)
 */
public record JmxSettings(
    OptionalInt port,
    String host,
    List<JmxAccount> accounts,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile) {

  public JmxSettings {
    accounts = List.copyOf(accounts);
  }

  /** Reads {@code jmx.*} under {@code meshplane} (the reader of {@code meshplane}); problems go to it. */
  public static JmxSettings read(SettingsReader meshplane) {
    SettingsReader r = meshplane.at("jmx");
    OptionalInt port = r.optionalPort("port");
    String host = r.host("host");
    List<JmxAccount> accounts = new ArrayList<>();
    account(r, "reader", JmxRole.READER).ifPresent(accounts::add);
    account(r, "operator", JmxRole.OPERATOR).ifPresent(accounts::add);
    Optional<FilePair> tls = r.filePair("tls.cert-file", "tls.key-file",
        "a PEM certificate chain whose key is tls.key-file", PemSslContexts::fromPemFiles);
    JmxSettings settings = new JmxSettings(port, host, accounts, tls.map(FilePair::first), tls.map(FilePair::second));
    settings.check(r);
    return settings;
  }

  /** Whether the port speaks TLS. */
  public boolean tls() {
    return tlsCertFile.isPresent() && tlsKeyFile.isPresent();
  }

  /** The server's TLS context; only when {@link #tls()}. */
  SSLContext sslContext() {
    return PemSslContexts.fromPemFiles(tlsCertFile.orElseThrow(), tlsKeyFile.orElseThrow());
  }

  /** A user and password set together, or neither. */
  private static Optional<JmxAccount> account(SettingsReader r, String prefix, JmxRole role) {
    String user = r.string(prefix + ".user");
    String password = r.secret(prefix + ".password");
    if (user.isEmpty() && !password.isEmpty()) {
      r.reject(prefix + ".password", "a password set together with " + named(r, prefix + ".user") + ", or empty");
    } else if (!user.isEmpty() && password.isEmpty()) {
      r.reject(prefix + ".user", "a user name set together with " + named(r, prefix + ".password") + ", or empty");
    }
    return user.isEmpty() || password.isEmpty() ? Optional.empty() : Optional.of(new JmxAccount(user, password, role));
  }

  private void check(SettingsReader r) {
    if (accounts.size() == 2 && accounts.get(0).user().equals(accounts.get(1).user())) {
      r.reject("operator.user", "a user name other than " + r.path("reader.user") + "'s");
    }
    if (port.isPresent() && r.ok("port", "host") && isRemote(r)) {
      List<String> missing = new ArrayList<>();
      if (accounts.isEmpty()) {
        missing.add("an account (" + named(r, "reader.user") + " and " + named(r, "reader.password") + ", and/or "
            + named(r, "operator.user") + " and " + named(r, "operator.password") + ")");
      }
      if (!tls()) {
        missing.add("TLS (" + named(r, "tls.cert-file") + " and " + named(r, "tls.key-file") + ")");
      }
      if (!missing.isEmpty()) {
        r.reject("port", "a port with " + String.join(" and ", missing) + ", as " + r.path("host") + " " + host
            + " is not a loopback address; or a loopback " + named(r, "host") + " (127.0.0.1); or empty (off)");
      }
    }
  }

  /** Whether the host is an address other machines may reach; a host that does not resolve is refused. */
  private boolean isRemote(SettingsReader r) {
    try {
      return !InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      r.reject("host", "a host name that resolves, or an IP address");
      return false;
    }
  }

  /** A setting as an operator sets it: its variable when it has one, else its key. */
  private static String named(SettingsReader r, String key) {
    List<String> variables = EnvOverrides.variablesFor(r.path(key));
    return variables.isEmpty() ? r.path(key) : variables.get(0);
  }
}
