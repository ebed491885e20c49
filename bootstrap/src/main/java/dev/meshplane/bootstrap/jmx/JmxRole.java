package dev.meshplane.bootstrap.jmx;

/** What a remote JMX login may do; {@link JmxAccessPolicy} has the details. */
public enum JmxRole {
  /** Reads the {@code dev.meshplane} MBeans. */
  READER,
  /** Reads them and runs their operations ({@code leave}, {@code rebalance}). */
  OPERATOR
}
