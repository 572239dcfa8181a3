import Framing
import FuzzSupport
import NIOCore
import Trace

/// The frame decoder and message assembler, both roles, with small limits so that the fuzzer
/// reaches them. Invariants:
/// - the same frames, messages and error whether the input arrives whole, byte by byte or in
///   random chunks;
/// - every frame re-encodes to exactly the bytes it was decoded from (lengths are minimal, masks
///   are kept);
/// - every error carries the close code of its rule (1002, 1007 or 1009) and an RFC section;
/// - the decoder never holds more than one frame's header and payload (maxFrameSize + 14);
/// - part by part, each frame is its header and then payload chunks that add up to it.
struct Outcome: Equatable {
  var frames: [Frame] = []
  var spans: [Range<Int>] = []
  var messages: [Message] = []
  var error: ProtocolError?
}

func run(_ chunks: [ArraySlice<UInt8>], configuration: FrameDecoder.Configuration, maxMessageSize: Int) -> Outcome {
  var decoder = FrameDecoder(configuration: configuration)
  var assembler = MessageAssembler(configuration: .init(maxMessageSize: maxMessageSize))
  var outcome = Outcome()
  for chunk in chunks {
    decoder.append(contentsOf: chunk)
    while true {
      let start = decoder.completedBytes
      let frame: Frame?
      do {
        frame = try decoder.next()
      } catch {
        outcome.error = error
        return outcome
      }
      guard let frame else { break }
      // Copy: payloads are slices of the decoder's buffer.
      outcome.frames.append(Frame(header: frame.header, payload: ByteBuffer(bytes: frame.payload.readableBytesView)))
      outcome.spans.append(start..<decoder.consumedBytes)
      do {
        if let message = try assembler.append(frame) { outcome.messages.append(message) }
      } catch {
        outcome.error = error
        return outcome
      }
    }
    require(
      decoder.bufferedBytes <= configuration.maxFrameSize + FrameHeader.maxEncodedSize,
      "the decoder holds \(decoder.bufferedBytes) bytes with maxFrameSize \(configuration.maxFrameSize)")
  }
  return outcome
}

/// The same chunks through ``FrameDecoder/nextPart()``: every frame is its header then payload
/// chunks ending with `endOfFrame`, and the chunks put together are the frame ``run`` decoded.
func runParts(_ chunks: [ArraySlice<UInt8>], configuration: FrameDecoder.Configuration) -> (
  frames: [Frame], error: ProtocolError?
) {
  var decoder = FrameDecoder(configuration: configuration)
  var frames: [Frame] = []
  var header: FrameHeader?
  var payload: [UInt8] = []
  for chunk in chunks {
    decoder.append(contentsOf: chunk)
    do {
      while let part = try decoder.nextPart() {
        switch part {
        case .header(let h):
          require(header == nil, "a header inside the frame \(String(describing: header))")
          header = h
          payload = []
        case .payload(let bytes, let endOfFrame):
          guard let h = header else {
            require(false, "a payload chunk with no header")
            return (frames, nil)
          }
          payload += bytes.readableBytesView
          require(payload.count <= h.payloadLength, "\(payload.count) payload bytes for a header of \(h.payloadLength)")
          require(endOfFrame == (payload.count == h.payloadLength), "endOfFrame \(endOfFrame) at \(payload.count)")
          if endOfFrame {
            frames.append(Frame(header: h, payload: ByteBuffer(bytes: payload)))
            header = nil
          }
        }
      }
    } catch {
      return (frames, error)
    }
  }
  return (frames, nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let flags = input.byte()
  let role: Role = flags & 1 == 0 ? .server : .client
  let configuration = FrameDecoder.Configuration(
    role: role, maxFrameSize: 1 + Int(input.byte()) * 8, allowedRSV: flags & 2 != 0 ? 0x40 : 0)
  let maxMessageSize = 1 + Int(input.byte()) * 16
  let seed = input.uint32()
  let bytes = input.rest()

  let whole = run(chunks(bytes, seed: 0), configuration: configuration, maxMessageSize: maxMessageSize)
  let split = run(chunks(bytes, seed: seed | 1), configuration: configuration, maxMessageSize: maxMessageSize)
  require(whole == split, "whole and chunked input differ: \(whole) vs \(split) for \(hex(bytes))")
  let parts = runParts(chunks(bytes, seed: seed | 1), configuration: configuration)
  require(
    Array(parts.frames.prefix(whole.frames.count)) == whole.frames,
    "parts and frames differ: \(parts.frames) vs \(whole.frames)")
  if let error = whole.error {
    switch error.kind {
    case .messageTooLarge, .unexpectedContinuation, .expectedContinuation, .invalidUTF8, .truncatedUTF8:
      break  // the assembler stopped the run; the decoder alone goes on
    default:
      require(parts.error == error && parts.frames.count == whole.frames.count, "\(parts) vs \(whole)")
    }
  } else {
    require(parts.error == nil && parts.frames.count == whole.frames.count, "\(parts) vs \(whole)")
  }

  let encoder = FrameEncoder()
  for (frame, span) in zip(whole.frames, whole.spans) {
    let again = encoder.frameBytes(
      opcode: frame.opcode, fin: frame.fin, rsv: frame.header.rsv, maskingKey: frame.header.maskingKey,
      payload: Array(frame.payload.readableBytesView))
    require(again == Array(bytes[span]), "frame at \(span) re-encodes to \(hex(again)), not \(hex(bytes[span]))")
  }
  if let error = whole.error {
    let code = error.closeCode.rawValue
    require([1002, 1007, 1009].contains(code), "\(error) has close code \(code)")
    require(!error.section.isEmpty, "\(error) names no RFC section")
  }
  return 0
}

@_cdecl("FuzzFrameDecoder_main")
public func FuzzFrameDecoderMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
