import Connection
import Crypto
import Deflate
import DeflateReader
import Framing
import Handshake
import NIOCore
import Server
import Trace

/// The exercises of every lesson, in lesson order. Each lesson prints ``WorkshopExercise/command``
/// under its exercise; a test checks that every lesson's exercises and this list agree.
public enum WorkshopExercises {
  public static func find(_ id: String) -> WorkshopExercise? { all.first { $0.id == id } }

  public static let all: [WorkshopExercise] =
    lesson1 + lesson2 + lesson3 + lesson4 + lesson5 + lesson6 + lesson7 + lesson8

  // MARK: 1, the opening handshake

  static let lesson1: [WorkshopExercise] = [
    WorkshopExercise(
      id: "1.1", task: "the Sec-WebSocket-Accept value for the key \(Codec.lessonOneKey)", form: "BASE64",
      mistakes: [
        (
          Codec.base64(Insecure.MD5.hash(data: Array((Codec.lessonOneKey + Codec.guid).utf8))),
          "that is MD5; the accept value is SHA-1 of key + GUID, in base64 (RFC 6455 §4.2.2)"
        ),
        (
          Codec.base64(Insecure.SHA1.hash(data: Base64.decode(Codec.lessonOneKey)! + Array(Codec.guid.utf8))),
          "you hashed the 16 decoded bytes; hash the 24 characters of base64 text as sent, then the GUID"
        ),
        (
          Codec.base64(Insecure.SHA1.hash(data: Array(Codec.lessonOneKey.utf8))),
          "append the GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 to the key before hashing"
        ),
        (
          Insecure.SHA1.hash(data: Array((Codec.lessonOneKey + Codec.guid).utf8)).map { Trace.hex($0) }.joined(),
          "right digest, wrong encoding: base64 the 20 bytes of the SHA-1, not their hex"
        ),
      ],
      hint: "base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), the key as the text the client sent",
      normalise: Normalise.exact, compute: { WebSocketAccept.value(forKey: Codec.lessonOneKey) }),
    WorkshopExercise(
      id: "1.2",
      task:
        "does a server accept `Connection: keep-alive, Upgrade`, `Upgrade: WebSocket`, `Sec-WebSocket-Version: 13, 8`?",
      form: "YES|NO YES|NO YES|NO",
      mistakes: [
        ("no yes no", "Connection is a list of tokens: it has to include Upgrade, not be it (§4.2.1 item 4)"),
        ("yes no no", "the Upgrade value is compared case-insensitively: WebSocket is websocket (§4.2.1 item 3)"),
        (
          "yes yes yes", "the version must be exactly 13; \"13, 8\" gets 426 with the versions the server speaks (§4.4)"
        ),
      ],
      hint: "one answer per header, in order; read §4.2.1 items 3, 4 and 6",
      normalise: Normalise.words,
      compute: {
        [("Connection", "keep-alive, Upgrade"), ("Upgrade", "WebSocket"), ("Sec-WebSocket-Version", "13, 8")]
          .map { Codec.yesNo(Codec.status(Codec.request(setting: $0.0, to: $0.1)) == 101) }.joined(separator: " ")
      }),
    WorkshopExercise(
      id: "1.3",
      task:
        "the 101 and the frame 81 05 48 65 6c 6c 6f arrive in one read: how many bytes after the head go to the frame decoder?",
      form: "NUMBER",
      mistakes: [("0", "those bytes are the server's first frame: a client that drops them loses the message")],
      hint: "everything after the empty line that ends the head is WebSocket data",
      normalise: Normalise.words,
      compute: {
        var client = ClientHandshake(
          options: .init(host: "server.example.com", path: "/chat"), keyBytes: Array("the sample nonce".utf8))
        var server = ServerHandshake()
        guard case .accept(let accepted)? = server.feed(client.requestBytes()) else { return "?" }
        let hello = Codec.frame(Array("Hello".utf8))
        let result = try? client.feed(accepted.responseBytes + hello)
        return result.map { "\($0.leftover.count)" } ?? "?"
      }),
  ]

  // MARK: 2, frames

