package dev.meshplane.actors.signal;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.apache.pekko.io.Inet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP keepalive on every accepted signal connection. Pekko HTTP's HTTP/2 pings answer an unacked
 * ping with GOAWAY but do not close the socket, so a peer that vanished (power loss, NAT expiry)
 * would hold its stream until the kernel's default two hours. With keepalive the kernel resets the
 * connection after {@code idle + interval * count}, the stream fails, and the session forgets it.
 */
final class TcpKeepAlive extends Inet.AbstractSocketOption {

  private static final Logger log = LoggerFactory.getLogger(TcpKeepAlive.class);
  private static final int PROBES = 3;

  private final int idleSeconds;
  private final int intervalSeconds;

  TcpKeepAlive(Duration idle, Duration interval) {
    this.idleSeconds = (int) Math.max(1, idle.toSeconds());
    this.intervalSeconds = (int) Math.max(1, interval.toSeconds());
  }

  @Override
  public void afterConnect(Socket socket) {
    try {
      socket.setKeepAlive(true);
      socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
      socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, intervalSeconds);
      socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
    } catch (IOException | UnsupportedOperationException e) {
      // Platforms without the extended options keep the kernel defaults; pings still run.
      log.debug("TCP keepalive tuning not applied: {}", e.toString());
    }
  }
}
