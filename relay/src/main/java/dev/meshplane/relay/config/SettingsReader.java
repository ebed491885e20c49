package dev.meshplane.relay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Reads typed values from one settings subtree and fails with a one-line message naming the full
 * key, the value found and what is accepted, so a bad setting stops start-up with an error an
 * operator can act on.
 */
public final class SettingsReader {

  private final Config config;
  private final String prefix;

  /** @param prefix the subtree's path, used only in messages (e.g. {@code meshplane.relay}) */
  public SettingsReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  public String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(prefix + "." + key + ": " + describe(key) + " is not a string");
    }
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(prefix + "." + key + ": " + describe(key) + " is not valid (accepted: true, false)");
    }
  }

  /** @param problem completes "KEY: VALUE ..." e.g. "is not a port (1-65535)" */
  public int intIn(String key, int min, int max, String problem) {
    long value;
    try {
      value = config.getLong(key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(prefix + "." + key + ": " + describe(key) + " " + problem);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(prefix + "." + key + ": " + value + " " + problem);
    }
    return (int) value;
  }

  public Duration positiveDuration(String key) {
    Duration value;
    try {
      value = config.getDuration(key);
    } catch (ConfigException e) {
      value = Duration.ZERO;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(prefix + "." + key + ": " + describe(key)
          + " is not a duration (accepted: a positive duration such as 500ms, 10s, 2m)");
    }
    return value;
  }

  public IllegalArgumentException invalid(String key, String value, String accepted) {
    return new IllegalArgumentException(prefix + "." + key + ": " + value + " is not valid (accepted: " + accepted + ")");
  }

  /** The value as written in the config, for messages. */
  public String describe(String key) {
    try {
      return config.hasPathOrNull(key) ? config.getValue(key).render() : "<missing>";
    } catch (ConfigException e) {
      return "<unreadable>";
    }
  }
}
