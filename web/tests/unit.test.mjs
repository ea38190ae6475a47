// Unit tests of the dashboard's pure parts (node's test runner; the TypeScript is bundled
// with esbuild, which Vite already brings): the SSE reader (frames split anywhere,
// Last-Event-ID on reconnect, no duplicate rows), text safety and dates.
//   node --test tests/   (ctest: web_unit)
import assert from "node:assert/strict";
import { test } from "node:test";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const esbuild = createRequire(join(web, "package.json"))("esbuild");

async function load(entry) {
  const out = esbuild.buildSync({ entryPoints: [join(web, entry)], bundle: true, format: "esm", write: false, platform: "neutral", logLevel: "silent" });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}

// The browser globals the client reads.
const store = new Map();
globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
globalThis.window = globalThis.window ?? new EventTarget();

const format = await load("src/format.ts");
const sse = await load("src/api/sse.ts");

test("bidi overrides and control characters are shown, not obeyed", () => {
  assert.equal(format.visible("a\u202Eb\u0007c\u2066"), "a<U+202E>b\\x07c<U+2066>");
  assert.equal(format.visible("plain <b>text</b>\ttab"), "plain <b>text</b>\ttab");
  assert.equal(format.clip("x".repeat(300), 10), "xxxxxxxxxx…");
});

test("zone-less API times are UTC", () => {
  assert.equal(format.parseUtc("2026-04-09T12:00:00").toISOString(), "2026-04-09T12:00:00.000Z");
  assert.equal(format.parseUtc("2026-04-09 12:00:00").toISOString(), "2026-04-09T12:00:00.000Z");
  assert.equal(format.parseUtc("2026-04-09T12:00:01.250000").toISOString(), "2026-04-09T12:00:01.250Z");
  assert.equal(format.parseUtc("2026-04-09T12:00:00+02:00").toISOString(), "2026-04-09T10:00:00.000Z");
  assert.equal(format.apiTime(new Date("2026-04-09T12:34:56.789Z")), "2026-04-09 12:34:56");
});

test("fields: JSON text to pairs, anything else shown as it is", () => {
  assert.deepEqual(format.parseFields('{"a":"1","b":2,"c":{"d":true}}'), [["a", "1"], ["b", "2"], ["c", '{"d":true}']]);
  assert.deepEqual(format.parseFields("not json"), [["fields", "not json"]]);
  assert.deepEqual(format.parseFields(""), []);
});

// A fake /stream: each call answers the next scripted body, cut into the given chunks.
function fakeFetch(bodies) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url: String(url), headers: init.headers });
    const chunks = bodies.shift();
    if (!chunks) return new Promise(() => undefined); // no more answers: stay pending
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close(); // the stream drops after its frames
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  };
  return calls;
}

const row = (id) => ({ id, timestamp: "2026-01-01T00:00:00", decky: "d", service: "s", event_type: "e", attacker_ip: "1.2.3.4", raw_line: "", fields: "{}", msg: "", trace_id: null, span_id: null });
const frame = (rows) => `event: message\ndata: ${JSON.stringify({ type: "logs", data: rows })}\nid: ${rows[rows.length - 1].id}\n\n`;

test("SSE: frames split anywhere, reconnect with Last-Event-ID, no duplicates", async () => {
  const first = ": keepalive\n\n" + frame([row(5), row(6)]) + 'event: message\ndata: {"type":"stats","data":{"total_logs":6,"unique_attackers":1,"active_deckies":2,"deployed_deckies":2}}\n\n';
  const cut = [first.slice(0, 7), first.slice(7, 40), first.slice(40, 41), first.slice(41)];
  // The second connection replays 6 (already seen) with 7, CRLF line ends.
  const second = frame([row(6), row(7)]).replace(/\n/g, "\r\n");
  const calls = fakeFetch([cut, [second]]);
  const seen = [];
  const stats = [];
  const handle = sse.openStream({ search: "decky:d", lastEventId: 4 }, { onLogs: (rows) => seen.push(...rows.map((r) => r.id)), onStats: (s) => stats.push(s) });
  for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 30));
  handle.close();
  assert.deepEqual(seen, [5, 6, 7]);
  assert.equal(stats[0].total_logs, 6);
  assert.equal(calls[0].headers["Last-Event-ID"], "4");
  assert.equal(calls[1].headers["Last-Event-ID"], "6");
  assert.match(calls[0].url, /^\/api\/v1\/stream\?search=decky%3Ad$/);
  assert.equal(handle.lastId(), 7);
});

test("SSE: garbage frames are ignored", async () => {
  const calls = fakeFetch([["data: {not json\n\nevent: other\ndata: {}\n\n" + frame([row(9)])]]);
  const seen = [];
  const handle = sse.openStream({}, { onLogs: (rows) => seen.push(...rows.map((r) => r.id)) });
  for (let i = 0; i < 100 && !seen.length; i++) await new Promise((r) => setTimeout(r, 30));
  handle.close();
  assert.deepEqual(seen, [9]);
  assert.equal(calls[0].headers["Last-Event-ID"], undefined);
});
