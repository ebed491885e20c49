package dev.meshplane.protocol.signal;

/** Names and values fixed by the signal contract (openzro signal/proto/constants.go and its users). */
public final class SignalHeaders {

  /** Request metadata of ConnectStream: the client's WireGuard public key. */
  public static final String PEER_ID = "x-wiretrustee-peer-id";

  /**
   * Response header of ConnectStream. Go clients block on it and only check that it is present, so
   * it must be flushed before the first message (openzro signal/server/signal.go, ConnectStream).
   */
  public static final String PEER_REGISTERED = "x-wiretrustee-peer-registered";

  /** Value the server sends for {@link #PEER_REGISTERED}. */
  public static final String PEER_REGISTERED_VALUE = "1";

  /**
   * remoteKey of the Go client's health probe: answered at once with an empty message and never
   * routed; the probe has a 1 s deadline (openzro signal/client/grpc.go).
   */
  public static final String HEALTH_PROBE_REMOTE_KEY = "dummy";

  /** Full gRPC service name; part of every method path. */
  public static final String SERVICE = "signalexchange.SignalExchange";

  public static final String SEND_PATH = "/" + SERVICE + "/Send";
  public static final String CONNECT_STREAM_PATH = "/" + SERVICE + "/ConnectStream";

  /**
   * Longest peer key accepted. WireGuard keys are 44 base64 characters; the slack admits other
   * key texts while keeping a hostile header from becoming an unbounded entity id.
   */
  public static final int MAX_PEER_KEY_LENGTH = 256;

  private SignalHeaders() {}
}
