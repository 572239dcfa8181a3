import Framing
import NIOCore

/// SplitMix64: a seeded generator so every randomized test is reproducible.
struct TestRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

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
