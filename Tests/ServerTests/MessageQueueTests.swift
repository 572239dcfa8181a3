import NIOCore
import XCTest

@testable import Server

/// The queue between a connection's event loop and the task reading its messages.
final class MessageQueueTests: XCTestCase {
  struct Broke: Error, Equatable {}

  func testBufferedMessagesComeOutInOrderThenTheEnd() async throws {
    let queue = MessageQueue()
    queue.yield(.text("a"))
    queue.yield(.binary(ByteBuffer(bytes: [1])))
    queue.finish()
    queue.yield(.text("after the end"))  // dropped
    let first = try await queue.next()
    let second = try await queue.next()
    let end = try await queue.next()
    let again = try await queue.next()
    XCTAssertEqual(first, .text("a"))
    XCTAssertEqual(second, .binary(ByteBuffer(bytes: [1])))
    XCTAssertNil(end)
    XCTAssertNil(again)
  }

  func testAWaitingReaderIsWokenByTheNextMessage() async throws {
    let queue = MessageQueue()
    async let received = queue.next()
    try await Task.sleep(for: .milliseconds(50))
    queue.yield(.text("late"))
    let message = try await received
    XCTAssertEqual(message, .text("late"))
  }

  /// A failure is thrown once, after the messages before it; then the end.
  func testAFailureIsThrownOnceAfterTheMessagesBeforeIt() async throws {
    let queue = MessageQueue()
    queue.yield(.text("before"))
    queue.finish(throwing: Broke())
    let before = try await queue.next()
    XCTAssertEqual(before, .text("before"))
    do {
      _ = try await queue.next()
      XCTFail("the failure was not thrown")
    } catch {
      XCTAssertEqual(error as? Broke, Broke())
    }
    let end = try await queue.next()
    XCTAssertNil(end)
    // And to a reader that is already waiting.
    let waiting = MessageQueue()
    async let result = waiting.next()
    try await Task.sleep(for: .milliseconds(50))
    waiting.finish(throwing: Broke())
    do {
      _ = try await result
      XCTFail("the failure was not thrown")
    } catch {
      XCTAssertEqual(error as? Broke, Broke())
    }
  }

  /// Cancelling the reading task ends its wait with the end of the messages.
  func testCancellingTheReaderEndsItsWait() async throws {
    let queue = MessageQueue()
    let reader = Task { try await queue.next() }
    try await Task.sleep(for: .milliseconds(50))
    reader.cancel()
    let value = try await reader.value
    XCTAssertNil(value)
  }
}
