package dev.meshplane.bootstrap.jmx;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.AccessController;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.ObjectInstance;
import javax.management.ObjectName;
import javax.management.QueryExp;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * What a remote JMX client may do, checked in front of the MBean server of the remote connector
 * only (local tools attaching to the process are not affected).
 *
 * <ul>
 *   <li>Every login, and anyone on a loopback port without accounts, reads the
 *       {@value MBeanRegistrations#DOMAIN} MBeans and Pekko's {@code pekko:type=Cluster} (the same
 *       membership as JSON): attributes, MBean info, notifications, and queries, which see only
 *       those names (and the MBean server delegate, which JMX clients watch for registrations).
 *   <li>The {@link JmxRole#OPERATOR operator} also invokes the {@value MBeanRegistrations#DOMAIN}
 *       operations ({@code leave}, {@code rebalance}) and sets their attributes.
 *   <li>Nobody reaches any other MBean: the JVM's {@code DiagnosticCommand} and
 *       {@code HotSpotDiagnostic} load agents and dump the heap with every secret in it, and
 *       {@code java.lang:type=Runtime} lists system properties; nor runs Pekko's cluster
 *       operations, which down any member. Nobody creates, registers or unregisters MBeans (an
 *       {@code MLet} loads code from any URL).
 * </ul>
 *
 * <p>Refusals are {@link SecurityException}s, which every JMX client knows.
 */
final class JmxAccessPolicy implements InvocationHandler {

  private static final MethodHandle CURRENT_SUBJECT = currentSubjectHandle();

  /** Read calls, allowed on visible names for every role. */
  private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "isRegistered",
      "isInstanceOf", "getObjectInstance");
  /** Calls that change an MBean, allowed on our own MBeans for the operator. */
  private static final Set<String> WRITES = Set.of("invoke", "setAttribute", "setAttributes");

  /** Role of calls that carry no login: a loopback port without accounts, and the JMX runtime's own calls. */
  private static final JmxRole ANONYMOUS = JmxRole.READER;

  private MBeanServer next;

  private JmxAccessPolicy() {}

  /** A forwarder to put in front of the connector's MBean server. */
  static MBeanServerForwarder forwarder() {
    return (MBeanServerForwarder) Proxy.newProxyInstance(JmxAccessPolicy.class.getClassLoader(),
        new Class<?>[] {MBeanServerForwarder.class}, new JmxAccessPolicy());
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    switch (name) {
      case "getMBeanServer":
        return next;
      case "setMBeanServer":
        next = (MBeanServer) args[0];
        return null;
      case "toString":
        return "JmxAccessPolicy(" + next + ")";
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return proxy == args[0];
      default:
        break;
    }
    Optional<JmxRole> role = callerRole();
    if (role.isEmpty()) {
      throw new SecurityException("JMX access denied: the login has no meshplane role");
    }
    switch (name) {
      case "queryNames":
        return visibleNames((ObjectName) args[0], (QueryExp) args[1]);
      case "queryMBeans":
        return visibleInstances((ObjectName) args[0], (QueryExp) args[1]);
      case "getMBeanCount":
        return visibleNames(null, null).size();
      case "getDomains":
        return visibleDomains();
      case "getDefaultDomain":
      case "getClassLoaderRepository":
        // The connector itself asks for the repository when a client connects; clients cannot.
        return forward(method, args);
      case "getClassLoaderFor":
        // The connector asks for an MBean's loader to deserialize the arguments sent to it.
        return forwardIfVisible(method, args);
      case "addNotificationListener":
      case "removeNotificationListener":
        // The forms that take an ObjectName as listener make one MBean call another.
        if (method.getParameterTypes()[1] == ObjectName.class) {
          throw denied(name, (ObjectName) args[0]);
        }
        return forwardIfVisible(method, args);
      default:
        break;
    }
    if (READS.contains(name)) {
      return forwardIfVisible(method, args);
    }
    if (WRITES.contains(name)) {
      ObjectName target = (ObjectName) args[0];
      if (role.get() != JmxRole.OPERATOR) {
        throw new SecurityException("JMX access denied: " + name + " on " + target + " needs the operator login");
      }
      if (!ours(target)) {
        throw denied(name, target);
      }
      return forward(method, args);
    }
    // createMBean, registerMBean, unregisterMBean, instantiate, deserialize, getClassLoader (an
    // MLet's, for createMBean), and anything a later JDK adds.
    throw new SecurityException("JMX access denied: " + name + " is not allowed remotely");
  }

  private Object forwardIfVisible(Method method, Object[] args) throws Throwable {
    ObjectName target = (ObjectName) args[0];
    if (!visible(target)) {
      throw denied(method.getName(), target);
    }
    return forward(method, args);
  }

  private Object forward(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(next, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The names the pattern and query select among the visible ones. The query is evaluated on
   * visible names only, so it cannot read other MBeans' attributes either.
   */
  private Set<ObjectName> visibleNames(ObjectName pattern, QueryExp query) {
    Set<ObjectName> names = new LinkedHashSet<>();
    for (ObjectName candidate : next.queryNames(pattern, null)) {
      if (visible(candidate) && matches(query, candidate)) {
        names.add(candidate);
      }
    }
    return names;
  }

  private Set<ObjectInstance> visibleInstances(ObjectName pattern, QueryExp query) {
    Set<ObjectInstance> instances = new LinkedHashSet<>();
    for (ObjectName candidate : visibleNames(pattern, query)) {
      try {
        instances.add(next.getObjectInstance(candidate));
      } catch (InstanceNotFoundException gone) {
        // Unregistered since the query: not there any more.
      }
    }
    return instances;
  }

  private String[] visibleDomains() {
    Set<String> domains = new TreeSet<>();
    visibleNames(null, null).forEach(name -> domains.add(name.getDomain()));
    return domains.toArray(String[]::new);
  }

  private boolean matches(QueryExp query, ObjectName name) {
    if (query == null) {
      return true;
    }
    query.setMBeanServer(next);
    try {
      return query.apply(name);
    } catch (Exception e) {
      // As the MBean server does: a query that fails on a name does not select it.
      return false;
    }
  }

  private static boolean visible(ObjectName name) {
    return name != null && !name.isPattern() && (ours(name) || pekkoCluster(name)
        || name.equals(MBeanServerDelegate.DELEGATE_NAME));
  }

  /** {@code pekko:type=Cluster}, with {@code ,port=N} when several nodes share a JVM. */
  private static boolean pekkoCluster(ObjectName name) {
    return "pekko".equals(name.getDomain()) && "Cluster".equals(name.getKeyProperty("type"));
  }

  private static boolean ours(ObjectName name) {
    return name != null && !name.isPattern() && MBeanRegistrations.DOMAIN.equals(name.getDomain());
  }

  private static SecurityException denied(String call, ObjectName name) {
    return new SecurityException("JMX access denied: " + call + " on " + name + " is not allowed remotely (only "
        + MBeanRegistrations.DOMAIN + " MBeans, and reading pekko:type=Cluster)");
  }

  /**
   * The role of the login this call runs for. The connector runs each client's calls as its
   * authenticated {@link Subject}; calls without one are a loopback port without accounts, or the
   * JMX runtime's own bookkeeping (notification buffers), and may read. A subject without a role
   * (a delegated one) may do nothing.
   */
  private static Optional<JmxRole> callerRole() {
    Subject subject = currentSubject();
    if (subject == null) {
      return Optional.of(ANONYMOUS);
    }
    return subject.getPrincipals(JmxRolePrincipal.class).stream().map(JmxRolePrincipal::role).findFirst();
  }

  @SuppressWarnings("removal")
  private static Subject currentSubject() {
    if (CURRENT_SUBJECT != null) {
      try {
        return (Subject) CURRENT_SUBJECT.invokeExact();
      } catch (Throwable e) {
        throw new IllegalStateException("cannot read the JMX caller's subject", e);
      }
    }
    return Subject.getSubject(AccessController.getContext());
  }

  /**
   * {@code Subject.current()} where it exists (Java 18 and later, where the connector may no
   * longer use access control contexts); on Java 17 the subject is read from the context.
   */
  private static MethodHandle currentSubjectHandle() {
    try {
      return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
