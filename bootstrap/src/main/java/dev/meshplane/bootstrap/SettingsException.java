package dev.meshplane.bootstrap;

/** A setting is missing or invalid. The message is one line: the setting, and what it accepts. */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }

  public SettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
