/// Simplified Chinese for what every lesson shows: the codec's annotations (field meanings,
/// record titles, notes, state changes, error messages) and the lesson list. English on the left,
/// exactly as the codec writes it, with `{}` where it puts a value. Terms follow Chinese technical
/// writing on WebSocket: 握手, 帧, 掩码, 掩码键, 分片, 负载, 关闭码, 扩展, 子协议, 头字段;
/// protocol names (FIN, opcode, Sec-WebSocket-Key) and RFC section numbers stay as they are.
enum SharedChinese {
  static let catalog: [String: String] = navigation.merging(handshake) { a, _ in a }.merging(framing) { a, _ in a }
    .merging(connection) { a, _ in a }.merging(deflate) { a, _ in a }
    .merging(server) { a, _ in a }.merging(tls) { a, _ in a }

  /// The lesson list (index, navigation).
  static let navigation: [String: String] = [
    "the opening handshake": "开始握手",
    "How an HTTP/1.1 connection becomes a WebSocket: the key, the accept value, the 101.":
      "一条 HTTP/1.1 连接如何变成 WebSocket：密钥、接受值、101。",
    "frames": "帧",
    "FIN, RSV, opcode, MASK, length: every bit of a frame, masking, and the rules that fail.":
      "FIN、RSV、opcode、MASK、长度：帧的每一位、掩码，以及违反规则时的后果。",
    "a conversation": "一次对话",
    "Two real state machines talking: messages, fragments, ping and pong, and the closing handshake.":
      "两个真实的状态机对话：消息、分片、ping 与 pong，以及关闭握手。",
    "compression (permessage-deflate)": "压缩（permessage-deflate）",
    "Negotiating RFC 7692, the DEFLATE bits of \"Hello\", context takeover, and bombs.":
      "RFC 7692 的协商、\"Hello\" 的 DEFLATE 比特、上下文接管，以及解压炸弹。",
    "on the wire": "线上实况",
    "A real server and real clients on loopback: the traced bytes, and long polling beside them.":
      "回环地址上的真实服务器与客户端：跟踪到的字节，以及并列的长轮询。",
    "WebSocket against long polling": "WebSocket 对比长轮询",
    "The same echo over a WebSocket and over HTTP long polling, measured on this machine.":
      "同样的回显，分别走 WebSocket 和 HTTP 长轮询，在本机实测。",
    "when one server is not enough": "一台服务器不够用时",
    "Three servers share a chat room through PostgreSQL: LISTEN/NOTIFY, catch-up, 1012 and backoff.":
      "三台服务器通过 PostgreSQL 共享一个聊天室：LISTEN/NOTIFY、补发、1012 与退避重连。",
    "security": "安全",
    "What the wire sees of wss://, Origin and hijacking, why clients mask, limits, and authentication.":
      "线上能看到 wss:// 的什么、Origin 与劫持、客户端为何加掩码、各项限制，以及认证。",
  ]

