package dev.meshplane.bootstrap.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.Test;

class RemoteJmxServerTest {

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void registryAndConnectorShareOnePort() throws Exception {
    MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    int port = freePort();
    try (RemoteJmxServer server = RemoteJmxServer.start(mbeans, TestJmx.loopback(port))) {
      // The stub a client gets from the registry names the endpoint it will call next: it must be
      // the same port, or a firewall that opens only this port would let the lookup through and
      // then block every call.
      Registry registry = LocateRegistry.getRegistry("127.0.0.1", port);
      String stub = registry.lookup("jmxrmi").toString();
      assertTrue(stub.matches(".*endpoint:\\[127\\.0\\.0\\.1:" + port + "[],].*"), "port " + port + ": " + stub);

      try (JMXConnector client = JMXConnectorFactory.connect(RemoteJmxServer.serviceUrl("127.0.0.1", port))) {
        assertEquals(mbeans.getMBeanCount(), client.getMBeanServerConnection().getMBeanCount());
      }
    }
    assertThrows(IOException.class, () -> JMXConnectorFactory.connect(RemoteJmxServer.serviceUrl("127.0.0.1", port)));
  }
}
