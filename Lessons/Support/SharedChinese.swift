/// Simplified Chinese for what every lesson shows: the codec's annotations (field meanings,
/// record titles, notes, state changes, error messages) and the lesson list. English on the left,
/// exactly as the codec writes it, with `{}` where it puts a value. Terms follow Chinese technical
/// writing on WebSocket: 握手, 帧, 掩码, 掩码键, 分片, 负载, 关闭码, 扩展, 子协议, 头字段;
/// protocol names (FIN, opcode, Sec-WebSocket-Key) and RFC section numbers stay as they are.
enum SharedChinese {
  static let catalog: [String: String] = navigation.merging(handshake) { a, _ in a }

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
}
