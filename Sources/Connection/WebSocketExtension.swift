import Framing
import NIOCore

/// A negotiated extension in the frame pipeline (RFC 6455 §9).
///
/// Received frames pass through the chain after unmasking and before message assembly, sent
/// frames after the application hands them over and before masking. An extension owns the RSV
/// bits it claims (``reservedBits``): the decoder accepts those bits only when some extension
/// claims them, and the extension must clear them on the frames it decodes. permessage-deflate
/// (RFC 7692) plugs in here and claims RSV1.
///
/// An extension must pass frames without its RSV bits through unchanged: the Connection validates
/// such text frames while they are still arriving, before the chain sees them.
///
/// Extensions are classes because they keep state across frames (a compression context).
public protocol WebSocketExtension: AnyObject {
  /// The negotiated name, such as `permessage-deflate`.
  var name: String { get }
  /// RSV bits the extension uses, as they sit in byte 0 (RSV1 = 0x40).
  var reservedBits: UInt8 { get }
  /// Transforms a received frame. Throw a ``ProtocolError`` to fail the connection.
  func decode(_ frame: Frame) throws(ProtocolError) -> Frame
  /// Transforms a frame about to be sent.
  func encode(_ frame: Frame) throws(ProtocolError) -> Frame
}
