// Shared by the browser tests and the dashboard benchmark: a real `decnet up` on
// 127.0.0.1 with a temporary state directory, and Debian's chromium through
// playwright-core (no browser download). Exit code 77 = skipped (ctest SKIP_RETURN_CODE).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SKIP = 77;

export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

export function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(SKIP);
}

// playwright-core and chromium, or a skip; a missing build is an error (make build).
export async function loadBrowser() {
  const chromiumPath = process.env.DECNET_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) skip(`no chromium at ${chromiumPath} (scripts/install-deps.sh installs it)`);
  let playwright;
  try {
    playwright = createRequire(join(webDir, "package.json"))("playwright-core");
  } catch {
    skip("playwright-core is not installed (npm ci in web/, done by make build when npm exists)");
  }
  if (!existsSync(join(webDir, "dist", "index.html"))) {
    console.error("web/dist is not built: run make build (or npm run build in web/)");
    process.exit(1);
  }
  return { playwright, chromiumPath };
}

export function launch(playwright, chromiumPath) {
  return playwright.chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });
}

// `decnet up` with deckies on `subnet` and the API on a free port; resolves when it is up.
export async function startDecnet({ binary, subnet, deckies = 2, services = "redis", password, extraEnv = {} }) {
  if (!binary || !existsSync(binary)) skip(`no decnet binary (${binary})`);
  binary = resolve(binary);
  const dir = mkdtempSync(join(tmpdir(), "decnet-web-"));
  spawnSync("chmod", ["755", dir]);
  const port = await freePort();
  const child = spawn(
    binary,
    ["up", "-n", String(deckies), "--services", services, "--subnet", subnet, "--db", join(dir, "decnet.db"), "--state-dir", dir, "--api-port", String(port)],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DECNET_ADMIN_PASSWORD: password, DECNET_JWT_SECRET: "", DECNET_WEB_DIST: join(webDir, "dist"), ...extraEnv },
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const deadline = Date.now() + 30_000;
  while (!out.includes("decnet is up")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`decnet up did not start:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const end = Date.now() + 10_000;
      while (child.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${port}`, dir, stop, output: () => out + err };
}

export function run(command, args) {
  return spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
}

// A TCP relay in front of the API: the browser talks to it, and `dropAll()` cuts every
// connection at once (a network drop the page must recover from).
export async function startRelay(targetPort) {
  const { createServer: server, connect: dial } = await import("node:net");
  const sockets = new Set();
  const relay = server((client) => {
    const upstream = dial(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise((ok) => relay.listen(0, "127.0.0.1", ok));
  return {
    base: `http://127.0.0.1:${relay.address().port}`,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}
