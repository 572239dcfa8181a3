import Framing
import NIOCore

/// A message encoded once for many receivers (broadcast, chat rooms): the frame a server sends,
/// header and payload, in one buffer that every connection writes as it is, without encoding or
/// copying it again (``Connection/send(_:)``).
///
/// A connection that cannot send these bytes unchanged (a client, which must mask each frame
/// with its own key, RFC 6455 §5.3; one with an extension such as permessage-deflate, whose
/// compression context is its own, RFC 7692 §7.2.1) encodes ``payload`` itself, as for
/// ``Connection/send(text:)``.
public struct PreparedMessage: Sendable {
  /// Text or binary.
  public let opcode: Opcode
  /// The application data.
  public let payload: ByteBuffer
  /// The whole unmasked frame, FIN set: what a server without extensions sends.
  public let frame: ByteBuffer

  /// A text message (one frame).
  public init(text: String) {
    self.init(opcode: .text, payload: ByteBuffer(string: text))
  }

  /// A binary message (one frame).
  public init(binary: ByteBuffer) {
    self.init(opcode: .binary, payload: binary)
  }

  private init(opcode: Opcode, payload: ByteBuffer) {
    self.opcode = opcode
    self.payload = payload
    var frame = ByteBuffer()
    FrameEncoder().encode(opcode: opcode, payload: payload, into: &frame)
    self.frame = frame
  }
}
