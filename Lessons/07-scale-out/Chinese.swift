/// Lesson 7 in Simplified Chinese: the lesson's own text (the server's and codec's annotations are
/// in Lessons/Support/SharedChinese.swift). Written for `--lang zh-CN`; a test fails when a string
/// the lesson prints is missing here, or an entry here is no longer printed.
let chinese: [String: String] = [
  "Three servers, one chat room, PostgreSQL in between: LISTEN/NOTIFY, catch-up, draining.":
    "三台服务器、一个聊天室，中间是 PostgreSQL：LISTEN/NOTIFY、补发、排空。",
  "Three servers, one database":
    "三台服务器，一个数据库",
  "One WSLab server holds its chat rooms in memory: a message reaches the members connected to that process. When one process is not enough (more connections than a machine holds, or a server that must restart without a pause), several servers must share the rooms. Each WebSocket stays on the server it opened (it is one TCP connection), so what crosses between servers is the message, not the connection.":
    "一台 WSLab 服务器把它的聊天室放在内存里：一条消息只能到达连在这个进程上的成员。当一个进程不够用时（连接数超过一台机器的承载，或者服务器必须不停机地重启），就需要多台服务器共享聊天室。每个 WebSocket 都留在打开它的那台服务器上（它是一条 TCP 连接），所以在服务器之间传递的是消息，而不是连接。",
  "WSLab shares rooms through PostgreSQL, as ActionCable and Socket.IO's PostgreSQL adapter do: every message becomes a row with a sequence id, announced with NOTIFY; every server LISTENs and hands each message to its own members. The lesson has started PostgreSQL and now starts three servers, as `wslab serve --mode chat --cluster postgres://… --node n1` (n2, n3) would. The first creates the table:":
    "WSLab 通过 PostgreSQL 共享聊天室，就像 ActionCable 和 Socket.IO 的 PostgreSQL 适配器那样：每条消息变成带序列 id 的一行，用 NOTIFY 通知；每台服务器都 LISTEN，并把每条消息交给自己的成员。本课已经启动了 PostgreSQL，现在启动三台服务器，相当于 `wslab serve --mode chat --cluster postgres://… --node n1`（n2、n3）。第一台创建表：",
  "created the table {}":
    "已创建表 {}",
  "joined the cluster at {}: LISTEN {}, table {}":
    "已加入集群 {}：LISTEN {}，表 {}",
  "The table, as the first node created it (ClusterConfiguration.createTableStatements; `key` makes a retried write harmless, `created` lets old rows be pruned):":
    "第一个节点创建的表（ClusterConfiguration.createTableStatements；`key` 让重试的写入无害，`created` 让旧行可以被清理）：",
  "CREATE TABLE IF NOT EXISTS lesson07_messages (":
    "CREATE TABLE IF NOT EXISTS lesson07_messages (",
  "id bigserial PRIMARY KEY,":
    "id bigserial PRIMARY KEY,",
  "key text NOT NULL UNIQUE,":
    "key text NOT NULL UNIQUE,",
  "room text NOT NULL,":
    "room text NOT NULL,",
  "node text NOT NULL,":
    "node text NOT NULL,",
  "conn bigint NOT NULL,":
    "conn bigint NOT NULL,",
  "is_binary boolean NOT NULL,":
    "is_binary boolean NOT NULL,",
  "data bytea NOT NULL,":
    "data bytea NOT NULL,",
  "created timestamptz NOT NULL DEFAULT now()":
    "created timestamptz NOT NULL DEFAULT now()",
  "CREATE INDEX IF NOT EXISTS lesson07_messages_created ON lesson07_messages (created);":
    "CREATE INDEX IF NOT EXISTS lesson07_messages_created ON lesson07_messages (created);",
  "A message crosses to the other servers":
    "一条消息传到其他服务器",
  "Alice joins /lobby on n1, Bob on n2, Carol on n3, each a WebSocket to a different server. Alice sends \"hi, all\". Follow it: her frame arrives at n1; n1 writes the row and notifies in one statement; PostgreSQL hands the notification to every listening session, n1's own included; each node sends the message on to its members in the room (on n1 nobody: chat mode does not echo a message to its sender).":
    "Alice 在 n1 上加入 /lobby，Bob 在 n2 上，Carol 在 n3 上，各自连着不同服务器的 WebSocket。Alice 发送 \"hi, all\"。跟着它走：她的帧到达 n1；n1 用一条语句写入这一行并发出通知；PostgreSQL 把通知交给每个正在监听的会话，包括 n1 自己的；每个节点再把消息转发给房间里它自己的成员（n1 上一个也没有：聊天模式不会把消息回显给发送者）。",
  "{} → PostgreSQL: INSERT INTO {} (id from the sequence) and NOTIFY {}, {}":
    "{} → PostgreSQL：INSERT INTO {}（id 取自序列）并 NOTIFY {}，{}",
  "{} → PostgreSQL: INSERT INTO {} (id from the sequence) and NOTIFY {}, {} (the {} bytes stay in the row)":
    "{} → PostgreSQL：INSERT INTO {}（id 取自序列）并 NOTIFY {}，{}（那 {} 字节留在行里）",
  "PostgreSQL → NOTIFY id {} from {} (room {}, {} bytes) → {} member(s) here":
    "PostgreSQL → NOTIFY id {}，来自 {}（房间 {}，{} 字节）→ 本节点 {} 个成员",
  "PostgreSQL → NOTIFY id {} from {} (room {}, {} bytes, read from the row) → {} member(s) here":
    "PostgreSQL → NOTIFY id {}，来自 {}（房间 {}，{} 字节，从行里读取）→ 本节点 {} 个成员",
  "The notification's payload, field by field (WSLab's format; PostgreSQL only carries the text):":
    "通知的负载，逐字段来看（WSLab 的格式；PostgreSQL 只负责传递文本）：",
  "value":
    "值",
  "meaning":
    "含义",
  "id":
    "id",
  "the row's id: one sequence for the whole cluster":
    "这一行的 id：整个集群共用一个序列",
  "node":
    "node",
  "who published (a node skips its sender)":
    "谁发布的（节点会跳过它的发送者）",
  "conn":
    "conn",
  "the sender's connection on that node":
    "发送者在那个节点上的连接",
  "kind":
    "kind",
  "text":
    "text",
  "text, or binary (then base64)":
    "text，或者 binary（这时是 base64）",
  "room":
    "room",
  "/lobby":
    "/lobby",
  "the request path: the chat room":
    "请求路径：也就是聊天室",
  "length":
    "length",
  "bytes of the message":
    "消息的字节数",
  "after \\n":
    "\\n 之后",
  "hi, all":
    "hi, all",
  "the message, when it fits (under 7,000 bytes)":
    "消息本身，放得下时（不超过 7,000 字节）",
  "What the hop costs, in messages: one statement from n1 (INSERT and pg_notify together, one round trip), and one NotificationResponse from PostgreSQL to each of the three listening sessions: 'A', a 4-byte length, the sender's process id, the channel \"wslab\" and the payload, each string ending in a zero byte: 44 bytes here for a 7-byte message. In time, the hop adds a database round trip and a commit to every message, even between two members of the same node: WSLab chooses one order for everyone over the shortcut. `make bench` measures it (its cluster row): deliveries per second with one, two and three nodes, and the latency the hop adds against one server without a database.":
    "这一跳的开销，按消息数算：n1 发一条语句（INSERT 和 pg_notify 在一起，一次往返），PostgreSQL 向三个监听会话各发一个 NotificationResponse：'A'、4 字节长度、发送者的进程 id、频道 \"wslab\" 和负载，每个字符串以零字节结尾：对一条 7 字节的消息，这里是 44 字节。按时间算，这一跳给每条消息都加上一次数据库往返和一次提交，即使两个成员在同一个节点上也是如此：WSLab 选择让所有人看到同一个顺序，而不是走捷径。`make bench` 会测量它（集群那一行）：一个、两个、三个节点时每秒的投递数，以及这一跳相对于不用数据库的单台服务器增加的延迟。",
  "One order for every member":
    "所有成员看到同一个顺序",
  "Ids come from one sequence, but two nodes writing at once could commit out of id order, and NOTIFY delivers in commit order. So each write first takes a transaction-scoped advisory lock (pg_advisory_xact_lock): writes commit one after another, ids commit in increasing order, and every node sees the notifications (which PostgreSQL delivers in commit order, the same order to every listener) in id order. Now all three send at once, and the lesson compares what each member received with the table's id order (which node wins the race changes from run to run; the agreement does not):":
    "id 来自同一个序列，但两个节点同时写入时，提交顺序可能与 id 顺序不一致，而 NOTIFY 按提交顺序投递。所以每次写入都先获取一个事务级的咨询锁（pg_advisory_xact_lock）：写入一个接一个地提交，id 按递增顺序提交，每个节点看到的通知（PostgreSQL 按提交顺序投递，对每个监听者都是同一个顺序）都是 id 顺序。现在三人同时发送，本课把每个成员收到的内容与表的 id 顺序比较（哪个节点抢先，每次运行都不同；大家看到的顺序一致，这一点不变）：",
  "member":
    "成员",
  "received":
    "收到",
  "compared with the table's order":
    "与表的顺序相比",
  "{} on {}":
    "{}，在 {} 上",
  "{} messages":
    "{} 条消息",
  "the same":
    "相同",
  "A large message rides in the table":
    "大消息放在表里",
  "A NOTIFY payload must stay under 8,000 bytes (PostgreSQL's limit). Alice sends 100 KiB: the notification carries only the fields, without the newline and the data, and every node reads the row (one more query per node):":
    "NOTIFY 的负载必须小于 8,000 字节（PostgreSQL 的限制）。Alice 发送 100 KiB：通知只带字段，不带换行和数据，每个节点从行里读取（每个节点多一次查询）：",
  "And on n3 (n2 looks the same):":
    "n3 上也是这样（n2 看起来一样）：",
  "What LISTEN/NOTIFY does not promise":
    "LISTEN/NOTIFY 不承诺什么",
  "A notification goes to the sessions listening when it is committed. A session that is away (a network blip, a database restart, a failover) misses it, and PostgreSQL keeps no copy: LISTEN/NOTIFY is a doorbell, not a mailbox. The table is the mailbox. Here the database ends n3's listening session (pg_terminate_backend, as an administrator or a failover would), and Alice sends two messages while n3 is away:":
    "通知只发给提交时正在监听的会话。不在场的会话（网络抖动、数据库重启、故障切换）就错过了，PostgreSQL 不保留副本：LISTEN/NOTIFY 是门铃，不是信箱。表才是信箱。这里数据库终止了 n3 的监听会话（pg_terminate_backend，就像管理员或故障切换会做的那样），Alice 趁 n3 不在时发送两条消息：",
  "listening session lost ({}): reconnecting in {}":
    "监听会话中断（{}）：{} 后重连",
  "listening again: LISTEN {}, then read the rows after id {}: {} missed message(s) (up to id {}), delivered before anything new":
    "重新监听：LISTEN {}，然后读取 id {} 之后的行：错过的 {} 条消息（直到 id {}），在任何新消息之前投递",
  "On reconnecting, n3 LISTENs first and then reads every row after the last id it delivered (5): the two it missed (6 and 7), in order, before anything new. Listening before reading closes the gap between the two: a message committed in between is in the read and also notified, and the notification, with an id already delivered, is skipped. Carol missed nothing. The rows stay for `--cluster-retention` seconds (300 by default); a node away for longer cannot catch up.":
    "重连时，n3 先 LISTEN，然后读取它投递过的最后一个 id（5）之后的每一行：它错过的两条（6 和 7），按顺序，在任何新消息之前。先监听、后读取，消除了两者之间的空隙：在这期间提交的消息既出现在读取结果中、也会收到通知，而那个 id 已经投递过的通知会被跳过。Carol 什么也没错过。这些行会保留 `--cluster-retention` 秒（默认 300 秒）；离开更久的节点就补不回来了。",
  "Draining a server: 1012, and reconnecting with backoff":
    "排空一台服务器：1012，以及带退避的重连",
  "With rooms shared, no client needs to stay on one server: the load balancer may send a client to any node (no sticky sessions), and a node may leave. To restart n2 without losing Bob, n2 closes his WebSocket with 1012 (Service Restart, from the IANA registry that RFC 6455 §11.7 created), which `wslab serve` does on SIGTERM (on Ctrl-C, SIGINT, it says 1001, going away): the client should come back.":
    "聊天室共享之后，客户端不必一直待在一台服务器上：负载均衡器可以把客户端送到任何节点（不需要粘性会话），节点也可以离开。要重启 n2 而不丢掉 Bob，n2 用 1012（Service Restart，来自 RFC 6455 §11.7 建立的 IANA 注册表）关闭他的 WebSocket，`wslab serve` 收到 SIGTERM 时就是这样做的（收到 Ctrl-C，即 SIGINT 时，它说 1001，离开）：客户端应该回来。",
  "Bob's client reports: {}":
    "Bob 的客户端报告：{}",
  "Every client of n2 got the same close at the same instant. If all came back at once, the surviving servers would take a wave of handshakes; if each waited the same fixed time, the wave would only move. `wslab connect --reconnect` (and ReconnectBackoff in the library) waits between half and all of a ceiling that doubles from 0.1 s up to 10 s, at random (seeded here):":
    "n2 的每个客户端都在同一时刻收到同样的关闭。如果它们同时回来，剩下的服务器就要承受一波握手；如果每个都等同样固定的时间，这波浪潮只是挪了个位置。`wslab connect --reconnect`（以及库里的 ReconnectBackoff）在一个从 0.1 秒翻倍到 10 秒的上限的一半到全部之间随机等待（这里用种子）：",
  "attempt":
    "第几次",
  "at least":
    "至少",
  "at most":
    "至多",
  "this time":
    "这一次",
  "WebSocket servers need sticky sessions. Not once the rooms are shared: each WebSocket stays on the server it opened anyway, and a reconnecting client may land on any server. Sticky sessions matter for protocols that spread one session over many requests (long polling, Socket.IO's polling transport).":
    "网上常说“WebSocket 服务器需要粘性会话”。聊天室共享之后就不需要了：每个 WebSocket 本来就留在打开它的服务器上，重连的客户端可以落到任何服务器。粘性会话对把一个会话分散在许多请求上的协议才重要（长轮询、Socket.IO 的轮询传输）。",
  "LISTEN/NOTIFY is a message queue. It delivers only to sessions listening at commit time and keeps nothing; a queue (here the table, read after reconnecting) is what makes delivery survive a lost session.":
    "“LISTEN/NOTIFY 就是消息队列”：不对。它只投递给提交时正在监听的会话，什么也不保留；让投递在会话中断后依然成立的是队列（这里是重连后读取的那张表）。",
  "A NOTIFY can carry any message. Its payload must be under 8,000 bytes and valid text: large or binary messages go in a table, with the notification pointing to them.":
    "“NOTIFY 能传任何消息”：不对。它的负载必须小于 8,000 字节，而且必须是合法的文本：大消息或二进制消息放在表里，由通知指向它们。",
  "1001 and 1012 mean the same. 1001 (going away) says the endpoint is leaving; 1012 (service restart) says come back. A client may reconnect after either, but only 1012 asks it to.":
    "“1001 和 1012 是一回事”：不对。1001（离开）表示端点要走了；1012（服务重启）表示请再回来。两者之后客户端都可以重连，但只有 1012 是在请它回来。",
  "the bytes of the NOTIFY payload for \"hi\" from node a's connection 1 to room /r, row id 1":
    "节点 a 的连接 1 向房间 /r 发送 \"hi\"、行 id 为 1 时 NOTIFY 负载的字节数",
  "do 5,200 and 5,300 bytes of binary ride in the notification (limit 7,000)?":
    "5,200 和 5,300 字节的二进制能否放进通知（上限 7,000）？",
  "the close code a client gets when its server is stopped with SIGTERM":
    "服务器被 SIGTERM 停止时客户端收到的关闭码",
  "Start PostgreSQL (scripts/postgres.sh start /tmp/pg prints a URL), then two servers: `wslab serve --mode chat --port 9001 --cluster URL --node a --trace` and the same with --port 9002 --node b. Connect `wslab connect ws://127.0.0.1:9001/r` and `wslab connect ws://127.0.0.1:9002/r` and type. Which node's trace shows the INSERT? How many bytes is the NOTIFY payload for \"hi\" from node a's connection 1 to /r, as row 1?":
    "启动 PostgreSQL（scripts/postgres.sh start /tmp/pg 会打印一个 URL），再启动两台服务器：`wslab serve --mode chat --port 9001 --cluster URL --node a --trace`，以及 --port 9002 --node b 的同样命令。连接 `wslab connect ws://127.0.0.1:9001/r` 和 `wslab connect ws://127.0.0.1:9002/r` 并输入。哪个节点的跟踪里有 INSERT？节点 a 的连接 1 向 /r 发送 \"hi\"、作为第 1 行时，NOTIFY 负载有多少字节？",
  "Only the node your typing client is connected to: it writes the row and notifies (\"c1 → PostgreSQL: INSERT INTO wslab_messages (id from the sequence) and NOTIFY wslab, …\"). Both nodes then show the notification arriving (\"PostgreSQL → NOTIFY id N from a c1 … → M member(s) here\"): 0 members on the sender's node (it does not echo to the sender), 1 on the other, which sends the frame on. For \"hi\" from node a's connection 1 to /r as row 1 the payload is 18 bytes: \"1 a 1 text /r 2\", a newline, and \"hi\".":
    "只有你输入的那个客户端所连的节点：它写入这一行并发出通知（\"c1 → PostgreSQL: INSERT INTO wslab_messages (id from the sequence) and NOTIFY wslab, …\"）。然后两个节点都显示通知到达（\"PostgreSQL → NOTIFY id N from a c1 … → M member(s) here\"）：发送者所在的节点上是 0 个成员（它不回显给发送者），另一个节点上是 1 个，由它转发这个帧。节点 a 的连接 1 向 /r 发送 \"hi\"、作为第 1 行时，负载是 18 字节：\"1 a 1 text /r 2\"、一个换行，以及 \"hi\"。",
  "A message of 5,200 bytes of binary: does it ride in the notification? And 5,300? (Base64 turns 3 bytes into 4; the head of fields is about 25 bytes; WSLab's limit is 7,000.)":
    "一条 5,200 字节的二进制消息：它能放进通知吗？5,300 呢？（base64 把 3 个字节变成 4 个字符；字段部分大约 25 字节；WSLab 的上限是 7,000。）",
  "5,200 bytes become 6,936 characters of base64: with the fields they stay under 7,000, so the notification carries them. 5,300 bytes become 7,068: too long, so the notification carries only the fields and every node reads the row. (Text rides as it is, so text up to about 6,950 bytes fits.)":
    "5,200 字节变成 6,936 个 base64 字符：加上字段仍在 7,000 以内，所以通知带着它们。5,300 字节变成 7,068：太长了，所以通知只带字段，每个节点从行里读取。（文本按原样放入，所以大约 6,950 字节以内的文本都放得下。）",
  "Stop one of your two servers with `kill -TERM PID` while `wslab connect --reconnect ws://127.0.0.1:9002/r` is connected to it, then start it again. What does the client print, and with which close code does it start?":
    "当 `wslab connect --reconnect ws://127.0.0.1:9002/r` 连着其中一台服务器时，用 `kill -TERM PID` 停掉它，然后再启动。客户端打印什么？它以哪个关闭码开头？",
  "\"closed: 1012 service restart \\\"server restarting\\\"\", then \"reconnecting in … ms (attempt 1)\", a \"connection refused\" line per attempt while the server is down (each wait longer, with jitter), and \"connected to ws://127.0.0.1:9002/r\" once it is back; messages typed meanwhile are sent then. The code is 1012: the server was told to restart (SIGTERM), not to go away.":
    "先是 \"closed: 1012 service restart \\\"server restarting\\\"\"，然后是 \"reconnecting in … ms (attempt 1)\"，服务器停机期间每次尝试都有一行 \"connection refused\"（每次等得更久，带抖动），服务器回来后是 \"connected to ws://127.0.0.1:9002/r\"；期间输入的消息这时才发出。关闭码是 1012：服务器是被要求重启（SIGTERM），不是要离开。",
]
