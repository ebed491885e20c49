package dev.meshplane.bootstrap.certs;

import dev.meshplane.bootstrap.certs.CertificateAuthority.NodeCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./meshplane certs DIR --nodes HOST,...}: certificates for remoting's mutual TLS where no
 * certificate manager runs (bare metal, tests). Writes a CA to {@code DIR/ca.crt} and
 * {@code DIR/ca.key}, and for each node {@code DIR/<host>/tls.crt, tls.key, ca.crt}: the directory
 * to give that node as {@code MESHPLANE_REMOTING_TLS_DIR}. A CA already in {@code DIR} is reused,
 * so running it again adds nodes (or renews their certificates) to the same cluster.
 *
 * <p>Exit codes: 0 done, 2 bad arguments, 1 the files could not be made.
 */
public final class Certs {

  static final int BAD_ARGUMENTS = 2;
  static final int FAILED = 1;

  private static final String USAGE =
      "usage: meshplane certs DIR --nodes HOST[,HOST...] [--cluster NAME] [--days N]\n"
          + "  DIR        where the CA (ca.crt, ca.key) is, or is made, and one directory per node goes\n"
          + "  --nodes    each node's address, IP or DNS name (its MESHPLANE_HOST)\n"
          + "  --cluster  name every node certificate carries; nodes accept only peers with the same one\n"
          + "             (default meshplane)\n"
          + "  --days     how long node certificates are valid (default 365; the CA: 10 years)";

  private static final int MAX_DAYS = 3650;
  private static final Set<String> SECRET = Set.of("ca.key", "tls.key");

  private Certs() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Arguments as understood: where, for which hosts, which cluster name, how long. */
  record Request(Path dir, List<String> hosts, String cluster, Duration validity) {}

  /** Runs the command, writing what it made to {@code out} and problems to {@code err}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Request request;
    try {
      request = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("meshplane certs: " + e.getMessage());
      err.println(USAGE);
      return BAD_ARGUMENTS;
    }
    try {
      write(request, out);
      return 0;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      err.println("meshplane certs: cannot make the certificates: " + e.getMessage());
      return FAILED;
    }
  }

  static Request parse(String[] args) {
    Path dir = null;
    List<String> hosts = List.of();
    String cluster = "meshplane";
    int days = 365;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--nodes" -> hosts = hosts(value(args, ++i, arg));
        case "--cluster" -> cluster = value(args, ++i, arg).strip();
        case "--days" -> days = days(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("-") || dir != null) {
            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
          }
          dir = Path.of(arg);
        }
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("DIR is missing");
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("--nodes is missing");
    }
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("--cluster needs a name");
    }
    return new Request(dir, hosts, cluster, Duration.ofDays(days));
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static List<String> hosts(String list) {
    Set<String> hosts = new LinkedHashSet<>();
    for (String host : list.split(",")) {
      String trimmed = host.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!CertificateAuthority.validHost(trimmed)) {
        throw new IllegalArgumentException("'" + trimmed + "' is not an IP address or a DNS name");
      }
      hosts.add(trimmed);
    }
    return List.copyOf(hosts);
  }

  private static int days(String value) {
    try {
      int days = Integer.parseInt(value.strip());
      if (days >= 1 && days <= MAX_DAYS) {
        return days;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--days takes a whole number from 1 to " + MAX_DAYS + ", not '" + value + "'");
  }

  private static void write(Request request, PrintStream out) throws IOException, GeneralSecurityException {
    Files.createDirectories(request.dir());
    Path caCertificate = request.dir().resolve("ca.crt");
    Path caKey = request.dir().resolve("ca.key");
    CertificateAuthority ca;
    if (Files.exists(caCertificate) || Files.exists(caKey)) {
      if (!Files.exists(caCertificate) || !Files.exists(caKey)) {
        throw new IllegalArgumentException(request.dir() + " holds only one of ca.crt and ca.key");
      }
      ca = CertificateAuthority.load(Files.readString(caCertificate, StandardCharsets.US_ASCII),
          Files.readString(caKey, StandardCharsets.US_ASCII));
      out.println("reusing the CA in " + caCertificate);
    } else {
      ca = CertificateAuthority.create(request.cluster() + " CA");
      writeFile(caCertificate, Pem.encode(Pem.CERTIFICATE, ca.certificate().getEncoded()));
      writeFile(caKey, Pem.encode(Pem.PRIVATE_KEY, ca.key().getEncoded()));
      out.println("new CA " + caCertificate + "; keep " + caKey + " off the nodes, it signs new members");
    }
    String caPem = Pem.encode(Pem.CERTIFICATE, ca.certificate().getEncoded());
    List<String> written = new ArrayList<>();
    for (String host : request.hosts()) {
      NodeCertificate node = ca.issue(host, request.cluster(), request.validity());
      Path dir = Files.createDirectories(request.dir().resolve(host));
      writeFile(dir.resolve("tls.key"), Pem.encode(Pem.PRIVATE_KEY, node.key().getEncoded()));
      writeFile(dir.resolve("tls.crt"), Pem.encode(Pem.CERTIFICATE, node.certificate().getEncoded()));
      writeFile(dir.resolve("ca.crt"), caPem);
      written.add("  " + host + ": MESHPLANE_REMOTING_TLS_DIR=" + dir.toAbsolutePath() + " (valid until "
          + node.certificate().getNotAfter().toInstant() + ")");
    }
    out.println("node certificates for cluster '" + request.cluster() + "':");
    written.forEach(out::println);
  }

  /**
   * Replaces {@code file} in one step, so a node re-reading its files never sees half of one. Keys
   * are readable by their owner only from the moment they exist.
   */
  private static void writeFile(Path file, String text) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    String mode = SECRET.contains(file.getFileName().toString()) ? "rw-------" : "rw-r--r--";
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", attributes);
    try {
      Files.writeString(temporary, text, StandardCharsets.US_ASCII);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
