#!/usr/bin/env node
// Checks the dashboard's API client against the server's OpenAPI document: every
// "METHOD /path" literal under src/ (the only way the client names an endpoint, see
// src/api/endpoints.ts) must be an operation of /api/v1/openapi.json, with the same path
// parameters. Exit 0 when they agree, 1 with the differences, 77 to skip (no decnet).
//
//   node scripts/check-openapi.mjs --decnet ../build/decnet   # runs `decnet api`, fetches it
//   node scripts/check-openapi.mjs --url http://127.0.0.1:8000/api/v1/openapi.json
//   node scripts/check-openapi.mjs --file openapi.json [--extra "GET /nope"]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "..", "src");
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

export function clientEndpoints(dir = src) {
  const found = new Map(); // "GET /x" → first file using it
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(name))
        for (const m of readFileSync(path, "utf8").matchAll(/["'`](GET|POST|PUT|DELETE|PATCH) (\/[A-Za-z0-9_{}/.-]*)["'`]/g))
          if (!found.has(`${m[1]} ${m[2]}`)) found.set(`${m[1]} ${m[2]}`, path.slice(dir.length + 1));
    }
  };
  walk(dir);
  return found;
}

// A "$ref": "#/components/..." followed inside the document (one level is all it uses).
function resolve(document, value) {
  if (!value || typeof value.$ref !== "string" || !value.$ref.startsWith("#/")) return value;
  return value.$ref
    .slice(2)
    .split("/")
    .reduce((node, key) => (node ? node[key] : undefined), document) ?? {};
}

export function compare(document, used) {
  const problems = [];
  const prefix = "/api/v1";
  const operations = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {}))
    for (const [method, op] of Object.entries(item))
      if (["get", "post", "put", "delete", "patch"].includes(method))
        operations.set(`${method.toUpperCase()} ${path}`, { ...op, parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])] });
  for (const [endpoint, file] of used) {
    const [method, path] = endpoint.split(" ");
    const op = operations.get(`${method} ${prefix}${path}`);
    if (!op) {
      problems.push(`${endpoint} (used in ${file}) is not in the OpenAPI document`);
      continue;
    }
    const documented = op.parameters
      .map((p) => resolve(document, p))
      .filter((p) => p.in === "path").map((p) => p.name).sort();
    const ours = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    if (documented.join() !== ours.join()) problems.push(`${endpoint}: path parameters ${ours} vs documented ${documented}`);
  }
  return problems;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function fromDecnet(binary) {
  const dir = mkdtempSync(join(tmpdir(), "decnet-openapi-"));
  const port = await freePort();
  const child = spawn(binary, ["api", "--host", "127.0.0.1", "--port", String(port), "--db", join(dir, "api.db"), "--state-dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DECNET_JWT_SECRET: "" },
  });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
        if (response.ok) return await response.json();
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("decnet api did not answer within 10 s");
  } finally {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  let document;
  if (opt("--file")) document = JSON.parse(readFileSync(opt("--file"), "utf8"));
  else if (opt("--url")) document = await (await fetch(opt("--url"))).json();
  else {
    const binary = opt("--decnet");
    if (!binary || !existsSync(binary)) {
      console.log(`check-openapi: SKIP — no decnet binary (${binary ?? "--decnet not given"})`);
      process.exit(77);
    }
    document = await fromDecnet(binary);
  }
  const used = clientEndpoints();
  for (const extra of args.filter((_, i) => args[i - 1] === "--extra")) used.set(extra, "--extra");
  const problems = compare(document, used);
  for (const p of problems) console.log("check-openapi: " + p);
  console.log(`check-openapi: ${used.size} client endpoints, ${problems.length} disagreements with the OpenAPI document`);
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  main().catch((e) => {
    console.error("check-openapi: " + (e?.stack ?? e));
    process.exit(1);
  });
