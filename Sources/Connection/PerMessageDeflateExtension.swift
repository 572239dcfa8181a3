import Deflate
import Framing
import NIOCore

/// permessage-deflate (RFC 7692) in the Connection's extension chain. It claims RSV1: the first
/// frame of a compressed message has RSV1 set; its payload and its continuations' are one raw
/// DEFLATE stream, inflated here chunk by chunk as it arrives.
public final class PerMessageDeflateExtension: WebSocketExtension, CustomStringConvertible {
  public let name = PerMessageDeflateNegotiation.name
  public let reservedBits: UInt8 = 0x40
  public let codec: PerMessageDeflate

  /// The message being received is compressed (its first frame had RSV1).
  private var receivingCompressed = false
  /// FIN of the compressed frame being received.
  private var inflatingFrameFin = false
  private var sendingCompressed = false

  public init(_ codec: PerMessageDeflate) {
    self.codec = codec
  }

  /// The negotiated parameters.
  public var description: String { "\(codec.parameters)" }

  public func decodeHeader(_ header: FrameHeader) throws(ProtocolError) -> (
    header: FrameHeader, transformsPayload: Bool
  ) {
    let rsv1 = header.rsv1
    switch header.opcode {
    case .text, .binary:
      receivingCompressed = rsv1
    case .continuation:
      if rsv1 { throw ProtocolError(.compressedContinuation) }
    default:
      if rsv1 { throw ProtocolError(.compressedControlFrame(header.opcode)) }
      return (header, false)
    }
    guard receivingCompressed else { return (header, false) }
    inflatingFrameFin = header.fin
    var out = header
    out.rsv &= ~0x40
    return (out, true)
  }

  /// Inflates the chunks of a compressed message as they arrive, into the message: a
  /// decompression bomb fails at the chunk that crosses the cap, before the rest of the frame has
  /// arrived, having used no more than the cap.
  public func decodePayload(_ chunk: ByteBuffer, endOfFrame: Bool, into output: inout ByteBuffer)
    throws(ProtocolError)
  {
    let isLast = endOfFrame && inflatingFrameFin
    if !isLast && chunk.readableBytes == 0 { return }
    do {
      try codec.decompress(chunk, isLast: isLast, into: &output)
    } catch {
      switch error {
      case .messageTooBig(let limit): throw ProtocolError(.decompressedMessageTooLarge(limit: limit))
      case .corrupt(let why), .zlib(let why): throw ProtocolError(.invalidCompressedData(why))
      }
    }
    if isLast { receivingCompressed = false }
  }

  public func encode(_ frame: Frame) throws(ProtocolError) -> Frame {
    switch frame.opcode {
    case .text, .binary:
      sendingCompressed = codec.shouldCompress(size: frame.payload.readableBytes)
    case .continuation:
      break
    default:
      return frame  // control frames are never compressed (§6.1)
    }
    guard sendingCompressed else { return frame }
    var out = frame
    do {
      out.payload = try codec.compress(frame.payload, isLast: frame.fin)
    } catch {
      throw ProtocolError(.invalidCompressedData("compressor: \(error)"))
    }
    if frame.opcode != .continuation { out.header.rsv |= 0x40 }
    out.header.payloadLength = out.payload.readableBytes
    if frame.fin { sendingCompressed = false }
    return out
  }
}
