/**
 * The settings layer every module reads through: {@link dev.meshplane.config.SettingsReader}
 * (typed, validating readers that gather every problem), {@link dev.meshplane.config.SettingsException}
 * (the one exception, carrying each {@link dev.meshplane.config.SettingProblem}: key, rejected value,
 * accepted values, and where the value came from) and {@link dev.meshplane.config.EnvOverrides} (the
 * one table of environment variables, openzro's names included). Each module keeps its own typed
 * settings records and its {@code reference.conf}; none parses values by itself.
 */
package dev.meshplane.config;
