/// Lesson 6 in Simplified Chinese: the lesson's own text (the server's and codec's annotations are
/// in Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed. The lesson measures
/// live: `{}` stands for a measured figure.
let chinese: [String: String] = [
  "The same echo over a WebSocket and over HTTP long polling, measured live on this machine.":
    "同样的回显，分别走 WebSocket 和 HTTP 长轮询，在这台机器上现场测量。",
  "The setup":
    "实验设置",
  "One WSLab server (echo mode, one event loop, compression off) listens on 127.0.0.1. A client in this process sends small messages and waits for each echo (ping-pong), first over a WebSocket, then over long polling: `POST /poll/send` to send, `GET /poll/recv` to collect. Bytes are exact (counted from the real encoder and the real HTTP exchanges); times are measured now, on a shared machine, so they vary between runs. For careful numbers with peers (SwiftNIO's own WebSocket server, raw TCP), run `make bench`.":
    "一台 WSLab 服务器（回显模式，一个事件循环，关闭压缩）监听 127.0.0.1。本进程里的一个客户端发送小消息，并等待每条消息的回显（乒乓），先走 WebSocket，再走长轮询：用 `POST /poll/send` 发送，用 `GET /poll/recv` 收取。字节数是精确的（由真实的编码器和真实的 HTTP 交换计得）；时间是此刻在一台共享的机器上测得的，所以每次运行都不同。要得到与对照（SwiftNIO 自带的 WebSocket 服务器、原始 TCP）在同一次运行中测得的严谨数字，请运行 `make bench`。",
  "build: debug (unoptimised, see section 5; `make lesson N=6` runs the release build)":
    "构建：debug（未优化，见第 5 节；`make lesson N=6` 运行 release 构建）",
  "build: release (optimised, as a server would run)":
    "构建：release（已优化，与服务器实际运行时一样）",
  "Bytes per message":
    "每条消息的字节数",
  "a 26-byte chat message, echoed":
    "一条 26 字节的聊天消息，回显一次",
  "bytes on the wire":
    "线上字节数",
  "overhead":
    "开销",
  "WebSocket: 1 frame each way":
    "WebSocket：每个方向 1 个帧",
  "8 bytes of headers":
    "帧头 8 字节",
  "long polling: POST + 204, GET + 200":
    "长轮询：POST + 204，GET + 200",
  "{} bytes of HTTP ({}× the bytes)":
    "HTTP {} 字节（字节数为 {} 倍）",
  "A frame header is 2 bytes from the server and 6 from a client (with the mask). Each HTTP exchange repeats a request line, Host, content headers and a status line; a browser adds cookies and a user agent to every request, so on the web the gap is several times wider.":
    "服务器发出的帧头是 2 字节，客户端的是 6 字节（含掩码键）。每次 HTTP 交换都要重复请求行、Host、内容头部和状态行；浏览器还会给每个请求加上 cookie 和 user agent，所以在真实的网页上差距要再大好几倍。",
  "Round trips: ping-pong latency":
    "往返：乒乓延迟",
  "echo of one message":
    "一条消息的回显",
  "round trips per message":
    "每条消息的往返次数",
  "WebSocket":
    "WebSocket",
  "1 (the frame out, the echo back)":
    "1（帧发出去，回显回来）",
  "long polling":
    "长轮询",
  "2 (POST/204, then GET/200)":
    "2（POST/204，然后 GET/200）",
  "Measured here, long polling's median round trip took {}× the WebSocket's. Long polling needs two HTTP exchanges per message here: one to send, one to receive. And the server can push only while a GET is waiting: a second message that arrives while the client is between two GETs waits for the next one (head-of-line waiting), so under load its latency grows with the message rate. A WebSocket is open both ways all the time.":
    "本次测得，长轮询往返时间的中位数是 WebSocket 的 {} 倍。长轮询在这里每条消息需要两次 HTTP 交换：一次发送，一次接收。而且服务器只有在某个 GET 正在等待时才能推送：客户端处于两个 GET 之间时到达的第二条消息，要等下一个 GET（队头等待），所以在负载下它的延迟随消息速率增长。WebSocket 则始终双向畅通。",
  "What an idle client costs the server":
    "一个空闲客户端让服务器付出什么",
  "{} idle WebSocket clients were opened (client and server both live in this process, so the figure counts both ends): about {} KiB per connection, a socket and a few buffers, and no work at all until a message or a keepalive ping (every 30 s by default). An idle long-polling client instead holds a connection and a pending request open the whole time, and re-sends its GET every time the held request times out (`--poll-timeout`, 25 s): a full HTTP request and response per client per timeout even when nothing happens, and one more per message delivered. (Its memory is not measured here.)":
    "打开了 {} 个空闲的 WebSocket 客户端（客户端和服务器都在本进程里，所以这个数字把两端都算进去了）：每条连接约 {} KiB，一个套接字和几个缓冲区；在收到消息或保活 ping（默认每 30 秒一次）之前，完全没有任何工作。而一个空闲的长轮询客户端始终占着一条连接和一个挂起的请求，并且每当挂住的请求超时（`--poll-timeout`，25 秒）就重新发送它的 GET：即使什么都没发生，每个客户端每次超时也要一整套 HTTP 请求和响应，每送达一条消息还要再来一套。（它的内存这里没有测量。）",
  "Where long polling does well":
    "长轮询表现不错的地方",
  "echo of a 256 KiB message":
    "一条 256 KiB 消息的回显",
  "header bytes / payload bytes":
    "头部字节 / 负载字节",
  "message":
    "消息",
  "long polling ÷ WebSocket (p50)":
    "长轮询 ÷ WebSocket（p50）",
  "26 bytes":
    "26 字节",
  "256 KiB":
    "256 KiB",
  "In this run the gap narrowed as messages grew (the second table).":
    "这次运行中，差距随消息变大而缩小了（第二张表）。",
  "In this run the gap did not narrow (the second table): the machine was busy, or the build is unoptimised.":
    "这次运行中，差距没有缩小（第二张表）：要么机器正忙，要么构建未经优化。",
  "For large messages the HTTP headers are noise next to the payload (the last column of the first table), and the time goes into moving the bytes, which both do over the same TCP. {t} Long polling's extra costs are per message (headers, a second exchange, a request that must be waiting), so it holds up for rare, large updates and falls behind on frequent, small ones: chat, games, live dashboards. A WebSocket client also masks every byte it sends and the server unmasks it (RFC 6455 §5.3); optimised, that is about ten microseconds per megabyte. (In an unoptimised debug build all per-byte work, masking and copying, is many times slower: enough to let long polling catch up here.)":
    "对大消息来说，HTTP 头部与负载相比只是零头（第一张表的最后一列），时间都花在搬运字节上，而两者走的是同一条 TCP。{}长轮询多付出的代价按消息计（头部、第二次交换、必须有一个请求在等待），所以它能应付稀少而大的更新，却在频繁而小的消息上落后：聊天、游戏、实时仪表盘。WebSocket 客户端还要给它发送的每个字节加掩码，服务器再去掉掩码（RFC 6455 §5.3）；优化后，每兆字节大约十微秒。（在未优化的 debug 构建中，所有按字节的工作——掩码和复制——都要慢许多倍：足以让长轮询在这里追上来。）",
  "WebSocket is not faster at moving bytes: TCP is the same underneath. It saves per-message costs: headers, round trips, and a request that must be waiting.":
    "网上常说“WebSocket 比 HTTP 快，传数据更快”：不对。底下是同一个 TCP，搬运字节并不更快。WebSocket 省下的是按消息计的成本：头部、往返，以及一个必须在等待的请求。",
  "Long polling is not broken: it works through every proxy and needs nothing special on the server. It costs more per message and per idle client.":
    "也常见“长轮询已经过时，不该再用”：不对。它能穿过每一个代理，服务器也不需要任何特殊支持（Socket.IO 至今仍先用长轮询建立连接，再升级到 WebSocket）。它只是每条消息、每个空闲客户端的成本更高。",
  "Latency figures from one machine's loopback are not your network's; ratios measured in the same run are what carry over.":
    "评测文章里“本机测得延迟只有几百微秒”之类的数字不能直接搬用：一台机器回环上的延迟不是你的网络的延迟；能推广开来的，是同一次运行中测得的比值。",
  "the bytes of one echo of lesson 6's 26-byte JSON over a WebSocket, both frames":
    "第 6 课那条 26 字节的 JSON 通过 WebSocket 回显一次的字节数，两个帧合计",
  "the bytes of the two client frames when two tasks each send lesson 6's JSON at once":
    "两个任务同时各发送一次第 6 课的 JSON 时，两个客户端帧的字节数",
  "payload bytes of lesson 6's JSON with permessage-deflate and context takeover: first and second time":
    "第 6 课的 JSON 在 permessage-deflate 和上下文接管下的负载字节数：第一次和第二次",
  "Run `make bench-quick` and compare its WebSocket and long-polling rows with this lesson's. How many bytes does one echo of the lesson's 26-byte JSON take over a WebSocket, both frames together?":
    "运行 `make bench-quick`，把它的 WebSocket 行和长轮询行与本课的比较。本课那条 26 字节的 JSON 通过 WebSocket 回显一次，两个帧合计多少字节？",
  "60 bytes for the WebSocket echo (a masked client frame and an unmasked server frame). The benchmark runs many connections at once, with the server alone on one core and the loader on the other, so its absolute figures differ from this lesson's one-client ping-pong in one process. Compare ratios measured in the same run: long polling costs several times the server CPU per small message in both, and the gap shrinks for large messages.":
    "WebSocket 回显共 60 字节（一个加了掩码的客户端帧和一个不加掩码的服务器帧）。基准测试同时运行许多连接，服务器独占一个核心，负载生成器占另一个，所以它的绝对数字与本课在一个进程里单客户端的乒乓不同。请比较同一次运行中测得的比值：在两者中，长轮询每条小消息花费的服务器 CPU 都是 WebSocket 的好几倍，而对大消息差距会缩小。",
  "Send messages from two tasks at once over long polling (section 3). What happens to p99, and why? Over a WebSocket the two messages go out as two client frames: how many bytes together?":
    "从两个任务同时通过长轮询发送消息（第 3 节）。p99 会怎样，为什么？走 WebSocket 时，两条消息作为两个客户端帧发出：合计多少字节？",
  "p99 grows much more than p50. A message can be delivered only while a GET is waiting: one that arrives while the client is between two GETs waits for the next one, and each GET returns one message, so the two tasks' messages queue behind each other (head-of-line waiting). Over a WebSocket both just travel as frames. The two WebSocket frames take 64 bytes together, sent at once.":
    "p99 的增长远大于 p50。只有某个 GET 正在等待时消息才能送达：客户端处于两个 GET 之间时到达的消息要等下一个 GET，而每个 GET 只返回一条消息，所以两个任务的消息一条排在另一条后面（队头等待）。走 WebSocket 时，两条消息只是作为帧传过去。两个 WebSocket 帧合计 64 字节，一起发出。",
  "Which of this lesson's rows would change with permessage-deflate on, and which would not? How many payload bytes does the JSON compress to the first time, and the second time with context takeover?":
    "打开 permessage-deflate 后，本课的哪些行会变，哪些不会？这条 JSON 第一次压缩成多少负载字节，在上下文接管下第二次又是多少？",
  "The WebSocket bytes would change: the 26-byte JSON barely compresses alone, but with context takeover a repeated message shrinks to a few bytes, and the 256 KiB of \"a\" to a few hundred; the times change a little (compression costs CPU, fewer bytes cost less to move). The long-polling rows would not: WSLab's long polling does not compress (no Content-Encoding), and HTTP never compresses headers in HTTP/1.1. Compressed, the JSON takes 27 bytes of payload the first time and 5 the second.":
    "WebSocket 的字节数会变：26 字节的 JSON 单独压缩几乎压不小，但在上下文接管下，重复的消息会缩到几个字节，256 KiB 的 \"a\" 会缩到几百字节；时间会略有变化（压缩要花 CPU，字节少了搬运起来也省）。长轮询的行不会变：WSLab 的长轮询不压缩（没有 Content-Encoding），而 HTTP/1.1 从不压缩头部。压缩后，这条 JSON 第一次占 27 字节负载，第二次占 5 字节。",
  "lesson 7, when one server is not enough: three servers share a room.":
    "第 7 课，一台服务器不够用时：三台服务器共享一个房间。",
]