  /// The Handshake layer: HTTP heads, their fields, and its errors (RFC 6455 §4).
  static let handshake: [String: String] = [
    // Record titles.
    "HTTP request head: {} ({} bytes)": "HTTP 请求头：{}（{} 字节）",
    "HTTP response head: {} ({} bytes)": "HTTP 响应头：{}（{} 字节）",
    "handshake accepted: subprotocol {}, extensions {}": "握手成功：子协议 {}，扩展 {}",
    // Request line, status line, headers.
    "a GET request over HTTP/1.1 or later asks for the upgrade": "HTTP/1.1 或更高版本的 GET 请求，请求升级协议",
    "method, target (path and query), protocol version": "方法、目标（路径与查询）、协议版本",
    "an empty line ends the head": "空行标志头部结束",
    "the server's host and port; required once in HTTP/1.1": "服务器的主机名和端口；HTTP/1.1 中必须恰好出现一次",
    "the server's host and port; required in every HTTP/1.1 request": "服务器的主机名和端口；每个 HTTP/1.1 请求都必须带",
    "asks to switch this connection to the WebSocket protocol": "请求把这条连接切换到 WebSocket 协议",
    "must contain the token websocket": "必须包含 websocket 这个 token",
    "contains the token Upgrade: the upgrade applies to this hop": "包含 Upgrade 这个 token：升级只作用于这一跳",
    "must contain the token Upgrade": "必须包含 Upgrade 这个 token",
    "16 random bytes, base64; the server proves it read this request by hashing it":
      "16 个随机字节的 base64；服务器对它做哈希，以证明自己读懂了这个请求",
    "protocol version 13, the one RFC 6455 defines": "协议版本 13，即 RFC 6455 定义的版本",
    "not 13: a server answers 426 and lists the versions it speaks": "不是 13：服务器回复 426，并列出它支持的版本",
    "the origin of the page that opened the socket; the server may refuse it": "打开这个 socket 的页面的源；服务器可以拒绝它",
    "subprotocols the client offers, most preferred first": "客户端提供的子协议，最想要的排在前面",
    "extensions the client offers, with their parameters": "客户端提供的扩展及其参数",
    "101 Switching Protocols: the server agrees to speak WebSocket": "101 Switching Protocols：服务器同意改说 WebSocket",
    "426: the server speaks another WebSocket version (see Sec-WebSocket-Version)":
      "426：服务器使用另一个 WebSocket 版本（见 Sec-WebSocket-Version）",
    "{}: the server refused the handshake; the connection stays HTTP": "{}：服务器拒绝了握手；连接仍是 HTTP",
    "not a valid status line": "不是合法的状态行",
    "the connection now speaks WebSocket": "这条连接从此说 WebSocket",
    "the protocol the client must upgrade to": "客户端必须升级到的协议",
    "Upgrade: this hop switches protocols": "Upgrade：这一跳切换协议",
    "close: the server closes the TCP connection after this response": "close：发完这个响应后，服务器关闭 TCP 连接",
    "base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)): proof the server read the key":
      "base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11))：证明服务器读到了密钥",
    "base64(SHA-1(key + GUID)), the value the client computed: the server read the key":
      "base64(SHA-1(key + GUID))，与客户端算出的值一致：服务器读到了密钥",
    "the WebSocket versions this server speaks": "这台服务器支持的 WebSocket 版本",
    "the one subprotocol the server chose from the client's offer": "服务器从客户端的提议中选定的那一个子协议",
    "the extensions the server accepted, with their parameters": "服务器接受的扩展及其参数",
    "the size of the body in bytes": "消息体的字节数",
    "the body's media type": "消息体的媒体类型",
    "no-store: caches must not keep this response": "no-store：缓存不得保存这个响应",
    "the response body: why the server refused": "响应体：服务器拒绝的原因",
    "the browser's cookies for this server: sent whichever page opened the socket":
      "浏览器保存的该服务器的 cookie：无论哪个页面打开 socket 都会发送",
    "credentials for the server; a browser's WebSocket API cannot set it": "给服务器的凭据；浏览器的 WebSocket API 无法设置它",
    "the way to authenticate (a 401 must name one)": "认证方式（401 必须给出一种）",
    "seconds to wait before trying again": "重试前应等待的秒数",
    "not used by the WebSocket handshake": "WebSocket 握手不使用这个字段",
    "a header field this exchange does not need": "这次交互不需要的头字段",
    "obsolete line folding: rejected": "过时的行折叠：拒绝",
    "no colon: not a header field": "没有冒号：不是头字段",
    "not base64(SHA-1(key + GUID)), which is {}: the client fails the connection":
      "不是 base64(SHA-1(key + GUID))（应为 {}）：客户端令连接失败",
    // Notes.
    "Sec-WebSocket-Accept = base64(SHA-1(\"{}\" + GUID)) = {}":
      "Sec-WebSocket-Accept = base64(SHA-1(\"{}\" + GUID)) = {}",
    "subprotocol: client offered [{}], server prefers [{}] -> {}": "子协议：客户端提供 [{}]，服务器偏好 [{}] -> {}",
    "subprotocol: client offered [{}], server prefers [] -> {}": "子协议：客户端提供 [{}]，服务器偏好 [] -> {}",
    "extensions: client offered {} -> {}": "扩展：客户端提供 {} -> {}", "@none accepted": "一个也不接受",
    "@{}, server window 2^{}, client window 2^{}": "{}，服务器窗口 2^{}，客户端窗口 2^{}",
    "the status": "状态行",
    "transport error: {}": "传输错误：{}",
    "rejecting with {}: {t}": "以 {} 拒绝：{}",
    // Errors (HandshakeError), with their sections.
    "{t} (RFC {})": "{}（RFC {}）",
    "expected method GET, got {}": "应为 GET 方法，实际为 {}",
    "expected HTTP/1.1 or later, got {}": "应为 HTTP/1.1 或更高版本，实际为 {}",
    "expected a Host header field, found none": "应有 Host 头字段，但没有",
    "expected the server's authority (host and port) in Host, found an empty value":
      "Host 中应为服务器的主机名和端口，实际为空",
    "expected \"Upgrade: websocket\", found no Upgrade header field": "应为 \"Upgrade: websocket\"，但没有 Upgrade 头字段",
    "expected an Upgrade header field containing the token \"websocket\", got {}":
      "Upgrade 头字段应包含 token \"websocket\"，实际为 {}",
    "expected a Connection header field with the token \"Upgrade\", found no Connection header field":
      "Connection 头字段应包含 token \"Upgrade\"，但没有 Connection 头字段",
    "expected a Connection header field with the token \"Upgrade\", got {}":
      "Connection 头字段应包含 token \"Upgrade\"，实际为 {}",
    "expected a Sec-WebSocket-Key header field, found none": "应有 Sec-WebSocket-Key 头字段，但没有",
    "expected Sec-WebSocket-Key to be base64 of exactly 16 bytes, got {}, which decodes to {} bytes":
      "Sec-WebSocket-Key 应为恰好 16 字节的 base64，实际为 {}，解码后是 {} 字节",
    "expected \"Sec-WebSocket-Version: 13\", found no Sec-WebSocket-Version header field":
      "应为 \"Sec-WebSocket-Version: 13\"，但没有 Sec-WebSocket-Version 头字段",
    "expected \"Sec-WebSocket-Version: 13\", got {}": "应为 \"Sec-WebSocket-Version: 13\"，实际为 {}",
    "the origin policy refused a request without Origin": "源策略拒绝了不带 Origin 的请求",
    "the origin policy refused Origin {}": "源策略拒绝了 Origin {}",
    "the server needs credentials in the handshake: {}": "服务器要求在握手中提供凭据：{}",
    "Sec-WebSocket-Accept mismatch: expected {} (base64 SHA-1 of key + GUID), got {}":
      "Sec-WebSocket-Accept 不匹配：应为 {}（key + GUID 的 SHA-1 的 base64），实际为 {}",
    "expected status 101 Switching Protocols, got {}": "应为状态 101 Switching Protocols，实际为 {}",
    // wslab break --handshake.
    "remove {}": "删除 {}",
    "{} instead of {}": "用 {} 代替 {}",
    "still accepted": "仍被接受",
    // Every lesson.
    "Common misconceptions": "常见误区",
    "none": "无",
  ]

