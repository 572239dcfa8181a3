import NIOCore

/// Runs a connection's application task on the connection's own event loop: awaiting a message
/// or a send then never hops threads (no wake-up of another thread, no second cache), which is
/// what makes the async/await API cost about what the event-loop path costs. WSLab chooses this
/// for the server's application tasks; work that blocks or computes for long belongs on another
/// executor (`Task.detached`, or a task of its own), as with any event-loop code.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
  let eventLoop: any EventLoop

  init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
