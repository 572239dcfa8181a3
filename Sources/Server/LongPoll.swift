import NIOConcurrencyHelpers
import NIOCore

/// The HTTP long-polling baseline (the way to push before WebSocket): a client posts messages
/// with `POST /poll/send?client=ID` and collects messages with `GET /poll/recv?client=ID`, which
/// the server holds open until a message is ready or ``ServerConfiguration/pollTimeout`` passes
/// (then `204 No Content`, and the client asks again). Same echo/chat/broadcast semantics as the
/// WebSocket endpoint; every message costs a whole HTTP request and response.
final class LongPollMailboxes: Sendable {
  struct Mailbox {
    var room: String
    var queue: [ByteBuffer] = []
    var queuedBytes = 0
    var waiter: NIOLoopBound<HTTPService>?
    /// Last request from this client (uptime nanoseconds), for expiry.
    var lastSeen: UInt64 = NIODeadline.now().uptimeNanoseconds
  }

  /// Mailboxes of clients that stopped polling are dropped after this long (with their queue).
  static let expiry: UInt64 = 60 * 1_000_000_000

  /// Drops mailboxes nobody has asked for within ``expiry`` (and that have no waiting request).
  private static func purge(_ boxes: inout [String: Mailbox], keeping client: String) {
    let now = NIODeadline.now().uptimeNanoseconds
    boxes = boxes.filter { key, box in
      key == client || box.waiter != nil || now &- box.lastSeen < expiry
    }
  }

  private let boxes = NIOLockedValueBox([String: Mailbox]())

  enum DeliveryResult { case ok, full, unknownClient, tooManyClients }

  /// Adds `message` to the mailboxes the mode selects; wakes up waiting requests.
  func post(
    _ message: ByteBuffer, from client: String, room: String, mode: ServerMode, limits: ServerConfiguration
  ) -> DeliveryResult {
    var wake: [(String, NIOLoopBound<HTTPService>, ByteBuffer)] = []
    let result: DeliveryResult = boxes.withLockedValue { boxes in
      if boxes[client] == nil {
        if boxes.count >= limits.maxConnections { Self.purge(&boxes, keeping: client) }
        guard boxes.count < limits.maxConnections else { return .tooManyClients }
        boxes[client] = Mailbox(room: room)
      }
      boxes[client]!.lastSeen = NIODeadline.now().uptimeNanoseconds
      let targets: [String]
      switch mode {
      case .echo: targets = [client]
      case .chat: targets = boxes.filter { $0.key != client && $0.value.room == room }.map(\.key)
      case .broadcast: targets = Array(boxes.keys)
      }
      for target in targets {
        guard var box = boxes[target] else { continue }
        if let waiter = box.waiter {
          box.waiter = nil
          wake.append((target, waiter, message))
        } else {
          guard box.queuedBytes + message.readableBytes <= limits.maxQueuedBytes else {
            if target == client { return .full }
            continue
          }
          box.queue.append(message)
          box.queuedBytes += message.readableBytes
        }
        boxes[target] = box
      }
      return .ok
    }
    for (target, waiter, message) in wake {
      waiter.eventLoop.execute { waiter.value.answerPoll(with: message, for: target) }
    }
    return result
  }

  /// The next message for `client`, or registers `waiter` to be called with it.
  func receive(
    for client: String, room: String, waiter: NIOLoopBound<HTTPService>, limit: Int
  ) -> ByteBuffer?? {
    boxes.withLockedValue { boxes in
      if boxes[client] == nil {
        if boxes.count >= limit { Self.purge(&boxes, keeping: client) }
        guard boxes.count < limit else { return .some(nil) }
        boxes[client] = Mailbox(room: room)
      }
      boxes[client]!.lastSeen = NIODeadline.now().uptimeNanoseconds
      if !boxes[client]!.queue.isEmpty {
        let message = boxes[client]!.queue.removeFirst()
        boxes[client]!.queuedBytes -= message.readableBytes
        return .some(message)
      }
      boxes[client]!.waiter = waiter
      return nil
    }
  }

  /// A message a waiting request could not take after all: first in line again.
  func requeue(_ message: ByteBuffer, for client: String) {
    boxes.withLockedValue { boxes in
      guard var box = boxes[client] else { return }
      box.queue.insert(message, at: 0)
      box.queuedBytes += message.readableBytes
      boxes[client] = box
    }
  }

  /// A waiting request timed out or its connection went away.
  func cancelWait(for client: String) {
    boxes.withLockedValue { $0[client]?.waiter = nil }
  }
}
