package dev.meshplane.protocol.signal;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * grpc-java method descriptors for {@code signalexchange.SignalExchange}, built by hand so that
 * clients need no code generator beyond protoc's message classes. Benchmarks and tests use them
 * with a stock grpc-java channel, which keeps the server under test honest about the wire.
 */
public final class SignalExchangeMethods {

  public static final MethodDescriptor<EncryptedMessage, EncryptedMessage> CONNECT_STREAM =
      MethodDescriptor.<EncryptedMessage, EncryptedMessage>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(
              MethodDescriptor.generateFullMethodName(SignalHeaders.SERVICE, "ConnectStream"))
          .setRequestMarshaller(ProtoUtils.marshaller(EncryptedMessage.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(EncryptedMessage.getDefaultInstance()))
          .build();

  private SignalExchangeMethods() {}
}
