// The live feed: events over SSE as they are stored, filtered by the API's search
// syntax; pause keeps receiving (and counts) but holds the list still. Up to 10,000 rows
// are kept; only the visible ones are in the DOM, so 200 events/s stays smooth.
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { call } from "../api/client";
import { openStream, type StreamHandle } from "../api/sse";
import type { LogRow, Page } from "../api/types";
import { attackerLink, Pills, RecordingOf } from "../components";
import { clip, count, parseFields, parseUtc, utcText } from "../format";
import { Link, useQueryState } from "../router";
import { Time } from "../components";

export const MAX_ROWS = 10_000;
const ROW_HEIGHT = 30;
const FILTERS: [string, string, string][] = [
  ["decky", "decky", "decky-01"],
  ["service", "service", "redis"],
  ["event", "type", "auth"],
  ["attacker", "attacker", "192.0.2.7"],
];

export function buildSearch(query: URLSearchParams): string {
  const parts: string[] = [];
  for (const [key] of FILTERS) {
    const value = query.get(key)?.trim();
    if (value) parts.push(`${key}:${/\s|"/.test(value) ? JSON.stringify(value) : value}`);
  }
  const text = query.get("q")?.trim();
  if (text) parts.push(text);
  return parts.join(" ");
}

export function LiveFeed() {
  const [query, setQuery] = useQueryState();
  const search = buildSearch(query);
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries([...FILTERS.map(([k]) => [k, query.get(k) ?? ""]), ["q", query.get("q") ?? ""]]));
  const [rows, setRows] = useState<LogRow[]>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const [state, setState] = useState("connecting");
  const [selected, setSelected] = useState<LogRow | null>(null);
  const pending = useRef<LogRow[]>([]);
  const pausedRef = useRef(false);
  const frame = useRef(0);
  const handle = useRef<StreamHandle | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const added = useRef(0);

  // Rows arrive in bursts: they are applied once per animation frame.
  const flush = useCallback(() => {
    frame.current = 0;
    if (pausedRef.current || !pending.current.length) return;
    const batch = pending.current;
    pending.current = [];
    added.current += batch.length;
    setRows((old) => {
      const next = batch.reverse().concat(old);
      return next.length > MAX_ROWS ? next.slice(0, MAX_ROWS) : next;
    });
  }, []);

  useEffect(() => {
    let closed = false;
    setRows([]);
    pending.current = [];
    setHeld(0);
    setState("connecting");
    call<Page<LogRow>>("GET /logs", { query: { limit: 200, search } }).then(
      (page) => {
        if (closed) return;
        const ordered = [...page.data].sort((a, b) => b.id - a.id);
        setRows(ordered);
        handle.current = openStream(
          { search, lastEventId: ordered[0]?.id ?? 0 },
          {
            onState: setState,
            onLogs: (fresh) => {
              pending.current.push(...fresh);
              if (pending.current.length > MAX_ROWS) pending.current.splice(0, pending.current.length - MAX_ROWS);
              if (pausedRef.current) setHeld(pending.current.length);
              else if (!frame.current) frame.current = requestAnimationFrame(flush);
            },
          },
        );
      },
      () => setState("error"),
    );
    return () => {
      closed = true;
      handle.current?.close();
      handle.current = null;
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [search, flush]);

  // Keep the rows the reader is looking at still when new ones arrive on top.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && added.current && el.scrollTop > 0) el.scrollTop += added.current * ROW_HEIGHT;
    added.current = 0;
  }, [rows]);

  const togglePause = () => {
    pausedRef.current = !paused;
    setPaused(!paused);
    if (paused) {
      setHeld(0);
      flush();
    }
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery(draft);
  };

  return (
    <section className="live">
      <h1>
        Live feed <span className={"badge stream-" + state}>{paused ? "paused" : state}</span>
      </h1>
      <form className="filters" onSubmit={apply}>
        {FILTERS.map(([key, label, example]) => (
          <label key={key}>
            {label}
            <input name={key} value={draft[key] ?? ""} placeholder={example} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
          </label>
        ))}
        <label className="grow">
          search
          <input name="q" value={draft.q ?? ""} placeholder='free text or key:value, e.g. username:root "two words"' onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </label>
        <button type="submit">Apply</button>
        <button
          type="button"
          onClick={() => {
            const cleared = Object.fromEntries(Object.keys(draft).map((k) => [k, ""]));
            setDraft(cleared);
            setQuery(cleared);
          }}
        >
          Clear
        </button>
        <button type="button" className={paused ? "primary" : undefined} onClick={togglePause} aria-pressed={paused}>
          {paused ? `Resume${held ? ` (${count(held)} new)` : ""}` : "Pause"}
        </button>
      </form>
      <p className="dim small">
        {count(rows.length)} events shown{rows.length >= MAX_ROWS ? " (the newest 10,000 are kept)" : ""}
        {search ? (
          <>
            {" "}
            · search <code>{clip(search, 200)}</code>
          </>
        ) : null}
      </p>
      <div className="feed">
        <VirtualRows rows={rows} listRef={list} onSelect={setSelected} selected={selected?.id ?? null} />
        {selected ? <Detail row={selected} onClose={() => setSelected(null)} /> : null}
      </div>
    </section>
  );
}

