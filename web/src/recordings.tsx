// Session recordings: the `session_recorded` events of an address and a small asciinema v2
// player (src/cast.ts keeps the attacker's output inert: text nodes and CSS classes only).
// The cast comes from GET /recordings/{sha256}, which viewers may call too (unlike
// GET /artifacts/{sha256}) for hashes a session_recorded event names.
import { useEffect, useRef, useState } from "react";
import { call, errorMessage, fetchText } from "./api/client";
import type { LogRow, Page } from "./api/types";
import { parseCast, screenAt, type Cast, type Screen, type Span } from "./cast";
import { Empty, ErrorLine, Time } from "./components";
import { clip, count, parseFields } from "./format";
import { useLoad } from "./hooks";

const MAX_CAST = 16 << 20;
const SPEEDS = [1, 2, 4] as const;
const SHOWN_LINES = 400; // the player renders the latest rows of its scrollback

export interface Recording {
  id: number;
  timestamp: string;
  decky: string;
  service: string;
  user: string;
  cast: string;
  size: number;
  duration: number;
  truncated: boolean;
  stored: boolean;
}

export function recordingOf(row: LogRow): Recording | null {
  if (row.event_type !== "session_recorded") return null;
  const f = Object.fromEntries(parseFields(row.fields));
  const cast = f.cast ?? "";
  if (!/^[0-9a-f]{64}$/.test(cast)) return null;
  return {
    id: row.id,
    timestamp: row.timestamp,
    decky: row.decky,
    service: row.service,
    user: f.user ?? "",
    cast,
    size: Number(f.size) || 0,
    duration: Number(f.duration) || 0,
    truncated: f.truncated === "true",
    stored: f.stored !== "false",
  };
}

export function seconds(value: number): string {
  const s = Math.max(0, Math.floor(value));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// The recordings of one attacker address, newest first, each with its player.
export function Recordings({ ip }: { ip: string }) {
  const search = `event:session_recorded attacker:${/\s|"/.test(ip) ? JSON.stringify(ip) : ip}`;
  const rows = useLoad(() => call<Page<LogRow>>("GET /logs", { query: { limit: 50, search } }), [search]);
  const [open, setOpen] = useState<number | null>(null);
  const recordings = (rows.data?.data ?? []).map(recordingOf).filter((r): r is Recording => r !== null);
  return (
    <div className="panel recordings" aria-label="session recordings">
      <h2>Session recordings {rows.data ? `(${count(rows.data.total)})` : ""}</h2>
      <ErrorLine error={rows.error} />
      {recordings.length ? (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Decky</th>
              <th>Service</th>
              <th>User</th>
              <th>Duration</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {recordings.map((r) => (
              <RecordingRow key={r.id} recording={r} open={open === r.id} onToggle={() => setOpen(open === r.id ? null : r.id)} />
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>{rows.loading ? "Loading…" : "No session recorded from this address (ssh and telnet logins are recorded)."}</Empty>
      )}
    </div>
  );
}

function RecordingRow({ recording: r, open, onToggle }: { recording: Recording; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr data-cast={r.cast}>
        <td>
          <Time value={r.timestamp} />
        </td>
        <td>{clip(r.decky, 64)}</td>
        <td>{clip(r.service, 24)}</td>
        <td className="mono">{clip(r.user, 64)}</td>
        <td className="num">{seconds(r.duration)}</td>
        <td className="num">
          {count(r.size)} B{r.truncated ? <span className="badge warn">truncated</span> : null}
        </td>
        <td>
          <button type="button" className="small" aria-expanded={open} onClick={onToggle}>
            {open ? "Close" : "Watch"}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="detail">
          <td colSpan={7}>
            <CastPlayer recording={r} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

// Fetches the cast and plays it; says why when it cannot.
export function CastPlayer({ recording }: { recording: Recording }) {
  const [cast, setCast] = useState<Cast | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!recording.stored) return;
    let alive = true;
    fetchText("GET /recordings/{sha256}", { params: { sha256: recording.cast } }, MAX_CAST).then(
      (text) => {
        if (!alive) return;
        try {
          setCast(parseCast(text));
        } catch (e) {
          setError(errorMessage(e));
        }
      },
      (e: unknown) => alive && setError(errorMessage(e)),
    );
    return () => {
      alive = false;
    };
  }, [recording.cast, recording.stored]);
  if (!recording.stored) return <Empty>This recording was not kept in the artifact store (its quota was full or storing is off).</Empty>;
  if (error) return <ErrorLine error={`The recording cannot be played: ${error}`} />;
  if (!cast) return <Empty>Loading the recording…</Empty>;
  return <Player cast={cast} />;
}

export function Player({ cast }: { cast: Cast }) {
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(1);
  const screen = useRef<{ screen: Screen; time: number; next: number } | null>(null);
  const view = useRef<HTMLDivElement>(null);

  // The screen follows `time`: forward by feeding the next events, backward by replaying.
  if (!screen.current || time < screen.current.time) {
    const s = screenAt(cast, -1);
    screen.current = { screen: s, time: 0, next: 0 };
  }
  const state = screen.current;
  for (let e = cast.events[state.next]; e && e.time <= time; e = cast.events[++state.next]) state.screen.write(e.data);
  state.time = time;
  const lines: Span[][] = state.screen.lines().slice(-SHOWN_LINES);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const step = ((now - last) / 1000) * speed;
      last = now;
      setTime((t) => {
        const next = Math.min(cast.duration, t + step);
        if (next >= cast.duration) setPlaying(false);
        return next;
      });
    }, 50);
    return () => clearInterval(timer);
  }, [playing, speed, cast.duration]);

  useEffect(() => {
    const el = view.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [time]);

  const toggle = () => {
    if (!playing && time >= cast.duration) setTime(0);
    setPlaying(!playing);
  };
  return (
    <div className="player" aria-label="session player">
      <div className="term" ref={view} style={{ height: `${Math.min(cast.header.height, 30) * 1.3 + 1}em` }} role="log" aria-label="terminal output">
        {lines.map((spans, i) => (
          <div key={i} className="term-line">
            {spans.length
              ? spans.map((s, j) =>
                  s.cls ? (
                    <span key={j} className={s.cls}>
                      {s.text}
                    </span>
                  ) : (
                    s.text
                  ),
                )
              : "\u00a0"}
          </div>
        ))}
      </div>
      <div className="player-bar">
        <button type="button" className="small play" onClick={toggle} aria-label={playing ? "pause" : "play"}>
          {playing ? "❚❚ Pause" : "▶ Play"}
        </button>
        <input
          type="range"
          className="progress"
          aria-label="position"
          min={0}
          max={Math.max(0.01, cast.duration)}
          step={0.05}
          value={time}
          onChange={(e) => setTime(Number(e.target.value))}
        />
        <span className="mono small time">
          {seconds(time)} / {seconds(cast.duration)}
        </span>
        <span className="speeds" role="group" aria-label="speed">
          {SPEEDS.map((s) => (
            <button key={s} type="button" className={"small" + (s === speed ? " active" : "")} aria-pressed={s === speed} onClick={() => setSpeed(s)}>
              {s}×
            </button>
          ))}
        </span>
      </div>
      <p className="dim small">
        {cast.header.width}×{cast.header.height}, idle time capped at 2 s
        {cast.dropped ? `, ${count(cast.dropped)} malformed lines skipped` : ""}
      </p>
    </div>
  );
}
