package dev.meshplane.bootstrap.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void laterNodesInOneJvmGetPortThenInstanceSuffixes() throws Exception {
    MBeanServer server = MBeanServerFactory.newMBeanServer();
    MBeanRegistrations first = MBeanRegistrations.register(server, 25520, beans());
    MBeanRegistrations second = MBeanRegistrations.register(server, 25521, beans());
    MBeanRegistrations third = MBeanRegistrations.register(server, 25521, beans());

    assertEquals(List.of(new ObjectName("dev.meshplane:type=Cluster"), new ObjectName("dev.meshplane:type=Sharding")),
        first.names());
    assertEquals(new ObjectName("dev.meshplane:type=Cluster,port=25521"), second.names().get(0));
    assertEquals(new ObjectName("dev.meshplane:type=Sharding,port=25521,instance=2"), third.names().get(1));

    second.unregisterAll();
    second.unregisterAll();
    for (ObjectName name : second.names()) {
      assertFalse(server.isRegistered(name));
    }
    assertEquals(1, server.getAttribute(first.names().get(0), "Value"));
  }
}
