package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.FabricProtocolLimits;
import java.nio.ByteOrder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a fabric byte stream into whole frames (openzro relay/server/cluster/frame.go): a 1-byte
 * type, a uint16 big-endian length at offset 1, then the payload.
 *
 * <p>Frames stay {@link ByteString}s, header included: FWD, nearly all the traffic, is read in
 * place ({@code Fwd.MESSAGE_OFFSET}) and its relay message handed to the peer without a copy;
 * every other type goes through {@link FabricFrameCodec#decode(byte[])}. The byte order is
 * passed explicitly because Pekko's default is little-endian. A frame can never exceed the maximum
 * (the uint16 cannot describe more), so the only failure is a stream that ends inside a frame.
 */
final class FabricFraming {

  private FabricFraming() {}

  static Flow<ByteString, ByteString, NotUsed> frames() {
    return Flow.of(ByteString.class)
        .via(Framing.lengthField(2, 1, FabricProtocolLimits.MAX_FRAME_SIZE, ByteOrder.BIG_ENDIAN));
  }
}
