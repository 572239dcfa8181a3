import Connection
import Framing
import FuzzSupport
import Trace

/// `wslab decode`'s input path: hex text to bytes, then the bytes through a receiving Connection
/// (either role, with or without permessage-deflate), rendered. Invariants:
/// - hex text either gives bytes or an error that says where it goes wrong;
/// - the report always ends with exactly one `result:` line that matches its verdict, and an
///   invalid verdict names a close code the receiver sends;
/// - the bytes written back as hex decode to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let flags = input.byte()
  let rest = input.rest()
  if flags & 8 != 0 {
    // Text mode: the input is the command line's hex.
    let text = String(decoding: rest, as: UTF8.self)
    do {
      let bytes = try WireDecoder.bytes(fromHex: text)
      require(!bytes.isEmpty, "no bytes and no error for \(text)")
    } catch {
      require(!error.description.isEmpty, "an empty hex error")
    }
    return 0
  }
  guard !rest.isEmpty else { return 0 }
  let text = hex(rest)
  let bytes = try? WireDecoder.bytes(fromHex: text)
  require(bytes == rest, "hex round trip failed for \(text)")
  let sender: Role? = flags & 3 == 0 ? nil : (flags & 3 == 1 ? .client : .server)
  let report = WireDecoder.decode(rest, from: sender, deflate: flags & 4 != 0, contextTakeover: flags & 16 != 0)
  let lines = report.text.split(separator: "\n")
  require(lines.filter { $0.hasPrefix("result: ") }.count == 1, "not exactly one result line")
  let last = lines.last.map(String.init) ?? ""
  switch report.verdict {
  case .valid: require(last.hasPrefix("result: valid"), last)
  case .incomplete: require(last.hasPrefix("result: incomplete"), last)
  case .invalid(let failure):
    require(last.hasPrefix("result: invalid"), last)
    require([1002, 1007, 1009].contains(failure.closeCode.rawValue), "\(failure) sends \(failure.closeCode)")
  }
  return 0
}

@_cdecl("FuzzDecode_main")
public func FuzzDecodeMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