  static let lesson2: [WorkshopExercise] = [
    WorkshopExercise(
      id: "2.1", task: "the header length of a 126-byte text frame from a client", form: "NUMBER",
      mistakes: [
        ("4", "a client frame also carries its 4-byte masking key"),
        ("6", "126 is a marker in the 7-bit field: the length goes in 2 more bytes"),
        ("2", "126 needs the 16-bit extended length, and a client adds its masking key"),
        ("10", "the 16-bit form (126) fits 126 bytes; the 64-bit form starts at 65,536"),
      ],
      hint: "2 bytes, then the extended length if the 7-bit field says 126 or 127, then the key",
      normalise: Normalise.words,
      compute: { "\(Codec.frame([UInt8](repeating: 0x61, count: 126), key: Codec.rfcKey).count - 126)" }),
    WorkshopExercise(
      id: "2.2", task: "the close code after flipping bit 16 of 81 85 37 fa 21 3d 7f 9f 4d 51 58", form: "CODE",
      mistakes: [
        ("1002", "the frame is still well-formed; what breaks is the unmasked payload"),
        ("1000", "the server refuses the message: a rule is broken"),
      ],
      hint: "bit 16 is the top bit of the first key byte: unmask \"H\" with it flipped, and read §8.1",
      normalise: Normalise.words,
      compute: {
        var bytes = Codec.maskedHello
        bytes[2] ^= 0x80
        return Codec.closeCode(bytes, from: .client).map(String.init) ?? "none"
      }),
    WorkshopExercise(
      id: "2.3", task: "the text a server delivers from section 5's fragmented stream, fed 3 bytes at a time",
      form: "TEXT",
      mistakes: [
        ("Hel", "a fragment is not a message: the receiver joins the fragments"),
        ("Hello, are you there? world!", "the ping's payload is not part of the message: control frames stand alone"),
      ],
      hint: "the decoder keeps its place between reads, and a ping between fragments is allowed (§5.4)",
      normalise: Normalise.words,
      compute: {
        // Lesson 2, section 5: three fragments and a ping, each with its own key.
        let bytes =
          Codec.frame(Array("Hel".utf8), key: MaskingKey(0x37, 0xfa, 0x21, 0x3d), fin: false)
          + Codec.frame(Array("lo, ".utf8), key: MaskingKey(0x4e, 0x92, 0x0b, 0x71), opcode: .continuation, fin: false)
          + Codec.frame(Array("are you there?".utf8), key: MaskingKey(0xc3, 0x18, 0x5a, 0xe6), opcode: .ping)
          + Codec.frame(Array("world!".utf8), key: MaskingKey(0x0f, 0x66, 0xd4, 0x29), opcode: .continuation)
        var server = Connection(openWith: .init(role: .server))
        var texts: [String] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
          server.receive(Array(bytes[start..<min(start + 3, bytes.count)]))
          for case .text(let text) in server.drainEvents() { texts.append(text) }
        }
        return texts.joined(separator: " | ")
      }),
    WorkshopExercise(
      id: "2.4", task: "the close code for a text frame (FIN 0) \"Hel\" followed by a text frame \"lo\"",
      form: "CODE",
      mistakes: [("1007", "the text is valid UTF-8; what breaks is the order of the frames")],
      hint: "a data frame other than a continuation starts a new message while one is open (§5.4)",
      normalise: Normalise.words,
      compute: {
        let bytes =
          Codec.frame(Array("Hel".utf8), key: Codec.rfcKey, fin: false)
          + Codec.frame(Array("lo".utf8), key: Codec.rfcKey)
        return Codec.closeCode(bytes, from: .client).map(String.init) ?? "none"
      }),
  ]

  // MARK: 3, a conversation

  static let lesson3: [WorkshopExercise] = [
    WorkshopExercise(
      id: "3.1", task: "who closes TCP first when the server starts the closing handshake", form: "CLIENT|SERVER",
      mistakes: [("client", "the client waits for the server's FIN whoever closed first (§7.1.1)")],
      hint: "§7.1.1: which side should close the TCP connection after the closing handshake?",
      normalise: Normalise.words,
      compute: {
        var server = Connection(openWith: .init(role: .server))
        var client = Connection(openWith: .init(role: .client), random: SeededRandom(seed: 7))
        try? server.close(code: .goingAway)
        if let out = server.takeOutbound() { client.receive(out) }
        if let out = client.takeOutbound() { server.receive(out) }
        switch (server.shouldCloseTransport, client.shouldCloseTransport) {
        case (true, false): return "server"
        case (false, true): return "client"
        default: return "both"
        }
      }),
    WorkshopExercise(
      id: "3.2",
      task: "pings \"one\" and \"two\" in one read, pongPolicy .latestPerRead: how many pongs, and the payload",
      form: "COUNT PAYLOAD",
      mistakes: [
        ("2 one two", "§5.5.3 lets an endpoint answer only the most recent ping it has not answered yet"),
        ("1 one", "the pong answers the latest ping of the read"),
      ],
      hint: "count the pong frames the server sends, and give their payload",
      normalise: Normalise.words,
      compute: {
        var server = Connection(openWith: .init(role: .server, pongPolicy: .latestPerRead))
        var client = Connection(openWith: .init(role: .client), random: SeededRandom(seed: 8))
        try? client.ping(ByteBuffer(string: "one"))
        try? client.ping(ByteBuffer(string: "two"))
        if let out = client.takeOutbound() { server.receive(out) }
        var decoder = FrameDecoder(role: .client)
        if let out = server.takeOutbound() { decoder.append(out) }
        var payloads: [String] = []
        while let frame = try? decoder.next() {
          if frame.header.opcode == .pong { payloads.append(String(buffer: frame.payload)) }
        }
        return "\(payloads.count) " + payloads.joined(separator: " ")
      }),
    WorkshopExercise(
      id: "3.3",
      task: "messages a server delivers from a frame with RSV1 set (no extension) followed by a valid \"Hello\"",
      form: "NUMBER",
      mistakes: [("1", "once it fails the connection the server processes no more input (§7.1.7)")],
      hint: "what does §7.1.7 say an endpoint does with data after it fails the connection?",
      normalise: Normalise.words,
      compute: {
        var server = Connection(openWith: .init(role: .server))
        var bad = Codec.frame(Array("Hi".utf8), key: Codec.rfcKey)
        bad[0] |= 0x40
        server.receive(bad + Codec.maskedHello)
        return "\(server.drainEvents().filter(\.isMessage).count)"
      }),
  ]

  // MARK: 4, compression

  static let lesson4: [WorkshopExercise] = [
    WorkshopExercise(
      id: "4.1", task: "the length and distance of the match in \"Hello, Hello\" compressed as one message",
      form: "LENGTH DISTANCE",
      mistakes: [("5 7", "the first H is at position 0, which zlib's hash chains cannot point to: 'H' is a literal")],
      hint: "compress it and read the elements (the lesson's section 4 shows how): one match, after a literal",
      normalise: Normalise.words,
      compute: {
        let deflate = PerMessageDeflate(parameters: DeflateParameters(), isServer: true)
        guard let bytes = try? deflate.compress(ByteBuffer(string: "Hello, Hello"), isLast: true) else { return "?" }
        for element in DeflateDissector.dissect(Array(bytes.readableBytesView) + PerMessageDeflate.tail).elements {
          if case .match(let length, let distance) = element.kind { return "\(length) \(distance)" }
        }
        return "none"
      }),
    WorkshopExercise(
      id: "4.2",
      task: "payload bytes of section 5's chat with context takeover, at zlib level 1 and at level 9",
      form: "LEVEL1 LEVEL9", mistakes: [],
      hint: "compress the ten messages one after another with one compressor per level, and add the sizes",
      normalise: Normalise.words,
      compute: {
        [1, 9].map { "\(Codec.compressedSizes(workshopChat, level: $0).reduce(0, +))" }.joined(separator: " ")
      }),
    WorkshopExercise(
      id: "4.3",
      task: "a client offered server_max_window_bits=10 and the server answered 12: does the client accept?",
      form: "YES|NO",
      mistakes: [("yes", "the server may answer an equal or smaller value only (RFC 7692 §7.1.2.1)")],
      hint: "can the client resolve back-references 4 KiB long with a 1 KiB window?",
      normalise: Normalise.words,
      compute: {
        guard let answer = try? ExtensionHeader.parse(["permessage-deflate; server_max_window_bits=12"]).first
        else { return "?" }
        let accepted =
          (try? PerMessageDeflateNegotiation.validate(
            response: answer, offered: DeflateOptions(serverMaxWindowBits: 10))) != nil
        return Codec.yesNo(accepted)
      }),
  ]

  // MARK: 5, on the wire

  static let lesson5: [WorkshopExercise] = [
    WorkshopExercise(
      id: "5.1", task: "the bytes of the frame the chat server sends on to Bob for Alice's \"hi, room\"",
      form: "NUMBER",
      mistakes: [("14", "a server never masks: no 4-byte key in its frames (§5.1)")],
      hint: "a 2-byte header and the 8-byte payload; does a server mask?",
      normalise: Normalise.words, compute: { "\(Codec.frame(Array("hi, room".utf8)).count)" }),
    WorkshopExercise(
      id: "5.2",
      task: "WSLab's Sec-WebSocket-Extensions answer to Chromium's `permessage-deflate; client_max_window_bits`",
      form: "HEADER-VALUE",
      mistakes: [
        (
          "permessage-deflate; client_max_window_bits",
          "the server does not echo the offer: a bare client_max_window_bits only says the client could take a limit (RFC 7692 §7.1.2.2)"
        )
      ],
      hint: "run wslab serve --trace and open http://127.0.0.1:9001/ in a browser: read the 101",
      normalise: Normalise.header,
      compute: {
        let offers = (try? ExtensionHeader.parse(["permessage-deflate; client_max_window_bits"])) ?? []
        let decision = PerMessageDeflateNegotiation.accept(offers: offers, options: DeflateOptions())
        return decision.response?.formatted() ?? "(none)"
      }),
    WorkshopExercise(
      id: "5.3", task: "the bytes of \"hello\" as one client frame (the long-polling POST needed a whole head)",
      form: "NUMBER",
      mistakes: [("7", "a client frame carries a 4-byte masking key")],
      hint: "2 bytes of header, the masking key, 5 bytes of payload",
      normalise: Normalise.words,
      compute: { "\(Codec.frame(Array("hello".utf8), key: Codec.rfcKey).count)" }),
  ]

  // MARK: 6, WebSocket against long polling

  static let lesson6: [WorkshopExercise] = [
    WorkshopExercise(
      id: "6.1", task: "the bytes of one echo of lesson 6's 26-byte JSON over a WebSocket, both frames",
      form: "NUMBER",
      mistakes: [
        ("52", "count both frames' 2-byte headers, and the client's 4-byte masking key"),
        ("56", "the client's frame carries a 4-byte masking key, the server's does not"),
        ("64", "the server's frame is not masked"),
      ],
      hint: "a client frame (masked) up and a server frame down",
      normalise: Normalise.words,
      compute: {
        let message = Array(workshopEchoMessage.utf8)
        return "\(Codec.frame(message, key: Codec.rfcKey).count + Codec.frame(message).count)"
      }),
    WorkshopExercise(
      id: "6.2", task: "the bytes of the two client frames when two tasks each send lesson 6's JSON at once",
      form: "NUMBER",
      mistakes: [("52", "each client frame carries a 4-byte masking key")],
      hint: "two frames back to back: nothing waits for a request to be outstanding",
      normalise: Normalise.words,
      compute: { "\(2 * Codec.frame(Array(workshopEchoMessage.utf8), key: Codec.rfcKey).count)" }),
    WorkshopExercise(
      id: "6.3",
      task: "payload bytes of lesson 6's JSON with permessage-deflate and context takeover: first and second time",
      form: "FIRST SECOND",
      mistakes: [],
      hint: "compress the message twice with one compressor that keeps its window",
      normalise: Normalise.words,
      compute: {
        Codec.compressedSizes([workshopEchoMessage, workshopEchoMessage]).map(String.init).joined(separator: " ")
      }),
  ]

  // MARK: 7, scale-out

  static let lesson7: [WorkshopExercise] = [
    WorkshopExercise(
      id: "7.1",
      task: "the bytes of the NOTIFY payload for \"hi\" from node a's connection 1 to room /r, row id 1",
      form: "NUMBER", mistakes: [],
      hint: "one line of fields (id node connection kind room length), a newline, then the text",
      normalise: Normalise.words,
      compute: {
        "\(ClusterConfiguration.notificationPayload(id: 1, node: "a", connection: 1, room: "/r", text: "hi").utf8.count)"
      }),
    WorkshopExercise(
      id: "7.2", task: "do 5,200 and 5,300 bytes of binary ride in the notification (limit 7,000)?",
      form: "YES|NO YES|NO",
      mistakes: [
        ("yes yes", "base64 makes 5,300 bytes into 7,068 characters: over the limit"),
        ("no no", "5,200 bytes are 6,936 characters of base64: they fit with the fields"),
      ],
      hint: "base64 turns every 3 bytes into 4 characters; the fields take about 25 more",
      normalise: Normalise.words,
      compute: {
        [5_200, 5_300].map {
          Codec.yesNo(ClusterConfiguration.notificationCarries(binaryLength: $0, node: "a", room: "/r"))
        }.joined(separator: " ")
      }),
    WorkshopExercise(
      id: "7.3", task: "the close code a client gets when its server is stopped with SIGTERM", form: "CODE",
      mistakes: [("1001", "1001 (going away) is Ctrl-C; SIGTERM means a restart: come back")],
      hint: "the code that tells a client the server is restarting (§7.4.1, IANA registry)",
      normalise: Normalise.words, compute: { "\(WebSocketServer.shutdownCode(onSignal: .terminate).rawValue)" }),
  ]

  // MARK: 8, security

  static let lesson8: [WorkshopExercise] = [
    WorkshopExercise(
      id: "8.1", task: "the bytes on the wire of a TLS 1.3 record carrying a server frame \"hello\" (AES-GCM)",
      form: "NUMBER",
      mistakes: [
        ("24", "the 5-byte record header is in the clear, but it is on the wire too"),
        ("12", "TLS 1.3 adds a 16-byte tag and the 1-byte hidden content type"),
        ("28", "the frame is 7 bytes: 2 of header, 5 of payload, no mask from a server"),
      ],
      hint: "5 bytes of record header + the frame + 1 byte of content type + 16 bytes of tag",
      normalise: Normalise.words,
      compute: {
        let frame = Codec.frame(Array("hello".utf8))
        var reader = TLSRecordReader()
        let header: [UInt8] = [23, 3, 3, 0, UInt8(frame.count + 17)]
        let record = reader.feed(header + [UInt8](repeating: 0, count: frame.count + 17))
        return record.first.map { "\($0.header.count + $0.length)" } ?? "?"
      }),
    WorkshopExercise(
      id: "8.2", task: "the status for Origin https://evil.example when only https://chat.example is allowed",
      form: "STATUS",
      mistakes: [
        ("401", "an Origin is not a credential: a foreign page is forbidden (403, §10.2)"),
        ("101", "--allow-origin refuses every other Origin"),
      ],
      hint: "§10.2: what does a server answer an Origin it does not accept?",
      normalise: Normalise.words,
      compute: {
        let policy = ServerHandshakePolicy(originPolicy: { $0 == "https://chat.example" })
        return "\(Codec.status(Codec.request(extra: [("Origin", "https://evil.example")]), policy: policy))"
      }),
    WorkshopExercise(
      id: "8.3", task: "the payload bytes of \"GET /\" masked with the key 12 34 56 78", form: "HEX BYTES",
      mistakes: [("47 45 54 20 2f", "that is the text unmasked: XOR each byte with key byte (i mod 4)")],
      hint: "byte i XOR key[i mod 4]: 47^12, 45^34, 54^56, 20^78, 2f^12",
      normalise: Normalise.hex,
      compute: {
        var payload = Array("GET /".utf8)
        MaskingKey(0x12, 0x34, 0x56, 0x78).apply(to: &payload)
        return payload.hexString
      }),
    WorkshopExercise(
      id: "8.4", task: "the status `wslab serve --auth-token s3cr3t` answers a handshake without a token",
      form: "STATUS",
      mistakes: [("403", "403 is for a foreign Origin; missing credentials get 401 with WWW-Authenticate")],
      hint: "RFC 9110 §15.5.2: the status that asks for credentials",
      normalise: Normalise.words,
      compute: {
        let policy = ServerHandshakePolicy(authorizer: ServerConfiguration.tokenAuthorizer("s3cr3t"))
        return "\(Codec.status(Codec.request(), policy: policy))"
      }),
  ]
}
