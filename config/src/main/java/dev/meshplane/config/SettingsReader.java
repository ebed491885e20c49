package dev.meshplane.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one way settings are read: typed readers that validate, and record a {@link SettingProblem}
 * instead of throwing, so one start-up reports every bad setting at once. A read that fails
 * returns a stand-in value that is never used: every read ends in {@link #read}, which throws a
 * {@link SettingsException} carrying all problems. Cross-setting checks run only when the settings
 * they compare were read cleanly ({@link #ok}), so one bad value never produces a second, confusing
 * line.
 *
 * <p>The rules, the same for every module:
 * <ul>
 *   <li>every key must be present (each module's {@code reference.conf} defines them all); a missing
 *       key is a problem, never a silent zero;
 *   <li>durations are HOCON durations ({@code 500ms}, {@code 10s}, {@code 2m}; a bare number is
 *       milliseconds) and never negative; {@link #duration} needs more than zero, {@link
 *       #durationOrZero} also takes zero where zero means "off";
 *   <li>ports are 0-65535, 0 meaning any free port;
 *   <li>enumerations are written in lower case with {@code -} for {@code _} and read case-insensitively;
 *   <li>secrets are never shown in a problem, only whether they were set.
 * </ul>
 */
public final class SettingsReader {

  private static final String MISSING = "<missing>";
  private static final String REDACTED = "<redacted>";

  private final Config root;
  private final String prefix;
  private final List<SettingProblem> problems;
  private final Set<String> secrets;

  private SettingsReader(Config root, String prefix, List<SettingProblem> problems, Set<String> secrets) {
    this.root = root;
    this.prefix = prefix;
    this.problems = problems;
    this.secrets = secrets;
  }

  /**
   * Reads settings from {@code root} (the whole, resolved configuration) with {@code settings},
   * then throws if anything was wrong.
   *
   * @throws SettingsException naming every problem found
   */
  public static <T> T read(Config root, Function<SettingsReader, T> settings) {
    SettingsReader reader = new SettingsReader(root, "", new ArrayList<>(), new HashSet<>());
    T result = settings.apply(reader);
    if (!reader.problems.isEmpty()) {
      throw new SettingsException(reader.problems);
    }
    return result;
  }

  /**
   * As {@link #read}, with what {@code root} lacks taken from the {@code reference.conf} files that
   * {@code module}'s class loader sees: for programs that run one service without a node.
   */
  public static <T> T readOverDefaults(Config root, Class<?> module, Function<SettingsReader, T> settings) {
    return read(root.withFallback(ConfigFactory.defaultReference(module.getClassLoader())).resolve(), settings);
  }

  /** A reader for the subtree at {@code path} (relative to this one) that shares the problem list. */
  public SettingsReader at(String path) {
    return new SettingsReader(root, path(path), problems, secrets);
  }

  /** The full path of {@code key}, for messages that name another setting. */
  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /** Any text, trimmed; empty is allowed. */
  public String string(String key) {
    return rawString(key, "text").strip();
  }

  /** A host name or IP address (bind address, advertised address): not empty, no spaces. */
  public String host(String key) {
    String value = string(key);
    if (present(key) && !validHost(value)) {
      reject(key, "a host name or IP address, such as 127.0.0.1 or node-1.example.org");
    }
    return value;
  }

  /** As {@link #host}, but empty means "not set". */
  public Optional<String> optionalHost(String key) {
    String value = string(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!validHost(value)) {
      reject(key, "a host name or IP address, or empty");
    }
    return Optional.of(value);
  }

  /** A TCP port, 0-65535; 0 binds any free port. */
  public int port(String key) {
    return (int) whole(key, 0, 65_535, "a port (1-65535, or 0 for any free port)");
  }

  /** A port, or empty (the empty string) for "off". */
  public OptionalInt optionalPort(String key) {
    if (present(key) && rawString(key, "a port").isBlank()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) whole(key, 0, 65_535, "a port (1-65535, or 0 for any free port), or empty for off"));
  }

  /** A whole number in {@code [min, max]}: queue sizes, limits, thresholds. */
  public int count(String key, int min, int max) {
    return (int) whole(key, min, max, "a whole number from " + min + " to " + max);
  }

  /** A size in bytes in {@code [min, max]}: {@code 8820}, {@code 64KiB}, {@code 8m}. */
  public long bytes(String key, long min, long max) {
    return checked(key, "a size in bytes from " + min + " to " + max + " (e.g. 8820, 64KiB, 8MiB)", min,
        root::getBytes, value -> value >= min && value <= max);
  }

  /** A decimal number in {@code [min, max]}. */
  public double number(String key, double min, double max) {
    return checked(key, "a number from " + min + " to " + max, min, root::getDouble,
        value -> value >= min && value <= max);
  }

  /** A duration greater than zero. */
  public Duration duration(String key) {
    return duration(key, false);
  }

  /** A duration of zero or more, where zero means "off" or "no wait". */
  public Duration durationOrZero(String key) {
    return duration(key, true);
  }

  /** {@code true}/{@code false} (also on/off, yes/no). */
  public boolean bool(String key) {
    return checked(key, "true or false", false, root::getBoolean, value -> true);
  }

  /** One constant of {@code type}, written in lower case with {@code -} for {@code _}. */
  public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
    E[] constants = type.getEnumConstants();
    String value = rawString(key, accepted(constants));
    for (E constant : constants) {
      if (spelling(constant).equalsIgnoreCase(value.strip())) {
        return constant;
      }
    }
    if (present(key)) {
      reject(key, accepted(constants));
    }
    return constants[0];
  }

  /** One or more constants of {@code type}, comma-separated. */
  public <E extends Enum<E>> Set<E> someOf(String key, Class<E> type) {
    E[] constants = type.getEnumConstants();
    String accepted = "one or more of " + accepted(constants) + ", comma-separated";
    Set<E> result = EnumSet.noneOf(type);
    boolean bad = false;
    for (String item : list(key)) {
      Optional<E> match = Arrays.stream(constants).filter(c -> spelling(c).equalsIgnoreCase(item)).findFirst();
      match.ifPresent(result::add);
      bad |= match.isEmpty();
    }
    if (present(key) && (bad || result.isEmpty())) {
      reject(key, accepted);
      return EnumSet.of(constants[0]);
    }
    return result.isEmpty() ? EnumSet.of(constants[0]) : result;
  }

  /** The non-empty, trimmed items of a comma-separated value. */
  public List<String> list(String key) {
    return Arrays.stream(rawString(key, "a comma-separated list").split(","))
        .map(String::strip)
        .filter(item -> !item.isEmpty())
        .toList();
  }

  /** A secret, exactly as written (no trimming: openzro uses secrets raw); never shown in a problem. */
  public String secret(String key) {
    secrets.add(path(key));
    return rawString(key, "a secret");
  }

  /** A readable file, or empty (the empty string) for "not set". */
  public Optional<Path> optionalFile(String key) {
    String value = string(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path file = Path.of(value);
    if (!Files.isReadable(file)) {
      reject(key, "a readable file, or empty");
    }
    return Optional.of(file);
  }

  /** Two files that go together, such as a certificate and its key. */
  public record FilePair(Path first, Path second) {}

  /** What makes two files usable together; throws with a reason when they are not. */
  @FunctionalInterface
  public interface PairCheck {
    void check(Path first, Path second) throws Exception;
  }

  /**
   * Two readable files set together, or neither (both empty), that pass {@code check} (for
   * example, a certificate and key that load): {@code accepted} says what the check wants.
   */
  public Optional<FilePair> filePair(String firstKey, String secondKey, String accepted, PairCheck check) {
    Optional<Path> first = optionalFile(firstKey);
    Optional<Path> second = optionalFile(secondKey);
    if (first.isPresent() && second.isPresent()) {
      if (ok(firstKey, secondKey)) {
        try {
          check.check(first.get(), second.get());
        } catch (Exception e) {
          reject(firstKey, accepted + " (" + e.getMessage() + ")");
        }
      }
      return Optional.of(new FilePair(first.get(), second.get()));
    }
    if (first.isPresent() != second.isPresent()) {
      String missing = first.isPresent() ? secondKey : firstKey;
      reject(missing, "a file set together with " + path(first.isPresent() ? firstKey : secondKey) + ", or neither");
    }
    return Optional.empty();
  }

  /**
   * Records a problem with the value {@code key} has, for checks a typed reader cannot make (a
   * value that must exceed another setting, two settings that go together).
   */
  public void reject(String key, String accepted) {
    problems.add(new SettingProblem(path(key), describe(key), accepted, source(key)));
  }

  /** Whether none of {@code keys} has a problem: cross-setting checks run only then. */
  public boolean ok(String... keys) {
    Set<String> bad = problems.stream().map(SettingProblem::key).collect(Collectors.toSet());
    return Arrays.stream(keys).map(this::path).noneMatch(bad::contains);
  }

  // ------------------------------------------------------------------------------------------

  private Duration duration(String key, boolean zeroAllowed) {
    return checked(key, (zeroAllowed ? "a duration of zero or more" : "a duration greater than zero")
        + " (e.g. 500ms, 10s, 2m)", Duration.ofSeconds(1), root::getDuration,
        value -> !value.isNegative() && (zeroAllowed || !value.isZero()));
  }

  private long whole(String key, long min, long max, String accepted) {
    // getLong would quietly truncate 1.5 to 1.
    Number number = checked(key, accepted, min, root::getNumber,
        value -> (value instanceof Integer || value instanceof Long) && value.longValue() >= min
            && value.longValue() <= max);
    return number.longValue();
  }

  /**
   * The value at {@code key} as {@code get} reads it, if {@code valid}; otherwise a problem and
   * {@code standIn}.
   */
  private <T> T checked(String key, String accepted, T standIn, Function<String, T> get, Predicate<T> valid) {
    if (!present(key)) {
      return missing(key, accepted, standIn);
    }
    try {
      T value = get.apply(path(key));
      if (valid.test(value)) {
        return value;
      }
    } catch (ConfigException e) {
      // the value has the wrong type: reported below like a value out of range
    }
    reject(key, accepted);
    return standIn;
  }

  private String rawString(String key, String accepted) {
    if (!present(key)) {
      return missing(key, accepted, "");
    }
    try {
      return root.getString(path(key));
    } catch (ConfigException e) {
      reject(key, accepted);
      return "";
    }
  }

  private <T> T missing(String key, String accepted, T standIn) {
    problems.add(new SettingProblem(path(key), MISSING, accepted, "nowhere"));
    return standIn;
  }

  private boolean present(String key) {
    return root.hasPath(path(key));
  }

  private String describe(String key) {
    String path = path(key);
    if (!root.hasPathOrNull(path)) {
      return MISSING;
    }
    ConfigValue value = root.getValue(path);
    if (secrets.contains(path)) {
      return value.unwrapped() instanceof String s && s.isEmpty() ? "''" : REDACTED;
    }
    return value.unwrapped() instanceof String s ? "'" + s + "'" : value.render(ConfigRenderOptions.concise());
  }

  private String source(String key) {
    String path = path(key);
    if (!root.hasPathOrNull(path)) {
      return "nowhere";
    }
    ConfigOrigin origin = root.getValue(path).origin();
    String description = origin.description();
    if (description.startsWith(EnvOverrides.ORIGIN)) {
      return description;
    }
    if (description.startsWith("system properties")) {
      return "-D" + path;
    }
    // Before the file name: a classpath resource run from a classes folder has one too.
    if (origin.resource() != null) {
      return "default";
    }
    if (origin.filename() != null) {
      return "file " + origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return description;
  }

  private static boolean validHost(String value) {
    return !value.isEmpty() && value.chars().noneMatch(Character::isWhitespace) && !value.contains("://")
        && !value.contains("/");
  }

  private static String spelling(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String accepted(Enum<?>[] constants) {
    return Arrays.stream(constants).map(SettingsReader::spelling).collect(Collectors.joining(", "));
  }
}
