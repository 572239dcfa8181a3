// The teacher's view at `/trace` (`wslab serve --live-trace`): every connection to the server,
// live, for a projector in a workshop. It opens `/trace/ws` (every connection) and shows each
// connection's events in a section of its own, rendered by the lessons' HTMLRenderer; a filter
// shows one connection or all. Self-contained, like the lessons' pages.

import Trace

enum TraceViewerPage {
  static let html: String = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>WSLab — live trace of every connection</title>
    <style>\#(HTMLRenderer.stylesheet)</style>
    <style>
      .conn h2 { font-size: 1.1rem; }
      #filter { font: inherit; }
      #count { color: var(--mute); }
    </style>
    </head>
    <body>
    <nav class="top">
      <span>WSLab live trace</span>
      <label>connection <select id="filter"><option value="all">all</option></select></label>
      <span id="count">waiting for connections…</span>
      <label class="switch"><input type="checkbox" id="annotate-all"> annotate all</label>
    </nav>
    <main>
    <header><h1>Every connection, as the server decodes it</h1>
    <p class="subtitle" id="status">connecting to the trace…</p></header>
    <div id="connections"></div>
    </main>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    const sections = new Map();
    let events = 0;
    function sectionFor(id) {
      let section = sections.get(id);
      if (section) return section;
      section = document.createElement("section");
      section.className = "conn";
      section.id = "conn-c" + id;
      section.dataset.connection = String(id);
      const heading = document.createElement("h2");
      heading.textContent = "connection c" + id;
      section.appendChild(heading);
      $("connections").appendChild(section);
      sections.set(id, section);
      const option = document.createElement("option");
      option.value = String(id);
      option.textContent = "c" + id;
      $("filter").appendChild(option);
      applyFilter();
      return section;
    }
    function applyFilter() {
      const chosen = $("filter").value;
      for (const [id, section] of sections) section.hidden = chosen !== "all" && chosen !== String(id);
    }
    $("filter").addEventListener("change", applyFilter);
    const tws = new WebSocket(base + "/trace/ws");
    tws.onopen = () => { $("status").textContent = "following every connection to this server"; };
    tws.onmessage = (event) => {
      const m = JSON.parse(event.data);
      const holder = document.createElement("div");
      holder.className = "trace-event";
      holder.innerHTML = m.html;  // rendered and escaped by the server's HTMLRenderer
      sectionFor(m.connection).appendChild(holder);
      events += 1;
      $("count").textContent = sections.size + " connection(s), " + events + " event(s)";
    };
    tws.onclose = () => { $("status").textContent = "the trace connection closed (is the server still running?)"; };
    </script>
    <script>\#(HTMLRenderer.script)</script>
    </body>
    </html>
    """#
}
