/// A point in time, given to the Connection by its transport. The Connection never reads a
/// clock: the transport passes "now" in with ``Connection/advance(to:)``, and tests pass
/// whatever they like.
public struct Timestamp: Comparable, Hashable, Sendable, CustomStringConvertible {
  /// Nanoseconds since an arbitrary origin chosen by the transport.
  public var nanoseconds: Int64

  public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  public static let zero = Timestamp(nanoseconds: 0)

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

  public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
    Timestamp(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
  }

  public static func - (lhs: Timestamp, rhs: Timestamp) -> Duration {
    .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
  }

  public var description: String {
    let ms = Double(nanoseconds) / 1e6
    return "t=\(ms) ms"
  }
}

extension Duration {
  /// Whole nanoseconds, saturating.
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return seconds < 0 ? .min : .max }
    return ns &+ attoseconds / 1_000_000_000
  }
}
