import Deflate
import Framing
import NIOCore

/// permessage-deflate (RFC 7692) in the Connection's extension chain. It claims RSV1: the first
/// frame of a compressed message has RSV1 set; its payload and its continuations' are one raw
/// DEFLATE stream, inflated here fragment by fragment.
public final class PerMessageDeflateExtension: WebSocketExtension {
  public let name = PerMessageDeflateNegotiation.name
  public let reservedBits: UInt8 = 0x40
  public let codec: PerMessageDeflate

  private var receivingCompressed = false
  private var sendingCompressed = false

  public init(_ codec: PerMessageDeflate) {
    self.codec = codec
  }

  public func decode(_ frame: Frame) throws(ProtocolError) -> Frame {
    let rsv1 = frame.header.rsv1
    switch frame.opcode {
    case .text, .binary:
      receivingCompressed = rsv1
    case .continuation:
      if rsv1 { throw ProtocolError(.compressedContinuation) }
    default:
      if rsv1 { throw ProtocolError(.compressedControlFrame(frame.opcode)) }
      return frame
    }
    guard receivingCompressed else { return frame }
    var out = frame
    do {
      out.payload = try codec.decompress(frame.payload, isLast: frame.fin)
    } catch {
      switch error {
      case .messageTooBig(let limit): throw ProtocolError(.decompressedMessageTooLarge(limit: limit))
      case .corrupt(let why), .zlib(let why): throw ProtocolError(.invalidCompressedData(why))
      }
    }
    out.header.rsv &= ~0x40
    out.header.payloadLength = out.payload.readableBytes
    if frame.fin { receivingCompressed = false }
    return out
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
