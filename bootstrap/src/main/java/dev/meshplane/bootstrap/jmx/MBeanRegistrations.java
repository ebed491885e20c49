package dev.meshplane.bootstrap.jmx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one node's MBeans under {@value #DOMAIN} and unregisters exactly those again.
 *
 * <p>Several nodes can share a JVM (tests do), and MBean names are per JVM. The first node gets the
 * plain names ({@code dev.meshplane:type=Cluster}); later ones add {@code ,port=<remoting port>},
 * as Pekko's own cluster MBean does, and {@code ,instance=N} if even that is taken.
 */
final class MBeanRegistrations {

  static final String DOMAIN = "dev.meshplane";

  private static final Logger log = LoggerFactory.getLogger(MBeanRegistrations.class);

  private final MBeanServer server;
  private final List<ObjectName> names;

  private MBeanRegistrations(MBeanServer server, List<ObjectName> names) {
    this.server = server;
    this.names = List.copyOf(names);
  }

  /**
   * Registers every bean of {@code beansByType} (type key → MBean) under the first suffix free for
   * all of them. Synchronized so two nodes starting at once cannot pick the same suffix.
   */
  static synchronized MBeanRegistrations register(
      MBeanServer server, int remotingPort, Map<String, Object> beansByType) {
    String suffix = freeSuffix(server, remotingPort, beansByType.keySet());
    List<ObjectName> registered = new ArrayList<>();
    try {
      for (Map.Entry<String, Object> bean : new LinkedHashMap<>(beansByType).entrySet()) {
        ObjectName name = name(bean.getKey(), suffix);
        server.registerMBean(bean.getValue(), name);
        registered.add(name);
      }
    } catch (JMException e) {
      new MBeanRegistrations(server, registered).unregisterAll();
      throw new IllegalStateException("cannot register MBeans under " + DOMAIN + ": " + e.getMessage(), e);
    }
    log.info("MBeans registered: {}", registered);
    return new MBeanRegistrations(server, registered);
  }

  /** Unregisters this node's MBeans; ones already gone are skipped, so calling twice is harmless. */
  void unregisterAll() {
    for (ObjectName name : names) {
      try {
        server.unregisterMBean(name);
      } catch (InstanceNotFoundException e) {
        // Already gone: someone unregistered it by hand; nothing left to clean up.
      } catch (JMException e) {
        log.warn("Cannot unregister MBean {}: {}", name, e.toString());
      }
    }
  }

  static ObjectName name(String type, String suffix) {
    try {
      return new ObjectName(DOMAIN + ":type=" + type + suffix);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("bad MBean name for type " + type + suffix, e);
    }
  }

  private static String freeSuffix(MBeanServer server, int remotingPort, Iterable<String> types) {
    if (allFree(server, "", types)) {
      return "";
    }
    String port = ",port=" + remotingPort;
    if (allFree(server, port, types)) {
      return port;
    }
    for (int instance = 2; ; instance++) {
      String candidate = port + ",instance=" + instance;
      if (allFree(server, candidate, types)) {
        return candidate;
      }
    }
  }

  private static boolean allFree(MBeanServer server, String suffix, Iterable<String> types) {
    for (String type : types) {
      if (server.isRegistered(name(type, suffix))) {
        return false;
      }
    }
    return true;
  }
}