  /// The Framing layer: frame titles, field meanings, errors, and the decoder's progress (§5).
  static let framing: [String: String] = [
    // Titles: "frame: KIND [PAYLOAD] (FLAGS)". The kind and flags are translated inside (@ keys).
    "frame: {} ({})": "帧：{}（{}）",
    "invalid frame: {t}": "无效帧：{}",
    "frame: {} (header incomplete)": "帧：{}（帧头不完整）",
    "@text {}": "文本 {}", "@text": "文本", "@binary": "二进制", "@continuation {}": "延续 {}",
    "@continuation": "延续", "@ping {}": "ping {}", "@ping": "ping", "@pong {}": "pong {}", "@pong": "pong",
    "@close {}": "关闭 {}", "@close": "关闭",
    "@{} bytes": "{} 字节", "@masked, {} bytes": "已加掩码，{} 字节", "@FIN=0, {} bytes": "FIN=0，{} 字节",
    "@FIN=0, masked, {} bytes": "FIN=0，已加掩码，{} 字节", "@RSV1, {} bytes": "RSV1，{} 字节",
    "@RSV1, masked, {} bytes": "RSV1，已加掩码，{} 字节", "@FIN=0, RSV1, {} bytes": "FIN=0，RSV1，{} 字节",
    "@FIN=0, RSV1, masked, {} bytes": "FIN=0，RSV1，已加掩码，{} 字节",
    // FIN, RSV, opcode.
    "final fragment: this frame ends the message": "最后一个分片：这个帧结束整条消息",
    "more fragments of this message follow": "这条消息后面还有分片",
    "reserved bits, 0 unless an extension defines them": "保留位，除非扩展定义了它们，否则为 0",
    "RSV1 set, but no negotiated extension defines it: fail with 1002": "RSV1 被置位，但没有协商过的扩展定义它：以 1002 失败",
    "reserved bits set that no negotiated extension defines: fail with 1002": "保留位被置位，但没有协商过的扩展定义它们：以 1002 失败",
    "RSV1 set: a compressed message (permessage-deflate, RFC 7692 §6)":
      "RSV1 被置位：一条压缩消息（permessage-deflate，RFC 7692 §6）",
    "reserved bits set, as a negotiated extension defines them": "保留位被置位，与协商过的扩展的定义一致",
    "RSV1 set: a compressed message if permessage-deflate was negotiated (RFC 7692 §6), else 1002":
      "RSV1 被置位：若协商了 permessage-deflate 则是压缩消息（RFC 7692 §6），否则为 1002",
    "reserved bits set: only a negotiated extension may set them, else 1002": "保留位被置位：只有协商过的扩展可以置位，否则为 1002",
    "text frame: the message is UTF-8 text": "文本帧：消息是 UTF-8 文本",
    "binary frame: the message is raw bytes": "二进制帧：消息是原始字节",
    "continuation: the next fragment of the message in progress": "延续帧：正在传输的消息的下一个分片",
    "ping: the peer must answer with a pong (§5.5.2)": "ping：对端必须回一个 pong（§5.5.2）",
    "pong: the answer to a ping (§5.5.3)": "pong：对 ping 的回答（§5.5.3）",
    "close frame: starts or answers the closing handshake (§5.5.1)": "关闭帧：发起或回应关闭握手（§5.5.1）",
    "reserved opcode: fail the connection with 1002": "保留的操作码：以 1002 令连接失败",
    // MASK and the length.
    "payload is masked, as every client frame must be; the key follows the length": "负载已加掩码，客户端的每个帧都必须如此；掩码键紧跟在长度之后",
    "not masked, but a client must mask every frame: the server fails with 1002": "没有加掩码，但客户端的每个帧都必须加：服务器以 1002 失败",
    "payload is not masked: a server never masks": "负载没有加掩码：服务器从不加掩码",
    "masked, but a server must not mask: the client fails with 1002": "加了掩码，但服务器不得加掩码：客户端以 1002 失败",
    "payload is masked; a 4-byte key follows the length (only clients mask)": "负载已加掩码；长度后面跟着 4 字节的掩码键（只有客户端加掩码）",
    "payload is not masked (only clients mask)": "负载没有加掩码（只有客户端加掩码）",
    "payload length: {} bytes (0–125 fit in 7 bits)": "负载长度：{} 字节（0–125 用 7 位就能表示）",
    "payload length: 1 byte (0–125 fit in 7 bits)": "负载长度：1 字节（0–125 用 7 位就能表示）",
    "close frame with a 1-byte payload; a status code takes 2 bytes": "关闭帧的负载只有 1 个字节；状态码要占 2 个字节",
    "126: the length is in the next 2 bytes (16-bit)": "126：长度在后面 2 个字节里（16 位）",
    "127: the length is in the next 8 bytes (64-bit)": "127：长度在后面 8 个字节里（64 位）",
    "payload length {} bytes, 16-bit big-endian (network byte order)": "负载长度 {} 字节，16 位大端序（网络字节序）",
    "payload length {} bytes, 64-bit big-endian (network byte order)": "负载长度 {} 字节，64 位大端序（网络字节序）",
    "{} fits in 7 bits: not the minimal form a sender must use; WSLab fails with 1002":
      "{} 用 7 位就能表示：这不是发送方必须使用的最短形式；WSLab 以 1002 失败",
    "most significant bit set, which §5.2 forbids: fail with 1002": "最高位被置位，§5.2 禁止这样：以 1002 失败",
    "payload byte i is XORed with key byte i mod 4": "负载的第 i 个字节与掩码键的第 i mod 4 个字节做异或",
    // Payloads.
    "application data": "应用数据",
    "binary data": "二进制数据",
    "masked binary data": "已加掩码的二进制数据",
    "binary data ({} of {} bytes present)": "二进制数据（已到 {}/{} 字节）",
    // A frame cut short (`wslab decode` of a frame's first bytes).
    "{t} ({} of {} bytes present)": "{}（已到 {}/{} 字节）", "{} of {} length bytes present": "长度字节已到 {}/{} 个",
    "{} of 4 key bytes present": "掩码键字节已到 {}/4 个",
    "masked payload, unmasked: {}": "已加掩码的负载，去掉掩码后：{}",
    "payload of a reserved opcode": "保留操作码的负载",
    "no payload": "没有负载",
    "application data; not compressed: no extension was negotiated, so RSV1 means nothing here":
      "应用数据；没有压缩：没有协商任何扩展，所以 RSV1 在这里毫无意义",
    "UTF-8 reason, for humans": "UTF-8 编码的原因，给人看的",
    "masked; {}": "已加掩码；{}",
    // Close codes (§7.4.1).
    "normal closure": "正常关闭", "going away": "离开", "protocol error": "协议错误",
    "unsupported data": "不支持的数据", "invalid payload data": "无效的负载数据", "policy violation": "违反策略",
    "message too big": "消息过大", "mandatory extension": "缺少必需的扩展", "internal error": "服务器内部错误",
    "service restart": "服务重启", "try again later": "稍后重试", "no status received": "未收到状态码",
    "abnormal closure": "异常关闭", "bad gateway": "网关错误", "TLS handshake failure": "TLS 握手失败", "reserved": "保留",
    // Errors, as a receiver reports them (✗ CODE NAME: WHY).
    "✗ {} {t}: {t}": "✗ {} {}：{}",
    "RSV1 set, but no negotiated extension defines it": "RSV1 被置位，但没有协商过的扩展定义它",
    "RSV2 set, but no negotiated extension defines it": "RSV2 被置位，但没有协商过的扩展定义它",
    "RSV3 set, but no negotiated extension defines it": "RSV3 被置位，但没有协商过的扩展定义它",
    "RSV1, RSV3 set, but no negotiated extension defines it": "RSV1、RSV3 被置位，但没有协商过的扩展定义它们",
    "opcode {} is reserved for future use": "操作码 {} 保留给将来使用",
    "ping frame has FIN = 0; control frames must not be fragmented": "ping 帧的 FIN = 0；控制帧不得分片",
    "ping frame carries {} bytes; control frames carry at most 125": "ping 帧带了 {} 字节；控制帧最多 125 字节",
    "frame from the client is not masked (MASK = 0); a client must mask every frame":
      "客户端发来的帧没有加掩码（MASK = 0）；客户端的每个帧都必须加掩码",
    "frame from the server is masked (MASK = 1); a server must not mask": "服务器发来的帧加了掩码（MASK = 1）；服务器不得加掩码",
    "length {} sent in the {}-bit form; a sender must use the minimal number of bytes, and WSLab refuses any other":
      "长度 {} 用了 {} 位的形式；发送方必须用最少的字节数，WSLab 拒绝其他形式",
    "64-bit payload length has its most significant bit set": "64 位负载长度的最高位被置位",
    "frame of {} bytes exceeds the limit of {} bytes": "{} 字节的帧超过了 {} 字节的上限",
    "continuation frame, but no fragmented message was started": "收到延续帧，但没有正在进行的分片消息",
    "text frame inside a fragmented message; only continuation or control frames may come next":
      "分片消息中间出现了文本帧；接下来只能是延续帧或控制帧",
    "text message is not valid UTF-8 (byte {} of the message cannot continue a valid sequence)":
      "文本消息不是合法的 UTF-8（消息的第 {} 个字节无法延续合法的序列）",
    "text message ends inside an incomplete UTF-8 sequence (starting at byte {} of the message)":
      "文本消息在一个不完整的 UTF-8 序列中间结束（该序列从消息的第 {} 个字节开始）",
    "compressed message inflates to more than {} bytes": "压缩消息解压后超过 {} 字节",
    // The decoder's progress, byte by byte (wslab decode --step).
    "between frames: the next byte starts a header (FIN, RSV1-3, opcode)": "在帧与帧之间：下一个字节开始一个新帧头（FIN、RSV1-3、opcode）",
    "have {}; need byte 1: MASK and the 7-bit length": "已有 {}；还需要第 1 字节：MASK 和 7 位长度",
    "@FIN={}, RSV={}, opcode {} ({t})": "FIN={}，RSV={}，opcode {}（{}）", "@MASK={}, length {}": "MASK={}，长度 {}",
    "have {}; need {} more bytes of the masking key": "已有 {}；还需要掩码键的 {} 个字节",
    "have {}; need 1 more byte of the masking key": "已有 {}；还需要掩码键的 1 个字节",
    "have {} (the length is in the next {} bytes); need {} more bytes of extended length":
      "已有 {}（长度在接下来的 {} 个字节里）；还需要扩展长度的 {} 个字节",
    "have {} (the length is in the next {} bytes); need 1 more byte of extended length":
      "已有 {}（长度在接下来的 {} 个字节里）；还需要扩展长度的 1 个字节",
    "@MASK={}, length {} ({} in {} bits)": "MASK={}，长度 {}（{}，占 {} 位）",
    "payload: {} of {} bytes in; the next is unmasked with key byte {}":
      "负载：已收到 {}/{} 字节；下一个字节用掩码键的第 {} 字节去掩码",
    "header complete; {t}": "帧头完整；{}", "frame complete; {t}": "帧完整；{}",
    "{} XOR {} = {} {}; {t}": "{} XOR {} = {} {}；{}",
    "failed: nothing more is read (§7.1.7)": "已失败：不再读取任何字节（§7.1.7）",
    // `wslab decode` (and `--step`): its own lines around the trace.
    "decoding {} bytes as the {t} receives them (sent by the {t})": "把这 {} 个字节当作{}收到的字节来解码（由{}发送）",
    "@server": "服务器", "@client": "客户端",
    "{t}: the connection fails once the {} message(s) before it are taken": "{}：先交出它之前的 {} 条消息，然后连接失败",
    "result: valid: {} frame(s), {} data message(s)": "结果：合法：{} 个帧，{} 条数据消息",
    "result: incomplete: the last {} byte(s) start a frame that has not fully arrived":
      "结果：不完整：最后 {} 个字节开始了一个尚未完整到达的帧",
    "result: invalid: {t}; the {t} fails the connection with close {}": "结果：不合法：{}；{}以关闭码 {} 令连接失败",
    "feeding {} bytes one at a time to the {t} (sent by the {t}):": "把 {} 个字节逐个交给{}（由{}发送）：",
    "  [Enter: next byte]": "  [回车：下一个字节]",
    "the last {} byte(s) are not read: the connection failed (§7.1.7)": "最后 {} 个字节没有被读取：连接已失败（§7.1.7）",
    "header complete; payload: {} of {} bytes in; the next is unmasked with key byte {}":
      "帧头完整；负载：已收到 {}/{} 字节；下一个字节用掩码键的第 {} 字节去掩码",
    "{} XOR {} = {}; payload: {} of {} bytes in; the next is unmasked with key byte {}":
      "{} XOR {} = {}；负载：已收到 {}/{} 字节；下一个字节用掩码键的第 {} 字节去掩码",
    "{} XOR {} = {}; frame complete; between frames: the next byte starts a header (FIN, RSV1-3, opcode)":
      "{} XOR {} = {}；帧完整；在帧与帧之间：下一个字节开始一个新帧头（FIN、RSV1-3、opcode）",
    // wslab break: what the receiver does with each variant.
    "accepts it: {t}": "接受：{}",
    "a first fragment; waits for the rest of the message": "是第一个分片；等待消息的其余部分",
    "delivers {}": "交付 {}",
    "waits for {} more bytes": "再等 {} 个字节",
    "waits for 1 more byte": "再等 1 个字节",
    // wslab break's table (lessons 2 and 4).
    "bit": "位", "byte": "字节", "field": "字段", "now": "现在", "what the receiver does": "接收方的处理", "rule": "规则",
  ]

