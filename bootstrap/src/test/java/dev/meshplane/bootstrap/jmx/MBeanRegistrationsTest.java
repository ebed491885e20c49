package dev.meshplane.bootstrap.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class MBeanRegistrationsTest {

  public interface ProbeMBean {
    int getValue();
  }

  public static final class Probe implements ProbeMBean {
    @Override
    public int getValue() {
      return 1;
    }
  }

  private static Map<String, Object> beans() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("Cluster", new Probe());
    beans.put("Sharding", new Probe());
    return beans;
  }

  private static ObjectName name(String properties) throws Exception {
    return new ObjectName("dev.meshplane:" + properties);
  }

  private static Set<ObjectName> registered(MBeanServer server) throws Exception {
    return server.queryNames(name("*"), null);
  }

  @Test
  void laterNodesInOneJvmGetPortThenInstanceSuffixes() throws Exception {
    MBeanServer server = MBeanServerFactory.newMBeanServer();
    MBeanRegistrations.register(server, 25520, beans());
    assertEquals(Set.of(name("type=Cluster"), name("type=Sharding")), registered(server));
    MBeanRegistrations second = MBeanRegistrations.register(server, 25521, beans());
    MBeanRegistrations.register(server, 25521, beans());
    assertEquals(Set.of(name("type=Cluster"), name("type=Sharding"),
        name("type=Cluster,port=25521"), name("type=Sharding,port=25521"),
        name("type=Cluster,port=25521,instance=2"), name("type=Sharding,port=25521,instance=2")),
        registered(server));

    second.unregisterAll();
    second.unregisterAll();
    assertEquals(Set.of(name("type=Cluster"), name("type=Sharding"),
        name("type=Cluster,port=25521,instance=2"), name("type=Sharding,port=25521,instance=2")),
        registered(server), "only the second node's MBeans are gone");
    assertEquals(1, server.getAttribute(name("type=Cluster"), "Value"));
  }
}
