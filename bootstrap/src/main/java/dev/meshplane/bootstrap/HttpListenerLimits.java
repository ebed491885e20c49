package dev.meshplane.bootstrap;

import dev.meshplane.config.SettingsReader;
import java.time.Duration;

/**
 * Limits of one operator HTTP listener ({@code meshplane.management.*}, {@code meshplane.metrics.*});
 * {@link OperatorHttpListener} says how they are enforced.
 *
 * @param maxConnections connections kept open at most
 * @param idleTimeout how long a connection may go without a request in progress
 * @param requestTimeout how long answering one request may take
 */
public record HttpListenerLimits(int maxConnections, Duration idleTimeout, Duration requestTimeout) {

  /** Reads {@code max-connections}, {@code idle-timeout} and {@code request-timeout} under {@code r}. */
  static HttpListenerLimits read(SettingsReader r) {
    return new HttpListenerLimits(
        r.count("max-connections", 1, 100_000),
        r.duration("idle-timeout"),
        r.duration("request-timeout"));
  }
}
