/// Lesson 4 in Simplified Chinese: the lesson's own text (its codec's annotations are in
/// Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "Compressing messages: negotiation, the DEFLATE bits of \"Hello\", context takeover, and bombs.":
    "压缩消息：协商、\"Hello\" 的 DEFLATE 比特、上下文接管，以及解压炸弹。",
  "What permessage-deflate does":
    "permessage-deflate 做了什么",
  "permessage-deflate compresses each message's payload with DEFLATE (RFC 1951), the algorithm of gzip and zip. The sender sets RSV1 on the first frame of a compressed message (§6), and may leave any message uncompressed (RSV1 clear). Control frames are never compressed. By default both sides keep their LZ77 window from one message to the next (\"context takeover\"), so a message can point back into earlier ones: repetitive traffic such as JSON with the same keys compresses far better than each message alone.":
    "permessage-deflate 用 DEFLATE（RFC 1951，也就是 gzip 和 zip 用的算法）压缩每条消息的负载。发送方在压缩消息的第一个帧上置位 RSV1（§6），也可以让任何一条消息不压缩（RSV1 清零）。控制帧从不压缩。默认情况下，双方在消息之间保留各自的 LZ77 窗口（“上下文接管”），所以一条消息可以回指之前的消息：像键名重复的 JSON 这样的重复性流量，压缩效果远好于每条消息单独压缩。",
  "The extension must be negotiated in the opening handshake; without it RSV1 is a protocol error (lesson 2).":
    "这个扩展必须在握手中协商；没有协商时，RSV1 就是协议错误（第 2 课）。",
  "DEFLATE combines two ideas. LZ77 replaces a string that occurred recently by a back-reference, \"copy L bytes from D bytes back\", into a window of the last 32 KiB at most (the window that context takeover keeps between messages). Huffman coding then writes each symbol (a literal byte, a length, a distance, the end of a block) with a variable number of bits, fewer for frequent symbols; a \"fixed\" block uses a code table defined once in RFC 1951 §3.2.6, a \"dynamic\" block sends its own table first (§3.2.7). Both are read bit by bit below.":
    "DEFLATE 结合了两个思路。LZ77 把最近出现过的字符串替换成一个回指：“从 D 字节之前复制 L 个字节”，回指的范围是最多最近 32 KiB 的窗口（也就是上下文接管在消息之间保留的那个窗口）。然后霍夫曼编码用可变长度的比特写出每个符号（一个字面字节、一个长度、一个距离、块结束），越常见的符号用的比特越少；“固定”块使用 RFC 1951 §3.2.6 一次性定义好的码表，“动态”块则先发送自己的码表（§3.2.7）。下面两种都会逐位读出。",
  "Negotiation: the offer and the answer":
    "协商：提议与回答",
  "The client offers the extension in Sec-WebSocket-Extensions, with parameters: `client_max_window_bits` says \"you may limit my window\", `server_max_window_bits=N` asks the server to compress with at most 2^N bytes of window, `*_no_context_takeover` asks a side to forget its window after every message. The server picks the first offer it can accept and answers with the parameters that will apply. Here WSLab's client offers what browsers offer and WSLab's server answers; only the extension lines of the two heads are shown:":
    "客户端在 Sec-WebSocket-Extensions 中提议这个扩展，并带上参数：`client_max_window_bits` 表示“你可以限制我的窗口”，`server_max_window_bits=N` 要求服务器用最多 2^N 字节的窗口压缩，`*_no_context_takeover` 要求某一方在每条消息之后忘掉窗口。服务器选择第一个它能接受的提议，并用将会生效的参数作答。这里 WSLab 的客户端按浏览器的方式提议，WSLab 的服务器作答；只显示两个头部中与扩展有关的那一行：",
  "{t}: the extension line":
    "{}：扩展这一行",
  "More offers and what WSLab's server (default policy) answers:":
    "更多提议，以及 WSLab 服务器（默认策略）的回答：",
  "client offers":
    "客户端提议",
  "server answers":
    "服务器回答",
  "permessage-deflate":
    "permessage-deflate",
  "permessage-deflate; client_max_window_bits=10":
    "permessage-deflate; client_max_window_bits=10",
  "permessage-deflate; server_max_window_bits=10; server_no_context_takeover":
    "permessage-deflate; server_max_window_bits=10; server_no_context_takeover",
  "permessage-deflate; server_no_context_takeover; server_max_window_bits=10":
    "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
  "permessage-deflate; client_no_context_takeover":
    "permessage-deflate; client_no_context_takeover",
  "permessage-deflate; server_max_window_bits=16, permessage-deflate":
    "permessage-deflate; server_max_window_bits=16, permessage-deflate",
  "permessage-deflate; x-unknown=1":
    "permessage-deflate; x-unknown=1",
  "(no extension: offer declined)":
    "（没有扩展：提议被拒绝）",
  "An offer with an unknown or invalid parameter is declined, not an error: the server moves to the next offer or answers without the extension (§7.1). A client that gets an answer it cannot accept (a parameter it did not offer, a window above what it asked for) must fail the connection.":
    "带未知或无效参数的提议会被拒绝，但这不是错误：服务器转向下一个提议，或者不带扩展作答（§7.1）。客户端收到它无法接受的回答（它没提议过的参数、超过它所要求的窗口）时，必须令连接失败。",
  "A window of 8 bits is valid in the protocol, but zlib cannot compress raw DEFLATE with a 256-byte window. WSLab accepts 8 anyway: it inflates with a 9-bit window (a larger window reads anything a smaller one wrote), and where its own compressor is limited to 8 it sends every message uncompressed, which the RFC allows.":
    "8 位的窗口在协议中是合法的，但 zlib 无法用 256 字节的窗口压缩原始 DEFLATE。WSLab 仍然接受 8：它用 9 位的窗口解压（较大的窗口能读懂较小窗口写出的任何内容），而在自己的压缩器被限制为 8 时，它把每条消息都不压缩地发送，这是 RFC 允许的。",
  "\"Hello\", compressed":
    "压缩 \"Hello\"",
  "The codec compresses the payload with raw DEFLATE and a sync flush, which ends the output with an empty stored block, `00 00 ff ff`. Every message would end with those 4 bytes, so the sender removes them and the receiver appends them back before inflating (§7.2.1, §7.2.2):":
    "编解码器用原始 DEFLATE 加同步刷新（sync flush）压缩负载，同步刷新会在输出末尾加一个空的存储块 `00 00 ff ff`。每条消息都会以这 4 个字节结尾，所以发送方把它们去掉，接收方在解压前再把它们补回来（§7.2.1、§7.2.2）：",
  "payload after compression:  f2 48 cd c9 c9 07 00":
    "压缩后的负载：              f2 48 cd c9 c9 07 00",
  "RFC 7692 §7.2.3.1:          f2 48 cd c9 c9 07 00  ✓ identical":
    "RFC 7692 §7.2.3.1：         f2 48 cd c9 c9 07 00  ✓ 完全一致",
  "\"Hello\" with permessage-deflate: RSV1 set, f2 48 cd c9 c9 07 00 (RFC 7692 §7.2.3.1).":
    "带 permessage-deflate 的 \"Hello\"：RSV1 被置位，f2 48 cd c9 c9 07 00（RFC 7692 §7.2.3.1）。",
  "The payload with 00 00 ff ff appended, read bit by bit from the least significant bit of each byte (RFC 1951 §3.1.1). The binary column shows each number (BFINAL, BTYPE, LEN, extra bits) as its value, most significant bit first, although numbers are packed least significant bit first: BTYPE=01 arrives as 1, then 0. Huffman codes are shown in the order their bits arrive:":
    "补上 00 00 ff ff 的负载，从每个字节的最低位开始逐位读出（RFC 1951 §3.1.1）。“二进制”一栏把每个数（BFINAL、BTYPE、LEN、额外位）按其值显示，最高位在前，尽管数值是按最低位在前打包的：BTYPE=01 到达时先是 1，再是 0。霍夫曼码按比特到达的顺序显示：",
  "bits":
    "位",
  "binary":
    "二进制",
  "element":
    "元素",
  "meaning":
    "含义",
  "decoded: \"Hello\"":
    "解码结果：\"Hello\"",
  "BTYPE=01 means fixed Huffman codes (RFC 1951 §3.2.6): literals 0–143 use 8-bit codes starting at 00110000, so 'H' (0x48) is 00110000 + 0x48 = 01111000. End-of-block is the 7-bit code 0000000. Then the sync flush: a stored block (BTYPE=00) with BFINAL=0, padding to the next byte, LEN=0 and its complement NLEN=0xffff — the four bytes 00 00 ff ff that the sender removed. A receiver that forgot to append them would still get \"Hello\" out of this message, but its inflater would stop inside the stored block's header, waiting for LEN and NLEN. With context takeover the next message's first four bytes would then be read as LEN and NLEN, and inflating fails (zlib: \"invalid stored block lengths\") or produces garbage.":
    "BTYPE=01 表示固定霍夫曼码（RFC 1951 §3.2.6）：字面值 0–143 使用从 00110000 开始的 8 位码，所以 'H'（0x48）是 00110000 + 0x48 = 01111000。块结束是 7 位码 0000000。然后是同步刷新：一个 BFINAL=0 的存储块（BTYPE=00），填充到下一个字节，LEN=0 及其反码 NLEN=0xffff——正是发送方去掉的那四个字节 00 00 ff ff。忘了补回它们的接收方，从这条消息里仍然能得到 \"Hello\"，但它的解压器会停在存储块的头部中间，等待 LEN 和 NLEN。在上下文接管下，下一条消息的前四个字节就会被当作 LEN 和 NLEN 读取，于是解压失败（zlib：\"invalid stored block lengths\"）或者产生乱码。",
  "Break it: flip RSV1 and the three bits of the first DEFLATE block header (BFINAL is the least significant bit of the first payload byte, BTYPE the next two) of this frame, and let a client that negotiated permessage-deflate receive each variant (`wslab break --deflate`):":
    "动手破坏：翻转这个帧的 RSV1，以及第一个 DEFLATE 块头的三位（BFINAL 是第一个负载字节的最低位，BTYPE 是接下来的两位），让一个协商了 permessage-deflate 的客户端接收每个变体（`wslab break --deflate`）：",
  "close":
    "关闭码",
  "BTYPE bit {}":
    "BTYPE 第 {} 位",
  "BFINAL":
    "BFINAL",
  "Without RSV1 the compressed bytes are taken as the text itself, which is not UTF-8 (1007). BTYPE=11 is reserved and BTYPE=00 announces a stored block whose LEN and NLEN do not match: both are invalid DEFLATE data (1007). BFINAL=1 is legal too (RFC 7692 §7.2.3.4 has an example): \"Hello\" is then the last block of the stream.":
    "没有 RSV1 时，压缩后的字节被当作文本本身，而它不是 UTF-8（1007）。BTYPE=11 是保留值，BTYPE=00 则宣告一个 LEN 与 NLEN 不匹配的存储块：两者都是无效的 DEFLATE 数据（1007）。BFINAL=1 也是合法的（RFC 7692 §7.2.3.4 有一个例子）：这时 \"Hello\" 就是数据流的最后一个块。",
  "The same message again: context takeover":
    "再发一次同样的消息：上下文接管",
  "The server sends \"Hello\" a second time. With context takeover its compressor still holds the first \"Hello\" in its window, so the message becomes the literal 'H' and one back-reference: \"copy 4 bytes from 5 bytes back\". Why is the H not part of the match? The only earlier \"H\" sits at position 0 of zlib's window, and zlib's hash chains use 0 to mean \"no earlier string\", so a match that starts at position 0 is never found:":
    "服务器第二次发送 \"Hello\"。在上下文接管下，它的压缩器窗口里仍然保存着第一个 \"Hello\"，所以这条消息变成字面值 'H' 加一个回指：“从 5 字节之前复制 4 个字节”。为什么 H 不在匹配里？之前唯一的 \"H\" 位于 zlib 窗口的位置 0，而 zlib 的哈希链用 0 表示“没有更早的字符串”，所以从位置 0 开始的匹配永远找不到：",
  "payload:            f2 00 11 00 00":
    "负载：              f2 00 11 00 00",
  "RFC 7692 §7.2.3.2:  f2 00 11 00 00  ✓ identical":
    "RFC 7692 §7.2.3.2： f2 00 11 00 00  ✓ 完全一致",
  "Read with the first message as history (the receiver's window):":
    "把第一条消息作为历史（接收方的窗口）来读：",
  "Had the first message been \"xHello\" (aa f0 48 cd c9 c9 07 00), its \"H\" would sit at position 1, and the second \"Hello\" becomes a single match of all 5 bytes, starting on the first byte after the flush: 02 13 00 00.":
    "如果第一条消息是 \"xHello\"（aa f0 48 cd c9 c9 07 00），它的 \"H\" 就位于位置 1，第二个 \"Hello\" 会变成一个覆盖全部 5 个字节的匹配，从同步刷新之后的第一个字节开始：02 13 00 00。",
  "Read with \"xHello\" as history:":
    "把 \"xHello\" 作为历史来读：",
  "With server_no_context_takeover the compressor forgets its window after each message, and the second \"Hello\" costs as much as the first: f2 48 cd c9 c9 07 00. A receiver must then not rely on history either; the agreement says which side forgets.":
    "在 server_no_context_takeover 下，压缩器在每条消息之后忘掉窗口，第二个 \"Hello\" 的开销与第一个相同：f2 48 cd c9 c9 07 00。接收方这时也不能依赖历史；协商结果规定了哪一方忘记。",
  "What context takeover is worth: a chat in JSON":
    "上下文接管值多少：一段 JSON 聊天",
  "Ten chat messages in JSON, as a chat application would send them one by one, each compressed by a compressor that keeps its window (takeover) and by one that forgets it after every message:":
    "十条 JSON 格式的聊天消息，就像聊天应用逐条发送的那样；每条分别用保留窗口的压缩器（接管）和每条消息后都忘掉窗口的压缩器压缩：",
  "message":
    "消息",
  "JSON bytes":
    "JSON 字节",
  "with takeover":
    "有接管",
  "no takeover":
    "无接管",
  "all":
    "合计",
  "Payload bytes only (each frame adds 2 to 14 bytes of header). Alone, a short JSON message barely compresses: the keys and values are new to the compressor. With context takeover, everything the previous messages said (\"type\", \"room\", \"general\", user names) becomes a short back-reference. The price is memory, for as long as the connection lives: at zlib's default settings a compressor needs about 256 KiB (2^(15+2) + 2^(8+9) bytes for windowBits 15 and memLevel 8, the 32 KiB window included) and a decompressor about 32 KiB of window plus 7 KiB (zlib's zconf.h), on each side that compresses or inflates. That is why a server may ask for smaller windows or no context takeover.":
    "这里只算负载字节（每个帧另加 2 到 14 字节的帧头）。单独看，一条短 JSON 消息几乎压缩不了：键和值对压缩器来说都是新的。有了上下文接管，之前消息里出现过的一切（\"type\"、\"room\"、\"general\"、用户名）都变成短短的回指。代价是内存，而且在连接存续期间一直占用：在 zlib 的默认设置下，一个压缩器大约需要 256 KiB（windowBits 15、memLevel 8 时为 2^(15+2) + 2^(8+9) 字节，其中包括 32 KiB 的窗口），一个解压器大约需要 32 KiB 的窗口再加 7 KiB（见 zlib 的 zconf.h），每一侧压缩或解压都要付出。这就是服务器可能要求更小的窗口或不做上下文接管的原因。",
  "A decompression bomb, refused with 1009":
    "解压炸弹，以 1009 拒绝",
  "DEFLATE can express long runs in a few bits, so a small message can inflate to gigabytes. A receiver must cap what it inflates. Here a client sends 16 MiB of zeros, compressed, to a server whose cap is 1 MiB; the server inflates in bounded steps and fails the connection as soon as the output would pass the cap, with 1009 (message too big):":
    "DEFLATE 能用寥寥几个比特表示很长的重复，所以一条很小的消息可能解压成几个 GB。接收方必须限制解压的量。这里客户端发送 16 MiB 的零（已压缩），服务器的上限是 1 MiB；服务器分步有界地解压，一旦输出将超过上限就以 1009（消息过大）令连接失败：",
  "compressed payload: {} bytes for {} bytes of zeros":
    "压缩后的负载：{} 字节，对应 {} 字节的零",
  "Step by step: a compressed message, one byte at a time":
    "一步一步：一条压缩消息，一次一个字节",
  "The frame of section 3, fed one byte at a time to a client that negotiated permessage-deflate. The frame decoder does not inflate anything: it hands each payload chunk on as it arrives, the extension inflates it straight into the message (appending 00 00 ff ff when the message ends), and the application gets the text when the message is complete. Each row is read from the decoder's own state (`wslab decode --deflate --step`):":
    "第 3 节的帧，一次一个字节地喂给一个协商了 permessage-deflate 的客户端。帧解码器自己不解压任何东西：负载一块块到达，它就一块块交出去，扩展把它们直接解压进消息里（消息结束时补上 00 00 ff ff），消息完整时应用拿到文本。每一行都从解码器自己的状态读出（`wslab decode --deflate --step`）：",
  "hex":
    "十六进制",
  "what the decoder knows now":
    "解码器此刻知道的",
  "Compression is per message, not per frame: RSV1 is set on the first frame only, and the fragments of a message form one DEFLATE stream.":
    "网上常见“每个帧单独压缩”的说法：不对。压缩是按消息的，不是按帧的：RSV1 只在第一个帧上置位，一条消息的各个分片组成一个 DEFLATE 数据流。",
  "Control frames (ping, pong, close) are never compressed; RSV1 on one is a protocol error (1002).":
    "控制帧（ping、pong、close）从不压缩；控制帧上出现 RSV1 是协议错误（1002）。",
  "The 00 00 ff ff at the end of each message is removed by the sender and appended by the receiver: it is not a delimiter on the wire.":
    "每条消息末尾的 00 00 ff ff 由发送方去掉、接收方补回：它不是线上的分隔符。",
  "Compression is not free of risk: compressing secrets together with data an attacker controls lets the attacker guess the secret from the compressed size (CRIME, BREACH; RFC 7692 §8). Do not compress messages that mix them.":
    "压缩并非没有风险：把秘密和攻击者能控制的数据放在一起压缩，攻击者就能从压缩后的大小猜出秘密（CRIME、BREACH；RFC 7692 §8）。不要压缩混合了两者的消息。",
  "the length and distance of the match in \"Hello, Hello\" compressed as one message":
    "把 \"Hello, Hello\" 作为一条消息压缩后，其中匹配的长度和距离",
  "payload bytes of section 5's chat with context takeover, at zlib level 1 and at level 9":
    "第 5 节的聊天在上下文接管下、zlib 级别 1 和级别 9 时的负载字节数",
  "a client offered server_max_window_bits=10 and the server answered 12: does the client accept?":
    "客户端提议 server_max_window_bits=10，服务器回答 12：客户端接受吗？",
  "Compress \"Hello, Hello\" as one message. Which elements does the reader show for the second \"Hello\", and what are their length and distance?":
    "把 \"Hello, Hello\" 作为一条消息压缩。读取器为第二个 \"Hello\" 显示了哪些元素？它们的长度和距离是多少？",
  "The reader shows 'H', 'e', 'l', 'l', 'o', ',', ' ', 'H', a match of length 4, distance 7. The second \"Hello\" is the literal 'H' and a match for \"ello\": the first \"H\" sits at position 0 of the window, which zlib's hash chains cannot point to (section 4).":
    "读取器显示 'H'、'e'、'l'、'l'、'o'、','、' '、'H'，以及一个长度 4、距离 7 的匹配。第二个 \"Hello\" 是字面值 'H' 加上对 \"ello\" 的匹配：第一个 \"H\" 位于窗口的位置 0，zlib 的哈希链无法指向它（第 4 节）。",
  "Run section 5 with `DeflateOptions(compressionLevel: 1)` and with 9. How much do the totals change? Give both totals with context takeover.":
    "用 `DeflateOptions(compressionLevel: 1)` 和级别 9 分别运行第 5 节。合计变化有多大？给出有上下文接管时的两个合计。",
  "Hardly: level 1: 367 with takeover, 705 without; level 6: 346 with takeover, 705 without; level 9: 346 with takeover, 705 without (payload bytes). Short messages give the compressor little to choose between; the window kept by context takeover matters far more than the level.":
    "几乎不变：级别 1：有接管 367，无接管 705；级别 6：有接管 346，无接管 705；级别 9：有接管 346，无接管 705（负载字节）。短消息给压缩器的选择余地很小；上下文接管保留的窗口远比级别重要。",
  "A client offered `server_max_window_bits=10` and the server answers with `server_max_window_bits=12`. May the client accept? Why must it fail the connection?":
    "客户端提议了 `server_max_window_bits=10`，服务器回答 `server_max_window_bits=12`。客户端可以接受吗？为什么它必须令连接失败？",
  "The client sized its inflater for a 1 KiB window (2^10), but the server announces it may point up to 4 KiB back, further than the client keeps: the client could not resolve those back-references. RFC 7692 §7.1.2.1 lets the server answer with an equal or smaller value only, and a response the client cannot accept fails the connection (§7.1). WSLab's client refuses it: server_max_window_bits=12 is larger than the 10 offered (RFC 7692 §7.1).":
    "客户端按 1 KiB 的窗口（2^10）准备了解压器，但服务器宣告它可能回指到 4 KiB 之前，超出了客户端保留的范围：客户端无法解析这些回指。RFC 7692 §7.1.2.1 只允许服务器回答相等或更小的值，而客户端无法接受的回答会令连接失败（§7.1）。WSLab 的客户端拒绝了它：server_max_window_bits=12 大于提议的 10（RFC 7692 §7.1）。",
  "lesson 5, a real server on the wire.":
    "第 5 课，线上的真实服务器。",
  "RFC 7692 §6.2":
    "RFC 7692 §6.2",
  "@the compressed bomb":
    "压缩炸弹",
  "@compressed text {}":
    "压缩文本 {}",
  "@RSV1 set, {} bytes":
    "RSV1 已置位，{} 字节",
  "RSV1":
    "RSV1",
  "1  {\"type\":\"join\",\"room\":\"general\",\"user\":\"ada\"}":
    "1  {\"type\":\"join\",\"room\":\"general\",\"user\":\"ada\"}",
  "2  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Hello everyone!\"}":
    "2  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Hello everyone!\"}",
  "3  {\"type\":\"message\",\"room\":\"general\",\"user\":\"grace\",\"text\":\"Hi Ada, welcome to the workshop.\"}":
    "3  {\"type\":\"message\",\"room\":\"general\",\"user\":\"grace\",\"text\":\"Hi Ada, welcome to the workshop.\"}",
  "4  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Thanks! Is the benchmark running yet?\"}":
    "4  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Thanks! Is the benchmark running yet?\"}",
  "5  {\"type\":\"message\",\"room\":\"general\",\"user\":\"linus\",\"text\":\"Running now, WebSocket against long polling.\"}":
    "5  {\"type\":\"message\",\"room\":\"general\",\"user\":\"linus\",\"text\":\"Running now, WebSocket against long polling.\"}",
  "6  {\"type\":\"typing\",\"room\":\"general\",\"user\":\"grace\"}":
    "6  {\"type\":\"typing\",\"room\":\"general\",\"user\":\"grace\"}",
  "7  {\"type\":\"message\",\"room\":\"general\",\"user\":\"grace\",\"text\":\"The long polling numbers look much worse.\"}":
    "7  {\"type\":\"message\",\"room\":\"general\",\"user\":\"grace\",\"text\":\"The long polling numbers look much worse.\"}",
  "8  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Every message pays for a whole HTTP request.\"}":
    "8  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"Every message pays for a whole HTTP request.\"}",
  "9  {\"type\":\"leave\",\"room\":\"general\",\"user\":\"linus\"}":
    "9  {\"type\":\"leave\",\"room\":\"general\",\"user\":\"linus\"}",
  "10  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"See you all next week!\"}":
    "10  {\"type\":\"message\",\"room\":\"general\",\"user\":\"ada\",\"text\":\"See you all next week!\"}",
]
