// Attackers: the profiles (sort, search, service filter), one profile's detail, and the
// view of any attacker address built from its events and captures.
import { useMemo, useState, type FormEvent } from "react";
import { ApiError, call } from "../api/client";
import type { Attacker, BountyRow, Command, LogRow, Page } from "../api/types";
import { AttackTags, CopyButton, Empty, ErrorLine, EventTable, Pager, Time } from "../components";
import { clip, count, parseUtc, relative, visible } from "../format";
import { useLoad } from "../hooks";
import { Recordings } from "../recordings";
import { Link, navigate, useQueryState } from "../router";

const PAGE = 50;

export function Attackers() {
  const [query, setQuery] = useQueryState();
  const q = query.get("q") ?? "";
  const sort = query.get("sort_by") ?? "recent";
  const service = query.get("service") ?? "";
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState(q);
  const result = useLoad(
    () => call<Page<Attacker>>("GET /attackers", { query: { limit: PAGE, offset: (page - 1) * PAGE, search: q, sort_by: sort, service } }),
    [q, sort, service, page],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: draft, page: null });
  };
  const rows = result.data?.data ?? [];
  return (
    <section>
      <h1>Attackers</h1>
      <form className="filters" onSubmit={submit}>
        <label className="grow">
          address
          <input name="q" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="part of an IP address" />
        </label>
        <label>
          sort
          <select name="sort_by" value={sort} onChange={(e) => setQuery({ sort_by: e.target.value === "recent" ? null : e.target.value, page: null })}>
            <option value="recent">Most recent</option>
            <option value="active">Most active</option>
            <option value="traversals">Traversals first</option>
          </select>
        </label>
        <button type="submit">Search</button>
        {service ? (
          <button type="button" className="tag" onClick={() => setQuery({ service: null })} aria-label={`remove service filter ${service}`}>
            service: {clip(service, 24)} ✕
          </button>
        ) : null}
      </form>
      <ErrorLine error={result.error} />
      <p className="dim small">{result.data ? `${count(result.data.total)} attacker profiles` : ""}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Address</th>
              <th>First seen</th>
              <th>Last seen</th>
              <th>Events</th>
              <th>Creds</th>
              <th>Services</th>
              <th>Deckies</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.uuid} className="clickable" onClick={() => navigate(`/attackers/${encodeURIComponent(a.uuid)}`)}>
                <td className="ip">
                  <Link to={`/attackers/${encodeURIComponent(a.uuid)}`}>{clip(a.ip, 45)}</Link>
                  {a.country ? (
                    <span className="badge" title={[a.country_name, a.asn != null ? `AS${a.asn} ${a.as_org ?? ""}` : ""].filter(Boolean).join(" · ")}>
                      {clip(a.country, 8)}
                    </span>
                  ) : null}
                  {a.is_traversal ? <span className="badge warn">traversal</span> : null}
                </td>
                <td>
                  <Time value={a.first_seen} />
                </td>
                <td title={parseUtc(a.last_seen).toISOString()}>{relative(parseUtc(a.last_seen))}</td>
                <td className="num">{count(a.event_count)}</td>
                <td className="num">{count(a.credential_count)}</td>
                <td>
                  {a.services.map((s) => (
                    <button
                      type="button"
                      key={s}
                      className="tag"
                      onClick={(e) => {
                        e.stopPropagation();
                        setQuery({ service: s, page: null });
                      }}
                    >
                      {clip(s, 24)}
                    </button>
                  ))}
                </td>
                <td>{clip(a.traversal_path ?? a.deckies.join(", "), 80)}</td>
              </tr>
            ))}
            {!rows.length ? (
              <tr>
                <td colSpan={7}>
                  <Empty>
                    {result.loading
                      ? "Loading…"
                      : q || service
                        ? "No profile matches this search."
                        : "No attacker profile yet: profiles are built by the profiler from stored events. Meanwhile every address in the logs has its own page (below, or click an address in the live feed or the logs)."}
                  </Empty>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager page={page} total={result.data?.total ?? 0} size={PAGE} onPage={(p) => setQuery({ page: String(p) })} />
      {result.data && result.data.total === 0 && !q && !service ? <SeenAddresses /> : null}
    </section>
  );
}

