package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrame;
import dev.meshplane.protocol.fabric.FabricFrameCodec;
import java.nio.ByteOrder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.util.ByteString;

/**
 * Byte stream to fabric frames and back (relay-fabric.md §2): a 1-byte type, a uint16 big-endian
 * length at offset 1, then the payload.
 *
 * <p>The length-field stage emits whole frames <em>including</em> the 3-byte header, which is what
 * {@link FabricFrameCodec#decodeExact(byte[])} expects. The byte order is passed explicitly because
 * Pekko's default is little-endian. A frame can never exceed the maximum (the uint16 cannot describe
 * more), so the only framing failure is a stream that ends inside a frame.
 */
public final class FabricFraming {

  private FabricFraming() {
  }

  /** Top: bytes in, frames out. Bottom: frames in, bytes out. */
  public static BidiFlow<ByteString, FabricFrame, FabricFrame, ByteString, NotUsed> codec() {
    Flow<ByteString, FabricFrame, NotUsed> decode = Flow.of(ByteString.class)
        .via(Framing.lengthField(2, 1, FabricFrameCodec.MAX_FRAME_LENGTH, ByteOrder.BIG_ENDIAN))
        .map(bytes -> FabricFrameCodec.decodeExact(bytes.toArray()));
    Flow<FabricFrame, ByteString, NotUsed> encode = Flow.of(FabricFrame.class)
        .map(frame -> ByteString.fromArrayUnsafe(FabricFrameCodec.encode(frame)));
    return BidiFlow.fromFlows(decode, encode);
  }
}
