/// Lesson 5 in Simplified Chinese: the lesson's own text (the server's and codec's annotations are
/// in Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "A real server and real clients on loopback: the traced bytes, and long polling for comparison.":
    "回环地址上的真实服务器与真实客户端：跟踪到的字节，以及作为对照的长轮询。",
  "A chat server, traced live":
    "一台聊天服务器，实时跟踪",
  "Everything so far ran in memory. Here a real WSLab server listens on 127.0.0.1 (SwiftNIO, one event loop), in chat mode: every message goes to the other clients connected to the same path. Its tracer is on, as with `wslab serve --mode chat --trace`: every byte each connection sends or receives is printed as the codec decodes it, each line tagged with the connection ([c1], [c2]). Compression is off so that the payloads stay readable (lesson 4 covers it), and the clients use seeded masks so the bytes are the same on every run.":
    "到目前为止，一切都在内存里运行。这里一台真实的 WSLab 服务器监听 127.0.0.1（SwiftNIO，一个事件循环），处于聊天模式：每条消息都发给连接到同一路径的其他客户端。它的跟踪器是打开的，就像 `wslab serve --mode chat --trace` 那样：每条连接收发的每个字节，都按编解码器的解码结果打印出来，每行都标上连接（[c1]、[c2]）。压缩是关闭的，以便负载保持可读（压缩见第 4 课）；客户端使用带种子的掩码，所以每次运行的字节都相同。",
  "Two clients join the room /lobby:":
    "两个客户端加入房间 /lobby：",
  "A message to the room":
    "一条发给房间的消息",
  "Alice (c1) sends \"hi, room\". The server decodes her masked frame and sends the message on to Bob (c2), unmasked: one frame in, one frame out, each with a 2-byte header (plus Alice's 4-byte mask).":
    "Alice（c1）发送 \"hi, room\"。服务器解码她加了掩码的帧，把消息不加掩码地转发给 Bob（c2）：进来一个帧，出去一个帧，各有 2 字节的帧头（Alice 的还要加上 4 字节的掩码键）。",
  "What the server sends on to Bob: 2 bytes of header, no mask (§5.1).":
    "服务器转发给 Bob 的内容：2 字节的帧头，没有掩码（§5.1）。",
  "Bob leaves: a close from the client side (§7.1.1)":
    "Bob 离开：由客户端发起的关闭（§7.1.1）",
  "Bob closes with 1000. The server answers with its own close frame, echoing the code, and then closes the TCP connection itself, so that the TIME_WAIT state stays on the server's side.":
    "Bob 以 1000 关闭。服务器用自己的关闭帧回应，回显这个码，然后由它自己关闭 TCP 连接，这样 TIME_WAIT 状态就留在服务器一侧。",
  "A keepalive ping (§5.5.2)":
    "一次保活 ping（§5.5.2）",
  "Alice stays quiet. After 0.4 seconds without receiving anything from her, the server pings her; her client answers with a pong carrying the same payload, which proves the connection (and any proxy on the way) is still alive. (`wslab serve` pings after 30 s of silence by default, and closes with 1001 after 120 s.)":
    "Alice 保持沉默。0.4 秒内没有收到她的任何东西后，服务器给她发一个 ping；她的客户端回一个带相同负载的 pong，证明这条连接（以及途中的任何代理）仍然活着。（`wslab serve` 默认在 30 秒无数据后发 ping，120 秒后以 1001 关闭。）",
  "The server leaves: a close from the server side":
    "服务器离开：由服务器发起的关闭",
  "The server shuts down, as `wslab serve` does on Ctrl-C (SIGINT): it closes every WebSocket with 1001 (going away), waits for the answers, and closes TCP. (On SIGTERM, what a service manager sends to restart it, it says 1012 instead, service restart: come back. Lesson 7 shows why that matters.)":
    "服务器关机，就像 `wslab serve` 收到 Ctrl-C（SIGINT）时那样：它以 1001（离开）关闭每个 WebSocket，等待回应，然后关闭 TCP。（收到 SIGTERM——服务管理器重启它时发的信号——时，它改用 1012，即服务重启：请再回来。第 7 课说明这为什么重要。）",
  "Alice's client reports: {}":
    "Alice 的客户端报告：{}",
  "The same message over HTTP long polling":
    "同一条消息走 HTTP 长轮询",
  "Before WebSocket, a server could only push by holding a request open: the client asks \"any news?\" with a GET that the server answers when a message is ready (or after a timeout, and the client asks again). Sending is a separate POST. WSLab serves this baseline too, at /poll/send and /poll/recv, with the same echo semantics. Here a long-polling client sends \"hi, room\" to an echo server and collects it back; the trace shows what each message costs on the wire:":
    "在 WebSocket 之前，服务器只能靠挂住一个请求来推送：客户端用 GET 问“有新消息吗？”，服务器在有消息时（或超时后，客户端再问一次）才回答。发送是另一个单独的 POST。WSLab 也提供这个基线，位于 /poll/send 和 /poll/recv，回显语义相同。这里一个长轮询客户端把 \"hi, room\" 发给回显服务器并取回来；跟踪显示每条消息在线路上的开销：",
  "one 8-byte message":
    "一条 8 字节的消息",
  "client → server":
    "客户端 → 服务器",
  "server → client":
    "服务器 → 客户端",
  "total":
    "合计",
  "WebSocket (frames)":
    "WebSocket（帧）",
  "{} bytes (1 frame)":
    "{} 字节（1 个帧）",
  "{} bytes":
    "{} 字节",
  "long polling (HTTP)":
    "长轮询（HTTP）",
  "{} bytes (POST + 204)":
    "{} 字节（POST + 204）",
  "{} bytes (GET + 200)":
    "{} 字节（GET + 200）",
  "A frame costs 2 to 14 bytes of header; an HTTP exchange costs a request line and headers each way, here about 15 times the bytes for the same 8 bytes of message (real browsers add cookies and user-agent strings, so the gap is usually wider). Latency differs even more: after each message a long-polling client needs a fresh request to be waiting on the server, so a second message that arrives meanwhile waits for it (head-of-line waiting), and every message costs a round trip that a WebSocket, already open in both directions, does not. Long polling holds its own for large, rare messages, where headers are noise. Lesson 6 measures all of this.":
    "一个帧的帧头开销是 2 到 14 字节；一次 HTTP 交换的开销是往返各一个请求行（或状态行）加头部，这里同样 8 字节的消息大约要 15 倍的字节（真实的浏览器还会加上 cookie 和 user-agent 字符串，所以差距通常更大）。延迟的差别更大：每条消息之后，长轮询客户端都需要在服务器上挂一个新的请求，所以这期间到达的第二条消息必须等它（队头等待），而且每条消息都要付出一次往返，而早已双向打开的 WebSocket 不需要。对于大而稀少的消息，长轮询还算过得去，因为头部可以忽略不计。第 6 课会测量这一切。",
  "A WebSocket is not HTTP after the handshake: no headers per message, and the server may send at any time.":
    "网上常说“WebSocket 就是一直开着的 HTTP”：不对。握手之后 WebSocket 就不是 HTTP 了：每条消息没有头部，服务器随时可以发送。",
  "Keepalive pings are not application messages: the client's Connection answers each ping by itself, and the server's application is not asked to. The server's trace shows the answer arrive (app ← pong): the pong is reported as an event, but it is not a message, and nothing in the application has to handle it for the connection to stay open.":
    "“保活要靠应用自己回 pong”：不对。保活 ping 不是应用消息：客户端的 Connection 自己回应每个 ping，服务器的应用也不用管。服务器的跟踪里能看到回应到达（应用 ← pong）：pong 作为一个事件被报告，但它不是消息，应用里什么都不用处理，连接就能保持打开。",
  "The client does not close TCP first after a close handshake; the server does (§7.1.1). A client that waits forever is protected by a timeout.":
    "关闭握手之后先关闭 TCP 的不是客户端，而是服务器（§7.1.1）。一直等下去的客户端有超时保护。",
  "the bytes of the frame the chat server sends on to Bob for Alice's \"hi, room\"":
    "聊天服务器为 Alice 的 \"hi, room\" 转发给 Bob 的帧的字节数",
  "WSLab's Sec-WebSocket-Extensions answer to Chromium's `permessage-deflate; client_max_window_bits`":
    "WSLab 对 Chromium 的 `permessage-deflate; client_max_window_bits` 在 Sec-WebSocket-Extensions 中的回答",
  "the bytes of \"hello\" as one client frame (the long-polling POST needed a whole head)":
    "\"hello\" 作为一个客户端帧的字节数（长轮询的 POST 需要一整个头部）",
  "Run `wslab serve --mode chat --trace` and connect two `wslab connect ws://127.0.0.1:9001/lobby` in other terminals; type in one. Find your messages in the trace. How many bytes is the frame the server sends on for an 8-byte message such as \"hi, room\"?":
    "运行 `wslab serve --mode chat --trace`，在另外两个终端里各运行一个 `wslab connect ws://127.0.0.1:9001/lobby`；在其中一个里输入。在跟踪里找到你的消息。对于像 \"hi, room\" 这样的 8 字节消息，服务器转发的帧有多少字节？",
  "Each message shows up twice, as in section 2 (the frame sent on is 10 bytes: 2 of header, 8 of payload, no mask): the frame your client sent, on its connection ([c1], client → server, masked, with the payload unmasked in the annotation), and the frame the server sent on to the other member ([c2], server → client, unmasked). Your own client gets nothing back: chat mode sends a message to the others in the room.":
    "每条消息出现两次，和第 2 节一样（转发的帧是 10 字节：2 字节帧头、8 字节负载、没有掩码）：你的客户端发出的帧，在它自己的连接上（[c1]，客户端 → 服务器，加了掩码，注释里给出去掉掩码后的负载）；以及服务器转发给另一个成员的帧（[c2]，服务器 → 客户端，没有掩码）。你自己的客户端收不到任何东西：聊天模式把消息发给房间里的其他人。",
  "Open http://127.0.0.1:9001/ in a browser: which extension did it negotiate? Compare the trace with and without `--no-deflate`.":
    "在浏览器里打开 http://127.0.0.1:9001/：它协商了哪个扩展？比较加与不加 `--no-deflate` 时的跟踪。",
  "The browser's request offers permessage-deflate (Chromium: `permessage-deflate; client_max_window_bits`), and the server's 101 accepts it in Sec-WebSocket-Extensions; the browser's frames then carry RSV1 and a compressed payload, and the trace shows them inflated. With `--no-deflate` the 101 has no Sec-WebSocket-Extensions line and every payload travels as plain text, with RSV1 clear.":
    "浏览器的请求提议了 permessage-deflate（Chromium：`permessage-deflate; client_max_window_bits`），服务器的 101 在 Sec-WebSocket-Extensions 中接受了它；之后浏览器的帧带 RSV1 和压缩后的负载，跟踪里显示的是解压后的内容。加了 `--no-deflate` 后，101 里没有 Sec-WebSocket-Extensions 这一行，每个负载都以明文传输，RSV1 为 0。",
  "Run `wslab connect --long-poll http://127.0.0.1:9001 --trace --send hello`. Which headers could the client leave out, and which could it not? And how many bytes does \"hello\" take as one client frame?":
    "运行 `wslab connect --long-poll http://127.0.0.1:9001 --trace --send hello`。客户端可以省掉哪些头字段，哪些不能省？\"hello\" 作为一个客户端帧又要多少字节？",
  "Only Content-Type: the server treats the body as bytes whatever it says. Host is required in every HTTP/1.1 request (RFC 9112 §3.2), and Content-Length tells the server where the body of the POST ends (RFC 9112 §6.2). A browser would add many more (User-Agent, Accept, cookies) to every request: the cost section 6 measured, and lesson 6 again. As a client frame \"hello\" takes 11 bytes: 2 of header, 4 of masking key, 5 of payload.":
    "只有 Content-Type 可以省：服务器不管它写什么，都把消息体当字节处理。Host 是每个 HTTP/1.1 请求都必须有的（RFC 9112 §3.2），Content-Length 告诉服务器 POST 的消息体在哪里结束（RFC 9112 §6.2）。浏览器还会给每个请求加上很多别的（User-Agent、Accept、cookie）：这就是第 6 节测出的开销，第 6 课还会再测。作为一个客户端帧，\"hello\" 要 11 个字节：2 字节帧头、4 字节掩码键、5 字节负载。",
  "lesson 6, WebSocket against long polling, measured.":
    "第 6 课，WebSocket 对比长轮询，实测。",
]
