// Small shared pieces: times, pagers, confirmations, copy buttons, the event table.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { LogRow } from "./api/types";
import { clip, clockText, count, localText, parseFields, parseUtc, tickText, utcText, visible } from "./format";
import { CastPlayer, recordingOf } from "./recordings";
import { Link } from "./router";

export function Time({ value, date, clock = false }: { value?: string; date?: Date; clock?: boolean }) {
  const d = date ?? parseUtc(value ?? "");
  return (
    <time dateTime={Number.isNaN(d.getTime()) ? undefined : d.toISOString()} title={clock ? `${localText(d)} · ${utcText(d)}` : utcText(d)}>
      {clock ? clockText(d) : localText(d)}
    </time>
  );
}

export function Pager({ page, total, size, onPage }: { page: number; total: number; size: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <nav className="pager" aria-label="pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ Prev
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next ›
      </button>
    </nav>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

// A modal confirmation for destructive admin actions (keyboard: Esc cancels).
export function Confirm(props: { title: string; children?: ReactNode; action: string; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") props.onCancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [props]);
  return (
    <div className="modal-backdrop" onClick={props.onCancel}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={props.title} onClick={(e) => e.stopPropagation()}>
        <h3>{props.title}</h3>
        {props.children}
        <div className="row end">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" ref={ref} onClick={props.onConfirm}>
            {props.action}
          </button>
        </div>
      </div>
    </div>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1200);
          },
          () => undefined,
        );
      }}
    >
      {done ? "Copied" : label}
    </button>
  );
}

// The address and port repeat the attacker column: they go last.
const QUIET = new Set(["src_ip", "src_port"]);

export function Pills({ fields: all }: { fields: [string, string][] }) {
  const fields = [...all.filter(([k]) => !QUIET.has(k)), ...all.filter(([k]) => QUIET.has(k))];
  return (
    <span className="pills">
      {fields.slice(0, 6).map(([k, v]) => (
        <span className="pill" key={k}>
          <b>{clip(k, 24)}</b> {clip(v, 60)}
        </span>
      ))}
      {fields.length > 6 ? <span className="pill more">+{fields.length - 6}</span> : null}
    </span>
  );
}

export function attackerLink(ip: string): string {
  return `/attackers/ip/${encodeURIComponent(ip)}`;
}

// One event row, expandable to every field (and the trace id when tracing is on).
export function EventRows({ rows, expandable = true }: { rows: LogRow[]; expandable?: boolean }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <>
      {rows.map((row) => {
        const fields = parseFields(row.fields);
        const isOpen = open === row.id;
        return (
          <EventRow key={row.id} row={row} fields={fields} open={isOpen} onToggle={expandable ? () => setOpen(isOpen ? null : row.id) : undefined} />
        );
      })}
    </>
  );
}

