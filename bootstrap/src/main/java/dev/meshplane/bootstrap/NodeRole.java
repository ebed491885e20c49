package dev.meshplane.bootstrap;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Services a node runs ({@code meshplane.roles}, env {@code MESHPLANE_ROLES}). */
public enum NodeRole {
  SIGNAL,
  RELAY;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a comma-separated list such as {@code signal,relay}. */
  static Set<NodeRole> parseList(String value) {
    Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
    for (String item : value.split(",")) {
      String name = item.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      NodeRole role = null;
      for (NodeRole candidate : values()) {
        if (candidate.configValue().equals(name)) {
          role = candidate;
        }
      }
      if (role == null) {
        throw new IllegalArgumentException("meshplane.roles: '" + item.trim()
            + "' is not a role (accepted: signal, relay, or both comma-separated)");
      }
      roles.add(role);
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("meshplane.roles: empty (accepted: signal, relay, or both comma-separated)");
    }
    return roles;
  }
}
