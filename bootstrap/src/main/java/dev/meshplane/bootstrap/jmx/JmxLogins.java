package dev.meshplane.bootstrap.jmx;

import java.nio.charset.StandardCharsets;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a remote JMX login (the {@code String[] {user, password}} JMX clients send) against the
 * configured accounts and gives the caller its role. Comparisons take the same time whatever
 * matches, so timing tells nothing about the accounts. It keeps only digests of the names and passwords.
 */
final class JmxLogins implements JMXAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(JmxLogins.class);

  private record Login(byte[] user, byte[] password, String name, JmxRole role) {}

  private final List<Login> logins;

  JmxLogins(List<JmxAccount> accounts) {
    this.logins = accounts.stream()
        .map(a -> new Login(digest(a.user()), digest(a.password()), a.user(), a.role()))
        .toList();
  }

  @Override
  public Subject authenticate(Object credentials) {
    if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
      log.warn("JMX connection without a user name and password refused from {}", clientHost());
      throw new SecurityException("JMX needs a user name and password");
    }
    byte[] user = digest(pair[0]);
    byte[] password = digest(pair[1]);
    Login match = null;
    for (Login login : logins) {
      // & rather than &&: both comparisons run for every account.
      if (MessageDigest.isEqual(login.user(), user) & MessageDigest.isEqual(login.password(), password)) {
        match = login;
      }
    }
    if (match == null) {
      // The attempted name is not logged: people type passwords into the wrong field.
      log.warn("JMX login refused from {}: unknown user name or wrong password", clientHost());
      throw new SecurityException("JMX login refused: unknown user name or wrong password");
    }
    log.info("JMX login of [{}] ({}) from {}", match.name(), match.role().name().toLowerCase(Locale.ROOT),
        clientHost());
    return new Subject(true, Set.of(new JMXPrincipal(match.name()), new JmxRolePrincipal(match.role())), Set.of(),
        Set.of());
  }

  private static String clientHost() {
    try {
      return RemoteServer.getClientHost();
    } catch (ServerNotActiveException e) {
      return "an unknown host";
    }
  }

  /** Fixed-length values, so that comparing them takes the same time whatever their length. */
  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
