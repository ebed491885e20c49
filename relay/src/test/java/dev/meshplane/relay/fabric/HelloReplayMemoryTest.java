package dev.meshplane.relay.fabric;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.fabric.FabricProtocolException;
import dev.meshplane.protocol.fabric.HelloRejectReason;
import dev.meshplane.protocol.fabric.HelloV2;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory of accepted HELLOs: once only, forgotten after the window, refusing when full. */
class HelloReplayMemoryTest {

  private static final long T = 1_700_000_000L;
  private static final String A = "10.0.0.1:7090";
  private static final String B = "10.0.0.2:7090";

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(T));

  @Test
  void theSameHelloIsAcceptedOnce() {
    HelloReplayMemory memory = new HelloReplayMemory(clock, 10);
    memory.admit(new HelloV2(A, T));

    assertRefused(HelloRejectReason.REPLAYED, () -> memory.admit(new HelloV2(A, T)));
  }

  @Test
  void anotherSecondOrAnotherAddressIsAnotherHello() {
    HelloReplayMemory memory = new HelloReplayMemory(clock, 10);
    memory.admit(new HelloV2(A, T));

    assertDoesNotThrow(() -> memory.admit(new HelloV2(A, T + 1)));
    assertDoesNotThrow(() -> memory.admit(new HelloV2(B, T)));
  }

  @Test
  void aFullMemoryRefusesNewHellosUntilOldOnesLeaveTheWindow() {
    HelloReplayMemory memory = new HelloReplayMemory(clock, 2);
    memory.admit(new HelloV2(A, T - 10));
    memory.admit(new HelloV2(B, T));

    assertRefused(HelloRejectReason.REPLAY_MEMORY_FULL, () -> memory.admit(new HelloV2(A, T + 1)));

    // Five minutes after the first one's timestamp it is still in the window (inclusive)...
    clock.advance(Duration.ofSeconds(290));
    assertRefused(HelloRejectReason.REPLAY_MEMORY_FULL, () -> memory.admit(new HelloV2(A, T + 1)));
    // ...one second later it is stale everywhere, so it is forgotten and there is room again.
    clock.advance(Duration.ofSeconds(1));
    assertDoesNotThrow(() -> memory.admit(new HelloV2(A, T + 1)));
    // The one that took its place is remembered like any other.
    assertRefused(HelloRejectReason.REPLAYED, () -> memory.admit(new HelloV2(A, T + 1)));
  }

  @Test
  void aHelloAheadOfTheClockIsRememberedUntilItTooIsStale() {
    HelloReplayMemory memory = new HelloReplayMemory(clock, 1);
    memory.admit(new HelloV2(A, T + 300));

    // Ten minutes later the HELLO stamped five minutes ahead has just left its window.
    clock.advance(Duration.ofSeconds(600));
    assertRefused(HelloRejectReason.REPLAYED, () -> memory.admit(new HelloV2(A, T + 300)));
    clock.advance(Duration.ofSeconds(1));
    assertDoesNotThrow(() -> memory.admit(new HelloV2(B, T + 601)));
  }

  private static void assertRefused(HelloRejectReason reason, Runnable admit) {
    FabricProtocolException e = assertThrows(FabricProtocolException.class, admit::run);
    assertEquals(Optional.of(reason), e.helloRejectReason());
  }
}
