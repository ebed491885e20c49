/**
 * JMX inspection of a running node: standard MBeans under {@code dev.meshplane:type=Cluster},
 * {@code type=Sharding}, {@code type=Signal} (nodes that run signal) and {@code type=Relay} (nodes
 * that run the relay, with its fabric to the other relay nodes), an optional remote JMX connector
 * on a single port (logins with a reader and an operator role, TLS, and only these MBeans
 * reachable), and the {@code ./meshplane inspect} client that prints them as tables.
 *
 * <p>Attributes use only open types (String, int, long, boolean, String[]) so jconsole or any
 * plain JMX client can read them without meshplane's classes on its classpath.
 */
package dev.meshplane.bootstrap.jmx;