export function EventRow({ row, fields, open, onToggle }: { row: LogRow; fields: [string, string][]; open: boolean; onToggle?: () => void }) {
  return (
    <>
      <tr className={"event" + (open ? " open" : "")} data-id={row.id}>
        <td className="nowrap">
          {onToggle ? (
            <button type="button" className="expander" aria-expanded={open} aria-label="details" onClick={onToggle}>
              {open ? "▾" : "▸"}
            </button>
          ) : null}
          <Time value={row.timestamp} />
        </td>
        <td className="decky">{clip(row.decky, 40)}</td>
        <td className="service">{clip(row.service, 24)}</td>
        <td className="ip">
          <Link to={attackerLink(row.attacker_ip)}>{clip(row.attacker_ip, 45)}</Link>
        </td>
        <td className="what">
          <span className="etype">{clip(row.event_type, 40)}</span>
          {row.msg && row.msg !== "-" ? <span className="msg"> — {clip(row.msg, 120)}</span> : null}{" "}
          <Pills fields={fields} />
        </td>
      </tr>
      {open ? (
        <tr className="detail">
          <td colSpan={5}>
            <dl className="fields">
              <dt>id</dt>
              <dd>{row.id}</dd>
              <dt>time</dt>
              <dd>
                <Time value={row.timestamp} /> ({utcText(parseUtc(row.timestamp))})
              </dd>
              {fields.map(([k, v]) => (
                <FieldEntry key={k} name={k} value={v} />
              ))}
              {row.tags?.length ? (
                <>
                  <dt>ATT&amp;CK</dt>
                  <dd>
                    <AttackTags ids={row.tags} />
                  </dd>
                </>
              ) : null}
              {row.trace_id ? (
                <>
                  <dt>trace</dt>
                  <dd className="mono">
                    {visible(row.trace_id)}
                    {row.span_id ? ` / span ${visible(row.span_id)}` : ""}
                  </dd>
                </>
              ) : null}
              <dt>raw</dt>
              <dd className="mono raw">{clip(row.raw_line, 20000)}</dd>
            </dl>
            <RecordingOf row={row} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

// ATT&CK technique ids as links to the logs they tag (ids are ours, from the rule table,
// but still rendered as inert text) and to MITRE's page.
export function AttackTags({ ids, counts, ip }: { ids: string[]; counts?: Record<string, number>; ip?: string }) {
  return (
    <span className="attack-tags">
      {ids.map((id) => {
        const search = `tag:${id}` + (ip ? ` attacker:${/\s|"/.test(ip) ? JSON.stringify(ip) : ip}` : "");
        const mitre = /^T\d{4}(\.\d{3})?$/.test(id) ? `https://attack.mitre.org/techniques/${id.replace(".", "/")}/` : null;
        return (
          <span key={id} className="tag" data-technique={id}>
            <Link to={`/logs?q=${encodeURIComponent(search)}&time=all`}>{clip(id, 16)}</Link>
            {counts ? ` ×${count(counts[id] ?? 0)}` : ""}
            {mitre ? (
              <a className="dim" href={mitre} target="_blank" rel="noopener noreferrer" title="MITRE ATT&CK">
                {" "}
                ↗
              </a>
            ) : null}
          </span>
        );
      })}
    </span>
  );
}

// A `session_recorded` event, expanded: its player.
export function RecordingOf({ row }: { row: LogRow }) {
  const recording = recordingOf(row);
  return recording ? <CastPlayer recording={recording} /> : null;
}

function FieldEntry({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{clip(name, 64)}</dt>
      <dd className="mono">{clip(value, 20000)}</dd>
    </>
  );
}

export function EventTable({ rows, empty }: { rows: LogRow[]; empty: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="events">
        <thead>
          <tr>
            <th>Time</th>
            <th>Decky</th>
            <th>Service</th>
            <th>Attacker</th>
            <th>Event</th>
          </tr>
        </thead>
        <tbody>
          {rows.length ? (
            <EventRows rows={rows} />
          ) : (
            <tr>
              <td colSpan={5}>
                <Empty>{empty}</Empty>
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

// A bar chart drawn in SVG (no chart library): one bar per bucket; the labels are HTML
// around it so they keep their size when the chart stretches to the page's width.
export function BarChart({ buckets, height = 140, label }: { buckets: { time: Date; count: number }[]; height?: number; label: string }) {
  const width = 600;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const barW = buckets.length ? width / buckets.length : 0;
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const long = !!first && !!last && last.time.getTime() - first.time.getTime() > 86_400_000;
  return (
    <div className="chart-box">
      <div className="chart-y" aria-hidden="true">
        <span>{count(max)}</span>
        <span>0</span>
      </div>
      <div className="chart-main">
        <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none" style={{ height }}>
          <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="axis" />
          {buckets.map((b, i) => {
            if (!b.count) return null;
            const h = Math.max(1, (b.count / max) * (height - 4));
            return (
              <rect key={i} x={i * barW + 0.5} y={height - h} width={Math.max(1, barW - 1)} height={h} className="bar">
                <title>{`${localText(b.time)}: ${b.count}`}</title>
              </rect>
            );
          })}
        </svg>
        <div className="chart-x" aria-hidden="true">
          <span>{first ? tickText(first.time, long) : ""}</span>
          <span>{last && last !== first ? tickText(last.time, long) : ""}</span>
        </div>
      </div>
    </div>
  );
}

// Fills the gaps of a sparse histogram (the API omits empty buckets).
export function fillBuckets(rows: { time: string; count: number }[], from: Date, to: Date, minutes: number): { time: Date; count: number }[] {
  const step = minutes * 60_000;
  const start = Math.floor(from.getTime() / step) * step;
  const counts = new Map(rows.map((r) => [parseUtc(r.time).getTime(), r.count]));
  const out: { time: Date; count: number }[] = [];
  for (let t = start; t <= to.getTime() && out.length < 2000; t += step) out.push({ time: new Date(t), count: counts.get(t) ?? 0 });
  return out;
}
