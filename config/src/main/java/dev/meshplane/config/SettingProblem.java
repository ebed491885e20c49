package dev.meshplane.config;

/**
 * One invalid or missing setting, as an operator needs to see it: the key, the value that was
 * rejected, what would have been accepted, and where the value came from.
 *
 * @param key the full setting path, e.g. {@code meshplane.signal.port}
 * @param value the rejected value as written ({@code <redacted>} for secrets, {@code <missing>}
 *     when absent)
 * @param accepted what the setting accepts, in words an operator can act on
 * @param source where the value came from: {@code env NAME}, {@code -Dkey}, {@code file NAME:LINE}
 *     or {@code default}
 */
public record SettingProblem(String key, String value, String accepted, String source) {

  /** The line start-up prints for this problem (after {@code meshplane: }). */
  public String line() {
    return "invalid setting " + key + " = " + value + " (from " + source + "); accepted: " + accepted;
  }
}
