// The bounty vault: captured credentials (copyable), hashes (hashcat lines),
// fingerprints and other captures, and the artifacts attackers uploaded (admins download).
import { useState, type FormEvent } from "react";
import { call, download, errorMessage } from "../api/client";
import type { ArtifactRow, BountyRow, Page } from "../api/types";
import { CopyButton, Empty, ErrorLine, Pager, Time } from "../components";
import { bytes, clip, count } from "../format";
import { useLoad } from "../hooks";
import { Link, useQueryState } from "../router";
import { useSession } from "../session";
import { CredentialTable, KeyValues } from "./Attackers";

const PAGE = 50;
const TABS: [string, string][] = [
  ["credential", "Credentials"],
  ["hash", "Hashes"],
  ["fingerprint", "Fingerprints"],
  ["", "Everything"],
  ["artifacts", "Artifacts"],
];

export function Bounty() {
  const [query, setQuery] = useQueryState();
  const type = query.get("type") ?? "credential";
  return (
    <section>
      <h1>Bounty vault</h1>
      <div className="tabs" role="tablist">
        {TABS.map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={type === key} className={type === key ? "active" : undefined} onClick={() => setQuery({ type: key === "credential" ? null : key || "all", page: null, q: null })}>
            {label}
          </button>
        ))}
      </div>
      {type === "artifacts" ? <Artifacts /> : <Captures type={type === "all" ? "" : type} />}
    </section>
  );
}

// A hash capture as a hashcat input line: the payload's own "hashcat" text when the
// service produced one, else user:hash.
function hashcatLine(payload: unknown): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (typeof p.hashcat === "string") return p.hashcat;
  const hash = String(p.hash ?? p.value ?? "");
  return p.username ? `${String(p.username)}:${hash}` : hash;
}

function Captures({ type }: { type: string }) {
  const [query, setQuery] = useQueryState();
  const q = query.get("q") ?? "";
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState(q);
  const result = useLoad(() => call<Page<BountyRow>>("GET /bounty", { query: { limit: PAGE, offset: (page - 1) * PAGE, bounty_type: type, search: q } }), [type, q, page]);
  const rows = result.data?.data ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: draft, page: null });
  };
  return (
    <>
      <form className="filters" onSubmit={submit}>
        <label className="grow">
          search
          <input name="q" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="decky, service, address or captured text" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorLine error={result.error} />
      <p className="dim small">{result.data ? `${count(result.data.total)} captured` : ""}</p>
      {!rows.length ? (
        <Empty>{result.loading ? "Loading…" : emptyText(type)}</Empty>
      ) : type === "credential" ? (
        <CredentialTable rows={rows} />
      ) : type === "hash" ? (
        <>
          <CopyButton text={rows.map((r) => hashcatLine(r.payload)).join("\n") + "\n"} label="Copy all (hashcat)" />
          <table>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Time value={r.timestamp} />
                  </td>
                  <td>{clip(r.service, 24)}</td>
                  <td className="mono">{clip(hashcatLine(r.payload), 300)}</td>
                  <td>
                    <CopyButton text={hashcatLine(r.payload)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Decky</th>
              <th>Service</th>
              <th>Attacker</th>
              <th>Type</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <Time value={r.timestamp} />
                </td>
                <td>{clip(r.decky, 64)}</td>
                <td>{clip(r.service, 24)}</td>
                <td className="ip">
                  <Link to={`/attackers/ip/${encodeURIComponent(r.attacker_ip)}`}>{clip(r.attacker_ip, 45)}</Link>
                </td>
                <td>
                  <span className="badge">{clip(r.bounty_type, 24)}</span>
                </td>
                <td>
                  <KeyValues value={r.payload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} total={result.data?.total ?? 0} size={PAGE} onPage={(p) => setQuery({ page: String(p) })} />
    </>
  );
}

function emptyText(type: string): string {
  if (type === "credential") return "No credential captured yet. Logins against a decky (e.g. redis AUTH, an http login form) land here.";
  if (type === "hash") return "No password hash captured yet (services that capture hashes add them here).";
  if (type === "fingerprint") return "No fingerprint yet.";
  return "The vault is empty.";
}

function Artifacts() {
  const { isAdmin } = useSession();
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const result = useLoad(() => call<Page<ArtifactRow>>("GET /artifacts", { query: { limit: PAGE, offset: (page - 1) * PAGE } }), [page]);
  const rows = result.data?.data ?? [];
  return (
    <>
      <p className="warn-text">Attacker-controlled content: downloads are saved as .bin and never opened by the browser.</p>
      <ErrorLine error={error ?? result.error} />
      {!rows.length ? (
        <Empty>{result.loading ? "Loading…" : "No artifact yet. Files attackers upload over ftp or tftp are kept here."}</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Decky</th>
              <th>Service</th>
              <th>Attacker</th>
              <th>File</th>
              <th>Size</th>
              <th>SHA-256</th>
              {isAdmin ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <Time value={r.timestamp} />
                </td>
                <td>{clip(r.decky, 64)}</td>
                <td>{clip(r.service, 24)}</td>
                <td className="ip">{clip(r.attacker_ip, 45)}</td>
                <td className="mono">
                  {clip(r.filename, 120)} <span className="dim small">{clip(r.mime, 40)}</span>
                </td>
                <td className="num">{bytes(r.size)}</td>
                <td className="mono" title={r.sha256}>
                  {r.sha256.slice(0, 12)}… <CopyButton text={r.sha256} />
                </td>
                {isAdmin ? (
                  <td>
                    {r.stored ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => {
                          setError(null);
                          download("GET /artifacts/{sha256}", { params: { sha256: r.sha256 } }, `${r.sha256}.bin`).catch((e: unknown) => setError(errorMessage(e)));
                        }}
                      >
                        Download
                      </button>
                    ) : (
                      <span className="dim small">not kept</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} total={result.data?.total ?? 0} size={PAGE} onPage={setPage} />
    </>
  );
}
