/// Lesson 8 in Simplified Chinese: the lesson's own text (the server's and codec's annotations are
/// in Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "What RFC 6455 §10 asks of every deployment: TLS, the Origin check, masking, limits, and where authentication goes.":
    "RFC 6455 §10 对每个部署提出的要求：TLS、Origin 检查、掩码、各项限制，以及认证放在哪里。",
  "wss://: what an observer on the wire sees (§10.6, §1.8)":
    "wss://：线上的观察者能看到什么（§10.6、§1.8）",
  "The chat of lesson 5 again, over TLS this time. The lesson first makes a certificate for 127.0.0.1, signed by its own key: an Ed25519 key from a fixed seed, so that the certificate, and with it every length below, is the same on every run. The client trusts exactly this certificate (as `wslab connect --cacert cert.pem` does) and checks it as it would a real one, address included.":
    "又是第 5 课的聊天，这次走 TLS。本课先为 127.0.0.1 制作一张证书，用它自己的密钥签名：一个由固定种子生成的 Ed25519 密钥，这样证书、连同下面的每个长度，每次运行都相同。客户端只信任这一张证书（就像 `wslab connect --cacert cert.pem` 那样），并像对待真证书一样校验它，包括地址。",
  "the lesson's certificate":
    "本课的证书",
  "subject":
    "主体",
  "CN=WSLab lesson 8 test certificate (self-signed)":
    "CN=WSLab lesson 8 test certificate（自签名）",
  "valid for":
    "适用于",
  "IP address 127.0.0.1 (subjectAltName)":
    "IP 地址 127.0.0.1（subjectAltName）",
  "key":
    "密钥",
  "Ed25519 (RFC 8410), from seed 8":
    "Ed25519（RFC 8410），由种子 8 生成",
  "size":
    "大小",
  "{} bytes of DER":
    "{} 字节的 DER",
  "SHA-256":
    "SHA-256",
  "752aa3c758fe848917ebd2b2d3b57f6b":
    "752aa3c758fe848917ebd2b2d3b57f6b",
  "Alice and Bob join /lobby over wss:// and Alice says \"hi, room\". This is everything an observer between Alice and the server reads (a Wi-Fi neighbour, an ISP, a proxy): TLS records, each a 5-byte header in the clear and a body. The first record travels in the clear and names itself:":
    "Alice 和 Bob 通过 wss:// 加入 /lobby，Alice 说 \"hi, room\"。下面就是 Alice 与服务器之间的观察者（Wi-Fi 上的邻居、ISP、代理）能读到的全部内容：TLS 记录，每条都是一个明文的 5 字节头部加一个记录体。第一条记录以明文传输，并且自报家门：",
  "What an observer reads of wss://: record headers in the clear, the ClientHello, lengths.":
    "观察者能从 wss:// 读到的：明文的记录头、ClientHello、长度。",
  "Every record of Alice's connection, as the observer reads them. \"length\" is the header's; \"plain\" is how many bytes the endpoints decrypt from it, and the last column what they are (the server's trace, and TLS's own messages):":
    "Alice 这条连接的每条记录，就像观察者读到的那样。“length”是头部里的长度；“plain”是端点从中解密出的字节数，最后一栏是这些字节是什么（来自服务器的跟踪，以及 TLS 自己的消息）：",
  "From Alice (→):":
    "来自 Alice（→）：",
  "header":
    "头部",
  "length":
    "长度",
  "plain":
    "明文",
  "what the endpoints know is inside":
    "端点知道里面是什么",
  "the client's Finished":
    "客户端的 Finished",
  "HTTP request head: {}":
    "HTTP 请求头：{}",
  "HTTP response head: {}":
    "HTTP 响应头：{}",
  "From the server (←):":
    "来自服务器（←）：",
  "EncryptedExtensions, Certificate, CertificateVerify, Finished":
    "EncryptedExtensions, Certificate, CertificateVerify, Finished",
  "NewSessionTicket (for resumption)":
    "NewSessionTicket（用于会话恢复）",
  "@masked":
    "已加掩码",
  "change_cipher_spec (RFC 8446 D.4)":
    "change_cipher_spec（RFC 8446 D.4）",
  "The ClientHello and ServerHello are in the clear, and large: most of their bytes are key shares for the key exchange. From then on every record says application_data and hides its real type; the change_cipher_spec records do nothing and are there because middleboxes expect them (RFC 8446 D.4). The observer learns that Alice talks to 127.0.0.1 on this port, when, and how much: an encrypted record is 17 bytes longer than what it carries (a 16-byte authentication tag and the hidden type), so its length gives away the size of the upgrade request, of the 101, and of every frame. Not one byte of the handshake, of the key, or of \"hi, room\", and nobody on the way can change a byte without the receiver noticing: the confidentiality and integrity §10.6 asks TLS for. After decrypting, the endpoints see what lesson 5 showed. The server's trace of the frame in Alice's last record, and of the copy it sent Bob:":
    "ClientHello 和 ServerHello 是明文的，而且很大：其中大部分字节是密钥交换用的密钥共享。从那以后，每条记录都标为 application_data，隐藏真正的类型；change_cipher_spec 记录什么也不做，只是因为中间设备期望看到它们（RFC 8446 D.4）。观察者能知道 Alice 在和这个端口上的 127.0.0.1 通信、什么时候、通信了多少：加密记录比它承载的内容长 17 个字节（16 字节认证标签加上隐藏的类型），所以它的长度泄露了升级请求、101 以及每个帧的大小。但握手、密钥、\"hi, room\" 的任何一个字节都看不到，途中也没人能改动一个字节而不被接收方发现：这就是 §10.6 要求 TLS 提供的机密性和完整性。解密之后，端点看到的就是第 5 课展示的内容。服务器对 Alice 最后一条记录里的帧、以及它发给 Bob 的副本的跟踪：",
  "Why wss:// matters beyond secrecy:":
    "wss:// 的意义不止于保密：",
  "Browsers block ws:// from a page loaded over https:// (mixed content): an https site must use wss://.":
    "浏览器会阻止从 https:// 页面发起的 ws:// 连接（混合内容）：https 站点必须用 wss://。",
  "Proxies: a middlebox that does not know WebSocket may cache, buffer or cut an Upgrade it sees in the clear; inside TLS it sees only records. §1.8 notes that connections on port 443 succeed \"significantly\" more often than on port 80 for that reason.":
    "代理：不懂 WebSocket 的中间设备可能会缓存、缓冲或切断它以明文看到的 Upgrade；在 TLS 里，它只能看到记录。§1.8 指出，正因如此，443 端口上的连接比 80 端口上的成功率“显著”更高。",
  "Client masking (section 3) does not replace TLS: anyone who reads the frame reads its key.":
    "客户端掩码（第 3 节）不能代替 TLS：任何读到帧的人都能读到它的掩码键。",
  "Origin and cross-site WebSocket hijacking (§10.2, §10.1)":
    "Origin 与跨站 WebSocket 劫持（§10.2、§10.1）",
  "A browser attaches the cookies of a site to every request to it, also to a WebSocket handshake that a page from another site starts. If chat.example authenticates its sockets by cookie alone, a page on evil.example can open one in the victim's name and read every message: cross-site WebSocket hijacking. WebSocket has no same-origin rule of its own, so the browser sends the page's origin in the Origin header and leaves the decision to the server (§10.2: refuse with 403). This server allows only https://chat.example (`wslab serve --allow-origin https://chat.example`); the victim's browser, on a page of evil.example:":
    "浏览器会把一个站点的 cookie 附在发往它的每个请求上，包括另一个站点的页面发起的 WebSocket 握手。如果 chat.example 只凭 cookie 认证它的 socket，evil.example 上的页面就能以受害者的名义打开一个 socket，读到每条消息：这就是跨站 WebSocket 劫持（CSWSH）。WebSocket 自己没有同源规则，所以浏览器把页面的源放在 Origin 头里发送，由服务器决定（§10.2：以 403 拒绝）。这台服务器只允许 https://chat.example（`wslab serve --allow-origin https://chat.example`）；受害者的浏览器，在 evil.example 的页面上：",
  "Refused before anything else happened, with the reason in the body. Now the same request from a program (curl, Python, `wslab connect --origin`): it sends whatever Origin it likes, and the server cannot tell (§10.1):":
    "在其他任何事情发生之前就被拒绝了，原因写在消息体里。现在由一个程序（curl、Python、`wslab connect --origin`）发送同样的请求：它想发什么 Origin 就发什么，服务器分辨不出来（§10.1）：",
  "So the Origin check protects users' browsers from other sites, not the server from anyone: it is not authentication. A program has no victim's cookies to send; a page in a browser has them but cannot lie about its origin. Check both (section 5), and mark session cookies SameSite=Lax or Strict, which current browsers leave out of a handshake a page of another site starts.":
    "所以 Origin 检查保护的是用户的浏览器不受其他站点侵害，而不是保护服务器不受任何人侵害：它不是认证。程序手里没有受害者的 cookie；浏览器里的页面有，但没法谎报自己的源。两者都要检查（第 5 节），并把会话 cookie 标为 SameSite=Lax 或 Strict——当前的浏览器不会在其他站点页面发起的握手中带上这样的 cookie。",
  "Why clients mask: talking to yourself for fun and profit (§10.3)":
    "客户端为什么要加掩码：自言自语的乐趣与收益（§10.3）",
  "In 2011 Huang, Chen, Barth, Rescorla and Jackson (\"Talking to Yourself for Fun and Profit\") showed what unmasked client frames would allow. A script on the attacker's page opens a socket to the attacker's own server (allowed: it is the attacker's origin) and sends a message whose bytes read as an HTTP request for another site's script. A transparent proxy on the victim's network that does not understand the Upgrade keeps reading the connection as HTTP, takes those bytes for a request to chat.example, and caches the attacker's answer as chat.example's /app.js: every user behind that proxy then runs the attacker's code. They ran the experiment on real networks through an advertisement network and found proxies that could be poisoned this way, which is why RFC 6455 masks. The message the script would send:":
    "2011 年，Huang、Chen、Barth、Rescorla 和 Jackson（《Talking to Yourself for Fun and Profit》）展示了不加掩码的客户端帧会带来什么。攻击者页面上的脚本打开一个连到攻击者自己服务器的 socket（这是允许的：那是攻击者自己的源），发送一条消息，其字节读起来就像一个请求另一个站点脚本的 HTTP 请求。受害者网络上的透明代理不理解 Upgrade，继续把这条连接当作 HTTP 来读，把这些字节当成发往 chat.example 的请求，并把攻击者的回答缓存为 chat.example 的 /app.js：于是这个代理后面的每个用户都会运行攻击者的代码。他们通过一个广告网络在真实网络上做了实验，确实找到了可以这样投毒的代理，这就是 RFC 6455 要求加掩码的原因。脚本会发送的消息：",
  "Unmasked (what a client that did not mask would put on the wire):":
    "不加掩码（一个不加掩码的客户端会放到线上的内容）：",
  "What a byte-stream proxy reads from the payload on:":
    "字节流代理从负载开始读到的内容：",
  "GET /app.js HTTP/1.1\\r\\nHost: chat.example\\r\\n\\r\\n":
    "GET /app.js HTTP/1.1\\r\\nHost: chat.example\\r\\n\\r\\n",
  "··i(·'Mx·,N(··iX·w·9·Lug·2·(·.\\|·#Ei·6Qm·L0·":
    "··i(·'Mx·,N(··iX·w·9·Lug·2·(·.\\|·#Ei·6Qm·L0·",
  "key {}: the proxy reads":
    "掩码键 {}：代理读到",
  "Every byte after the 2-byte header is the script's choice. With masking the browser, not the script, picks a fresh 32-bit key for every frame from a strong source of randomness (§10.3: the key must be unpredictable, and the application must not be able to choose it or see it before the frame is sent), and XORs the payload with it. The same message, twice, with two keys from the lesson's seeded generator:":
    "帧头 2 个字节之后的每个字节都由脚本决定。有了掩码，就由浏览器而不是脚本，从强随机源为每个帧选一个新的 32 位掩码键（§10.3：掩码键必须不可预测，应用在帧发出之前既不能选择它，也不能看到它），并用它对负载做异或。同一条消息发两次，用本课带种子的生成器产生的两个掩码键：",
  "No proxy takes that for a request, and the script cannot steer it: it never learns the key in time. A server unmasks with the key in the frame, so masking hides nothing from anyone who reads the frame; it only takes the choice of bytes on the wire away from the script. Servers do not mask (§5.1): their bytes come from the server, not from a page.":
    "没有哪个代理会把它当成请求，脚本也无法操纵它：它根本来不及知道掩码键。服务器用帧里的掩码键去掩码，所以掩码对任何读到帧的人都什么也没隐藏；它只是把线上字节的决定权从脚本手里拿走。服务器不加掩码（§5.1）：它的字节来自服务器，而不是来自某个页面。",
  "The server's defences, traced (§10.4, §10.7)":
    "服务器的防御，逐一跟踪（§10.4、§10.7）",
  "A server on a public port meets clients that mean harm or are merely broken. §10.4 asks for limits on frame and message size; the rest a server needs as well. Each defence below runs on a real WSLab server with small limits so that it trips at once; `wslab serve` has them all, with the defaults in brackets.":
    "公网端口上的服务器会遇到心怀恶意、或者只是出了毛病的客户端。§10.4 要求限制帧和消息的大小；其余的防御服务器同样需要。下面每种防御都在一台限制很小的真实 WSLab 服务器上运行，以便立即触发；`wslab serve` 全都具备，括号里是默认值。",
  "A decompression bomb (`--max-message-size`, 16 MiB): a client with permessage-deflate sends 1 MiB of spaces, which deflate to about a kilobyte. The server inflates while it counts, and stops at its limit (64 KiB here), without ever holding the megabyte:":
    "解压炸弹（`--max-message-size`，16 MiB）：一个启用了 permessage-deflate 的客户端发送 1 MiB 的空格，压缩后只有大约一千字节。服务器一边解压一边计数，到上限（这里是 64 KiB）就停下，从来不会真的持有那一兆字节：",
  "The client's frame: RSV1 = 1 (compressed), a payload of {} bytes.":
    "客户端的帧：RSV1 = 1（已压缩），负载 {} 字节。",
  "The client reports: {t}":
    "客户端报告：{}",
  "opening handshake failed: {t}":
    "开始握手失败：{}",
  "compressed message inflates to more than {} bytes":
    "压缩消息解压后超过 {} 字节",
  "Slowloris (`--handshake-timeout`, 10 s): a client opens TCP and sends its request a few bytes at a time, or never finishes it, to tie up the server's connections. WSLab gives the whole request head a deadline (300 ms here) and closes the connection when it passes:":
    "Slowloris（`--handshake-timeout`，10 秒）：客户端打开 TCP，每次只发请求的几个字节，或者永远发不完，以此占住服务器的连接。WSLab 给整个请求头设一个截止时间（这里是 300 毫秒），时间一过就关闭连接：",
  "the client sent: {}, then nothing":
    "客户端发送了：{}，然后什么也不发",
  "The client reads {} bytes, then the end of the stream: no answer":
    "客户端读到 {} 字节，然后是数据流结束：没有任何回答",
  "A slow reader (`--max-queued-bytes`, 4 MiB): a member of a chat room who stops reading. The kernel's buffers fill, then the server's queue for that connection grows with every message the room sends. WSLab caps the queue (256 KiB here) and closes the connection with 1008 (policy violation) when it is full, so one stalled client cannot eat the server's memory. The reader here is a raw socket with a small receive buffer that completed its handshake and then read nothing; Alice sends 64 KiB messages to the room:":
    "慢读者（`--max-queued-bytes`，4 MiB）：聊天室里一个停止读取的成员。内核缓冲区先被填满，然后服务器为这条连接准备的队列随房间里的每条消息增长。WSLab 给队列设了上限（这里是 256 KiB），满了就以 1008（违反策略）关闭连接，这样一个卡住的客户端就吃不掉服务器的内存。这里的读者是一个接收缓冲区很小的原始 socket，它完成握手后就什么也不读；Alice 向房间发送 64 KiB 的消息：",
  "Too many connections (`--max-connections`, 10,000): beyond its limit the server answers `503 Service Unavailable` with a Retry-After, before reading the request, and closes; a client that retries later finds room. With a limit of 2, a third client's view:":
    "连接太多（`--max-connections`，10,000）：超过上限后，服务器在读取请求之前就回答 `503 Service Unavailable` 并带上 Retry-After，然后关闭；稍后重试的客户端会找到空位。上限设为 2 时，第三个客户端看到的：",
  "defence":
    "防御",
  "wslab serve option":
    "wslab serve 选项",
  "default":
    "默认值",
  "what the client gets":
    "客户端得到什么",
  "frame too big":
    "帧太大",
  "--max-frame-size":
    "--max-frame-size",
  "16 MiB":
    "16 MiB",
  "close 1009":
    "关闭 1009",
  "message too big, bombs":
    "消息太大、解压炸弹",
  "--max-message-size":
    "--max-message-size",
  "slow request head":
    "请求头发得太慢",
  "--handshake-timeout":
    "--handshake-timeout",
  "TCP closed":
    "TCP 关闭",
  "slow reader":
    "慢读者",
  "--max-queued-bytes":
    "--max-queued-bytes",
  "4 MiB":
    "4 MiB",
  "close 1008":
    "关闭 1008",
  "silent client":
    "沉默的客户端",
  "--idle-timeout":
    "--idle-timeout",
  "close 1001":
    "关闭 1001",
  "too many clients":
    "客户端太多",
  "--max-connections":
    "--max-connections",
  "503, Retry-After: 5":
    "503, Retry-After: 5",
  "foreign page":
    "外站页面",
  "--allow-origin":
    "--allow-origin",
  "any":
    "任意",
  "no credentials":
    "没有凭据",
  "--auth-token":
    "--auth-token",
  "bad UTF-8, bad frames":
    "错误的 UTF-8、错误的帧",
  "(always)":
    "（总是）",
  "close 1007, 1002":
    "关闭 1007、1002",
  "Authentication belongs in the handshake (§10.5)":
    "认证应该放在握手里（§10.5）",
  "RFC 6455 defines no way for a client to log in: §10.5 says a server may use anything a plain HTTP server uses, cookies, HTTP authentication or TLS client certificates. The place is the handshake: the server checks the credentials before it answers 101, so a stranger costs it one refused request, not an open connection waiting for a login message, and the application never sees an unauthenticated socket. A browser's WebSocket API cannot add headers, so a browser sends the site's session cookie (checked together with Origin, section 2); a program sends `Authorization: Bearer TOKEN`. Avoid tokens in the URL: URLs end up in logs. `wslab serve --auth-token TOKEN` checks either; without a token:":
    "RFC 6455 没有定义客户端登录的方式：§10.5 说服务器可以使用普通 HTTP 服务器能用的任何手段：cookie、HTTP 认证或 TLS 客户端证书。位置就是握手：服务器在回答 101 之前检查凭据，这样一个陌生人只花掉它一次被拒绝的请求，而不是一条等待登录消息的打开连接，应用也永远看不到未认证的 socket。浏览器的 WebSocket API 不能添加头字段，所以浏览器发送站点的会话 cookie（要与 Origin 一起检查，见第 2 节）；程序则发送 `Authorization: Bearer TOKEN`。不要把令牌放在 URL 里：URL 会出现在日志中。`wslab serve --auth-token TOKEN` 两种都检查；没有令牌时：",
  "With the token, the request (the response is the usual 101):":
    "带上令牌后的请求（响应就是通常的 101）：",
  "Over ws:// that token crosses the network readable by anyone on the way: credentials in the handshake need wss:// (section 1).":
    "走 ws:// 时，这个令牌以途中任何人都能读到的形式穿过网络：握手里的凭据需要 wss://（第 1 节）。",
  "Masking is not encryption: the key travels in the frame. It protects proxies from scripts, not messages from eavesdroppers; only TLS (wss://) does that.":
    "网上常说“WebSocket 的掩码能防窃听”：不对。掩码不是加密：掩码键就在帧里。它保护代理不受脚本侵害，而不是保护消息不被窃听；只有 TLS（wss://）能做到这一点。",
  "An Origin check is not authentication: any program can send any Origin (§10.1). It protects users' browsers from other sites' pages.":
    "“检查 Origin 就等于做了认证”：不对。任何程序都能发送任何 Origin（§10.1）。它保护的是用户的浏览器不受其他站点页面的侵害。",
  "TLS does not hide everything: the server's address, the timing and the length of every message stay visible.":
    "“用了 wss:// 就什么都看不到了”：不对。服务器地址、时间，以及每条消息的长度仍然可见。",
  "Authentication is not done in WebSocket messages after the 101: the server checks credentials in the handshake, like any HTTP request (§10.5).":
    "“连接建立后再发一条登录消息”：不推荐。认证不在 101 之后的 WebSocket 消息里做：服务器在握手中检查凭据，就像对待任何 HTTP 请求一样（§10.5）。",
  "the bytes on the wire of a TLS 1.3 record carrying a server frame \"hello\" (AES-GCM)":
    "承载服务器帧 \"hello\" 的 TLS 1.3 记录（AES-GCM）在线上的字节数",
  "the status for Origin https://evil.example when only https://chat.example is allowed":
    "只允许 https://chat.example 时，Origin https://evil.example 得到的状态码",
  "the payload bytes of \"GET /\" masked with the key 12 34 56 78":
    "\"GET /\" 用掩码键 12 34 56 78 加掩码后的负载字节",
  "the status `wslab serve --auth-token s3cr3t` answers a handshake without a token":
    "`wslab serve --auth-token s3cr3t` 对不带令牌的握手回答的状态码",
  "An encrypted TLS 1.3 record with AES-GCM carries a server frame with the 5-byte text \"hello\". How long is the record, header included?":
    "一条用 AES-GCM 的加密 TLS 1.3 记录承载一个服务器帧，内容是 5 字节的文本 \"hello\"。这条记录连同头部有多长？",
  "The frame is 2 + 5 = 7 bytes (a server does not mask). TLS 1.3 adds the hidden content type (1 byte) and the 16-byte authentication tag: a body of 24 bytes, so the length field says 24 and the record is 29 bytes with its 5-byte header. An observer cannot read \"hello\", but can tell a 5-byte message went by.":
    "帧是 2 + 5 = 7 字节（服务器不加掩码）。TLS 1.3 加上隐藏的内容类型（1 字节）和 16 字节的认证标签：记录体 24 字节，所以长度字段是 24，加上 5 字节的头部，整条记录 29 字节。观察者读不到 \"hello\"，但能知道有一条 5 字节的消息经过。",
  "Start `wslab serve --allow-origin https://chat.example` and connect with `wslab connect ws://127.0.0.1:9001/ --origin https://evil.example --trace`, then with `--origin https://chat.example`. What status does each get, and what does that prove?":
    "启动 `wslab serve --allow-origin https://chat.example`，先用 `wslab connect ws://127.0.0.1:9001/ --origin https://evil.example --trace` 连接，再用 `--origin https://chat.example`。两次各得到什么状态码？这说明了什么？",
  "403 Forbidden, with the reason in the body, then 101 Switching Protocols. The server only sees the Origin header, which a program sets at will: the check stops pages in browsers (which cannot lie about their origin), not programs. It is no authentication.":
    "先是 403 Forbidden，原因写在消息体里；然后是 101 Switching Protocols。服务器只看到 Origin 头，而程序可以随意设置它：这个检查挡住的是浏览器里的页面（它们没法谎报自己的源），挡不住程序。它不是认证。",
  "A script wants the bytes \"GET /\" (47 45 54 20 2f) on the wire in a client frame. With the masking key 12 34 56 78, what bytes does the browser actually send as the payload?":
    "脚本想让客户端帧在线上出现字节 \"GET /\"（47 45 54 20 2f）。在掩码键为 12 34 56 78 时，浏览器实际发送的负载是哪些字节？",
  "Each byte XORed with key byte (i mod 4): 47^12 = 55, 45^34 = 71, 54^56 = 02, 20^78 = 58, 2f^12 = 3d, so 55 71 02 58 3d. The script would need the key in advance to choose the bytes, and the browser never gives it one.":
    "每个字节与掩码键的第 (i mod 4) 个字节异或：47^12 = 55，45^34 = 71，54^56 = 02，20^78 = 58，2f^12 = 3d，所以是 55 71 02 58 3d。脚本必须事先知道掩码键才能决定这些字节，而浏览器从不给它。",
  "Run `wslab serve --auth-token s3cr3t` and connect with `wslab connect ws://127.0.0.1:9001/ --header \"Cookie: wslab_token=s3cr3t\"`. Why does a browser need the cookie form, and what does the server answer without it?":
    "运行 `wslab serve --auth-token s3cr3t`，用 `wslab connect ws://127.0.0.1:9001/ --header \"Cookie: wslab_token=s3cr3t\"` 连接。为什么浏览器需要 cookie 这种形式？没有它时服务器回答什么？",
  "The browser's WebSocket API cannot set headers such as Authorization, but it sends the site's cookies with the handshake, so a login page sets the cookie and the socket carries it. Without it the server answers 401 Unauthorized with WWW-Authenticate: Bearer realm=\"wslab\", before any WebSocket connection exists.":
    "浏览器的 WebSocket API 不能设置 Authorization 这样的头字段，但它会在握手时带上站点的 cookie，所以由登录页面设置 cookie，socket 自然就带上了它。没有 cookie 时，服务器在任何 WebSocket 连接建立之前就回答 401 Unauthorized，并带上 WWW-Authenticate: Bearer realm=\"wslab\"。",
]