// Until the profiler has run: the addresses of the latest events, each with its own page.
function SeenAddresses() {
  const logs = useLoad(() => call<Page<LogRow>>("GET /logs", { query: { limit: 1000 } }), []);
  const rows = useMemo(() => {
    const by = new Map<string, { ip: string; events: number; last: string; services: Set<string>; deckies: Set<string> }>();
    for (const r of logs.data?.data ?? []) {
      const entry = by.get(r.attacker_ip) ?? { ip: r.attacker_ip, events: 0, last: r.timestamp, services: new Set<string>(), deckies: new Set<string>() };
      entry.events++;
      if (r.timestamp > entry.last) entry.last = r.timestamp;
      entry.services.add(r.service);
      entry.deckies.add(r.decky);
      by.set(r.attacker_ip, entry);
    }
    return [...by.values()].sort((a, b) => b.events - a.events).slice(0, 100);
  }, [logs.data]);
  if (!rows.length) return null;
  return (
    <div className="panel" aria-label="addresses seen">
      <h2>Addresses in the latest 1,000 events</h2>
      <table>
        <thead>
          <tr>
            <th>Address</th>
            <th>Events</th>
            <th>Last seen</th>
            <th>Services</th>
            <th>Deckies</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.ip}>
              <td className="ip">
                <Link to={`/attackers/ip/${encodeURIComponent(r.ip)}`}>{clip(r.ip, 45)}</Link>
              </td>
              <td className="num">{count(r.events)}</td>
              <td>
                <Time value={r.last} />
              </td>
              <td>{[...r.services].map((s) => clip(s, 24)).join(", ")}</td>
              <td>{clip([...r.deckies].join(", "), 120)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AttackerDetail({ uuid }: { uuid: string }) {
  const attacker = useLoad(() => call<Attacker>("GET /attackers/{uuid}", { params: { uuid } }), [uuid]);
  const [service, setService] = useState("");
  const [page, setPage] = useState(1);
  const commands = useLoad(
    () => call<Page<Command>>("GET /attackers/{uuid}/commands", { params: { uuid }, query: { limit: PAGE, offset: (page - 1) * PAGE, service } }),
    [uuid, service, page],
  );
  if (attacker.error)
    return (
      <section>
        <h1>Attacker</h1>
        <ErrorLine error={attacker.error === "Attacker not found" ? "No attacker profile with this id." : attacker.error} />
        <Link to="/attackers">← all attackers</Link>
      </section>
    );
  const a = attacker.data;
  if (!a) return <p>Loading…</p>;
  return (
    <section>
      <p>
        <Link to="/attackers">← all attackers</Link>
      </p>
      <h1>
        {clip(a.ip, 45)} {a.is_traversal ? <span className="badge warn">traversal</span> : null}
      </h1>
      <div className="cards">
        {(
          [
            ["Events", a.event_count],
            ["Bounties", a.bounty_count],
            ["Credentials", a.credential_count],
            ["Services", a.service_count],
            ["Deckies", a.decky_count],
          ] as const
        ).map(([label, n]) => (
          <div className="card counter" key={label}>
            <div className="label">{label}</div>
            <div className="value">{count(n)}</div>
          </div>
        ))}
      </div>
      <div className="panel">
        <h2>Timeline</h2>
        <dl className="fields">
          <dt>first seen</dt>
          <dd>
            <Time value={a.first_seen} />
          </dd>
          <dt>last seen</dt>
          <dd>
            <Time value={a.last_seen} />
          </dd>
          <dt>origin</dt>
          <dd>
            {a.country || a.asn != null
              ? [a.country ? `${clip(a.country_name ?? a.country, 64)} (${clip(a.country, 8)})` : "", a.asn != null ? `AS${a.asn} ${clip(a.as_org ?? "", 128)}` : ""]
                  .filter(Boolean)
                  .join(" · ")
              : "unknown (private address or no GeoIP database)"}
          </dd>
          <dt>deckies</dt>
          <dd>{a.traversal_path ? clip(a.traversal_path, 500) : a.deckies.length ? a.deckies.map((d) => clip(d, 64)).join(", ") : "none recorded"}</dd>
          <dt>services</dt>
          <dd>
            {a.services.map((s) => (
              <button
                type="button"
                key={s}
                className={"tag" + (s === service ? " active" : "")}
                aria-pressed={s === service}
                onClick={() => {
                  setService(s === service ? "" : s);
                  setPage(1);
                }}
              >
                {clip(s, 24)}
              </button>
            ))}
          </dd>
        </dl>
        <p>
          <Link to={`/attackers/ip/${encodeURIComponent(a.ip)}`}>Events and captures of this address →</Link>
        </p>
      </div>
      <div className="panel">
        <h2>ATT&amp;CK techniques</h2>
        {Object.keys(a.attack_techniques ?? {}).length ? (
          <AttackTags ids={Object.keys(a.attack_techniques).sort()} counts={a.attack_techniques} ip={a.ip} />
        ) : (
          <Empty>No event of this attacker matched an ATT&amp;CK rule yet.</Empty>
        )}
      </div>
      <div className="panel">
        <h2>Behaviour</h2>
        {a.behavior ? <KeyValues value={a.behavior} /> : <Empty>No behaviour profile yet: the profiler has not run for this attacker.</Empty>}
      </div>
      <div className="panel">
        <h2>Commands {commands.data ? `(${count(commands.data.total)}${service ? ` on ${clip(service, 24)}` : ""})` : ""}</h2>
        <ErrorLine error={commands.error} />
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Service</th>
              <th>Decky</th>
              <th>Command</th>
            </tr>
          </thead>
          <tbody>
            {(commands.data?.data ?? []).map((c, i) => (
              <tr key={i}>
                <td>
                  <Time value={c.timestamp} />
                </td>
                <td>{clip(c.service, 24)}</td>
                <td>{clip(c.decky, 64)}</td>
                <td className="mono">{clip(c.command, 400)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {commands.data && !commands.data.data.length ? <Empty>No command captured{service ? ` on ${clip(service, 24)}` : ""}.</Empty> : null}
        <Pager page={page} total={commands.data?.total ?? 0} size={PAGE} onPage={setPage} />
      </div>
      <Recordings ip={a.ip} />
      <div className="panel">
        <h2>Fingerprints ({a.fingerprints.length})</h2>
        {a.fingerprints.length ? a.fingerprints.map((f, i) => <KeyValues key={i} value={f} />) : <Empty>No fingerprint yet.</Empty>}
      </div>
      <p className="dim small">uuid {clip(a.uuid, 64)}</p>
    </section>
  );
}

// Any address seen in the logs: its events, its credentials and its profile if one exists.
export function AttackerByIp({ ip }: { ip: string }) {
  const [page, setPage] = useState(1);
  const search = `attacker:${/\s|"/.test(ip) ? JSON.stringify(ip) : ip}`;
  const events = useLoad(() => call<Page<LogRow>>("GET /logs", { query: { limit: PAGE, offset: (page - 1) * PAGE, search } }), [search, page]);
  const loot = useLoad(() => call<Page<BountyRow>>("GET /bounty", { query: { limit: 200, search: ip } }), [ip]);
  const profile = useLoad(() => call<Page<Attacker>>("GET /attackers", { query: { limit: 5, search: ip } }), [ip]);
  const mine = (loot.data?.data ?? []).filter((b) => b.attacker_ip === ip);
  const creds = mine.filter((b) => b.bounty_type === "credential");
  const other = mine.filter((b) => b.bounty_type !== "credential");
  const match = (profile.data?.data ?? []).find((a) => a.ip === ip);
  const services = [...new Set((events.data?.data ?? []).map((r) => r.service))];
  const deckies = [...new Set((events.data?.data ?? []).map((r) => r.decky))];
  return (
    <section>
      <p>
        <Link to="/attackers">← all attackers</Link>
      </p>
      <h1>Attacker {clip(ip, 45)}</h1>
      {match ? (
        <p>
          <Link to={`/attackers/${encodeURIComponent(match.uuid)}`}>Open the profile of this attacker →</Link>
        </p>
      ) : null}
      <div className="cards">
        <div className="card counter">
          <div className="label">Events</div>
          <div className="value">{events.data ? count(events.data.total) : "…"}</div>
        </div>
        <div className="card counter">
          <div className="label">Credentials</div>
          <div className="value">{loot.data ? count(creds.length) : "…"}</div>
        </div>
        <div className="card counter">
          <div className="label">Services (this page)</div>
          <div className="value small-value">{services.map((s) => clip(s, 20)).join(", ") || "—"}</div>
        </div>
        <div className="card counter">
          <div className="label">Deckies (this page)</div>
          <div className="value small-value">{deckies.map((s) => clip(s, 30)).join(", ") || "—"}</div>
        </div>
      </div>
      <div className="panel">
        <h2>Credentials</h2>
        {creds.length ? <CredentialTable rows={creds} /> : <Empty>No credential captured from this address.</Empty>}
      </div>
      {other.length ? (
        <div className="panel">
          <h2>Other captures</h2>
          {other.map((b) => (
            <div key={b.id} className="capture">
              <span className="badge">{clip(b.bounty_type, 24)}</span> <Time value={b.timestamp} /> <KeyValues value={b.payload} />
            </div>
          ))}
        </div>
      ) : null}
      <Recordings ip={ip} />
      <div className="panel">
        <h2>Events</h2>
        <ErrorLine error={events.error} />
        <EventTable rows={events.data?.data ?? []} empty={events.loading ? "Loading…" : "No event from this address."} />
        <Pager page={page} total={events.data?.total ?? 0} size={PAGE} onPage={setPage} />
      </div>
    </section>
  );
}

export function CredentialTable({ rows }: { rows: BountyRow[] }) {
  return (
    <table className="creds">
      <thead>
        <tr>
          <th>Time</th>
          <th>Decky</th>
          <th>Service</th>
          <th>Attacker</th>
          <th>Username</th>
          <th>Password</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => {
          const p = (b.payload ?? {}) as Record<string, unknown>;
          const user = String(p.username ?? "");
          const pass = String(p.password ?? "");
          return (
            <tr key={b.id}>
              <td>
                <Time value={b.timestamp} />
              </td>
              <td>{clip(b.decky, 64)}</td>
              <td>{clip(b.service, 24)}</td>
              <td className="ip">
                <Link to={`/attackers/ip/${encodeURIComponent(b.attacker_ip)}`}>{clip(b.attacker_ip, 45)}</Link>
              </td>
              <td className="mono">{clip(user, 200)}</td>
              <td className="mono">{clip(pass, 200)}</td>
              <td>
                <CopyButton text={`${user}:${pass}`} label="Copy user:pass" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function KeyValues({ value }: { value: unknown }) {
  if (value === null || typeof value !== "object") return <span className="mono">{clip(String(value), 2000)}</span>;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return (
    <dl className="fields kv">
      {entries.map(([k, v]) => (
        <KV key={k} name={k} value={v} />
      ))}
    </dl>
  );
}

function KV({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{clip(name, 64)}</dt>
      <dd className="mono">{typeof value === "string" ? clip(value, 2000) : visible(JSON.stringify(value)).slice(0, 2000)}</dd>
    </>
  );
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}
