package dev.meshplane.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings that stop start-up. The only exception the settings layer throws: it carries every
 * problem found, so an operator fixes them all in one round instead of one per restart.
 */
public final class SettingsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<SettingProblem> problems;

  public SettingsException(List<SettingProblem> problems) {
    super(problems.stream().map(SettingProblem::line).collect(Collectors.joining("\n")), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a SettingsException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public SettingsException(SettingProblem problem) {
    this(List.of(problem));
  }

  /** In the order they were found. */
  public List<SettingProblem> problems() {
    return problems;
  }

  /** The problem with {@code key}, for callers and tests that care about one setting. */
  public SettingProblem problem(String key) {
    return problems.stream().filter(p -> p.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no problem with " + key + " in: " + getMessage()));
  }
}
