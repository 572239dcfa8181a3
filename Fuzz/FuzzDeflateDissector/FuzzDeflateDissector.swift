import Deflate
import DeflateReader
import FuzzSupport
import NIOCore
import Trace

/// The DEFLATE bit reader the lessons use (Trace.DeflateDissector, RFC 1951), against zlib as an
/// oracle. Invariants:
/// - it terminates on any input, and its output never exceeds `maxOutput`;
/// - its elements are contiguous from bit 0 to where it stopped;
/// - when it decodes a permessage-deflate payload cleanly (a sync-flushed stream, no final
///   block), zlib inflates the same payload to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let maxOutput = 1 + Int(input.byte()) * 256
  let payload = input.rest()
  let dissection = DeflateDissector.dissect(payload + PerMessageDeflate.tail, maxOutput: maxOutput)
  require(dissection.output.count <= maxOutput, "output \(dissection.output.count) > maxOutput \(maxOutput)")
  var bit = 0
  for element in dissection.elements {
    require(element.bitOffset == bit, "element at bit \(element.bitOffset), expected \(bit): \(element)")
    bit += element.bitCount
  }
  require(bit == dissection.stopBitOffset, "elements end at bit \(bit), stop at \(dissection.stopBitOffset)")
  if dissection.error == nil && dissection.endedWithFinalBlock == false {
    let zlib = PerMessageDeflate(
      parameters: DeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true),
      options: DeflateOptions(maxDecompressedMessageSize: maxOutput), isServer: true)
    do {
      let inflated = try zlib.decompress(ByteBuffer(bytes: payload), isLast: true)
      require(
        Array(inflated.readableBytesView) == dissection.output,
        "zlib inflates \(hex(payload)) to \(inflated.readableBytes) bytes, the dissector to \(dissection.output.count)")
    } catch {
      require(false, "the dissector decodes \(hex(payload)) cleanly, zlib says \(error)")
    }
  }
  return 0
}

@_cdecl("FuzzDeflateDissector_main")
public func FuzzDeflateDissectorMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
