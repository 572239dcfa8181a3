/// A deterministic random source (SplitMix64) for lessons and tests: injected wherever the
/// protocol wants randomness (the handshake key, masking keys), it makes every byte the same on
/// every run. Never use it for real connections: masking keys must be unpredictable (RFC 6455
/// §10.3).
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