  /// The Connection layer: what the application is told, state changes, the closing handshake.
  static let connection: [String: String] = [
    "{} normal closure": "{} 正常关闭",
    "@{} normal closure {}": "{} 正常关闭 {}",
    "{} normal closure: {t}": "{} 正常关闭：{}",
    "{} going away": "{} 离开",
    "@{} going away {}": "{} 离开 {}",
    "{} going away: {t}": "{} 离开：{}",
    "{} protocol error": "{} 协议错误",
    "@{} protocol error {}": "{} 协议错误 {}",
    "{} protocol error: {t}": "{} 协议错误：{}",
    "{} unsupported data": "{} 不支持的数据",
    "@{} unsupported data {}": "{} 不支持的数据 {}",
    "{} unsupported data: {t}": "{} 不支持的数据：{}",
    "{} no status received": "{} 未收到状态码",
    "@{} no status received {}": "{} 未收到状态码 {}",
    "{} no status received: {t}": "{} 未收到状态码：{}",
    "{} abnormal closure": "{} 异常关闭",
    "@{} abnormal closure {}": "{} 异常关闭 {}",
    "{} abnormal closure: {t}": "{} 异常关闭：{}",
    "{} invalid payload data": "{} 无效的负载数据",
    "@{} invalid payload data {}": "{} 无效的负载数据 {}",
    "{} invalid payload data: {t}": "{} 无效的负载数据：{}",
    "{} policy violation": "{} 违反策略",
    "@{} policy violation {}": "{} 违反策略 {}",
    "{} policy violation: {t}": "{} 违反策略：{}",
    "{} message too big": "{} 消息过大",
    "@{} message too big {}": "{} 消息过大 {}",
    "{} message too big: {t}": "{} 消息过大：{}",
    "{} mandatory extension": "{} 缺少必需的扩展",
    "@{} mandatory extension {}": "{} 缺少必需的扩展 {}",
    "{} mandatory extension: {t}": "{} 缺少必需的扩展：{}",
    "{} internal error": "{} 内部错误",
    "@{} internal error {}": "{} 内部错误 {}",
    "{} internal error: {t}": "{} 内部错误：{}",
    "{} service restart": "{} 服务重启",
    "@{} service restart {}": "{} 服务重启 {}",
    "{} service restart: {t}": "{} 服务重启：{}",
    "{} try again later": "{} 稍后重试",
    "@{} try again later {}": "{} 稍后重试 {}",
    "{} try again later: {t}": "{} 稍后重试：{}",
    "{} bad gateway": "{} 网关错误",
    "@{} bad gateway {}": "{} 网关错误 {}",
    "{} bad gateway: {t}": "{} 网关错误：{}",
    "{} TLS handshake failure": "{} TLS 握手失败",
    "@{} TLS handshake failure {}": "{} TLS 握手失败 {}",
    "{} TLS handshake failure: {t}": "{} TLS 握手失败：{}",
    "app ← {t}": "应用 ← {}",
    "@{} normal closure, {}": "{} 正常关闭，{}",
    "@{} going away, {}": "{} 离开，{}",
    "@{} protocol error, {}": "{} 协议错误，{}",
    "@{} unsupported data, {}": "{} 不支持的数据，{}",
    "@{} no status received, {}": "{} 未收到状态码，{}",
    "@{} abnormal closure, {}": "{} 异常关闭，{}",
    "@{} invalid payload data, {}": "{} 无效的负载数据，{}",
    "@{} policy violation, {}": "{} 违反策略，{}",
    "@{} message too big, {}": "{} 消息过大，{}",
    "@{} mandatory extension, {}": "{} 缺少必需的扩展，{}",
    "@{} internal error, {}": "{} 内部错误，{}",
    "@{} service restart, {}": "{} 服务重启，{}",
    "@{} try again later, {}": "{} 稍后重试，{}",
    "@{} bad gateway, {}": "{} 网关错误，{}",
    "@{} TLS handshake failure, {}": "{} TLS 握手失败，{}",
    "@opened {}, subprotocol {}": "已打开 {}，子协议 {}",
    "@opened {}, subprotocol {}, extensions {}": "已打开 {}，子协议 {}，扩展 {}",
    "@binary, {} bytes": "二进制，{} 字节",
    "@close received: {}": "收到关闭帧：{}",
    "@failed: {}": "失败：{}",
    "@closed: {}": "已关闭：{}",
    "@handshake failed: {}": "握手失败：{}",
    // What `--auth-token` answers a request without the token (ServerConfiguration).
    "@send Authorization: Bearer {} or the cookie {}": "请发送 Authorization: Bearer {}，或 cookie {}",
    "@the token does not match": "令牌不匹配",
    "@{}, clean": "{}，干净关闭",
    "@{}, not clean": "{}，非干净关闭",
    "@{}, clean, closed by the client": "{}，干净关闭，由客户端发起",
    "@{}, clean, closed by the server": "{}，干净关闭，由服务器发起",
    "@{}, not clean, closed by the client": "{}，非干净关闭，由客户端发起",
    "@{}, not clean, closed by the server": "{}，非干净关闭，由服务器发起",
    "opening handshake complete": "开始握手完成",
    "close sent, waiting for the peer's close": "已发送关闭帧，等待对端的关闭帧",
    "close received and answered": "收到关闭帧并已回应",
    "close answered by the peer": "对端已回应关闭帧",
    "connection failed": "连接失败",
    "connection lost": "连接中断",
    "handshake failed": "握手失败",
    "handshake rejected with {}": "握手被以 {} 拒绝",
    "idle timeout": "空闲超时",
    "close received; answering with the same code, {}": "收到关闭帧；以相同的关闭码 {} 回应",
    "close received; answering with {}": "收到关闭帧；以 {} 回应",
    "server closes the TCP connection first (§7.1.1)": "服务器先关闭 TCP 连接（§7.1.1）",
    "client waits for the server to close TCP (§7.1.1)": "客户端等待服务器关闭 TCP（§7.1.1）",
    "TCP closed during the opening handshake": "开始握手期间 TCP 被关闭",
    "close requested during the opening handshake: closing TCP": "开始握手期间请求关闭：关闭 TCP",
    "handshake failed: {t}": "握手失败：{}",
    "no close frame from the peer within {}: closing TCP": "{} 内没有收到对端的关闭帧：关闭 TCP",
    "the server did not close TCP within {}: closing it": "服务器在 {} 内没有关闭 TCP：由本端关闭",
    "✗ failing the connection: {t}": "✗ 令连接失败：{}",
    "message of at least {} bytes exceeds the limit of {} bytes": "至少 {} 字节的消息超过了 {} 字节的上限",
    "close code {} ({t}) must not be sent in a close frame, and WSLab refuses it": "关闭码 {}（{}）不得在关闭帧中发送，WSLab 拒绝它",
    "masked; {t} — a code no endpoint may send (§7.4); WSLab fails with 1002":
      "已加掩码；{}——任何端点都不得发送的关闭码（§7.4）；WSLab 以 1002 失败",
    "{t} — a code no endpoint may send (§7.4); WSLab fails with 1002": "{}——任何端点都不得发送的关闭码（§7.4）；WSLab 以 1002 失败",
    "{} bytes queued for a peer that is not reading (limit {})": "为不读取的对端排队了 {} 字节（上限 {}）",
    "nothing received for {}: keepalive ping": "{}内什么也没收到：发送保活 ping",
    "nothing received for {}: closing with 1001": "{}内什么也没收到：以 1001 关闭",
    "opening handshake not completed within {}": "开始握手未在 {} 内完成",
  ]

