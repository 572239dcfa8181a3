import Connection
import Deflate
import FuzzSupport
import Handshake

/// The client's side of the opening handshake (RFC 6455 §4.1): the HTTP response head parser and
/// the client's checks, then permessage-deflate's checks of the accepted parameters (RFC 7692
/// §7.1). Half the inputs start with a valid 101 head whose accept value is right (the fuzzer
/// cannot guess a SHA-1), so that the fuzzer works on the headers after it. Invariants:
/// - the same outcome or error whether the response arrives whole or in chunks;
/// - an outcome only for a 101 whose extensions and subprotocol were offered;
/// - every error is the client's and names its RFC section;
/// - no outcome yet only while the head is shorter than the limit.
let deflate = DeflateOptions()
let options = ClientHandshake.Options(
  host: "127.0.0.1:9001", path: "/chat", origin: "http://127.0.0.1:9001", subprotocols: ["chat", "superchat"],
  extensionOffers: [PerMessageDeflateNegotiation.offer(deflate)])
let keyBytes: [UInt8] = Array(0..<16)
let limit = 2048

enum Result: Equatable {
  case outcome(HandshakeOutcome, leftover: [UInt8])
  case error(HandshakeError)
}

func run(_ chunks: [ArraySlice<UInt8>]) -> Result? {
  var handshake = ClientHandshake(options: options, keyBytes: keyBytes, maxResponseHeadBytes: limit)
  for (i, chunk) in chunks.enumerated() {
    do {
      if let (outcome, leftover) = try handshake.feed(chunk) {
        // What follows the head in this read, then the later reads: the frame layer's bytes.
        return .outcome(outcome, leftover: leftover + chunks[(i + 1)...].joined())
      }
    } catch {
      return .error(error)
    }
  }
  return nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let withValidStart = input.bool()
  let seed = input.uint32()
  var bytes = input.rest()
  if withValidStart {
    let accept = ClientHandshake(options: options, keyBytes: keyBytes).expectedAccept
    bytes =
      Array(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n"
          .utf8) + bytes
  }
  let whole = run(chunks(bytes, seed: 0))
  let split = run(chunks(bytes, seed: seed | 1))
  require(
    whole == split,
    "whole and chunked responses differ: \(String(describing: whole)) vs \(String(describing: split))")
  switch whole {
  case .none:
    require(bytes.count <= limit, "no outcome after \(bytes.count) bytes (limit \(limit))")
  case .outcome(let outcome, _)?:
    require(outcome.response.status == 101, "accepted a \(outcome.response.status)")
    if let subprotocol = outcome.subprotocol {
      require(options.subprotocols.contains(subprotocol), "accepted subprotocol \(subprotocol), never offered")
    }
    for element in outcome.extensions {
      require(element.name == PerMessageDeflateNegotiation.name, "accepted extension \(element.name), never offered")
      // The parameters are checked by the Connection next: either accepted or a clear error.
      do {
        _ = try PerMessageDeflateNegotiation.validate(response: element, offered: deflate)
      } catch {
        require(!error.description.isEmpty, "empty negotiation error")
      }
    }
  case .error(let error)?:
    require(error.detectedBy == .client, "\(error) is not the client's")
    require(!error.section.isEmpty, "\(error) names no RFC section")
  }
  return 0
}

@_cdecl("FuzzClientHandshake_main")
public func FuzzClientHandshakeMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
