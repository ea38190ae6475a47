#!/usr/bin/env node
// Dashboard benchmark (issue #20, Performance): the JS/CSS bundle size (gzip), the time
// until the first page is interactive on the loopback, and the live feed under 200
// events/s with up to 10,000 rows kept: main-thread time per rendered frame, from
// Chromium's performance metrics (CDP Performance.getMetrics) and requestAnimationFrame.
//
//   node bench/dashboard/bench.mjs --decnet build/decnet [--seconds 60] [--rate 200]
// Prints one line per figure; the last line is the summary. Exit 77 when skipped.
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launch, loadBrowser, option, startDecnet, webDir } from "../../web/tests/harness.mjs";

const SUBNET = "127.171.8.0/24";
const DECKY = "127.171.8.1";
const seconds = Number(option("--seconds", "60"));
const rate = Number(option("--rate", "200"));

// 1. Bundle size.
const assets = join(webDir, "dist", "assets");
let js = 0;
let css = 0;
const { playwright, chromiumPath } = await loadBrowser();
for (const name of readdirSync(assets)) {
  const size = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
  if (name.endsWith(".js")) js += size;
  else if (name.endsWith(".css")) css += size;
}
console.log(`bundle: js ${(js / 1024).toFixed(1)} KiB gzip, css ${(css / 1024).toFixed(1)} KiB gzip (target js < 300 KiB)`);

const password = "bench-password-1";
const decnet = await startDecnet({ binary: option("--decnet"), subnet: SUBNET, deckies: 1, services: "redis", password: "bench-initial" });
const browser = await launch(playwright, chromiumPath);
try {
  const api = decnet.base + "/api/v1";
  const post = (path, body, token) =>
    fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const first = await (await post("/auth/login", { username: "admin", password: "bench-initial" })).json();
  await post("/auth/change-password", { old_password: "bench-initial", new_password: password }, first.access_token);
  const token = (await (await post("/auth/login", { username: "admin", password })).json()).access_token;

  // 2. First page interactive: a logged-in user opens the overview (token already stored).
  const context = await browser.newContext({ viewport: { width: 1366, height: 820 } });
  await context.addInitScript((t) => localStorage.setItem("decnet.token", t), token);
  const page = await context.newPage();
  await page.goto(decnet.base + "/"); // warm the server's caches once (not counted)
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = Date.now();
    await page.goto(decnet.base + "/", { waitUntil: "commit" });
    await page.waitForFunction(() => /\d/.test(document.querySelector("[data-counter=Events]")?.textContent ?? ""));
    times.push(Date.now() - start);
  }
  times.sort((a, b) => a - b);
  const interactive = times[2];
  console.log(`first page interactive: median ${interactive} ms of 5 (min ${times[0]}, max ${times[4]}; target < 1000 ms)`);

  // 3. The live feed at `rate` events/s: one redis connection, `rate` PINGs a second
  // (each is a stored "command" event pushed to the page).
  await page.goto(decnet.base + "/live");
  await page.waitForSelector(".badge.stream-live");
  const socket = connect(6379, DECKY);
  socket.on("data", () => undefined);
  await new Promise((ok) => socket.once("connect", ok));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const before = await metric();
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    if (due > sent) {
      socket.write("PING\r\n".repeat(due - sent));
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const after = await metric();
  const frames = await page.evaluate(() => {
    window.__stop = true;
    return window.__frames.slice(1);
  });
  socket.end();
  const rows = await page.$eval(".live p.dim", (p) => p.textContent);
  const busy = (after.TaskDuration - before.TaskDuration) * 1000;
  const perFrame = busy / Math.max(1, frames.length);
  const meanInterval = frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length);
  const sorted = [...frames].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  console.log(`live feed: ${sent} events in ${seconds} s (${rate}/s); ${rows}`);
  console.log(`live feed: ${frames.length} frames, main-thread ${perFrame.toFixed(2)} ms per frame (target < 16), frame interval mean ${meanInterval.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
  console.log(`dashboard: js ${(js / 1024).toFixed(1)} KiB gzip, first page ${interactive} ms, feed ${perFrame.toFixed(2)} ms/frame at ${rate} ev/s`);
} finally {
  await browser.close().catch(() => undefined);
  await decnet.stop();
}
