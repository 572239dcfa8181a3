import NIOCore

/// The data side of permessage-deflate (RFC 7692 §6, §7.2) for one connection: compresses the
/// messages this endpoint sends and inflates the ones it receives, fragment by fragment, with
/// the negotiated context takeover and window sizes.
///
/// Sans-IO and frame-agnostic: the Connection layer decides which frames are compressed (RSV1 on
/// the first frame of a message) and calls this with their payloads. zlib streams are created on
/// first use and kept for the connection's lifetime; nothing is allocated per message but the
/// output buffers.
public final class PerMessageDeflate {
  public let parameters: DeflateParameters
  public let options: DeflateOptions
  /// Which side we are: decides which half of ``parameters`` applies to sending.
  public let isServer: Bool

  private var compressor: Compressor?
  private var decompressor: Decompressor?
  /// Bytes inflated so far for the message being received.
  private var inflatedInMessage = 0
  /// Compressed bytes received so far for that message.
  private var receivedInMessage = 0

  /// The empty stored block a sync flush ends with, removed by the sender and appended back by
  /// the receiver (§7.2.1, §7.2.2).
  public static let tail: [UInt8] = [0x00, 0x00, 0xff, 0xff]
  private static let tailBuffer = ByteBuffer(bytes: tail)

  public init(parameters: DeflateParameters, options: DeflateOptions = DeflateOptions(), isServer: Bool) {
    self.parameters = parameters
    self.options = options
    self.isServer = isServer
  }

  /// Our own compression window (8...15) and context rule.
  public var sendWindowBits: Int { isServer ? parameters.serverMaxWindowBits : parameters.clientMaxWindowBits }
  public var sendNoContextTakeover: Bool {
    isServer ? parameters.serverNoContextTakeover : parameters.clientNoContextTakeover
  }
  /// The peer's window and context rule, which our decompressor must follow.
  public var receiveWindowBits: Int { isServer ? parameters.clientMaxWindowBits : parameters.serverMaxWindowBits }
  public var receiveNoContextTakeover: Bool {
    isServer ? parameters.clientNoContextTakeover : parameters.serverNoContextTakeover
  }

  /// zlib cannot compress raw DEFLATE with an 8-bit window: with that limit every message goes
  /// out uncompressed (allowed: RSV1 is decided per message).
  public var canCompress: Bool { sendWindowBits >= 9 }

  /// Whether to compress a message of this size (the first fragment's size for a fragmented one).
  public func shouldCompress(size: Int) -> Bool {
    canCompress && size >= options.minimumSizeToCompress
  }

  // MARK: sending

  /// Compresses one fragment of an outgoing message. On the last fragment the trailing
  /// `00 00 ff ff` is removed (§7.2.1) and, without context takeover, the history is dropped.
  public func compress(_ payload: ByteBuffer, isLast: Bool) throws(DeflateError) -> ByteBuffer {
    let c = try compressorInstance()
    var out = ByteBuffer()
    out.reserveCapacity(payload.readableBytes / 2 + 16)
    try c.compress(payload, into: &out)
    if isLast {
      if out.readableBytes >= 4, out.getInteger(at: out.writerIndex - 4, as: UInt32.self) == 0x0000_ffff {
        out.moveWriterIndex(to: out.writerIndex - 4)
      }
      if out.readableBytes == 0 {
        // Nothing to flush (an empty message or last fragment right after a flush): zlib writes
        // nothing, but the message must still end in a DEFLATE block. One 00 byte is an empty
        // stored block's header with its padding; the receiver adds the rest (RFC 7692 §7.2.3.6).
        out.writeInteger(UInt8(0))
      }
      if sendNoContextTakeover { c.reset() }
    }
    return out
  }

  // MARK: receiving

  /// Inflates one fragment of a received compressed message. On the last fragment the tail is
  /// appended back first (§7.2.2), the stream must end between blocks, and, without context
  /// takeover, the history is dropped. Throws `.messageTooBig` as soon as the message would
  /// inflate beyond ``DeflateOptions/maxDecompressedMessageSize``, `.corrupt` for invalid data.
  public func decompress(_ payload: ByteBuffer, isLast: Bool) throws(DeflateError) -> ByteBuffer {
    var out = ByteBuffer()
    try decompress(payload, isLast: isLast, into: &out)
    if isLast && out.capacity > 2 * out.readableBytes + 4096 {
      // The output was produced in chunks of up to 64 KiB; a short message must not keep that
      // capacity alive while it waits for the application.
      out = ByteBuffer(bytes: out.readableBytesView)
    }
    return out
  }

  /// ``decompress(_:isLast:)``, appending to `output`: a receiver inflates straight into the
  /// message it is putting together, with no second buffer to copy from (and no second copy of a
  /// bomb's worth of output).
  public func decompress(_ payload: ByteBuffer, isLast: Bool, into output: inout ByteBuffer) throws(DeflateError) {
    let d = try decompressorInstance()
    if isLast && receivedInMessage == 0 && payload.readableBytes == 0 {
      // A compressed message with no bytes at all: some senders write an empty message so. It
      // is not a DEFLATE stream even with the tail added; accept it as the empty message.
      if receiveNoContextTakeover { d.reset() }
      inflatedInMessage = 0
      return
    }
    let start = output.readableBytes
    // The Decompressor's limit is on all of `output`, which may hold earlier bytes.
    let limit = start + options.maxDecompressedMessageSize - inflatedInMessage
    do {
      try d.decompress(payload, into: &output, limit: limit)
      if isLast { try d.decompress(Self.tailBuffer, into: &output, limit: limit) }
    } catch .messageTooBig {
      // The cap is on the message, whatever part of it this call inflated.
      throw .messageTooBig(limit: options.maxDecompressedMessageSize)
    }
    if isLast {
      guard d.atBlockBoundary else { throw .corrupt("the message ends inside a DEFLATE block") }
      if receiveNoContextTakeover || d.finished { d.reset() }
      inflatedInMessage = 0
      receivedInMessage = 0
    } else {
      inflatedInMessage += output.readableBytes - start
      receivedInMessage += payload.readableBytes
    }
  }

  private func compressorInstance() throws(DeflateError) -> Compressor {
    if let compressor { return compressor }
    let c = try Compressor(level: options.compressionLevel, windowBits: sendWindowBits, memLevel: options.memLevel)
    compressor = c
    return c
  }

  private func decompressorInstance() throws(DeflateError) -> Decompressor {
    if let decompressor { return decompressor }
    // A 9-bit window reads anything an 8-bit one wrote; zlib has no raw 8-bit inflate window.
    let d = try Decompressor(windowBits: max(9, receiveWindowBits))
    decompressor = d
    return d
  }
}
