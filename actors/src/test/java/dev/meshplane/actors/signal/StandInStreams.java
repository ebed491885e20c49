package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.testkit.Await;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Stand-ins for the open signal streams of a node: actors registered in a {@link ConnectionRegistry}
 * that report every command they are told, so a test sees which streams were asked to drain or
 * re-attach.
 */
final class StandInStreams {

  /** Stream number {@code stream} was told {@code command}. */
  record Told(int stream, SignalConnection.Command command) {}

  final ConnectionRegistry registry = new ConnectionRegistry();
  private final int count;
  private final TestProbe<Told> told;

  StandInStreams(ActorTestKit testKit, int count) {
    this.count = count;
    told = testKit.createTestProbe();
    for (int i = 0; i < count; i++) {
      int stream = i;
      registry.add(testKit.spawn(Behaviors.<SignalConnection.Command>receiveMessage(command -> {
        told.ref().tell(new Told(stream, command));
        return Behaviors.same();
      })));
    }
  }

  /**
   * Fails unless exactly {@code count} distinct streams are told {@code expected}, and nothing
   * else arrives within {@link Await#QUIET}; returns the streams told.
   */
  Set<Integer> expectTold(SignalConnection.Command expected, int count) {
    Set<Integer> streams = new HashSet<>();
    if (count > 0) {
      List<Told> messages = told.receiveSeveralMessages(count);
      for (Told message : messages) {
        assertEquals(expected, message.command(), "stream " + message.stream());
        streams.add(message.stream());
      }
      assertEquals(count, streams.size(), "distinct streams told " + expected + ": " + messages);
    }
    told.expectNoMessage(Await.QUIET);
    return streams;
  }

  /**
   * Fails unless every stream is told {@code expected} exactly {@code times} times, and nothing
   * else arrives within {@link Await#QUIET}.
   */
  void expectEveryStreamTold(SignalConnection.Command expected, int times) {
    List<Told> messages = told.receiveSeveralMessages(count * times);
    Map<Integer, Integer> perStream = new HashMap<>();
    for (Told message : messages) {
      assertEquals(expected, message.command(), "stream " + message.stream());
      perStream.merge(message.stream(), 1, Integer::sum);
    }
    for (int stream = 0; stream < count; stream++) {
      assertEquals(times, perStream.getOrDefault(stream, 0), "times stream " + stream + " was told " + expected);
    }
    told.expectNoMessage(Await.QUIET);
  }

  /** Fails if any stream is told anything within {@link Await#QUIET}. */
  void expectNothingTold() {
    told.expectNoMessage(Await.QUIET);
  }

  TestProbe<Told> probe() {
    return told;
  }
}
