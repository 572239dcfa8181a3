/// Lesson 1 in Simplified Chinese: the lesson's own text (its codec's annotations are in
/// Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "How an HTTP/1.1 connection becomes a WebSocket: RFC 6455 §4, checked against the §1.3 example.":
    "一条 HTTP/1.1 连接如何变成 WebSocket：RFC 6455 §4，并与 §1.3 的示例逐字节核对。",
  "Why a handshake, and what it proves":
    "为什么要握手，握手又证明了什么",
  "A WebSocket starts life as an ordinary HTTP/1.1 request on an ordinary TCP (or TLS) connection, so it passes through the same ports, proxies and servers as the web. The client asks to switch protocols with `Upgrade: websocket`; a server that speaks WebSocket answers `101 Switching Protocols`, and from the next byte on both sides speak frames (lesson 2).":
    "WebSocket 起初只是一条普通 TCP（或 TLS）连接上的一个普通 HTTP/1.1 请求，所以它走的端口、代理和服务器都和 Web 一样。客户端用 `Upgrade: websocket` 请求切换协议；懂 WebSocket 的服务器回答 `101 Switching Protocols`，从下一个字节起，双方说的就是帧了（第 2 课）。",
  "The handshake also proves something: that the server really understood a WebSocket request. The client sends a random Sec-WebSocket-Key; the server must answer with a value only a WebSocket server would compute from it. A plain HTTP server, or a cache replaying an old response, cannot produce it (§1.3, §4.2.2).":
    "握手还证明了一件事：服务器确实读懂了这是一个 WebSocket 请求。客户端发送一个随机的 Sec-WebSocket-Key；服务器必须回一个只有 WebSocket 服务器才会由它算出来的值。普通的 HTTP 服务器，或者重放旧响应的缓存，都给不出这个值（§1.3、§4.2.2）。",
  "For every connection the client picks a fresh 16-byte nonce and sends it base64-encoded as Sec-WebSocket-Key. A real client uses a cryptographic random source. This lesson injects a seeded one (so the output is the same on every run); here are its first 16 bytes and the key the real ClientHandshake makes of them:":
    "每条连接，客户端都挑一个新的 16 字节随机数（nonce），用 base64 编码后作为 Sec-WebSocket-Key 发出。真实的客户端使用密码学安全的随机源；本课注入了一个带种子的随机源（所以每次运行输出都相同）。下面是它给出的前 16 个字节，以及真实的 ClientHandshake 由它们生成的密钥：",
  "nonce bytes:        10 17 d4 24 ea 33 73 6f a8 58 7d 2a 0a 1e 22 8d":
    "随机数字节：        10 17 d4 24 ea 33 73 6f a8 58 7d 2a 0a 1e 22 8d",
  "Sec-WebSocket-Key:  EBfUJOozc2+oWH0qCh4ijQ==  (24 characters: 16 bytes in base64, with == padding)":
    "Sec-WebSocket-Key： EBfUJOozc2+oWH0qCh4ijQ==  （24 个字符：16 字节的 base64，以 == 填充）",
  "The RFC's own example uses the nonce whose bytes spell \"the sample nonce\" in ASCII. From here on the lesson uses that nonce, so every value can be checked against RFC 6455 §1.3:":
    "RFC 自己的示例用的随机数，其字节按 ASCII 读出来恰好是 \"the sample nonce\"。从这里开始本课改用这个随机数，这样每个值都能和 RFC 6455 §1.3 对照：",
  "nonce bytes:        74 68 65 20 73 61 6d 70 6c 65 20 6e 6f 6e 63 65":
    "随机数字节：        74 68 65 20 73 61 6d 70 6c 65 20 6e 6f 6e 63 65",
  "as ASCII:           \"the sample nonce\"":
    "按 ASCII 读：       \"the sample nonce\"",
  "Sec-WebSocket-Key:  dGhlIHNhbXBsZSBub25jZQ==":
    "Sec-WebSocket-Key： dGhlIHNhbXBsZSBub25jZQ==",
  "RFC 6455 §1.3:      dGhlIHNhbXBsZSBub25jZQ==  ✓ identical":
    "RFC 6455 §1.3：     dGhlIHNhbXBsZSBub25jZQ==  ✓ 完全一致",
  "The client sends a GET request for the resource (path and query) it wants, with the headers §4.1 requires: Host, `Upgrade: websocket`, `Connection: Upgrade`, the key, and `Sec-WebSocket-Version: 13`. A browser always adds Origin; this client also offers two subprotocols, most preferred first. Each line ends with CR LF (shown as \\r\\n), and an empty line ends the head:":
    "客户端对想要的资源（路径和查询）发一个 GET 请求，带上 §4.1 要求的头字段：Host、`Upgrade: websocket`、`Connection: Upgrade`、密钥，以及 `Sec-WebSocket-Version: 13`。浏览器总会加上 Origin；这个客户端还提供了两个子协议，最想要的排在前面。每行以 CR LF 结尾（显示为 \\r\\n），一个空行结束头部：",
  "The server's parser is incremental: TCP delivers bytes in arbitrary pieces, so it accepts them in any chunking and knows exactly where the head ends. Here the 230 bytes arrive one at a time. The server then checks, in order: the method is GET over HTTP/1.1 or later; Host is present; Upgrade contains `websocket` and Connection contains `Upgrade` (case-insensitive tokens in comma lists, as `Connection: keep-alive, Upgrade` from Firefox); the key decodes to exactly 16 bytes; the version is 13. This server supports the subprotocol \"chat\" only, so that is the one it picks from the client's offer.":
    "服务器的解析器是增量式的：TCP 交付字节时可以任意切分，所以解析器接受任何切分方式，并且准确知道头部在哪里结束。这里 230 个字节一个一个地到达。随后服务器依次检查：方法是 GET，且协议是 HTTP/1.1 或更高；有 Host；Upgrade 含有 `websocket`，Connection 含有 `Upgrade`（逗号分隔列表中的 token，不区分大小写，比如 Firefox 发的 `Connection: keep-alive, Upgrade`）；密钥解码后恰好 16 字节；版本是 13。这台服务器只支持子协议 \"chat\"，所以它从客户端的提议里选中的就是这一个。",
  "head complete after byte 230 of 230; decisions the server reported:":
    "第 230 个字节（共 230 个）时头部完整；服务器报告的判定：",
  "The server appends the fixed GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 to the key exactly as received (the base64 text, not the decoded bytes), takes the SHA-1 digest of that string, and base64-encodes the 20 digest bytes. Step by step, with WSLab's WebSocketAccept (SHA-1 from swift-crypto):":
    "服务器把固定的 GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 接在收到的密钥原文后面（是 base64 文本，不是解码后的字节），对这个字符串取 SHA-1 摘要，再把 20 字节的摘要做 base64 编码。下面用 WSLab 的 WebSocketAccept（SHA-1 来自 swift-crypto）一步一步地算：",
  "1. key + GUID:        dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11":
    "1. 密钥 + GUID：      dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
  "(60 ASCII bytes: 24 of key, 36 of GUID)":
    "（60 个 ASCII 字节：密钥 24 个，GUID 36 个）",
  "2. SHA-1 (20 bytes):  b3 7a 4f 2c c0 62 4f 16 90 f6":
    "2. SHA-1（20 字节）： b3 7a 4f 2c c0 62 4f 16 90 f6",
  "3. base64:            s3pPLMBiTxaQ9kYGzzhZRbK+xOo=":
    "3. base64：           s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
  "RFC 6455 §1.3:     s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  ✓ identical":
    "RFC 6455 §1.3：    s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  ✓ 完全一致",
  "Any status other than 101 means the connection did not become a WebSocket. The response repeats Upgrade and Connection, carries the accept value and the chosen subprotocol:":
    "只要状态码不是 101，这条连接就没有变成 WebSocket。响应里重复 Upgrade 和 Connection，带上接受值和选中的子协议：",
  "The client checks the status is 101, `Upgrade: websocket`, `Connection: Upgrade`, that Sec-WebSocket-Accept equals what it computed from its own key (compared as a string: item 4 of the client's checks), and that any subprotocol or extension in the answer is one it offered. If anything is off, it must fail the connection. The server's first frame may arrive in the same TCP segment as the head; here the response is followed by the frame 81 05 48 65 6c 6c 6f (the server's \"Hello\", lesson 2), and the parser hands those bytes over untouched, because they belong to the frame layer:":
    "客户端检查：状态码是 101，有 `Upgrade: websocket` 和 `Connection: Upgrade`，Sec-WebSocket-Accept 等于它用自己的密钥算出来的值（按字符串比较：客户端检查的第 4 项），并且响应里出现的子协议或扩展都是它提议过的。任何一项不对，它都必须令连接失败。服务器的第一个帧可能和头部在同一个 TCP 段里到达；这里响应后面紧跟着帧 81 05 48 65 6c 6c 6f（服务器发来的 \"Hello\"，见第 2 课），解析器把这些字节原封不动地交出去，因为它们属于帧层：",
  "expected accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo=":
    "预期的接受值：    s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
  "subprotocol:      chat":
    "子协议：          chat",
  "bytes after head: 81 05 48 65 6c 6c 6f  → handed to the frame decoder":
    "头部之后的字节：  81 05 48 65 6c 6c 6f  → 交给帧解码器",
  "first message:    \"Hello\"":
    "第一条消息：      \"Hello\"",
  "A server that cannot accept a request answers with an ordinary HTTP error and closes the connection. The status tells the client why: 400 Bad Request for a malformed handshake, 426 Upgrade Required with `Sec-WebSocket-Version: 13` when the client speaks another version (so it can retry with one the server supports, §4.4), 403 Forbidden for an Origin the server does not serve (a policy, §10.2), 431 when the head is too large. Each request below is built by the real ClientHandshake with one thing changed; each answer is the real ServerHandshake's.":
    "不能接受请求的服务器用普通的 HTTP 错误回答，然后关闭连接。状态码告诉客户端原因：握手格式错误是 400 Bad Request；客户端说的是另一个版本时是 426 Upgrade Required，并带上 `Sec-WebSocket-Version: 13`（这样客户端可以换一个服务器支持的版本重试，§4.4）；服务器不服务的 Origin 是 403 Forbidden（这是一种策略，§10.2）；头部太大是 431。下面每个请求都由真实的 ClientHandshake 生成、只改动一处；每个回答都出自真实的 ServerHandshake。",
  "(a) a client that speaks version 8, an older draft:":
    "(a) 说版本 8（一份较早草案）的客户端：",
  "(b) no Sec-WebSocket-Key:":
    "(b) 没有 Sec-WebSocket-Key：",
  "(c) an Origin this server does not serve:":
    "(c) 这台服务器不服务的 Origin：",
  "Break it, line by line: every line of the RFC's request removed, and every line the server checks given a wrong value, each variant through the same ServerHandshake (with an Origin policy that allows http://example.com). This is `wslab break --handshake`:":
    "逐行破坏：RFC 请求的每一行分别删掉，服务器检查的每一行分别改成错误的值，每个变体都交给同一个 ServerHandshake（其 Origin 策略允许 http://example.com）。这就是 `wslab break --handshake`：",
  "change":
    "改动",
  "status":
    "状态",
  "why":
    "原因",
  "HTTP/1.0":
    "HTTP/1.0",
  "Host: ":
    "Host: ",
  "Upgrade: h2c":
    "Upgrade: h2c",
  "Connection: keep-alive":
    "Connection: keep-alive",
  "Sec-WebSocket-Key: dGhlIHNhbXBsZQ==":
    "Sec-WebSocket-Key: dGhlIHNhbXBsZQ==",
  "Sec-WebSocket-Version: 8":
    "Sec-WebSocket-Version: 8",
  "Origin: http://evil.example":
    "Origin: http://evil.example",
  "Still accepted: remove Sec-WebSocket-Protocol (the subprotocol line is an offer; without it the server picks none). Every other change fails a check, each with its status: 400 for a request that is not a WebSocket handshake, 426 when the version is not 13 (with the versions the server speaks), 403 when the Origin policy says no.":
    "仍被接受的只有：删除 Sec-WebSocket-Protocol（子协议那一行只是提议；没有它，服务器就不选子协议）。其他每处改动都没通过某项检查，各有各的状态码：不是 WebSocket 握手的请求得到 400，版本不是 13 得到 426（并附上服务器支持的版本），Origin 策略说不行则得到 403。",
  "(d) a response whose Sec-WebSocket-Accept is base64(MD5(key + GUID)),":
    "(d) 一个响应，它的 Sec-WebSocket-Accept 是 base64(MD5(key + GUID))，",
  "as the client's parser traced it:":
    "客户端的解析器这样跟踪它：",
  "The accept value uses SHA-1, not MD5. For the RFC key, MD5 would give fI/F95pFHyUax3HLt0ktmQ==, and a client must reject it: only s3pPLMBiTxaQ9kYGzzhZRbK+xOo= is right. SHA-1 is not there for security either: the handshake relies on no security property of it (§10.8), only on a value a non-WebSocket server would not produce.":
    "网上常说“Sec-WebSocket-Accept 是对 Key 做 MD5 加密得到的”。不对：接受值用的是 SHA-1，不是 MD5，而且这也不是“加密”。对 RFC 的密钥，MD5 会得到 fI/F95pFHyUax3HLt0ktmQ==，客户端必须拒绝它：只有 s3pPLMBiTxaQ9kYGzzhZRbK+xOo= 才对。用 SHA-1 也不是为了安全：握手不依赖它的任何安全性质（§10.8），只需要一个非 WebSocket 服务器不会给出的值。",
  "The client sends the key and the server answers with the accept value, never the reverse. The server never sends a Sec-WebSocket-Key.":
    "也有文章说“服务器在响应里返回 Sec-WebSocket-Key”。不对：是客户端发送密钥、服务器回答接受值，绝不会反过来。服务器从不发送 Sec-WebSocket-Key。",
  "The key is hashed as the base64 text the client sent, not as the 16 decoded bytes.":
    "“先把 Key 用 base64 解码再做哈希”也是常见的写法错误：参与哈希的是客户端发来的 base64 文本，而不是解码后的 16 个字节。",
  "The handshake proves that the server speaks WebSocket; it is not authentication. Anyone can compute the accept value. Authenticate with cookies, a token, or TLS client certificates, and check Origin for browser clients.":
    "“握手通过就说明客户端可信”：不对。握手只证明服务器说 WebSocket，它不是认证。任何人都能算出接受值。认证请用 cookie、令牌或 TLS 客户端证书；对浏览器客户端还要检查 Origin。",
  "Compute the accept value for the seeded key of section 2 (EBfUJOozc2+oWH0qCh4ijQ==) with a shell: `printf '%s' 'KEY258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64`. What is it, and does it match WebSocketAccept.value(forKey:)?":
    "用 shell 算出第 2 节中带种子的密钥（EBfUJOozc2+oWH0qCh4ijQ==）的接受值：`printf '%s' 'KEY258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64`。结果是什么？和 WebSocketAccept.value(forKey:) 一致吗？",
  "Yes: both give iWOPylNrDCImKDdHVPSYv5MgDMc=. The key is hashed as the 24 characters of base64 text, followed by the GUID; hashing the 16 decoded bytes instead gives a different value.":
    "一致：两者都得到 iWOPylNrDCImKDdHVPSYv5MgDMc=。参与哈希的是 24 个字符的 base64 文本，后面接 GUID；如果对解码后的 16 个字节做哈希，得到的值就不一样。",
  "Which of these should a server accept: `Connection: keep-alive, Upgrade`; `Upgrade: WebSocket`; `Sec-WebSocket-Version: 13, 8`? Explain each answer from §4.2.1.":
    "服务器应该接受下面哪几个：`Connection: keep-alive, Upgrade`；`Upgrade: WebSocket`；`Sec-WebSocket-Version: 13, 8`？根据 §4.2.1 逐一说明理由。",
  "`Connection: keep-alive, Upgrade` is accepted (101): Connection is a list of tokens, and it must include Upgrade. `Upgrade: WebSocket` is accepted (101): the value is compared case-insensitively. `Sec-WebSocket-Version: 13, 8` is refused with 426: the version must be exactly 13, and a server that does not get it answers 426 with the versions it speaks (§4.2.2, §4.4). These verdicts come from the real ServerHandshake.":
    "`Connection: keep-alive, Upgrade` 被接受（101）：Connection 是一个 token 列表，只要包含 Upgrade 即可。`Upgrade: WebSocket` 被接受（101）：这个值不区分大小写。`Sec-WebSocket-Version: 13, 8` 被以 426 拒绝：版本必须恰好是 13，没有得到它的服务器回答 426，并列出它支持的版本（§4.2.2、§4.4）。这些判定都出自真实的 ServerHandshake。",
  "The server's first frame can arrive in the same read as the 101 response. What would go wrong in a client that threw away everything after the empty line? In section 7's read, how many bytes follow the head?":
    "服务器的第一个帧可能和 101 响应在同一次读取中到达。如果客户端把空行之后的内容全部丢掉，会出什么问题？在第 7 节的那次读取中，头部之后有多少个字节？",
  "It would lose the frames that came with the head: in section 7, the 7 bytes of the server's \"Hello\" (81 05 48 65 6c 6c 6f). Worse, when a read ends inside a frame, the decoder would start in the middle of it and take payload bytes for a header, and fail the connection (or misread every later frame). The parser hands the bytes after the head to the frame decoder untouched for that reason.":
    "它会丢掉随头部一起到达的帧：在第 7 节里，就是服务器的 \"Hello\" 那 7 个字节（81 05 48 65 6c 6c 6f）。更糟的是，如果一次读取在某个帧的中间结束，解码器就会从帧的中间开始，把负载字节当成帧头，进而令连接失败（或者把之后的每个帧都读错）。正因如此，解析器把头部之后的字节原封不动地交给帧解码器。",
  "lesson 2, frames.":
    "第 2 课，帧。",
  "The client can be the one that refuses, too. Suppose a server computed the accept value with MD5 instead of SHA-1 (a mistake some tutorials teach). The client compares, finds a mismatch, and must fail the connection (§4.1):":
    "拒绝的一方也可能是客户端。假设某台服务器用 MD5 而不是 SHA-1 计算接受值（有些教程就是这么教的）。客户端一比较，发现不匹配，就必须令连接失败（§4.1）：",
  "The client's request (RFC 6455 §4.1). The 101 answers with base64(SHA-1(key + GUID)) (§4.2.2).":
    "客户端的请求（RFC 6455 §4.1）。101 用 base64(SHA-1(key + GUID)) 作答（§4.2.2）。",
  "the Sec-WebSocket-Accept value for the key EBfUJOozc2+oWH0qCh4ijQ==":
    "密钥 EBfUJOozc2+oWH0qCh4ijQ== 对应的 Sec-WebSocket-Accept 值",
  "does a server accept `Connection: keep-alive, Upgrade`, `Upgrade: WebSocket`, `Sec-WebSocket-Version: 13, 8`?":
    "服务器是否接受 `Connection: keep-alive, Upgrade`、`Upgrade: WebSocket`、`Sec-WebSocket-Version: 13, 8`？",
  "the 101 and the frame 81 05 48 65 6c 6c 6f arrive in one read: how many bytes after the head go to the frame decoder?":
    "101 和帧 81 05 48 65 6c 6c 6f 在一次读取中到达：头部之后有多少字节交给帧解码器？",
  "The key: 16 random bytes, base64":
    "密钥：16 个随机字节的 base64",
  "The client's request, line by line":
    "客户端的请求，逐行来看",
  "The server parses and validates the request":
    "服务器解析并校验请求",
  "Computing Sec-WebSocket-Accept":
    "计算 Sec-WebSocket-Accept",
  "The server's answer: 101 Switching Protocols":
    "服务器的回答：101 Switching Protocols",
  "The client validates the response (RFC 6455 §4.1, \"the client MUST\")":
    "客户端校验响应（RFC 6455 §4.1，“客户端必须”）",
  "Rejected handshakes, and what each side sees":
    "被拒绝的握手，以及双方各自看到什么",
  "→ HTTP {}: {t}":
    "→ HTTP {}：{}",
  "→ the client fails the connection: {t}":
    "→ 客户端令连接失败：{}",
]
