package dev.meshplane.relay;

import dev.meshplane.protocol.relay.AuthTokenV2;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.Materializer;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What every connection of one running relay shares: settings, store, metrics, the token
 * validator, the precomputed AuthResponse (computed once at start), the stream and timer
 * machinery, and the way to other nodes ({@link RemotePeers#NONE} until a fabric is attached).
 */
record RelayRuntime(
    RelaySettings settings,
    PeerStore store,
    RelayMetrics metrics,
    AuthTokenV2 tokens,
    Message authResponse,
    Clock clock,
    Materializer materializer,
    Scheduler scheduler,
    ExecutionContextExecutor executor,
    Consumer<PeerConnection> onClosed,
    AtomicReference<RemotePeers> remote) {
}
