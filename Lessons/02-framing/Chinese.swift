/// Lesson 2 in Simplified Chinese: the lesson's own text (its codec's annotations are in
/// Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "What travels after the handshake: frames, bit by bit. RFC 6455 §5, checked against the §5.7 examples.":
    "握手之后传的是什么：帧，一位一位地看。RFC 6455 §5，并与 §5.7 的示例核对。",
  "The frame header":
    "帧头",
  "After the opening handshake both sides stop speaking HTTP and exchange frames. Every frame starts with a 2-byte header, optionally followed by an extended length (2 or 8 bytes) and a 4-byte masking key, then the payload:":
    "握手完成之后，双方不再说 HTTP，而是交换帧。每个帧以 2 字节的帧头开始，后面可能跟着扩展长度（2 或 8 字节）和 4 字节的掩码键，然后是负载：",
  "byte 0:  FIN (1 bit) | RSV1 RSV2 RSV3 (1 bit each) | opcode (4 bits)":
    "字节 0： FIN（1 位）| RSV1 RSV2 RSV3（各 1 位）| opcode（4 位）",
  "byte 1:  MASK (1 bit) | payload length (7 bits: 0-125, or 126 / 127)":
    "字节 1： MASK（1 位）| 负载长度（7 位：0-125，或 126 / 127）",
  "then:    extended length (16-bit if 126, 64-bit if 127), big-endian":
    "然后：   扩展长度（126 时 16 位，127 时 64 位），大端序",
  "then:    masking key (4 bytes, only if MASK = 1)":
    "然后：   掩码键（4 字节，仅当 MASK = 1）",
  "then:    payload":
    "然后：   负载",
  "So a header is 2 to 14 bytes. In the dissections below, the \"bits\" column shows which bits of a byte a field occupies (dots are the other bits).":
    "所以帧头是 2 到 14 个字节。在下面的解析里，“bits”一栏显示字段占用字节中的哪几位（点表示其他位）。",
  "A single-frame unmasked text message: \"Hello\"":
    "单帧、不加掩码的文本消息：\"Hello\"",
  "A server sends \"Hello\" to a client. Servers never mask (§5.1), so the payload travels as plain UTF-8. The encoder writes FIN=1 (the message is complete in this frame), opcode 0x1 (text) and length 5:":
    "服务器向客户端发送 \"Hello\"。服务器从不加掩码（§5.1），所以负载以普通的 UTF-8 传输。编码器写入 FIN=1（消息在这个帧里就完整了）、opcode 0x1（文本）和长度 5：",
  "RFC 6455 §5.7  81 05 48 65 6c 6c 6f":
    "RFC 6455 §5.7  81 05 48 65 6c 6c 6f",
  "WSLab encoder  81 05 48 65 6c 6c 6f  ✓ identical":
    "WSLab 编码器   81 05 48 65 6c 6c 6f  ✓ 完全一致",
  "The same message from a client: masked":
    "同一条消息由客户端发送：加掩码",
  "A client must mask every frame it sends (§5.1), with a fresh unpredictable 32-bit key per frame (§5.3) so that a malicious page cannot choose the bytes that cross a proxy. The RFC's example uses the key 37 fa 21 3d; MASK becomes 1, the key follows the length, and each payload byte i is XORed with key byte (i mod 4):":
    "客户端发送的每个帧都必须加掩码（§5.1），而且每个帧都用一个新的、不可预测的 32 位掩码键（§5.3），这样恶意页面就无法决定经过代理的字节是什么。RFC 的示例用的掩码键是 37 fa 21 3d；MASK 变成 1，掩码键跟在长度后面，负载的第 i 个字节与掩码键的第 (i mod 4) 个字节做异或：",
  "\"Hello\" from a client, masked with the key of RFC 6455 §5.7.":
    "客户端发送的 \"Hello\"，用 RFC 6455 §5.7 的掩码键加掩码。",
  "RFC 6455 §5.7  81 85 37 fa 21 3d 7f 9f 4d 51 58":
    "RFC 6455 §5.7  81 85 37 fa 21 3d 7f 9f 4d 51 58",
  "WSLab encoder  81 85 37 fa 21 3d 7f 9f 4d 51 58  ✓ identical":
    "WSLab 编码器   81 85 37 fa 21 3d 7f 9f 4d 51 58  ✓ 完全一致",
  "The server decodes it. Here is the byte-by-byte unmasking the decoder performs:":
    "服务器对它解码。下面是解码器逐字节去掩码的过程：",
  "masked byte":
    "加掩码的字节",
  "key byte (i mod 4)":
    "掩码键字节（i mod 4）",
  "unmasked":
    "去掩码后",
  "char":
    "字符",
  "{} (key[{}])":
    "{}（key[{}]）",
  "XOR is its own inverse: masking twice with the same key gives the original bytes back, which is why one function serves both the client (masking) and the server (unmasking). WSLab's hot path does this 32 bytes per step with the key rotated to the starting offset; a per-byte version exists only as the reference the tests compare it with.":
    "异或是它自身的逆运算：用同一个掩码键加两次掩码就得到原来的字节，所以客户端（加掩码）和服务器（去掩码）用的是同一个函数。WSLab 的热路径每步处理 32 个字节，并把掩码键旋转到起始偏移；逐字节的版本只作为测试比对的参照。",
  "Payload lengths: 7, 16 or 64 bits":
    "负载长度：7、16 或 64 位",
  "Lengths up to 125 fit in the 7-bit field. 126 means \"the real length is in the next 2 bytes\", 127 means \"in the next 8 bytes\". The sender must use the shortest form (§5.2: \"the minimal number of bytes MUST be used\"), so every length has exactly one encoding. The headers the encoder writes at the boundaries (unmasked binary frames, as a server sends them):":
    "不超过 125 的长度放在 7 位字段里。126 表示“真实长度在后面 2 个字节里”，127 表示“在后面 8 个字节里”。发送方必须使用最短的形式（§5.2：“必须使用最少的字节数”），所以每个长度只有一种编码。下面是编码器在边界处写出的帧头（不加掩码的二进制帧，就像服务器发送的那样）：",
  "payload bytes":
    "负载字节数",
  "header bytes":
    "帧头字节",
  "header size":
    "帧头大小",
  "length field":
    "长度字段",
  "7-bit":
    "7 位",
  "126 + 16-bit":
    "126 + 16 位",
  "127 + 64-bit":
    "127 + 64 位",
  "The RFC's own examples, 256 bytes and 64 KiB of binary data, dissected (payloads abbreviated):":
    "RFC 自己的示例：256 字节和 64 KiB 的二进制数据，逐字段解析（负载已省略）：",
  "RFC 6455 §5.7 (header)  82 7e 01 00":
    "RFC 6455 §5.7（帧头）   82 7e 01 00",
  "WSLab encoder           82 7e 01 00  ✓ identical":
    "WSLab 编码器            82 7e 01 00  ✓ 完全一致",
  "RFC 6455 §5.7 (header)  82 7f 00 00 00 00 00 01 00 00":
    "RFC 6455 §5.7（帧头）   82 7f 00 00 00 00 00 01 00 00",
  "WSLab encoder           82 7f 00 00 00 00 00 01 00 00  ✓ identical":
    "WSLab 编码器            82 7f 00 00 00 00 00 01 00 00  ✓ 完全一致",
  "Fragmentation, with a ping in the middle":
    "分片，中间插入一个 ping",
  "A message may be split into fragments: the first frame carries the type (text or binary) with FIN=0, the following frames are continuations (opcode 0x0), and the last has FIN=1. Control frames (close, ping, pong) may be injected between fragments, so a long message never delays a ping, but they cannot be fragmented themselves. A client sends a text message in three fragments and a ping between the second and the third:":
    "一条消息可以拆成多个分片：第一个帧带上类型（文本或二进制）且 FIN=0，之后的帧是延续帧（opcode 0x0），最后一个帧 FIN=1。控制帧（close、ping、pong）可以插在分片之间，这样长消息永远不会耽误 ping；但控制帧自己不能分片。客户端把一条文本消息分成三片发送，并在第二片和第三片之间插入一个 ping：",
  "The server receives these 51 bytes, here fed to the decoder one byte at a time (any chunking works):":
    "服务器收到这 51 个字节，这里一次一个字节地喂给解码器（怎么切分都行）：",
  "→ assembler: fragment buffered ({} bytes of a text message so far)":
    "→ 组装器：缓存分片（这条文本消息目前共 {} 字节）",
  "→ assembler: ping delivered at once, between fragments: {}":
    "→ 组装器：ping 在分片之间立即交付：{}",
  "→ assembler: message complete: text {}":
    "→ 组装器：消息完整：文本 {}",
  "Only the FIN=1 continuation completes the message; the ping was handed up immediately (an endpoint answers it with a pong, lesson 3). Text is checked as UTF-8 fragment by fragment: the check fails at the first byte that can no longer be part of valid UTF-8, even if the message is not complete yet (§8.1).":
    "只有 FIN=1 的延续帧才使消息完整；ping 立即被交给上层（端点会回一个 pong，见第 3 课）。文本按分片逐片做 UTF-8 校验：一旦某个字节不可能再构成合法的 UTF-8，校验就立即失败，哪怕消息还没收完（§8.1）。",
  "Invalid frames and the close code each one earns":
    "无效的帧，以及每种各自换来的关闭码",
  "A receiver that finds a frame breaking a rule must fail the connection: send a close frame with the right status code (if it still can) and drop the TCP connection. The decoder checks each rule as soon as the byte carrying it arrives. The bytes below are what a broken or hostile peer sends; the dissection and the verdict come from the real decoder. Where the encoder can produce the frame (a rule the receiver enforces, not the sender), it does.":
    "接收方发现某个帧违反了规则，就必须令连接失败：（如果还能发的话）发送一个带正确状态码的关闭帧，然后断开 TCP 连接。解码器在携带某条规则的字节一到达时就检查那条规则。下面的字节是出错的或怀有恶意的对端会发送的；解析和判定都出自真实的解码器。凡是编码器能产生的帧（接收方强制、而非发送方遵守的规则），都由编码器生成。",
  "({}) {t}, received by a client:":
    "({}) {}，由客户端接收：",
  "({}) {t}, received by a server:":
    "({}) {}，由服务器接收：",
  "RSV1 set, but no extension was negotiated":
    "RSV1 被置位，但没有协商任何扩展",
  "reserved opcode 0x3":
    "保留的操作码 0x3",
  "a fragmented ping (FIN = 0)":
    "分片的 ping（FIN = 0）",
  "a ping with 126 bytes of payload":
    "负载为 126 字节的 ping",
  "an unmasked frame sent to a server":
    "发给服务器的未加掩码的帧",
  "a masked frame sent to a client":
    "发给客户端的加了掩码的帧",
  "length 5 written in the 16-bit form (non-minimal)":
    "长度 5 写成 16 位形式（不是最短形式）",
  "64-bit length with the most significant bit set":
    "最高位被置位的 64 位长度",
  "a 2000-byte frame to a receiver whose frame limit is 1024":
    "发给帧上限为 1024 的接收方的 2000 字节帧",
  "a continuation frame with no message started":
    "没有消息开头的延续帧",
  "a new text frame while a fragmented message is open":
    "分片消息尚未结束时出现的新文本帧",
  "text that is not UTF-8 (0xc3 0x28: a lead byte followed by a non-continuation)":
    "不是 UTF-8 的文本（0xc3 0x28：首字节后面跟的不是延续字节）",
  "a UTF-8 surrogate (U+D800, ed a0 80) in a fragment of a message still in progress":
    "尚未结束的消息的某个分片里出现 UTF-8 代理项（U+D800，ed a0 80）",
  "a text message that ends in the middle of a character (e2 82 without its last byte)":
    "在一个字符中间结束的文本消息（e2 82，缺最后一个字节）",
  "→ assembler: fragment buffered, message not complete yet":
    "→ 组装器：缓存分片，消息尚未完整",
  "Summary:":
    "小结：",
  "frame":
    "帧",
  "close code — rule":
    "关闭码 — 规则",
  "{} — RFC {}":
    "{} — RFC {}",
  "1002 (protocol error) is for broken framing, 1007 (invalid payload data) for a text message that is not UTF-8, 1009 (message too big) for a frame or message over the receiver's limit. The limit is the receiver's choice: the RFC allows frames up to 2^63-1 bytes, so an endpoint that sets no limit can be made to buffer without bound (§10.4).":
    "1002（协议错误）用于帧结构错误，1007（无效的负载数据）用于不是 UTF-8 的文本消息，1009（消息过大）用于超过接收方上限的帧或消息。上限由接收方自己决定：RFC 允许帧长达 2^63-1 字节，所以不设上限的端点可能被迫无限制地缓存数据（§10.4）。",
  "One rule above is the sender's in the RFC, and failing on it is WSLab's choice: §5.2 says a sender must use the minimal length encoding (g), but does not tell a receiver what to do with a longer one. WSLab chooses to fail the connection, as the Autobahn|Testsuite expects; lesson 3 shows the same choice for close codes no endpoint may send (§7.4).":
    "上面有一条规则在 RFC 里是约束发送方的，接收方因它而失败是 WSLab 的选择：§5.2 说发送方必须使用最短的长度编码（g），却没说接收方遇到更长的编码该怎么办。WSLab 选择令连接失败，这也是 Autobahn|Testsuite 所期望的；第 3 课对任何端点都不应发送的关闭码也做了同样的选择（§7.4）。",
  "Break it: every header bit of the masked \"Hello\", flipped":
    "动手破坏：把加了掩码的 \"Hello\" 的每个帧头位逐一翻转",
  "Which rule guards which bit? Take the valid masked \"Hello\" of section 3 and flip its 16 header bits one at a time (bit 0 is FIN, the most significant bit of byte 0; bit 8 is MASK). Each variant goes through a real receiving Connection, the server's, as `wslab break` does:":
    "哪条规则守护哪一位？取第 3 节中合法的、加了掩码的 \"Hello\"，把它帧头的 16 位逐一翻转（第 0 位是 FIN，即字节 0 的最高位；第 8 位是 MASK）。每个变体都交给一个真实的接收端 Connection（服务器的），就像 `wslab break` 那样：",
  "close":
    "关闭码",
  "FIN":
    "FIN",
  "RSV1":
    "RSV1",
  "RSV2":
    "RSV2",
  "RSV3":
    "RSV3",
  "MASK":
    "MASK",
  "opcode bit {}":
    "opcode 第 {} 位",
  "length bit {}":
    "length 第 {} 位",
  "9 of the 16 bits are guarded by a rule here: the reserved bits (no extension was negotiated), the opcode bits that make a reserved opcode or a continuation with nothing to continue, MASK (a client must mask), and two length bits that make the frame shorter, so that its last payload bytes are read as the next frame's header, which breaks a rule of its own. Clearing FIN is legal (the first fragment of a message), so is turning text into a ping; a longer length just waits for bytes. Try your own: `wslab break --all HEX` flips every bit.":
    "在这里，16 位中有 9 位受规则守护：保留位（没有协商任何扩展）；会造出保留操作码、或造出无可延续的延续帧的 opcode 位；MASK（客户端必须加掩码）；还有两个会让帧变短的长度位——帧变短后，最后几个负载字节被当作下一个帧的帧头来读，而那又违反了别的规则。清除 FIN 是合法的（变成消息的第一个分片），把文本帧变成 ping 也合法；长度变长则只是等待更多字节。自己试试：`wslab break --all HEX` 会翻转每一位。",
  "Step by step: the masked \"Hello\", one byte at a time":
    "一步一步：加了掩码的 \"Hello\"，一次一个字节",
  "TCP may deliver a frame in any number of pieces, down to single bytes, so the decoder keeps its place between reads: in a header, with the fields it has so far, or in a payload, with the bytes still to come and the key byte the next one is unmasked with. Here the server's decoder gets the masked \"Hello\" one byte at a time; each row is read from its state after that byte (`wslab decode --step` does the same for any bytes; `--step` on this lesson shows one row at a time):":
    "TCP 交付一个帧时可以切成任意多块，小到单个字节，所以解码器在两次读取之间要记住自己的位置：在帧头里时，记住已经拿到的字段；在负载里时，记住还差多少字节，以及下一个字节要用掩码键的哪个字节去掩码。这里服务器的解码器一次只拿到加了掩码的 \"Hello\" 的一个字节；每一行都是读完那个字节后从解码器的状态中读出来的（`wslab decode --step` 对任何字节都能这样做；本课加 `--step` 时一次显示一行）：",
  "hex":
    "十六进制",
  "what the decoder knows now":
    "解码器此刻知道的",
  "The header is complete after byte 5, and each payload byte is unmasked the moment it arrives: the decoder never waits for the whole frame, and holds at most the 13 bytes of a header that arrived in pieces.":
    "帧头在第 5 个字节后就完整了，每个负载字节一到达就立即去掩码：解码器从不等待整个帧，最多只保存分块到达的帧头的 13 个字节。",
  "Masking is not encryption: the key travels in the clear right before the payload. It exists to stop a script from choosing the bytes a cache or proxy sees (RFC 6455 §10.3).":
    "网上常说“掩码是为了加密数据”。不对：掩码键就明文放在负载前面，掩码不是加密。它的作用是让脚本无法决定缓存或代理看到的字节（RFC 6455 §10.3）。",
  "Servers do not mask. A client that receives a masked frame must fail the connection, and so must a server that receives an unmasked one.":
    "服务器不加掩码。客户端收到加了掩码的帧必须令连接失败，服务器收到没加掩码的帧也一样。",
  "A frame is not a message: one message may be many frames, and the application sees only whole messages (or a stream of parts), never frame boundaries.":
    "帧不等于消息：一条消息可以由多个帧组成，应用层只看到完整的消息（或分段的数据流），永远看不到帧的边界。",
  "Control frames have at most 125 bytes of payload and are never fragmented, so a pong can always be sent between two fragments of a long message.":
    "控制帧的负载最多 125 字节，而且从不分片，所以在一条长消息的两个分片之间总能插入一个 pong。",
  "the header length of a 126-byte text frame from a client":
    "客户端发送的 126 字节文本帧的帧头长度",
  "the close code after flipping bit 16 of 81 85 37 fa 21 3d 7f 9f 4d 51 58":
    "翻转 81 85 37 fa 21 3d 7f 9f 4d 51 58 的第 16 位之后的关闭码",
  "the text a server delivers from section 5's fragmented stream, fed 3 bytes at a time":
    "把第 5 节的分片流每次 3 个字节地喂给服务器，它交付的文本",
  "the close code for a text frame (FIN 0) \"Hel\" followed by a text frame \"lo\"":
    "文本帧（FIN 0）\"Hel\" 后面跟着文本帧 \"lo\" 时的关闭码",
  "Encode a 126-byte text frame from a client. How long is its header, and why is 126 the first length that needs the 16-bit form?":
    "为客户端编码一个 126 字节的文本帧。它的帧头有多长？为什么 126 是第一个需要 16 位形式的长度？",
  "8 bytes: 2, then 2 of extended length, then the 4-byte masking key. The 7-bit field holds 0–127, but 126 and 127 are taken as the markers \"16-bit length follows\" and \"64-bit length follows\", so 125 is the largest length it can say directly (§5.2).":
    "8 个字节：2 个，再加 2 个扩展长度，再加 4 字节的掩码键。7 位字段能表示 0–127，但 126 和 127 被用作标记，分别表示“后面跟 16 位长度”和“后面跟 64 位长度”，所以它能直接表示的最大长度是 125（§5.2）。",
  "Section 7 flipped the header bits. Flip the bits of the masking key instead (bits 16-47): why does the top bit of each key byte give a close code, while every other key bit just changes a letter of the message? Which close code does flipping bit 16 earn?":
    "第 7 节翻转的是帧头的位。改为翻转掩码键的位（第 16-47 位）：为什么每个掩码键字节的最高位会换来关闭码，而其他的掩码键位只是改变消息里的一个字母？翻转第 16 位换来哪个关闭码？",
  "A key bit flips the same bit of every fourth unmasked byte. \"Hello\" is ASCII, whose bytes all have the top bit clear: flipping key bit 16 gives c8 where the \"H\" was, a lead byte without its continuation, so the text is not UTF-8 (1007, §8.1). The other bits keep the byte ASCII: bit 26 makes the \"e\" an \"E\", and the server delivers text \"HEllo\".":
    "掩码键的一位会翻转每隔四个字节的去掩码结果中的同一位。\"Hello\" 是 ASCII，每个字节的最高位都是 0：翻转掩码键的第 16 位后，\"H\" 的位置变成 c8，这是一个没有延续字节的首字节，于是文本不再是 UTF-8（1007，§8.1）。其他位则让字节仍是 ASCII：第 26 位把 \"e\" 变成 \"E\"，服务器交付文本 \"HEllo\"。",
  "Split the fragmented stream of section 5 at other points (two chunks, or 3 bytes at a time). Does the output change? Why not? What text does the server deliver from it?":
    "把第 5 节的分片流在别的位置切开（两块，或每块 3 个字节）。输出会变吗？为什么不会？服务器从中交付的文本是什么？",
  "No. The decoder keeps its place (in a header, or in a payload with the bytes still to come and the key offset) between reads, so the frames and messages it hands out do not depend on where TCP cut the bytes; only when they come out does. Tests/FramingTests feeds every vector split at every point and one byte at a time.":
    "不会。解码器在两次读取之间记住自己的位置（在帧头里，或在负载里，连同还差的字节数和掩码键偏移），所以它交出的帧和消息与 TCP 在哪里切开字节无关；有关的只是它们何时交出。Tests/FramingTests 把每个测试向量在每个位置切开、以及一次一个字节地喂给解码器。",
  "Why may a ping appear between two fragments of a message, but a text frame may not? Which close code does a text frame there earn?":
    "为什么 ping 可以出现在一条消息的两个分片之间，而文本帧不行？文本帧出现在那里会换来哪个关闭码？",
  "Control frames may be injected in the middle of a fragmented message (§5.4), so that a long message never holds up a ping, a pong or a close. A data frame would start a second message while the first is open, and the fragments of two messages must not interleave (§5.4): case (k) of section 6 fails with 1002.":
    "控制帧可以插在分片消息的中间（§5.4），这样长消息就不会耽误 ping、pong 或 close。数据帧则会在第一条消息还没结束时开始第二条消息，而两条消息的分片不得交错（§5.4）：第 6 节的情形 (k) 以 1002 失败。",
  "lesson 3, the connection state machine and the closing handshake.":
    "第 3 课，连接状态机与关闭握手。",
]
