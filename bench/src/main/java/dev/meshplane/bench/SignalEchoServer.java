package dev.meshplane.bench;

import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.SignalExchangeMethods;
import dev.meshplane.protocol.signal.SignalHeaders;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a plain grpc-java server (Netty, direct executor, generated-stub style handler)
 * serving ConnectStream by echoing every message back on the same stream. It does the least any
 * gRPC signal server must do per message (decode, encode, two loopback hops), so the ratio to it
 * is what routing costs on this machine.
 */
final class SignalEchoServer implements AutoCloseable {

  private final Server server;

  private SignalEchoServer(Server server) {
    this.server = server;
  }

  static SignalEchoServer start() throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition.builder(SignalHeaders.SERVICE)
        .addMethod(SignalExchangeMethods.CONNECT_STREAM, ServerCalls.asyncBidiStreamingCall(SignalEchoServer::echo))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .directExecutor()
        .addService(service)
        .build()
        .start();
    return new SignalEchoServer(server);
  }

  private static StreamObserver<EncryptedMessage> echo(StreamObserver<EncryptedMessage> replies) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EncryptedMessage message) {
        replies.onNext(message);
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; the call is already over.
      }

      @Override
      public void onCompleted() {
        replies.onCompleted();
      }
    };
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
