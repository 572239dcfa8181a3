import Connection
import Deflate
import FuzzSupport
import Handshake

/// The Sec-WebSocket-Extensions parser (RFC 6455 §9.1) and permessage-deflate negotiation
/// (RFC 7692 §7.1). Invariants:
/// - a header value either parses or fails with a server-side 400 naming its RFC section;
/// - what parses, formatted again, parses to the same offers;
/// - the server's decision on any offers is a response whose parameters parse back to the ones it
///   decided, with window bits in 8...15, never larger than an offer's server_max_window_bits;
/// - negotiation round trip: for any client options, the server's answer to the client's own
///   offer is accepted by the client's checks, and both sides agree on the parameters.
func options(_ input: inout FuzzInput) -> DeflateOptions {
  let flags = input.byte()
  return DeflateOptions(
    serverNoContextTakeover: flags & 1 != 0, clientNoContextTakeover: flags & 2 != 0,
    serverMaxWindowBits: 8 + Int(input.byte() % 8), clientMaxWindowBits: 8 + Int(input.byte() % 8))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let server = options(&input)
  let client = options(&input)
  let value = String(decoding: input.rest(), as: UTF8.self)

  // Round trip of the client's own offer through the server's decision and the client's checks.
  let offer = try! ExtensionHeader.parse([PerMessageDeflateNegotiation.offer(client)])
  let agreed = PerMessageDeflateNegotiation.accept(offers: offer, options: server)
  if let response = agreed.response {
    do {
      let parsed = try ExtensionHeader.parse([response.formatted()], detectedBy: .client)
      require(parsed == [response], "the response \(response.formatted()) does not parse back")
      let clientView = try PerMessageDeflateNegotiation.validate(response: response, offered: client)
      require(
        clientView == agreed.parameters,
        "client sees \(clientView), server decided \(String(describing: agreed.parameters)) for \(response.formatted())"
      )
    } catch {
      require(false, "the client refuses the server's answer \(response.formatted()) to its own offer: \(error)")
    }
  } else {
    require(false, "the server declines the client's own offer \(offer): \(agreed.declined)")
  }

  // Arbitrary header values.
  let offers: [ExtensionOffer]
  do {
    offers = try ExtensionHeader.parse([value])
  } catch {
    require(error.httpStatus == 400, "\(error) answered with \(String(describing: error.httpStatus))")
    require(!error.section.isEmpty, "\(error) names no RFC section")
    return 0
  }
  let again = try? ExtensionHeader.parse([ExtensionHeader.format(offers)])
  require(again == offers, "\(ExtensionHeader.format(offers)) does not parse back to \(offers)")
  let decision = PerMessageDeflateNegotiation.accept(offers: offers, options: server)
  if let response = decision.response, let parameters = decision.parameters {
    let fromResponse = try? PerMessageDeflateNegotiation.parameters(fromResponse: response)
    require(
      fromResponse == parameters,
      "\(response.formatted()) parses to \(String(describing: fromResponse)), not \(parameters)")
    require(
      (8...15).contains(parameters.serverMaxWindowBits) && (8...15).contains(parameters.clientMaxWindowBits),
      "window bits out of range: \(parameters)")
    require(
      parameters.serverMaxWindowBits <= server.serverMaxWindowBits, "server window above its own limit: \(parameters)")
  }
  return 0
}

@_cdecl("FuzzExtensions_main")
public func FuzzExtensionsMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
