import Framing
import Trace

/// Step by step: feeds bytes to a real receiving ``Connection`` one at a time and says, after
/// each byte, what its frame decoder now knows and what it is waiting for. Every step is read
/// from the decoder's own state (``FrameDecoder/Progress``), not from a second parser. What
/// `wslab decode --step` prints and lessons 2 and 4 show.
public enum FrameStepper {
  public struct Step: Sendable, Equatable {
    /// Offset of the byte in the input.
    public var index: Int
    public var byte: UInt8
    /// For a masked payload byte: the key byte it was XORed with and the result.
    public var unmasked: (key: UInt8, value: UInt8)?
    /// The decoder's state after this byte.
    public var progress: FrameDecoder.Progress
    /// What the receiver reported because of this byte: the record of a frame it completed, the
    /// message it delivered, a failure.
    public var events: [TraceEvent]

    public static func == (a: Step, b: Step) -> Bool {
      a.index == b.index && a.byte == b.byte && a.unmasked?.key == b.unmasked?.key
        && a.unmasked?.value == b.unmasked?.value && a.progress == b.progress && a.events == b.events
    }

    /// One line: what the byte was, then what the decoder knows now.
    public var summary: String {
      var text = ""
      if let unmasked {
        text +=
          "\(Trace.hex(byte)) XOR \(Trace.hex(unmasked.key)) = \(Trace.hex(unmasked.value)) "
          + "\(Trace.quoted([unmasked.value])); "
      }
      let frameDone = events.contains { if case .bytes = $0 { true } else { false } }
      if frameDone, progress == .betweenFrames { text += "frame complete; " }
      return text + progress.description
    }
  }

  /// The steps of `bytes` as the receiver of `sender`'s frames sees them (nil: the first frame's
  /// MASK bit decides). Stops after the byte that fails the connection.
  public static func steps(
    _ bytes: [UInt8], from sender: Role? = nil, deflate: Bool = false, contextTakeover: Bool = false
  ) -> (sender: Role, steps: [Step]) {
    let sender = sender ?? (bytes.count > 1 && bytes[1] & 0x80 != 0 ? .client : .server)
    let log = TraceLog()
    var connection = Connection(
      openWith: Connection.Configuration(role: sender.peer),
      extensions: WireDecoder.extensions(deflate: deflate, contextTakeover: contextTakeover, receiver: sender.peer),
      observer: log)
    var steps: [Step] = []
    for (index, byte) in bytes.enumerated() {
      var unmasked: (key: UInt8, value: UInt8)?
      if case .payload(let header, _, let keyByte?) = connection.frameProgress, let key = header.maskingKey {
        let keyValue = key.bytes[keyByte]
        unmasked = (keyValue, byte ^ keyValue)
      }
      connection.receive([byte])
      _ = connection.drainEvents()
      // Only what the sender sent, and the receiver's remarks: its own answers are not steps.
      let events = log.drain().filter { event in
        if case .bytes(let record) = event { return record.direction == sender.sendDirection }
        return true
      }
      steps.append(
        Step(index: index, byte: byte, unmasked: unmasked, progress: connection.frameProgress, events: events))
      if connection.frameProgress == .failed { break }
    }
    return (sender, steps)
  }
}
