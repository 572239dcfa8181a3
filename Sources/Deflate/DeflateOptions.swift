/// This endpoint's permessage-deflate policy (RFC 7692).
///
/// Memory per connection, with both directions compressed: the compressor takes about
/// `2^(windowBits+2) + 2^(memLevel+9)` bytes and the decompressor `2^windowBits` + 7 KiB — about
/// 300 KiB at the defaults (window 15, memLevel 8), about 15 KiB at window 10, memLevel 4. Both
/// are allocated on first use and reused for every message.
public struct DeflateOptions: Sendable, Equatable {
  /// Offer (client) or accept (server) permessage-deflate at all.
  public var isEnabled: Bool
  /// Ask for / insist on the server resetting its compression context after each message.
  public var serverNoContextTakeover: Bool
  /// Ask for / insist on the client resetting its compression context after each message.
  public var clientNoContextTakeover: Bool
  /// The largest window (8...15) the server may compress with. A server never uses more; a
  /// client asks the server for it when below 15.
  public var serverMaxWindowBits: Int
  /// The largest window (8...15) the client may compress with.
  public var clientMaxWindowBits: Int
  /// zlib compression level 0...9 (-1: zlib's default, 6).
  public var compressionLevel: Int
  /// zlib memLevel 1...9: memory for the compressor's internal state; 8 is zlib's default.
  public var memLevel: Int
  /// Messages smaller than this are sent uncompressed (RSV1 clear): compressing a few bytes
  /// costs more than it saves.
  public var minimumSizeToCompress: Int
  /// Cap on what one received message may inflate to (1009 beyond), checked while inflating.
  public var maxDecompressedMessageSize: Int

  public init(
    isEnabled: Bool = true, serverNoContextTakeover: Bool = false, clientNoContextTakeover: Bool = false,
    serverMaxWindowBits: Int = 15, clientMaxWindowBits: Int = 15, compressionLevel: Int = -1, memLevel: Int = 8,
    minimumSizeToCompress: Int = 32, maxDecompressedMessageSize: Int = 16 << 20
  ) {
    self.isEnabled = isEnabled
    self.serverNoContextTakeover = serverNoContextTakeover
    self.clientNoContextTakeover = clientNoContextTakeover
    self.serverMaxWindowBits = min(15, max(8, serverMaxWindowBits))
    self.clientMaxWindowBits = min(15, max(8, clientMaxWindowBits))
    self.compressionLevel = min(9, max(-1, compressionLevel))
    self.memLevel = min(9, max(1, memLevel))
    self.minimumSizeToCompress = max(0, minimumSizeToCompress)
    self.maxDecompressedMessageSize = max(0, maxDecompressedMessageSize)
  }

  public static let disabled = DeflateOptions(isEnabled: false)
}

/// What the two endpoints agreed on (RFC 7692 §7.1).
public struct DeflateParameters: Sendable, Equatable, CustomStringConvertible {
  public var serverNoContextTakeover: Bool
  public var clientNoContextTakeover: Bool
  /// The window the server compresses with at most (8...15).
  public var serverMaxWindowBits: Int
  /// The window the client compresses with at most (8...15).
  public var clientMaxWindowBits: Int

  public init(
    serverNoContextTakeover: Bool = false, clientNoContextTakeover: Bool = false, serverMaxWindowBits: Int = 15,
    clientMaxWindowBits: Int = 15
  ) {
    self.serverNoContextTakeover = serverNoContextTakeover
    self.clientNoContextTakeover = clientNoContextTakeover
    self.serverMaxWindowBits = serverMaxWindowBits
    self.clientMaxWindowBits = clientMaxWindowBits
  }

  public var description: String {
    var parts = ["permessage-deflate"]
    if serverNoContextTakeover { parts.append("server_no_context_takeover") }
    if clientNoContextTakeover { parts.append("client_no_context_takeover") }
    parts.append("server window 2^\(serverMaxWindowBits)")
    parts.append("client window 2^\(clientMaxWindowBits)")
    return parts.joined(separator: ", ")
  }
}
