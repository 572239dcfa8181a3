/// Lesson 3 in Simplified Chinese: the lesson's own text (its codec's annotations are in
/// Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "Two real state machines talking in memory: handshake, messages, ping/pong, closing. RFC 6455 §5.5, §7.":
    "两个真实的状态机在内存中对话：握手、消息、ping/pong、关闭。RFC 6455 §5.5、§7。",
  "Two endpoints, no sockets":
    "两个端点，没有 socket",
  "WSLab's Connection is a sans-IO state machine: you give it the bytes that arrived and the time, it gives back events for the application and bytes to send. Here a client Connection and a server Connection are wired together in memory, so the whole conversation is deterministic and every step can be printed. The diagram below is drawn from what the two machines reported: the sender's dissection of each message (lessons 1 and 2), the state changes (CONNECTING → OPEN → CLOSING → CLOSED), and what each application received.":
    "WSLab 的 Connection 是一个 sans-IO 状态机：你把到达的字节和当前时间交给它，它交还给应用层的事件和要发送的字节。这里把一个客户端 Connection 和一个服务器 Connection 在内存里连在一起，所以整段对话是确定的，每一步都能打印出来。下面的时序图是根据两个状态机报告的内容画出来的：发送方对每条消息的解析（见第 1、2 课）、状态变化（CONNECTING → OPEN → CLOSING → CLOSED），以及每个应用层收到了什么。",
  "The client masks with keys from a seeded random source, so the bytes are the same on every run.":
    "客户端用带种子的随机源生成掩码键，所以每次运行的字节都相同。",
  "client":
    "客户端",
  "server":
    "服务器",
  "server: {}":
    "服务器：{}",
  "client: {}":
    "客户端：{}",
  "({t})":
    "（{}）",
  "opened {}, subprotocol {}":
    "已打开 {}，子协议 {}",
  "binary, {} bytes":
    "二进制，{} 字节",
  "close received: {}":
    "收到关闭帧：{}",
  "closed: {}":
    "已关闭：{}",
  "failed: {}":
    "失败：{}",
  "Arrows only, for the opening handshake: lesson 1 shows these two heads line by line. Both machines are now OPEN; from here on every arrow is a frame, dissected by the sender.":
    "开始握手只画箭头：第 1 课已经逐行展示过这两个头部。现在两个状态机都是 OPEN；从这里起，每个箭头都是一个帧，由发送方解析。",
  "A text message and a binary message":
    "一条文本消息和一条二进制消息",
  "The client's application sends \"Hello\" and three bytes of binary data. The client masks both (§5.3); the server's decoder unmasks them, checks the text is UTF-8 and hands whole messages to its application. The server echoes the text back, unmasked.":
    "客户端的应用发送 \"Hello\" 和 3 个字节的二进制数据。客户端给两者都加了掩码（§5.3）；服务器的解码器去掉掩码，检查文本是否为 UTF-8，再把完整的消息交给它的应用。服务器把文本原样回显，不加掩码。",
  "A fragmented message with a ping in the middle (§5.4, §5.5.2)":
    "一条分片消息，中间插入一个 ping（§5.4、§5.5.2）",
  "The client streams a message in three parts, and pings between the second and the third. Each frame reaches the server in a read of its own, as it would when the parts are sent some time apart. The server's application sees the ping at once (and its Connection answers with a pong carrying the same payload, §5.5.3), but the message only when its last fragment arrives:":
    "客户端把一条消息分三部分流式发送，并在第二部分和第三部分之间发一个 ping。每个帧都在单独的一次读取中到达服务器，就像各部分相隔一段时间发出时那样。服务器的应用立即看到 ping（它的 Connection 会回一个带相同负载的 pong，§5.5.3），而消息要等最后一个分片到达才看到：",
  "The closing handshake, and who closes TCP first (§5.5.1, §7.1.1)":
    "关闭握手，以及谁先关闭 TCP（§5.5.1、§7.1.1）",
  "Either side may start closing by sending a close frame with a status code and an optional reason. The other side answers with a close frame, echoing the code (§5.5.1), and after that neither sends anything more. Then the TCP connection goes: the server closes it first, so that the TIME_WAIT state (which keeps the closing side's address and port pair reserved for twice the maximum segment lifetime, 60 s on Linux) lands on the server, not on a client that may need to reconnect soon (§7.1.1). The client waits for the server's FIN, and closes its end only then, or when a timeout passes.":
    "任何一方都可以发起关闭：发送一个带状态码（和可选原因）的关闭帧。另一方用一个关闭帧回应，回显同一个状态码（§5.5.1），此后双方都不再发送任何东西。然后 TCP 连接被关闭：由服务器先关，这样 TIME_WAIT 状态（它让先关闭的一方的地址和端口组合保留两倍的最大报文段生存期，Linux 上是 60 秒）落在服务器一侧，而不是落在可能很快要重连的客户端上（§7.1.1）。客户端等待服务器的 FIN，收到后才关闭自己这一端，或者等到超时。",
  "The client closes with 1000 (normal closure) and a reason:":
    "客户端以 1000（正常关闭）和一个原因发起关闭：",
  "TCP FIN: the server closes the connection":
    "TCP FIN：服务器关闭连接",
  "TCP FIN: the client closes its end":
    "TCP FIN：客户端关闭自己这一端",
  "The closing handshake's answer: the server echoes the client's 1000 (§5.5.1).":
    "关闭握手的回应：服务器回显客户端的 1000（§5.5.1）。",
  "Both report a clean close with the code 1000. Had the TCP connection dropped before the close frames were exchanged, each side would report 1006 (abnormal closure), a code that exists only in reports and never on the wire.":
    "双方都报告以 1000 干净地关闭。如果 TCP 连接在交换关闭帧之前就断了，双方都会报告 1006（异常关闭）——这个码只出现在报告里，从不出现在线路上。",
  "Violations, and the close code each one earns (§7.1.7, §7.4.1)":
    "违规，以及每种各自换来的关闭码（§7.1.7、§7.4.1）",
  "When an endpoint receives something that breaks the protocol, it fails the connection: it sends a close frame whose code says why (if it can still send one), stops processing input, and closes TCP. Below, a misbehaving peer sends four kinds of bad data to a server Connection. The bytes of each bad frame are the peer's; the dissection, the verdict and the close frame the server sends back are the real server's.":
    "端点收到违反协议的东西时，就令连接失败：（如果还能发的话）发送一个关闭帧，用关闭码说明原因，停止处理输入，并关闭 TCP。下面，一个行为不端的对端向服务器 Connection 发送四种坏数据。每个坏帧的字节来自对端；解析、判定以及服务器发回的关闭帧都出自真实的服务器。",
  "({}) {t}:":
    "({}) {}：",
  "a client frame without a mask":
    "不加掩码的客户端帧",
  "text that is not UTF-8 (c3 28)":
    "不是 UTF-8 的文本（c3 28）",
  "a 2000-byte message to a server that accepts at most 1024":
    "发给最多只接受 1024 字节的服务器的 2000 字节消息",
  "a close frame with code 1005, which must never be sent":
    "带关闭码 1005 的关闭帧，而这个码绝不能发送",
  "({}) {t}":
    "({}) {}",
  "→ TCP: the server closes the connection (shouldCloseTransport = true)":
    "→ TCP：服务器关闭连接（shouldCloseTransport = true）",
  "violation":
    "违规",
  "close code sent":
    "发出的关闭码",
  "Close codes (§7.4.1, §7.4.2, IANA registry)":
    "关闭码（§7.4.1、§7.4.2、IANA 注册表）",
  "The codes an endpoint may send, and the ones it only reports. The \"on the wire\" column is CloseCode.isValidOnWire, the same check the Connection applies to every close frame it receives. RFC 6455 (§7.4) only says which codes an endpoint may send; failing a received close frame that carries any other code, with 1002, is a choice WSLab makes (it is what the Autobahn|Testsuite's cases 7.9.x expect).":
    "端点可以发送的码，以及只用于报告的码。“线上”一栏就是 CloseCode.isValidOnWire，也就是 Connection 对收到的每个关闭帧所做的检查。RFC 6455（§7.4）只规定端点可以发送哪些码；收到带其他码的关闭帧时以 1002 失败，是 WSLab 的选择（这也是 Autobahn|Testsuite 的 7.9.x 用例所期望的）。",
  "code":
    "码",
  "name":
    "名称",
  "meaning":
    "含义",
  "on the wire":
    "线上",
  "yes":
    "可以",
  "never":
    "从不",
  "the purpose of the connection is fulfilled":
    "连接的目的已经达成",
  "the peer broke the protocol":
    "对端违反了协议",
  "a data type the endpoint cannot accept":
    "端点无法接受的数据类型",
  "reserved; meaning may be defined later":
    "保留；含义将来可能会定义",
  "the close frame carried no code (reported locally, never sent)":
    "关闭帧没有带状态码（只在本地报告，从不发送）",
  "the connection dropped without a close frame (reported locally, never sent)":
    "连接在没有关闭帧的情况下断开（只在本地报告，从不发送）",
  "message data inconsistent with its type, e.g. text that is not UTF-8":
    "消息数据与其类型不一致，例如不是 UTF-8 的文本",
  "a message violates the endpoint's policy":
    "某条消息违反了端点的策略",
  "a message too big to process":
    "消息太大，无法处理",
  "the client needed an extension the server did not negotiate":
    "客户端需要的扩展，服务器没有协商",
  "the server met an unexpected condition":
    "服务器遇到了意外情况",
  "the service is restarting":
    "服务正在重启",
  "try again later (overload)":
    "稍后重试（过载）",
  "a gateway got an invalid response upstream":
    "网关从上游收到了无效的响应",
  "the TLS handshake failed (reported locally, never sent)":
    "TLS 握手失败（只在本地报告，从不发送）",
  "unused (0–999)":
    "未使用（0–999）",
  "not used":
    "未使用",
  "reserved for the RFC and its extensions":
    "保留给 RFC 及其扩展",
  "reserved for future RFCs":
    "保留给将来的 RFC",
  "registered by libraries and frameworks":
    "由库和框架注册",
  "registered with IANA by libraries and frameworks":
    "由库和框架向 IANA 注册",
  "private use by applications":
    "应用私用",
  "private use, agreed between the application's endpoints":
    "私用，由应用的两端约定",
  "outside the defined ranges":
    "在定义的范围之外",
  "not a valid close code":
    "不是合法的关闭码",
  "an endpoint is going away: {}":
    "端点要离开了：{}",
  "server shutdown, browser leaving the page":
    "服务器关机、浏览器离开页面",
  "1000 is normal closure, the code for \"we are done\", not an error. Errors are 1002 (protocol), 1007 (invalid data), 1009 (too big), 1011 (server failure) and friends.":
    "网上流传的关闭码表常把 1000 说成“错误”。不对：1000 是正常关闭，表示“我们说完了”，不是错误。错误是 1002（协议）、1007（数据无效）、1009（太大）、1011（服务器故障）等。",
  "0 is not a close code. Codes start at 1000; 0–999 are unused (§7.4.2), so no endpoint may send one. WSLab fails a close frame carrying one with 1002.":
    "0 不是关闭码。关闭码从 1000 开始；0–999 不使用（§7.4.2），所以任何端点都不能发送它们。WSLab 对带这种码的关闭帧以 1002 失败。",
  "1005 (no status), 1006 (abnormal closure) and 1015 (TLS failure) are never sent on the wire: an endpoint reports them to its application when a close frame had no code, or when there was no close frame at all.":
    "不少文章把 1005、1006 列为可以发送的关闭码。不对：1005（无状态码）、1006（异常关闭）和 1015（TLS 失败）从不出现在线路上：当关闭帧没有状态码、或者根本没有关闭帧时，端点只是把它们报告给自己的应用。",
  "A close frame is not the end of the TCP connection. Data frames already in flight may still arrive after you sent yours; the server closes TCP after the closing handshake.":
    "关闭帧不等于 TCP 连接的结束。你发出关闭帧之后，已经在路上的数据帧仍可能到达；关闭握手完成后，由服务器关闭 TCP。",
  "who closes TCP first when the server starts the closing handshake":
    "服务器发起关闭握手时，谁先关闭 TCP",
  "pings \"one\" and \"two\" in one read, pongPolicy .latestPerRead: how many pongs, and the payload":
    "一次读取中收到 ping \"one\" 和 \"two\"，pongPolicy .latestPerRead：回几个 pong，负载是什么",
  "messages a server delivers from a frame with RSV1 set (no extension) followed by a valid \"Hello\"":
    "服务器从一个置位 RSV1（未协商扩展）的帧加上一个合法的 \"Hello\" 中交付几条消息",
  "Let the server start the closing handshake instead (`server.close(code: .goingAway)`). Who sends the first FIN now? Does anything else change?":
    "改由服务器发起关闭握手（`server.close(code: .goingAway)`）。现在谁先发送 FIN？还有别的变化吗？",
  "Still the server: once its close frame is answered, the server's Connection asks for TCP to be closed (shouldCloseTransport), while the client's waits for the server's FIN (§7.1.1). What changes is who waits for an answer: the server's close frame carries 1001, the client echoes it, and the server's close timer now runs.":
    "仍然是服务器：它的关闭帧得到回应后，服务器的 Connection 就要求关闭 TCP（shouldCloseTransport），而客户端的 Connection 等待服务器的 FIN（§7.1.1）。变化的是谁在等待回应：服务器的关闭帧带 1001，客户端回显它，现在是服务器的关闭计时器在走。",
  "Send two pings in a row before the server reads anything, and configure the server with `pongPolicy: .latestPerRead`. How many pongs come back, and which payload do they carry? Why does RFC 6455 §5.5.3 allow this?":
    "在服务器读取之前连续发送两个 ping，并把服务器配置成 `pongPolicy: .latestPerRead`。会回来几个 pong？它们带什么负载？为什么 RFC 6455 §5.5.3 允许这样？",
  "1 pong, carrying \"two\": the payload of the last ping of the read. §5.5.3 lets an endpoint that has not yet answered earlier pings answer only the most recent one, which caps the work a flood of pings can cause.":
    "1 个 pong，负载是 \"two\"：这次读取中最后一个 ping 的负载。§5.5.3 允许尚未回应之前 ping 的端点只回应最近的那一个，这限制了大量 ping 所能造成的工作量。",
  "In section 5, what would happen if the server processed the frame after the bad one? Find the line in Connection.swift that stops it. How many messages does a server deliver from a frame with RSV1 set (no extension negotiated) followed by a valid masked \"Hello\"?":
    "在第 5 节里，如果服务器继续处理坏帧之后的那个帧，会发生什么？在 Connection.swift 里找到阻止它这样做的那一行。服务器从一个置位 RSV1（未协商扩展）的帧加上一个合法的、加了掩码的 \"Hello\" 中交付几条消息？",
  "None. Otherwise it would act on bytes from a peer that already broke the protocol: deliver a message after failing the connection, or read payload bytes as a header. §7.1.7 says to stop processing input. In Sources/Connection/Connection.swift, receive(_:) drops every byte in the holding and closed phases (`case .holding, .closed:`), and FrameDecoder stays failed after its first error.":
    "一条也没有。否则它就会根据一个已经违反协议的对端发来的字节行事：在令连接失败之后还交付消息，或者把负载字节当作帧头来读。§7.1.7 要求停止处理输入。在 Sources/Connection/Connection.swift 里，receive(_:) 在 holding 和 closed 阶段丢弃所有字节（`case .holding, .closed:`），而 FrameDecoder 在第一次出错后一直保持失败状态。",
  "lesson 4, compression (permessage-deflate).":
    "第 4 课，压缩（permessage-deflate）。",
]
