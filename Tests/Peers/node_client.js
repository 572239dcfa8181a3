#!/usr/bin/env node
// Node `ws` client -> `wslab serve` (echo mode).
//
// Usage: NODE_PATH=/usr/share/nodejs node node_client.js ws://127.0.0.1:PORT/
// (Debian's node-ws installs the module under /usr/share/nodejs.)
//
// Checks, with permessage-deflate offered (ws's perMessageDeflate option) and then without:
// the negotiated extension (ws.extensions), text, binary, 0 B, 64 KiB+ compressible text and
// binary, 1 MiB, ping/pong, and a clean close 1000. Every wait is bounded; the whole script
// gives up after SCRIPT_TIMEOUT. Prints `ok - name` / `not ok - name: why`; exits 1 on failure.
"use strict";

const WebSocket = require("ws");

const STEP_TIMEOUT = 10000;
const SCRIPT_TIMEOUT = 90000;
const url = process.argv[2];
if (!url) {
  console.error("usage: node node_client.js ws://127.0.0.1:PORT/");
  process.exit(2);
}

let passed = 0;
let failed = 0;
const prefix = "node ws client -> wslab serve: ";
function ok(name) { passed++; console.log(`ok - ${prefix}${name}`); }
function notOk(name, why) { failed++; console.log(`not ok - ${prefix}${name}: ${String(why).replace(/\s+/g, " ")}`); }

setTimeout(() => {
  notOk("whole script", `did not finish within ${SCRIPT_TIMEOUT / 1000} s`);
  process.exit(1);
}, SCRIPT_TIMEOUT).unref();

// Rejects after ms with a message naming what it waited for.
function bounded(promise, what, ms = STEP_TIMEOUT) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function open(options) {
  return bounded(new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (req, res) => reject(new Error(`HTTP ${res.statusCode} instead of 101`)));
  }), "the handshake");
}

// Sends one message and resolves with { data, isBinary } of the next message received.
function echo(ws, message, binary) {
  return bounded(new Promise((resolve, reject) => {
    const onClose = (code) => reject(new Error(`connection closed (${code}) before the echo`));
    ws.once("message", (data, isBinary) => { ws.off("close", onClose); resolve({ data, isBinary }); });
    ws.once("close", onClose);
    ws.send(message, { binary }, (err) => { if (err) reject(err); });
  }), "the echo");
}

function close(ws, code, reason) {
  return bounded(new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: "already closed", reason: "" });
    ws.once("close", (c, r) => resolve({ code: c, reason: r.toString() }));
    ws.close(code, reason);
  }), "the closing handshake");
}

function compressibleText(n) {
  const words = ["frame ", "mask ", "opcode ", "deflate ", "window ", "context ", "takeover "];
  let s = "";
  for (let i = 0; s.length < n; i++) s += words[(i * 5 + (i >> 2)) % words.length];
  return s.slice(0, n);
}

function compressibleBinary(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i % 251) ^ ((i >> 10) & 0x0f);
  return b;
}

function randomBinary(n) {
  return require("crypto").randomBytes(n);
}

async function echoCheck(ws, name, message, binary) {
  const { data, isBinary } = await echo(ws, message, binary);
  const expected = Buffer.isBuffer(message) ? message : Buffer.from(message, "utf8");
  const got = Buffer.isBuffer(data) ? data : Buffer.concat(data);
  if (isBinary !== binary) return notOk(name, `sent ${binary ? "binary" : "text"}, echo came back as ${isBinary ? "binary" : "text"}`);
  if (!got.equals(expected)) {
    let i = 0;
    while (i < Math.min(got.length, expected.length) && got[i] === expected[i]) i++;
    return notOk(name, `expected ${expected.length} bytes, got ${got.length}; first difference at offset ${i}`);
  }
  ok(name);
}

async function runMode(mode) {
  const deflate = mode === "deflate";
  // threshold 0: compress every message, even small ones (ws's default threshold is 1024 bytes).
  const options = { perMessageDeflate: deflate ? { threshold: 0 } : false, maxPayload: 16 * 1024 * 1024 };
  let ws;
  try {
    ws = await open(options);
  } catch (e) {
    notOk(`${mode}: connect`, e.message);
    return;
  }
  ok(`${mode}: connect`);

  const ext = ws.extensions;
  console.log(`# ${mode}: ws.extensions = ${JSON.stringify(ext)}`);
  if (deflate) {
    if (ext.includes("permessage-deflate")) ok(`${mode}: ws.extensions contains permessage-deflate`);
    else notOk(`${mode}: ws.extensions contains permessage-deflate`, `ws.extensions is ${JSON.stringify(ext)}`);
  } else {
    if (ext === "") ok(`${mode}: no extension negotiated`);
    else notOk(`${mode}: no extension negotiated`, `ws.extensions is ${JSON.stringify(ext)}`);
  }

  const checks = [
    ["text", "Hello from node ws", false],
    ["text UTF-8", "héllo wörld — ✓ 🎉", false],
    ["binary", Buffer.from([0, 1, 2, 3, 254, 255]), true],
    ["text 0 B", "", false],
    ["binary 0 B", Buffer.alloc(0), true],
    ["text 64 KiB+ compressible", compressibleText(64 * 1024 + 17), false],
    ["binary 64 KiB+ compressible", compressibleBinary(64 * 1024 + 17), true],
    ["binary 1 MiB random", randomBinary(1024 * 1024), true],
    ["text 1 MiB compressible", compressibleText(1024 * 1024), false],
    ["text after the large ones", "still in sync", false],
  ];
  for (const [name, message, binary] of checks) {
    try {
      await echoCheck(ws, `${mode}: ${name}`, message, binary);
    } catch (e) {
      notOk(`${mode}: ${name}`, e.message);
    }
  }

  try {
    const payload = Buffer.from("node-ping");
    const pong = await bounded(new Promise((resolve) => { ws.once("pong", resolve); ws.ping(payload); }), "the pong");
    if (Buffer.from(pong).equals(payload)) ok(`${mode}: ping/pong`);
    else notOk(`${mode}: ping/pong`, `pong payload ${JSON.stringify(pong.toString())}, expected "node-ping"`);
  } catch (e) {
    notOk(`${mode}: ping/pong`, e.message);
  }

  try {
    const { code, reason } = await close(ws, 1000, "bye from node");
    console.log(`# ${mode}: close answered with ${code} ${JSON.stringify(reason)}`);
    if (code === 1000) ok(`${mode}: close 1000`);
    else notOk(`${mode}: close 1000`, `close event code ${code} (1005: no status, 1006: dropped without a Close frame)`);
  } catch (e) {
    notOk(`${mode}: close 1000`, e.message);
    ws.terminate();
  }
}

(async () => {
  console.log(`# node ${process.version}, ws ${require("ws/package.json").version}`);
  await runMode("deflate");
  await runMode("no-deflate");
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  notOk("unexpected error", e.stack || e);
  process.exit(1);
});
