// The reference a Swift user would pick: a minimal WebSocket echo server written the idiomatic
// way with SwiftNIO's NIOHTTP1 + NIOWebSocket (NIOWebSocketServerUpgrader, a ChannelHandler of
// WebSocketFrame). Text comes back as text, binary as binary; pings get pongs; a close is
// answered and the connection closed. Writes are flushed once per read burst (a fair, careful
// user; the NIO example flushes every frame).
//   PeerNIOEcho [--port N] [--threads N] [--broadcast]   prints "nio-echo: listening on ws://127.0.0.1:PORT/"
// With --broadcast, every text or binary message goes to every open WebSocket (the sender too),
// each with its own `writeAndFlush` of a `WebSocketFrame`: what NIOWebSocket's documentation and
// examples show (one event loop, so the list needs no lock).
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Broadcast mode: the open WebSockets, by channel identity.
final class Subscribers: @unchecked Sendable {
  var channels: [ObjectIdentifier: Channel] = [:]
}
let subscribers = Subscribers()
var broadcast = false

final class WebSocketEchoHandler: ChannelInboundHandler {
  typealias InboundIn = WebSocketFrame
  typealias OutboundOut = WebSocketFrame

  private var awaitingClose = false

  func handlerAdded(context: ChannelHandlerContext) {
    if broadcast { subscribers.channels[ObjectIdentifier(context.channel)] = context.channel }
  }

  func channelInactive(context: ChannelHandlerContext) {
    if broadcast { subscribers.channels[ObjectIdentifier(context.channel)] = nil }
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let frame = unwrapInboundIn(data)
    switch frame.opcode {
    case .text, .binary, .continuation:
      if broadcast {
        let data = frame.unmaskedData
        for channel in subscribers.channels.values {
          channel.writeAndFlush(WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: data), promise: nil)
        }
        return
      }
      let reply = WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: frame.unmaskedData)
      context.write(wrapOutboundOut(reply), promise: nil)
    case .ping:
      let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
      context.write(wrapOutboundOut(pong), promise: nil)
    case .pong:
      break
    case .connectionClose:
      if awaitingClose {
        context.close(promise: nil)
      } else {
        awaitingClose = true
        var data = frame.unmaskedData
        let code = data.readSlice(length: 2) ?? ByteBuffer()
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
        context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in context.close(promise: nil) }
      }
    default:
      var data = context.channel.allocator.buffer(capacity: 2)
      data.write(webSocketErrorCode: .protocolError)
      let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
      context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in context.close(promise: nil) }
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    context.close(promise: nil)
  }
}

/// Plain HTTP requests (no Upgrade): 426.
final class HTTPFallbackHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .end = unwrapInboundIn(data) else { return }
    var headers = HTTPHeaders()
    headers.add(name: "Content-Length", value: "0")
    headers.add(name: "Connection", value: "close")
    headers.add(name: "Sec-WebSocket-Version", value: "13")
    context.write(
      wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .upgradeRequired, headers: headers))),
      promise: nil)
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
  }
}

var port = 0
var threads = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--port": port = Int(arguments.next() ?? "") ?? 0
  case "--threads": threads = Int(arguments.next() ?? "") ?? 1
  case "--broadcast": broadcast = true
  default:
    FileHandle.standardError.write(Data("usage: PeerNIOEcho [--port N] [--threads N] [--broadcast]\n".utf8))
    exit(2)
  }
}

if broadcast && threads != 1 {
  FileHandle.standardError.write(Data("PeerNIOEcho: --broadcast runs on one event loop (--threads 1)\n".utf8))
  exit(2)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let channel = try ServerBootstrap(group: group)
  .serverChannelOption(.backlog, value: 4096)
  .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
  .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
  .childChannelOption(.maxMessagesPerRead, value: 16)  // the same socket options as wslab serve
  .childChannelInitializer { channel in
    let upgrader = NIOWebSocketServerUpgrader(
      maxFrameSize: 16 << 20,  // the default is 16 KiB; the benchmark sends up to 1 MiB
      automaticErrorHandling: true,
      shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
      upgradePipelineHandler: { channel, _ in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(WebSocketEchoHandler())
        }
      })
    let fallback = HTTPFallbackHandler()
    return channel.pipeline.configureHTTPServerPipeline(
      withServerUpgrade: (
        upgraders: [upgrader],
        completionHandler: { context in
          context.pipeline.removeHandler(fallback, promise: nil)
        }
      )
    ).flatMap {
      channel.pipeline.addHandler(fallback)
    }
  }
  .bind(host: "127.0.0.1", port: port).wait()
print("nio-echo: listening on ws://127.0.0.1:\(channel.localAddress?.port ?? port)/")
fflush(stdout)
try channel.closeFuture.wait()