  /// The Deflate layer and the DEFLATE reader (RFC 7692, RFC 1951).
  static let deflate: [String: String] = [
    "compressed with permessage-deflate (RSV1): the receiver inflates it first": "用 permessage-deflate 压缩（RSV1）：接收方先解压",
    "compressed with permessage-deflate if it was negotiated (RSV1), else the frame is invalid":
      "若协商了 permessage-deflate 则是压缩数据（RSV1），否则这个帧无效",
    "block header": "块头",
    "literal": "字面值",
    "end of block": "块结束",
    "padding": "填充",
    "LEN, NLEN": "LEN、NLEN",
    "match": "匹配",
    "stored data": "存储数据",
    "BFINAL=0: more blocks follow; BTYPE=01: fixed Huffman codes": "BFINAL=0：后面还有块；BTYPE=01：固定霍夫曼码",
    "BFINAL=1: last block of the stream; BTYPE=01: fixed Huffman codes": "BFINAL=1：数据流的最后一个块；BTYPE=01：固定霍夫曼码",
    "BFINAL=0: more blocks follow; BTYPE=10: dynamic Huffman codes": "BFINAL=0：后面还有块；BTYPE=10：动态霍夫曼码",
    "BFINAL=1: last block of the stream; BTYPE=10: dynamic Huffman codes": "BFINAL=1：数据流的最后一个块；BTYPE=10：动态霍夫曼码",
    "BFINAL=0: more blocks follow; BTYPE=00: stored block (no compression)": "BFINAL=0：后面还有块；BTYPE=00：存储块（不压缩）",
    "BFINAL=1: last block of the stream; BTYPE=00: stored block (no compression)":
      "BFINAL=1：数据流的最后一个块；BTYPE=00：存储块（不压缩）",
    "literal {} ({}): fixed code {} = {} + {}": "字面值 {}（{}）：固定码 {} = {} + {}",
    "end of block (256): fixed code {}": "块结束（256）：固定码 {}",
    "{} bits of padding to the byte boundary": "填充 {} 位，对齐到字节边界",
    "1 bit of padding to the byte boundary": "填充 1 位，对齐到字节边界",
    "stored block, LEN={}, NLEN={}: the empty block a sync flush adds (00 00 ff ff)":
      "存储块，LEN={}，NLEN={}：同步刷新添加的空块（00 00 ff ff）",
    "match: length {}, distance {} — copy {} from {} bytes back (length symbol {}, distance symbol {} + {})":
      "匹配：长度 {1}，距离 {2}——从 {4} 字节之前复制 {3}（长度符号 {5}，距离符号 {6} + {7}）",
    "compressed message is not valid DEFLATE data ({t})": "压缩消息不是合法的 DEFLATE 数据（{}）",
    "invalid block type": "无效的块类型",
    "invalid stored block lengths": "无效的存储块长度",
    "invalid distance too far back": "距离太远，超出窗口",
    "header complete; payload: {} of {} bytes in": "帧头完整；负载：已收到 {}/{} 字节",
    "payload: {} of {} bytes in": "负载：已收到 {}/{} 字节",
    "frame complete; between frames: the next byte starts a header (FIN, RSV1-3, opcode); app ← {t}":
      "帧完整；在帧与帧之间：下一个字节开始一个新帧头（FIN、RSV1-3、opcode）；应用 ← {}",
    "extensions: client offered {}": "扩展：客户端提议 {}",
    "permessage-deflate negotiated: {}": "已协商 permessage-deflate：{}",
  ]

