import Deflate
import Handshake
import XCTest

@testable import Connection

final class DeflateNegotiationTests: XCTestCase {
  func offers(_ values: String...) throws -> [ExtensionOffer] { try ExtensionHeader.parse(values) }

  /// What a server answers to `values` under `options` (nil: nothing accepted).
  func answer(_ values: [String], _ options: DeflateOptions = .init()) throws -> String? {
    PerMessageDeflateNegotiation.accept(offers: try ExtensionHeader.parse(values), options: options).response?
      .formatted()
  }

  func testServerAnswers() throws {
    let cases: [(String, String?)] = [
      ("permessage-deflate", "permessage-deflate"),
      ("permessage-deflate; client_max_window_bits", "permessage-deflate"),
      ("permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10"),
      ("permessage-deflate; client_max_window_bits=\"10\"", "permessage-deflate; client_max_window_bits=10"),
      ("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10"),
      ("permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8"),
      (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
      ),
      // Declined: unknown, repeated or invalid parameters; another extension.
      ("permessage-deflate; x=1", nil),
      ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", nil),
      ("permessage-deflate; server_no_context_takeover=1", nil),
      ("permessage-deflate; server_max_window_bits", nil),
      ("permessage-deflate; server_max_window_bits=16", nil),
      ("permessage-deflate; server_max_window_bits=7", nil),
      ("permessage-deflate; server_max_window_bits=010", nil),
      ("permessage-deflate; client_max_window_bits=abc", nil),
      ("x-webkit-deflate-frame", nil),
    ]
    for (offer, expected) in cases {
      XCTAssertEqual(try answer([offer]), expected, offer)
    }
  }

  func testFirstAcceptableOfferWinsAcrossElementsAndLines() throws {
    XCTAssertEqual(
      try answer(["permessage-deflate; x=1, permessage-deflate; client_max_window_bits=12"]),
      "permessage-deflate; client_max_window_bits=12")
    XCTAssertEqual(
      try answer(["permessage-deflate; server_max_window_bits=99", "permessage-deflate"]), "permessage-deflate")
    let decision = PerMessageDeflateNegotiation.accept(
      offers: try offers("permessage-deflate; bogus, permessage-deflate"), options: .init())
    XCTAssertEqual(decision.declined, ["permessage-deflate; bogus: unknown parameter bogus"])
  }

  func testServerPolicyShapesTheAnswer() throws {
    XCTAssertNil(try answer(["permessage-deflate"], .disabled))
    XCTAssertEqual(
      try answer(["permessage-deflate"], DeflateOptions(serverNoContextTakeover: true)),
      "permessage-deflate; server_no_context_takeover")
    XCTAssertEqual(
      try answer(["permessage-deflate"], DeflateOptions(clientNoContextTakeover: true)),
      "permessage-deflate; client_no_context_takeover")
    XCTAssertEqual(
      try answer(["permessage-deflate"], DeflateOptions(serverMaxWindowBits: 12)),
      "permessage-deflate; server_max_window_bits=12")
    XCTAssertEqual(
      try answer(["permessage-deflate; server_max_window_bits=14"], DeflateOptions(serverMaxWindowBits: 12)),
      "permessage-deflate; server_max_window_bits=12")
    // client_max_window_bits only when the client offered it.
    XCTAssertEqual(try answer(["permessage-deflate"], DeflateOptions(clientMaxWindowBits: 10)), "permessage-deflate")
    XCTAssertEqual(
      try answer(["permessage-deflate; client_max_window_bits"], DeflateOptions(clientMaxWindowBits: 10)),
      "permessage-deflate; client_max_window_bits=10")
  }

  func testClientOffers() {
    XCTAssertEqual(PerMessageDeflateNegotiation.offer(.init()), "permessage-deflate; client_max_window_bits")
    XCTAssertEqual(
      PerMessageDeflateNegotiation.offer(
        DeflateOptions(serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 12)),
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12")
  }

  func testClientChecksTheAnswer() throws {
    func check(_ response: String, offered: DeflateOptions = .init()) throws -> DeflateParameters {
      try PerMessageDeflateNegotiation.validate(response: try offers(response)[0], offered: offered)
    }
    XCTAssertEqual(try check("permessage-deflate"), DeflateParameters())
    XCTAssertEqual(
      try check("permessage-deflate; server_no_context_takeover; client_max_window_bits=9"),
      DeflateParameters(serverNoContextTakeover: true, clientMaxWindowBits: 9))
    XCTAssertEqual(try check("permessage-deflate; server_max_window_bits=8").serverMaxWindowBits, 8)
    let bad: [(String, DeflateOptions, String)] = [
      ("permessage-deflate; foo", .init(), "unknown parameter foo"),
      (
        "permessage-deflate; client_max_window_bits", .init(),
        "client_max_window_bits in a response needs a value 8...15"
      ),
      (
        "permessage-deflate; client_max_window_bits=16", .init(),
        "client_max_window_bits=16: expected an integer from 8 to 15"
      ),
      (
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover", .init(),
        "parameter server_no_context_takeover appears twice"
      ),
      (
        "permessage-deflate", DeflateOptions(serverNoContextTakeover: true),
        "server_no_context_takeover was requested but not accepted"
      ),
      (
        "permessage-deflate", DeflateOptions(serverMaxWindowBits: 10),
        "server_max_window_bits=10 was offered but not accepted"
      ),
      (
        "permessage-deflate; server_max_window_bits=12", DeflateOptions(serverMaxWindowBits: 10),
        "server_max_window_bits=12 is larger than the 10 offered"
      ),
    ]
    for (response, options, reason) in bad {
      XCTAssertThrowsError(try check(response, offered: options), response) {
        XCTAssertEqual(($0 as? DeflateNegotiationError)?.reason, reason, response)
      }
    }
  }
}
