// The ceiling: a raw TCP echo server on SwiftNIO. Every byte read is written back; writes are
// batched and flushed once per read burst; reading pauses while the socket is not writable.
//   PeerTCPEcho [--port N] [--threads N]   prints "tcp-echo: listening on tcp://127.0.0.1:PORT/"
import Foundation
import NIOCore
import NIOPosix

final class EchoHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.write(data, promise: nil)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    // Backpressure: stop reading while the peer does not drain what we echo.
    context.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenComplete { _ in }
    if context.channel.isWritable { context.read() }
    context.fireChannelWritabilityChanged()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    context.close(promise: nil)
  }
}

var port = 0
var threads = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--port": port = Int(arguments.next() ?? "") ?? 0
  case "--threads": threads = Int(arguments.next() ?? "") ?? 1
  default:
    FileHandle.standardError.write(Data("usage: PeerTCPEcho [--port N] [--threads N]\n".utf8))
    exit(2)
  }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let channel = try ServerBootstrap(group: group)
  .serverChannelOption(.backlog, value: 4096)
  .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
  .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
  .childChannelOption(.maxMessagesPerRead, value: 16)  // the same socket options as wslab serve
  .childChannelInitializer { channel in
    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
  }
  .bind(host: "127.0.0.1", port: port).wait()
print("tcp-echo: listening on tcp://127.0.0.1:\(channel.localAddress?.port ?? port)/")
fflush(stdout)
try channel.closeFuture.wait()
