/// Helpers shared by the libFuzzer targets: a reader that takes choices (flags, split points) from
/// the front of the input, a seeded generator for the split points, and `require`, which stops the
/// fuzzer with a message naming the broken invariant (libFuzzer saves the input as a crash).

/// Reads choices from the fuzzer's bytes; once they run out, every read returns zero.
public struct FuzzInput {
  public private(set) var bytes: [UInt8]
  private var index = 0

  public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
    bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
  }

  public init(bytes: [UInt8]) { self.bytes = bytes }

  public mutating func byte() -> UInt8 {
    guard index < bytes.count else { return 0 }
    defer { index += 1 }
    return bytes[index]
  }

  public mutating func bool() -> Bool { byte() & 1 == 1 }

  public mutating func uint32() -> UInt32 {
    (0..<4).reduce(0) { acc, _ in acc << 8 | UInt32(byte()) }
  }

  /// Everything not read yet.
  public mutating func rest() -> [UInt8] {
    defer { index = bytes.count }
    return index < bytes.count ? Array(bytes[index...]) : []
  }
}

/// SplitMix64: the split points of one input are the same on every run.
public struct SplitMix: RandomNumberGenerator {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// `bytes` cut into chunks at points chosen by `seed`: whole, one byte at a time, or random.
public func chunks(_ bytes: [UInt8], seed: UInt32) -> [ArraySlice<UInt8>] {
  guard !bytes.isEmpty else { return [] }
  switch seed % 4 {
  case 0: return [bytes[...]]
  case 1: return bytes.indices.map { bytes[$0...$0] }
  default:
    var random = SplitMix(seed: UInt64(seed))
    var out: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
      let length = Int.random(in: 1...max(1, min(bytes.count - start, 64)), using: &random)
      out.append(bytes[start..<(start + length)])
      start += length
    }
    return out
  }
}

/// Stops the run when an invariant does not hold; libFuzzer keeps the input that broke it.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
  if !condition() { fatalError("invariant broken: \(message())") }
}

/// Hex, for messages.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
  bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with `body` as the target. SwiftPM links an executable target's `main` to
/// `<Module>_main`, so each target defines that symbol and calls this (libFuzzer's own `main`
/// would otherwise be used).
public func runFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, body)
}
