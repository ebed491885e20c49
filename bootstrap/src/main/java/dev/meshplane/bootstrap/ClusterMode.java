package dev.meshplane.bootstrap;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code meshplane.cluster.mode}, named as in the openzro chart's {@code cluster.mode}. */
public enum ClusterMode {
  /** One node that joins itself; no discovery, no broker. */
  DISABLED,
  /** N nodes form one Pekko cluster through Cluster Bootstrap. */
  EMBEDDED,
  /** As embedded, plus bridges to an existing NATS or Redis shared with Go openzro components. */
  EXTERNAL;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ClusterMode parse(String value) {
    for (ClusterMode mode : values()) {
      if (mode.configValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("meshplane.cluster.mode: '" + value + "' is not a mode (accepted: "
        + Arrays.stream(values()).map(ClusterMode::configValue).collect(Collectors.joining(", ")) + ")");
  }
}
