package dev.meshplane.bootstrap.jmx;

import java.security.Principal;
import java.util.Locale;

/**
 * The role a JMX login was given. Only {@link JmxLogins} creates these, and the class is not
 * serializable, so a client cannot bring one of its own (for example in a delegated subject).
 */
record JmxRolePrincipal(JmxRole role) implements Principal {

  @Override
  public String getName() {
    return role.name().toLowerCase(Locale.ROOT);
  }
}