function VirtualRows({ rows, listRef, onSelect, selected }: { rows: LogRow[]; listRef: React.RefObject<HTMLDivElement | null>; onSelect: (r: LogRow) => void; selected: number | null }) {
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [listRef]);
  const first = Math.max(0, Math.floor(scroll / ROW_HEIGHT) - 10);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW_HEIGHT) + 10);
  const visibleRows = rows.slice(first, last);
  return (
    <div className="feed-list" ref={listRef} onScroll={(e) => setScroll(e.currentTarget.scrollTop)} role="table" aria-label="live events" tabIndex={0}>
      <div className="feed-head" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Decky</span>
        <span role="columnheader">Service</span>
        <span role="columnheader">Attacker</span>
        <span role="columnheader">Event</span>
      </div>
      {rows.length === 0 ? (
        <div className="empty">Waiting for events. They appear here within a second of an attacker touching a decky; filters narrow what is shown.</div>
      ) : (
        <div className="feed-body" style={{ height: rows.length * ROW_HEIGHT }}>
          {visibleRows.map((row, i) => (
            <div
              key={row.id}
              role="row"
              className={"feed-row" + (row.id === selected ? " selected" : "")}
              data-id={row.id}
              style={{ transform: `translateY(${(first + i) * ROW_HEIGHT}px)` }}
              onClick={() => onSelect(row)}
              onKeyDown={(e) => {
                if (e.key === "Enter") onSelect(row);
              }}
              tabIndex={0}
            >
              <span role="cell">
                <Time value={row.timestamp} clock />
              </span>
              <span role="cell" className="decky">
                {clip(row.decky, 40)}
              </span>
              <span role="cell" className="service">
                {clip(row.service, 24)}
              </span>
              <span role="cell" className="ip">
                {clip(row.attacker_ip, 45)}
              </span>
              <span role="cell" className="what">
                <span className="etype">{clip(row.event_type, 40)}</span> <Pills fields={parseFields(row.fields)} />
              </span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function Detail({ row, onClose }: { row: LogRow; onClose: () => void }) {
  return (
    <aside className="detail-panel" aria-label="event details">
      <div className="row spread">
        <h2>
          <span className="etype">{clip(row.event_type, 40)}</span> event {row.id}
        </h2>
        <button type="button" onClick={onClose} aria-label="close">
          ✕
        </button>
      </div>
      <dl className="fields">
        <dt>time</dt>
        <dd>
          <Time value={row.timestamp} />
          <div className="dim small">{utcText(parseUtc(row.timestamp))}</div>
        </dd>
        <dt>decky</dt>
        <dd className="decky">{clip(row.decky, 64)}</dd>
        <dt>service</dt>
        <dd className="service">{clip(row.service, 32)}</dd>
        <dt>attacker</dt>
        <dd>
          <Link to={attackerLink(row.attacker_ip)}>Attacker {clip(row.attacker_ip, 45)} →</Link>
        </dd>
        {row.msg && row.msg !== "-" ? (
          <>
            <dt>message</dt>
            <dd>{clip(row.msg, 20000)}</dd>
          </>
        ) : null}
        {parseFields(row.fields).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{clip(k, 64)}</dt>
            <dd className="mono">{clip(v, 20000)}</dd>
          </Fragment>
        ))}
        {row.trace_id ? (
          <>
            <dt>trace</dt>
            <dd className="mono">{clip(row.trace_id, 64)}</dd>
          </>
        ) : null}
        <dt>raw</dt>
        <dd className="mono raw">{clip(row.raw_line, 20000)}</dd>
      </dl>
      <RecordingOf row={row} />
    </aside>
  );
}
