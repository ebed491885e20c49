package dev.meshplane.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node JVMs form one cluster through Cluster Bootstrap with {@code kubernetes-api}
 * discovery, against a local HTTPS stub of the Kubernetes pods endpoint (not a real API server).
 */
class KubernetesApiDiscoveryIT {

  private static final String NAMESPACE = "mesh";
  private static final String TOKEN = "service-account-token-for-the-stub";
  private static final String SERVICE_NAME = "meshplane";
  // Not the default app=%s, so the test shows the meshplane setting reaches the request.
  private static final String LABEL_SELECTOR = "app.kubernetes.io/name=%s";

  @TempDir
  Path serviceAccount;

  private KubernetesApiStub apiServer;
  private LoopbackCluster cluster;

  @AfterEach
  void stopProcesses() {
    if (cluster != null) {
      cluster.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @Test
  @DisplayName("kubernetes-api discovery: three nodes found as pods by label on a STUB of the pods endpoint")
  void threeNodesFoundAsPodsByLabelFormOneCluster() throws Exception {
    cluster = LoopbackCluster.withSharedManagementPort();
    String expectedSelector = LABEL_SELECTOR.formatted(SERVICE_NAME);
    apiServer = KubernetesApiStub.start(serviceAccount, NAMESPACE, TOKEN, expectedSelector,
        LoopbackCluster.ADDRESSES, cluster.managementPort);
    // The files a pod's service account mount provides; Kubernetes writes them without a newline,
    // and Pekko uses their content as is.
    Path token = Files.writeString(serviceAccount.resolve("token"), TOKEN);
    Path namespace = Files.writeString(serviceAccount.resolve("namespace"), NAMESPACE);

    cluster.start("k8s-node", Map.of(
        "MESHPLANE_CLUSTER_MODE", "embedded",
        "MESHPLANE_DISCOVERY", "kubernetes-api",
        "MESHPLANE_DISCOVERY_SERVICE_NAME", SERVICE_NAME,
        "MESHPLANE_DISCOVERY_POD_LABEL_SELECTOR", LABEL_SELECTOR,
        "MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "3",
        "MESHPLANE_ROLES", "signal",
        "KUBERNETES_SERVICE_HOST", "127.0.0.1",
        "KUBERNETES_SERVICE_PORT", Integer.toString(apiServer.port()),
        "JAVA_OPTS", javaOpts(apiServer.caCertificate, token, namespace)));

    cluster.awaitAllReady();
    cluster.awaitAllMembersUpEverywhere();
    cluster.assertSignalCrossesFromFirstToThirdNode();

    List<KubernetesApiStub.Request> requests = apiServer.requests();
    assertFalse(requests.isEmpty(), "no node asked the API stub for pods");
    Set<KubernetesApiStub.Request> distinct = Set.copyOf(requests);
    assertEquals(Set.of(new KubernetesApiStub.Request(
            "/api/v1/namespaces/" + NAMESPACE + "/pods", expectedSelector, "Bearer " + TOKEN)),
        distinct, "requests seen by the API stub: " + distinct.stream().map(Object::toString)
            .collect(Collectors.joining("\n")));
  }

  /**
   * Where the service-account files are, since the test has no /var/run/secrets mount. (Contacting
   * pods by IP rather than by pod DNS name is the node's own setting for this method.)
   */
  private static String javaOpts(Path ca, Path token, Path namespace) {
    // The meshplane script splits JAVA_OPTS on whitespace, so a path must not contain any.
    for (Path path : List.of(ca, token, namespace)) {
      if (path.toString().matches(".*\\s.*")) {
        throw new AssertionError("cannot pass a path with whitespace in JAVA_OPTS: " + path);
      }
    }
    String prefix = "-Dpekko.discovery.kubernetes-api.";
    return String.join(" ",
        "-Xmx384m",
        prefix + "api-ca-path=" + ca,
        prefix + "api-token-path=" + token,
        prefix + "pod-namespace-path=" + namespace);
  }
}
