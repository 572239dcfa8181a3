import Framing
import NIOCore
import Trace

/// Seeded randomness for reproducible tests.
typealias TestRandom = SeededRandom

/// Parses "81 05 48" into bytes.
func hex(_ s: String) -> [UInt8] {
  s.split(separator: " ").map { UInt8($0, radix: 16)! }
}

extension ByteBuffer {
  var bytes: [UInt8] { Array(readableBytesView) }
}

/// Decodes `bytes` fed in the given chunks; returns the frames or the first error.
func decodeAll(_ bytes: [UInt8], role: Role, chunks: [Int]? = nil, maxFrameSize: Int = 16 << 20) -> (
  frames: [Frame], error: ProtocolError?
) {
  var decoder = FrameDecoder(role: role, maxFrameSize: maxFrameSize)
  var frames: [Frame] = []
  var start = 0
  let sizes = chunks ?? [bytes.count]
  do {
    for size in sizes + [Int.max] where start < bytes.count {
      let end = min(bytes.count, start + size)
      decoder.append(contentsOf: bytes[start..<end])
      start = end
      while let frame = try decoder.next() { frames.append(frame) }
    }
  } catch {
    return (frames, error)
  }
  return (frames, nil)
}

/// Every way to cut `count` bytes into two pieces, plus one byte at a time.
func chunkings(_ count: Int) -> [[Int]] {
  var result: [[Int]] = [[count], Array(repeating: 1, count: max(count, 1))]
  if count > 1 {
    for split in 1..<count { result.append([split, count - split]) }
  }
  return result
}
