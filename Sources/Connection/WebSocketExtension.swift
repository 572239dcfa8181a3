import Framing
import NIOCore

/// A negotiated extension in the frame pipeline (RFC 6455 §9).
///
/// Received frames pass through the chain part by part, as the decoder hands them out: the
/// header before its payload has arrived (``decodeHeader(_:)``), then each payload chunk
/// (``decodePayload(_:endOfFrame:)``), after unmasking and before message assembly. Sent frames
/// pass whole, after the application hands them over and before masking. An extension owns the
/// RSV bits it claims (``reservedBits``): the decoder accepts those bits only when some extension
/// claims them, and the extension clears them on the headers it decodes. permessage-deflate
/// (RFC 7692) plugs in here and claims RSV1.
///
/// Extensions are classes because they keep state across frames (a compression context). Their
/// `description` says what was negotiated (it goes in the trace). A ``WebSocketExtensionFactory``
/// makes them from the handshake.
public protocol WebSocketExtension: AnyObject, CustomStringConvertible {
  /// The negotiated name, such as `permessage-deflate`.
  var name: String { get }
  /// RSV bits the extension uses, as they sit in byte 0 (RSV1 = 0x40).
  var reservedBits: UInt8 { get }
  /// A received frame's header, before its payload. Returns the header the next stage sees
  /// (with this extension's RSV bits cleared) and whether this extension transforms the frame's
  /// payload (then its chunks go through ``decodePayload(_:endOfFrame:into:)``; otherwise they
  /// pass unchanged, with no copy). Throw a ``ProtocolError`` to fail the connection.
  func decodeHeader(_ header: FrameHeader) throws(ProtocolError) -> (header: FrameHeader, transformsPayload: Bool)
  /// A chunk of the payload of the frame whose header was decoded last (and which this extension
  /// transforms), in order; `endOfFrame` on its last chunk (which may be empty). Appends the
  /// bytes the next stage sees to `output`: the message being put together, when this is the
  /// last extension of the chain.
  func decodePayload(_ chunk: ByteBuffer, endOfFrame: Bool, into output: inout ByteBuffer) throws(ProtocolError)
  /// Transforms a frame about to be sent.
  func encode(_ frame: Frame) throws(ProtocolError) -> Frame
}
