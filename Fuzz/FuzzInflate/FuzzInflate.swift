import Deflate
import FuzzSupport
import NIOCore

/// permessage-deflate's inflate (RFC 7692 §7.2.2) under its cap, with arbitrary compressed bytes
/// in arbitrary fragments, over several messages (context takeover or not). Invariants:
/// - a message never inflates past `maxDecompressedMessageSize`: it either fits or fails with
///   `messageTooBig` (1009), and corrupt input fails with `corrupt` (1007), never a zlib error;
/// - whatever this side compresses, with any window and context setting, inflates back to the
///   same bytes (round trip through the sender's and the receiver's codecs).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let flags = input.byte()
  let cap = 1 + Int(input.byte()) * 64
  let windowBits = 9 + Int(input.byte() % 7)
  let seed = input.uint32()
  let bytes = input.rest()
  let parameters = DeflateParameters(
    serverNoContextTakeover: flags & 1 != 0, clientNoContextTakeover: flags & 2 != 0,
    serverMaxWindowBits: windowBits, clientMaxWindowBits: windowBits)
  let options = DeflateOptions(minimumSizeToCompress: 0, maxDecompressedMessageSize: cap)

  // 1. Arbitrary compressed messages: the input cut into messages at 0xff bytes, each message
  //    into fragments.
  let receiver = PerMessageDeflate(parameters: parameters, options: options, isServer: true)
  messages: for message in bytes.split(separator: 0xff, omittingEmptySubsequences: false).prefix(8) {
    let fragments = chunks(Array(message), seed: seed)
    var total = 0
    do {
      for (i, fragment) in fragments.enumerated() {
        let out = try receiver.decompress(ByteBuffer(bytes: fragment), isLast: i == fragments.count - 1)
        total += out.readableBytes
        require(total <= cap, "a message inflated to \(total) bytes, cap \(cap)")
      }
      if fragments.isEmpty { _ = try receiver.decompress(ByteBuffer(), isLast: true) }
    } catch {
      switch error {
      case .messageTooBig(let limit): require(limit <= cap, "messageTooBig with limit \(limit), cap \(cap)")
      case .corrupt: break
      case .zlib(let why): require(false, "zlib error on peer data: \(why)")
      }
      break messages  // the connection would be failed: no further messages
    }
  }

  // 2. Round trip: the input as plain messages, compressed by a client and inflated by a server.
  let sender = PerMessageDeflate(
    parameters: parameters, options: DeflateOptions(minimumSizeToCompress: 0), isServer: false)
  let inflater = PerMessageDeflate(
    parameters: parameters, options: DeflateOptions(maxDecompressedMessageSize: 1 << 20), isServer: true)
  for message in bytes.split(separator: 0xfe, omittingEmptySubsequences: false).prefix(8) {
    let plain = Array(message)
    do {
      var compressed: [ByteBuffer] = []
      let fragments = chunks(plain, seed: seed ^ 0x5a5a)
      if fragments.isEmpty {
        compressed.append(try sender.compress(ByteBuffer(), isLast: true))
      } else {
        for (i, fragment) in fragments.enumerated() {
          compressed.append(try sender.compress(ByteBuffer(bytes: fragment), isLast: i == fragments.count - 1))
        }
      }
      var back: [UInt8] = []
      for (i, part) in compressed.enumerated() {
        back += try inflater.decompress(part, isLast: i == compressed.count - 1).readableBytesView
      }
      require(back == plain, "round trip of \(plain.count) bytes gave \(back.count) different bytes")
    } catch {
      require(false, "round trip failed: \(error)")
    }
  }
  return 0
}

@_cdecl("FuzzInflate_main")
public func FuzzInflateMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
