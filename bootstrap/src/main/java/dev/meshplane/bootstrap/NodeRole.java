package dev.meshplane.bootstrap;

import java.util.Locale;

/** Services a node runs ({@code meshplane.roles}, env {@code MESHPLANE_ROLES}). */
public enum NodeRole {
  SIGNAL,
  RELAY;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
