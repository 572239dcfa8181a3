// WSLab's async/await API as a server: the README's library echo server, unchanged but for the
// port (0: any free one) and the line that says where it listens. The benchmark compares its
// CPU per message with `wslab serve` (the event-loop path) on the same loads.
//   PeerAsyncEcho [--port N]   prints "async-echo: listening on ws://127.0.0.1:PORT/"
import Foundation
import Server

var port = 0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--port": port = Int(arguments.next() ?? "") ?? 0
  default:
    FileHandle.standardError.write(Data("usage: PeerAsyncEcho [--port N]\n".utf8))
    exit(2)
  }
}

var config = ServerConfiguration()
config.port = port
let server = WebSocketServer(configuration: config) { socket in
  do {
    for try await message in socket.messages { try await socket.send(message) }
  } catch {}  // the connection failed; `socket.closed` says how
}
let address = try await server.start()
print("async-echo: listening on ws://127.0.0.1:\(address.port ?? port)/")
fflush(stdout)
while true { try await Task.sleep(for: .seconds(3600)) }
