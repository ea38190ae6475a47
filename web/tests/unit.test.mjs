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

const cast = await load("src/cast.ts");
const castText = (events, header = { version: 2, width: 40, height: 10, timestamp: 1700000000 }) => [JSON.stringify(header), ...events.map((e) => JSON.stringify(e))].join("\n") + "\n";
const play = (data, width = 40, height = 10) => {
  const screen = new cast.Screen(width, height);
  for (const chunk of [].concat(data)) screen.write(chunk);
  return screen;
};

test("cast: header, output events only, idle gaps capped at 2 s, bad lines skipped", () => {
  const text = castText([[0.5, "o", "a"], [1.0, "i", "ls\r"], [31.0, "o", "b"], [30.0, "o", "c"], [31.5, "r", "80x24"], [32.0, "o", "d"]]) + "not json\n[1]\n[1,\"o\",2]\n";
  const c = cast.parseCast(text);
  assert.deepEqual(c.header, { width: 40, height: 10, timestamp: 1700000000 });
  assert.deepEqual(c.events.map((e) => e.data), ["a", "b", "c", "d"]);
  // 0.5, +0.5 (input), +30 capped to 2, backwards clock held, +0.5 (resize), +0.5.
  assert.deepEqual(c.events.map((e) => e.time), [0.5, 3, 3, 4]);
  assert.equal(c.duration, 4);
  assert.equal(c.dropped, 3);
  assert.throws(() => cast.parseCast('{"version":1}\n'), /v2/);
  assert.throws(() => cast.parseCast("garbage"), /not an asciinema cast/);
  assert.throws(() => cast.parseCast(""), /not an asciinema cast/);
  // A hostile header is clamped.
  assert.deepEqual(cast.parseCast('{"version":2,"width":1e9,"height":-5,"timestamp":"x"}\n').header, { width: 500, height: 24, timestamp: null });
  assert.deepEqual(cast.parseCast('{"version":2,"width":0,"height":3}\n').header, { width: 80, height: 5, timestamp: null });
});

test("cast: the screen at a time replays the events up to it", () => {
  const c = cast.parseCast(castText([[0.1, "o", "$ ls\r\n"], [0.6, "o", "file\r\n$ "]]));
  assert.equal(cast.screenAt(c, 0.2).text(), "$ ls\n");
  assert.equal(cast.screenAt(c, 1).text(), "$ ls\nfile\n$");
});

test("terminal: CR, LF, backspace, erase line and clear screen", () => {
  assert.equal(play("abc\rX\n").text(), "Xbc\n");
  assert.equal(play("abc\b\bZ").text(), "aZc");
  assert.equal(play("abcdef\r\x1b[3C\x1b[K").text(), "abc");
  assert.equal(play("abcdef\r\x1b[2K").text(), "");
  assert.equal(play(["one\r\ntwo\r\n", "\x1b[H\x1b[2J$ "]).text(), "$");
  assert.equal(play("x".repeat(45)).text(), "x".repeat(40) + "\n" + "x".repeat(5)); // wrapped at the width
  assert.equal(play("a\tb").text(), "a       b");
});

test("terminal: SGR colours become class names, nothing else", () => {
  const lines = play("\x1b[1;31mred\x1b[0m plain \x1b[38;5;12mblue\x1b[38;2;1;2;3mtrue\x1b[m").lines();
  assert.deepEqual(lines[0], [
    { cls: "fg1 bold", text: "red" },
    { cls: "", text: " plain " },
    { cls: "fg12", text: "bluetrue" },
  ]);
});

test("terminal: OSC, DCS, APC, private modes and C1 controls are stripped; HTML stays text", () => {
  const hostile = [
    "\x1b]0;evil title\x07", // OSC title, BEL-terminated
    "\x1b]8;;javascript:alert(1)\x1b\\link\x1b]8;;\x1b\\", // OSC 8 hyperlink, ST-terminated
    "\x1bPq#0;2;0;0;0#1!6~\x1b\\", // DCS (sixel)
    "\x1b_apc payload\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\",
    "\x1b[?1049h\x1b[?25l\x1b[6n\x1b(0\x1b)B\x1b=",
    "\u009b31m\u009d0;c1 title\u009c",
    "\u202Eevil\u2066\x07\x00",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
  ];
  // Whole, and split at every character (sequences cut across events).
  for (const chunks of [hostile, [...hostile.join("")]]) {
    const screen = play(chunks, 200);
    assert.equal(screen.text(), "linkevil<script>alert(1)</script><img src=x onerror=alert(2)>");
  }
  // Unterminated strings swallow to the end, bounded: no crash, no growth.
  assert.equal(play(["\x1b]0;" + "t".repeat(100000)]).text(), "");
  assert.equal(play("\x1b[" + "9".repeat(1000) + "C!").text().trim(), "!");
});

test("terminal: scrollback is bounded", () => {
  const screen = play("line\r\n".repeat(5000));
  assert.ok(screen.lines().length <= 2000);
});