  /// The server and the long-polling baseline (what `wslab serve --trace` notes).
  static let server: [String: String] = [
    "TCP connection from {}": "TCP 连接来自 {}",
    "TCP connection closed": "TCP 连接已关闭",
    "request not complete within {}: closing": "请求未在 {} 内完成：关闭",
    "bad HTTP request: {t}": "错误的 HTTP 请求：{}",
    "refusing the WebSocket request: {}": "拒绝 WebSocket 请求：{}",
    "peer is not reading: closing with 1008": "对端不读取：以 1008 关闭",
    "{} seconds": "{} 秒",
    "HTTP request: {} ({} bytes)": "HTTP 请求：{}（{} 字节）",
    "HTTP response: {} ({} bytes)": "HTTP 响应：{}（{} 字节）",
    "the body: the message itself, {} bytes": "消息体：消息本身，{} 字节",
    "204 No Content: nothing to deliver (accepted, or no message in time)": "204 No Content：没有要交付的内容（已接受，或者在时限内没有消息）",
    "200 OK: the body is the message": "200 OK：消息体就是消息",
  ]

  /// What an observer reads of a TLS connection (the TLS record reader).
  static let tls: [String: String] = [
    "TLS record: {t}": "TLS 记录：{}",
    "@handshake ({}), {} bytes, in the clear": "handshake（{}），{} 字节，明文",
    "@{}, {} bytes, encrypted": "{}，{} 字节，已加密",
    "@{}, {} bytes": "{}，{} 字节",
    "handshake": "handshake（握手）",
    "a version older middleboxes expect in the first record": "旧的中间设备期望在第一条记录里看到的版本",
    "TLS 1.2 on the wire, kept by TLS 1.3 for middleboxes": "线上写的是 TLS 1.2，TLS 1.3 为了中间设备保留了它",
    "{} bytes of body follow": "后面跟着 {} 字节的记录体",
    "{} bytes of ciphertext: {} of plaintext + 1 type + 16 tag": "{} 字节密文：{} 字节明文 + 1 字节类型 + 16 字节认证标签",
    "application_data: every encrypted record says so; the real type is inside":
      "application_data：每条加密记录都这样标注；真正的类型藏在里面",
    "{}, in the clear": "{}，明文",
    "then {} bytes of {} (its random values differ on every run)": "后面是 {} 字节的 {}（其中的随机值每次运行都不同）",
  ]
}
