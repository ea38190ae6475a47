// Logs: the store searched with the API's syntax, a histogram of the matches, pages of
// 50 rows, each expandable to all its fields.
import { useState, type FormEvent } from "react";
import { call } from "../api/client";
import type { Bucket, LogRow, Page } from "../api/types";
import { BarChart, ErrorLine, EventTable, fillBuckets, Pager } from "../components";
import { apiTime, count } from "../format";
import { useLoad } from "../hooks";
import { useQueryState } from "../router";

const PAGE = 50;
// key, label, minutes back (null: everything), histogram bucket minutes
const RANGES: [string, string, number | null, number][] = [
  ["15m", "Last 15 minutes", 15, 1],
  ["1h", "Last hour", 60, 1],
  ["24h", "Last 24 hours", 1440, 30],
  ["7d", "Last 7 days", 10080, 180],
  ["all", "All time", null, 1440],
];

export function Logs() {
  const [query, setQuery] = useQueryState();
  const q = query.get("q") ?? "";
  const range = query.get("time") ?? "24h";
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState(q);
  const chosen = RANGES.find(([k]) => k === range) ?? RANGES[2]!;
  const minutes = chosen[2];

  const result = useLoad(async () => {
    const now = new Date();
    const start = minutes ? new Date(now.getTime() - minutes * 60_000) : null;
    const startTime = start ? apiTime(start) : undefined;
    const interval = chosen[3];
    const [logs, histogram] = await Promise.all([
      call<Page<LogRow>>("GET /logs", { query: { limit: PAGE, offset: (page - 1) * PAGE, search: q, start_time: startTime } }),
      call<Bucket[]>("GET /logs/histogram", { query: { search: q, start_time: startTime, interval_minutes: interval } }),
    ]);
    let from = start;
    if (!from) {
      const firstBucket = histogram[0];
      from = firstBucket ? new Date(firstBucket.time.replace(" ", "T") + "Z") : new Date(now.getTime() - 3600_000);
    }
    return { logs, buckets: fillBuckets(histogram, from, now, interval), interval };
  }, [q, range, page]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ q: draft, page: null });
  };

  return (
    <section>
      <h1>Logs</h1>
      <form className="filters" onSubmit={submit}>
        <label className="grow">
          search
          <input name="q" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="decky:decky-01 service:redis event:auth attacker:192.0.2.7 username:root free-text" />
        </label>
        <label>
          range
          <select name="time" value={range} onChange={(e) => setQuery({ time: e.target.value, page: null })}>
            {RANGES.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
        <button type="button" onClick={result.reload}>
          Refresh
        </button>
      </form>
      <p className="dim small">
        Syntax: <code>decky:</code> <code>service:</code> <code>event:</code> <code>attacker:</code> match a column exactly; any other <code>key:value</code> matches that event field;
        bare words match the raw line, decky, service or address; all terms must hold.
      </p>
      <ErrorLine error={result.error} />
      <div className="panel">
        <h2>
          {result.data ? `${count(result.data.logs.total)} matching events` : "Matching events"}
          {result.data ? <span className="dim small"> · {result.data.interval}-minute buckets</span> : null}
        </h2>
        <BarChart buckets={result.data?.buckets ?? []} height={110} label="matching events over time" />
      </div>
      <EventTable rows={result.data?.logs.data ?? []} empty={result.loading ? "Loading…" : q ? "No event matches this search in this range. Widen the range or remove a term." : "No event in this range yet."} />
      <Pager page={page} total={result.data?.logs.total ?? 0} size={PAGE} onPage={(p) => setQuery({ page: String(p) })} />
    </section>
  );
}
