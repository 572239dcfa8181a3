// The page `wslab serve` answers a plain `GET /` (no Upgrade) with: a small browser client for
// workshops. It is self-contained (no external resources), so it works offline and over https://.
//
// What it shows: connect/disconnect, send text, a timestamped log of everything sent and
// received, and what the handshake negotiated (`ws.extensions`, `ws.protocol`).
//
// Automatic run (used by Tests/Peers/browser_test.py): open `/?autotest=MESSAGE`. The page
// connects, sends MESSAGE, and when the echo arrives fills `#echo` and `#extensions` and sets
// `#status` to `done` (or to `error: ...` when the connection fails or closes first).
//
// Live trace (`wslab serve --live-trace`): before connecting, the page opens
// `/trace/ws?follow=TOKEN` and then connects with `?trace=TOKEN`, so the server streams this
// connection's trace to the panel under the log: the handshake the browser really sent, each
// frame with the browser's own masking key, the server's replies, rendered by the same
// HTMLRenderer as the lessons' pages.

import Trace

enum BrowserPage {
  static let html: String = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>WSLab — browser client</title>
    <style>\#(HTMLRenderer.stylesheet)</style>
    <style>
      body { font: 15px/1.4 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
      h1 { font-size: 1.4rem; margin-bottom: .2rem; }
      p.lead { margin-top: 0; color: #555; }
      fieldset { border: 1px solid #ccc; border-radius: 6px; margin: 0 0 1rem; padding: .6rem .8rem; }
      legend { color: #555; padding: 0 .3rem; }
      .row { display: flex; gap: .5rem; align-items: center; margin: .3rem 0; }
      .row input[type=text] { flex: 1; font: inherit; padding: .3rem .4rem; }
      button { font: inherit; padding: .3rem .9rem; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .3rem 0; }
      dt { color: #555; }
      dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
      #status.open { color: #17752d; } #status.closed { color: #a33; }
      #log { font: 13px/1.5 ui-monospace, monospace; background: #f6f6f6; border: 1px solid #ddd;
             border-radius: 6px; padding: .5rem .7rem; height: 22rem; overflow-y: auto; white-space: pre-wrap; }
      .sent { color: #1d4fa0; } .received { color: #17752d; } .event { color: #777; } .error { color: #a33; }
      body { display: block; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
      #trace-panel h2 { font-size: 1.1rem; margin: 1.5rem 0 .3rem; border: 0; }
      #trace-status { color: #555; margin: 0 0 .5rem; }
    </style>
    </head>
    <body>
    <h1>WSLab browser client</h1>
    <p class="lead">A WebSocket client in your browser, talking to this <code>wslab serve</code>.
    Run the server with <code>--trace</code> to watch the same messages as bytes on the wire.</p>

    <fieldset>
      <legend>Connection</legend>
      <div class="row">
        <label for="url">URL</label>
        <input type="text" id="url" spellcheck="false">
      </div>
      <div class="row">
        <label for="subprotocol">Subprotocol (optional)</label>
        <input type="text" id="subprotocol" spellcheck="false" placeholder="e.g. chat">
        <button id="connect">Connect</button>
        <button id="disconnect" disabled>Disconnect</button>
      </div>
      <dl>
        <dt>Status</dt><dd id="status" class="closed">not connected</dd>
        <dt>Extensions</dt><dd id="extensions">—</dd>
        <dt>Subprotocol</dt><dd id="protocol">—</dd>
        <dt>Last echo</dt><dd id="echo"></dd>
      </dl>
    </fieldset>

    <fieldset>
      <legend>Messages</legend>
      <div class="row">
        <input type="text" id="message" placeholder="Type a message and press Enter" disabled>
        <button id="send" disabled>Send</button>
      </div>
    </fieldset>

    <div id="log" aria-live="polite"></div>

    <section id="trace-panel">
      <h2>What your browser sent, byte by byte</h2>
      <p id="trace-status">live trace: starting…</p>
      <label class="switch"><input type="checkbox" id="annotate-all"> annotate all</label>
      <div id="trace"></div>
    </section>

    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    let ws = null;

    // Same host and path as this page: ws:// for http://, wss:// for https://.
    const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    $("url").value = wsBase + location.pathname;

    // Live trace: follow this page's own connection, when the server traces live.
    const traceToken = Array.from(crypto.getRandomValues(new Uint8Array(8)),
                                  (b) => b.toString(16).padStart(2, "0")).join("");
    function openTrace(then) {
      let settled = false, opened = false;
      const done = () => { if (!settled) { settled = true; then(); } };
      let tws;
      try { tws = new WebSocket(wsBase + "/trace/ws?follow=" + traceToken); } catch (e) { done(); return; }
      tws.onopen = () => {
        opened = true;
        $("trace-status").textContent = "live trace: this page's connection, as the server decodes it";
        $("url").value = wsBase + location.pathname + "?trace=" + traceToken;
        done();
      };
      tws.onmessage = (event) => {
        const m = JSON.parse(event.data);
        const holder = document.createElement("div");
        holder.className = "trace-event";
        holder.innerHTML = m.html;  // rendered and escaped by the server's HTMLRenderer
        $("trace").appendChild(holder);
      };
      tws.onclose = () => {
        if (!opened) $("trace-status").textContent = "live trace is off (start the server with wslab serve --live-trace)";
        else $("trace-status").textContent += " (trace connection closed)";
        done();
      };
    }

    function timestamp() {
      const d = new Date();
      return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
    }

    function log(kind, text) {
      const line = document.createElement("div");
      line.className = kind;
      const arrow = { sent: "→", received: "←", event: "•", error: "!" }[kind];
      line.textContent = timestamp() + " " + arrow + " " + text;
      $("log").appendChild(line);
      $("log").scrollTop = $("log").scrollHeight;
    }

    function setStatus(text, cls) {
      $("status").textContent = text;
      $("status").className = cls || "";
    }

    function describe(data) {
      if (typeof data === "string") return data;
      const bytes = new Uint8Array(data);
      const hex = Array.from(bytes.slice(0, 32), (b) => b.toString(16).padStart(2, "0")).join(" ");
      return "binary " + bytes.length + " bytes: " + hex + (bytes.length > 32 ? " …" : "");
    }

    function setConnected(connected) {
      $("connect").disabled = connected;
      $("disconnect").disabled = !connected;
      $("message").disabled = !connected;
      $("send").disabled = !connected;
    }

    // onEcho, if given, is called with the first message received (used by the autotest).
    function connect(onEcho) {
      const url = $("url").value.trim();
      const subprotocol = $("subprotocol").value.trim();
      log("event", "connecting to " + url + (subprotocol ? " (subprotocol " + subprotocol + ")" : ""));
      setStatus("connecting", "");
      try {
        ws = subprotocol ? new WebSocket(url, subprotocol) : new WebSocket(url);
      } catch (e) {
        log("error", String(e));
        setStatus("error: " + e.message, "closed");
        return null;
      }
      ws.binaryType = "arraybuffer";
      $("connect").disabled = true;

      ws.onopen = () => {
        // Both are known only after the server's 101 response.
        $("extensions").textContent = ws.extensions || "(none)";
        $("protocol").textContent = ws.protocol || "(none)";
        setStatus("open", "open");
        setConnected(true);
        log("event", "open; extensions: " + (ws.extensions || "none") + "; subprotocol: " + (ws.protocol || "none"));
      };
      ws.onmessage = (event) => {
        const text = describe(event.data);
        log("received", text);
        $("echo").textContent = text;
        if (onEcho) { const f = onEcho; onEcho = null; f(text); }
      };
      ws.onerror = () => log("error", "connection error (the browser gives no details; see the server log)");
      ws.onclose = (event) => {
        log("event", "closed: code " + event.code + (event.reason ? ", reason " + event.reason : "") +
                     (event.wasClean ? "" : " (not clean)"));
        if ($("status").textContent !== "done") {
          setStatus(onEcho ? "error: closed with code " + event.code + " before the echo" : "closed", "closed");
        }
        setConnected(false);
        ws = null;
      };
      return ws;
    }

    function send(text) {
      if (!ws || ws.readyState !== WebSocket.OPEN) { log("error", "not connected"); return; }
      ws.send(text);
      log("sent", text);
    }

    $("connect").onclick = () => connect(null);
    $("disconnect").onclick = () => { if (ws) { log("event", "closing with code 1000"); ws.close(1000, "bye"); } };
    $("send").onclick = () => { send($("message").value); $("message").value = ""; $("message").focus(); };
    $("message").addEventListener("keydown", (e) => { if (e.key === "Enter") $("send").click(); });

    // ?autotest=MESSAGE: connect, send MESSAGE, report the echo, then close.
    const autotest = new URLSearchParams(location.search).get("autotest");
    openTrace(() => {
      if (autotest === null) return;
      const socket = connect((echo) => {
        setStatus("done", "open");
        socket.close(1000, "autotest done");
      });
      if (socket) socket.addEventListener("open", () => send(autotest));
    });
    </script>
    <script>\#(HTMLRenderer.script)</script>
    </body>
    </html>
    """#
}
