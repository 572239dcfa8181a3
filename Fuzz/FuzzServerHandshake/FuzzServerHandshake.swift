import Connection
import Deflate
import FuzzSupport
import Handshake

/// The server's opening handshake (RFC 6455 §4.2): the HTTP request head parser and every check
/// after it, with permessage-deflate negotiation and a subprotocol. Invariants:
/// - the same result whether the head arrives whole or in chunks;
/// - an accepted request gets `101` with the right Sec-WebSocket-Accept for its key;
/// - a rejected one gets one of the statuses the handshake documents (400, 403, 426, 431, 505),
///   in a response that starts with that status line, and an error naming its RFC section;
/// - no answer yet only while the head is shorter than the limit (nothing unbounded is kept).
let policy: ServerHandshakePolicy = {
  var policy = ServerHandshakePolicy(maxHeadBytes: 2048, subprotocols: ["chat", "superchat"])
  policy.extensionNegotiator = { offers in
    PerMessageDeflateNegotiation.accept(offers: offers, options: DeflateOptions()).response.map { [$0] } ?? []
  }
  policy.originPolicy = { origin in origin != "http://evil.example" }
  return policy
}()

func run(_ chunks: [ArraySlice<UInt8>]) -> ServerHandshakeResult? {
  var handshake = ServerHandshake(policy: policy)
  for (i, chunk) in chunks.enumerated() {
    if var result = handshake.feed(chunk) {
      // What follows the head in this read, then the later reads: the frame layer's bytes.
      if case .accept(var accepted) = result {
        accepted.leftover += chunks[(i + 1)...].joined()
        result = .accept(accepted)
      }
      return result
    }
  }
  return nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let seed = input.uint32()
  let bytes = input.rest()
  let whole = run(chunks(bytes, seed: 0))
  let split = run(chunks(bytes, seed: seed | 1))
  require(
    whole == split,
    "whole and chunked requests differ: \(String(describing: whole)) vs \(String(describing: split))")
  switch whole {
  case .none:
    require(bytes.count <= policy.maxHeadBytes, "no answer after \(bytes.count) bytes (limit \(policy.maxHeadBytes))")
  case .accept(let accepted)?:
    require(
      accepted.responseBytes.starts(with: Array("HTTP/1.1 101 Switching Protocols\r\n".utf8)),
      "accepted, but the response starts \(String(decoding: accepted.responseBytes.prefix(40), as: UTF8.self))")
    require(accepted.accept == WebSocketAccept.value(forKey: accepted.key), "wrong accept for \(accepted.key)")
    require(accepted.extensions.count <= 1, "more than one extension accepted: \(accepted.extensions)")
  case .reject(let rejection)?:
    require([400, 403, 426, 431, 505].contains(rejection.status), "status \(rejection.status) for \(rejection.error)")
    require(
      rejection.responseBytes.starts(with: Array("HTTP/1.1 \(rejection.status) ".utf8)),
      "the \(rejection.status) response starts \(String(decoding: rejection.responseBytes.prefix(40), as: UTF8.self))")
    require(!rejection.error.section.isEmpty, "\(rejection.error) names no RFC section")
  }
  return 0
}

@_cdecl("FuzzServerHandshake_main")
public func FuzzServerHandshakeMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
