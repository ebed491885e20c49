package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.FabricMessage;
import dev.meshplane.protocol.fabric.IHave;
import dev.meshplane.protocol.fabric.Ping;
import dev.meshplane.protocol.fabric.WhoHas;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.scaladsl.Framing;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The live framing fed a stream in pieces: one byte at a time, cut inside the 3-byte header, cut
 * inside a payload, and several frames in one piece. First through {@link FabricFraming} itself,
 * where the pieces are exactly the ones given, then over a loopback socket to a real fabric, where
 * a HELLO and a WHO_HAS written in pieces must still get their I_HAVE. Frames are built by hand
 * ({@link RawFabric}), not by the codec under test.
 */
class FabricFramingTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final PeerId PEER = PeerId.fromPublicKey("peer-a");
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMESTAMP = 1_700_000_000L;
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final byte[] WHO_HAS = frame(0x01, PEER.toBytes());
  /** An unknown type whose payload looks like a WHO_HAS header: it must not shift the next frame. */
  private static final byte[] UNKNOWN = frame(0x42, HEX.parseHex("010024"));
  private static final byte[] I_HAVE = frame(0x02, concat(PEER.toBytes(), HEX.parseHex("00000007")));
  private static final byte[] PING = frame(0x20, new byte[0]);
  private static final byte[] FWD = frame(0x14, concat(PEER.toBytes(), transport("ping")));
  private static final List<byte[]> FRAMES = List.of(WHO_HAS, UNKNOWN, I_HAVE, PING, FWD);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-framing-test");

  private final FakeLocalPeers peers = new FakeLocalPeers(PEER);
  private RelayFabric fabric;

  // ------------------------------------------------------------ the framing stage

  /** The same bytes, cut in different places. */
  static Stream<Arguments> pieces() {
    byte[] wire = join(FRAMES);
    int secondFrame = WHO_HAS.length;
    return Stream.of(
        Arguments.of("one byte at a time", cutEvery(wire, 1)),
        Arguments.of("cut after 1 and 2 header bytes", cutAt(wire, 1, 2, secondFrame + 1, secondFrame + 2)),
        Arguments.of("cut inside payloads", cutAt(wire, 3 + 10, secondFrame + 3 + 1, wire.length - 5)),
        Arguments.of("cut every 7 bytes, across frame boundaries", cutEvery(wire, 7)),
        Arguments.of("all frames in one piece", List.of(wire)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pieces")
  void framesComeOutWholeWhereverTheStreamIsCut(String name, List<byte[]> chunks) throws Exception {
    List<ByteString> frames = run(chunks);

    assertEquals(hex(FRAMES), frames.stream().map(frame -> HEX.formatHex(frame.toArray())).toList());
    List<Optional<FabricMessage>> messages = frames.stream()
        .filter(frame -> (frame.apply(0) & 0xFF) != 0x14) // FWD is read in place, never decoded
        .map(frame -> FabricMessage.decodeAfterHello(FabricFrameCodec.decode(frame.toArray())))
        .toList();
    assertEquals(List.of(Optional.of(new WhoHas(PEER)), Optional.empty(), Optional.of(new IHave(PEER, 7)),
        Optional.of(Ping.INSTANCE)), messages);
  }

  @Test
  void aCleanEndAfterWholeFramesCompletes() throws Exception {
    assertEquals(2, run(List.of(WHO_HAS, PING)).size());
  }

  @ParameterizedTest(name = "stream ends after {0} bytes of the WHO_HAS")
  @MethodSource("cutsInsideAFrame")
  void aStreamEndingInsideAFrameFails(int bytes) {
    List<byte[]> chunks = List.of(PING, Arrays.copyOf(WHO_HAS, bytes));

    ExecutionException e = assertThrows(ExecutionException.class, () -> run(chunks));
    assertInstanceOf(Framing.FramingException.class, e.getCause());
  }

  static Stream<Integer> cutsInsideAFrame() {
    return Stream.of(1, 2, 3, WHO_HAS.length - 1);
  }

  // ------------------------------------------------------------ a real fabric over loopback

  static Stream<Arguments> writes() {
    byte[] hello = hello("10.0.0.9:7090", TIMESTAMP, SECRET);
    byte[] wire = concat(hello, WHO_HAS);
    return Stream.of(
        Arguments.of("one byte per write", cutEvery(wire, 1)),
        Arguments.of("writes cut inside each header", cutAt(wire, 2, hello.length + 1)),
        Arguments.of("writes cut inside each payload", cutAt(wire, 20, hello.length + 10)),
        Arguments.of("HELLO and WHO_HAS in one write", List.of(wire)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void helloThenWhoHasInPiecesGetsTheIHave(String name, List<byte[]> writes) throws Exception {
    start();
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      for (byte[] piece : writes) {
        out.write(piece);
        out.flush();
      }

      byte[] answer = readFrame(socket);

      assertArrayEquals(frame(0x02, concat(PEER.toBytes(), HEX.parseHex("00000001"))), answer);
    }
  }

  @Test
  void aFwdWrittenInPiecesIsDeliveredWhole() throws Exception {
    start();
    byte[] wire = concat(hello("10.0.0.9:7090", TIMESTAMP, SECRET), FWD);
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      for (byte[] piece : cutAt(wire, wire.length - FWD.length + 2, wire.length - 10)) {
        out.write(piece);
        out.flush();
      }

      FakeLocalPeers.Delivery delivery = peers.delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(delivery != null, "FWD was not delivered");
      assertEquals(PEER, delivery.destination());
      assertArrayEquals(transport("ping"), delivery.message());
    }
  }

  // ------------------------------------------------------------ helpers

  private static List<ByteString> run(List<byte[]> chunks) throws Exception {
    return Source.from(chunks)
        .map(ByteString::fromArray)
        .via(FabricFraming.frames())
        .runWith(Sink.seq(), system.get())
        .toCompletableFuture()
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void start() throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP), ZoneOffset.UTC);
    fabric = system.startFabric(FabricTestSettings.loopback(new String(SECRET, StandardCharsets.US_ASCII), Map.of()),
        "127.0.0.1", peers, new PrometheusRegistry(), clock);
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket("127.0.0.1", fabric.boundPort());
    // Every write leaves as its own segment instead of waiting to be merged with the next.
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  /** A transport message from the-source, as a relay hands it to the fabric. */
  private static byte[] transport(String payload) {
    return concat(concat(HEX.parseHex("0103"), PeerId.fromPublicKey("the-source").toBytes()),
        payload.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] join(List<byte[]> parts) {
    byte[] out = new byte[0];
    for (byte[] part : parts) {
      out = RawFabric.concat(out, part);
    }
    return out;
  }

  private static List<byte[]> cutEvery(byte[] wire, int size) {
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < wire.length; from += size) {
      chunks.add(Arrays.copyOfRange(wire, from, Math.min(wire.length, from + size)));
    }
    return chunks;
  }

  /** The wire cut at the given offsets, in increasing order. */
  private static List<byte[]> cutAt(byte[] wire, int... offsets) {
    List<byte[]> chunks = new ArrayList<>();
    int from = 0;
    for (int offset : offsets) {
      chunks.add(Arrays.copyOfRange(wire, from, offset));
      from = offset;
    }
    chunks.add(Arrays.copyOfRange(wire, from, wire.length));
    return chunks;
  }

  private static List<String> hex(List<byte[]> frames) {
    return frames.stream().map(HEX::formatHex).toList();
  }
}
