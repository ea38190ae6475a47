// Overview: live counters, events per minute, top attackers / services / credentials.
import { useEffect, useMemo, useRef, useState } from "react";
import { call } from "../api/client";
import { openStream } from "../api/sse";
import type { Attacker, BountyRow, Bucket, LogRow, Page, Stats } from "../api/types";
import { attackerLink, BarChart, Empty, EventTable, fillBuckets } from "../components";
import { apiTime, clip, count } from "../format";
import { useInterval, useLoad } from "../hooks";
import { Link } from "../router";

const WINDOW_MINUTES = 60;

export function Overview() {
  const [stats, setStats] = useState<Stats | null>(null);
  const [recent, setRecent] = useState<LogRow[]>([]);
  const [perMinute, setPerMinute] = useState<Bucket[]>([]);
  const [now, setNow] = useState(() => new Date());
  const dirty = useRef(true);

  const credentials = useLoad(() => call<Page<BountyRow>>("GET /bounty", { query: { bounty_type: "credential", limit: 500 } }), []);
  const attackers = useLoad(() => call<Page<Attacker>>("GET /attackers", { query: { sort_by: "active", limit: 5 } }), []);
  const sample = useLoad(() => call<Page<LogRow>>("GET /logs", { query: { limit: 1000 } }), []);

  const refreshChart = () => {
    if (!dirty.current) return;
    dirty.current = false;
    const to = new Date();
    call<Bucket[]>("GET /logs/histogram", {
      query: { interval_minutes: 1, start_time: apiTime(new Date(to.getTime() - WINDOW_MINUTES * 60_000)) },
    }).then(
      (b) => {
        setPerMinute(b);
        setNow(to);
      },
      () => undefined,
    );
  };
  useInterval(() => {
    if (Date.now() - now.getTime() > 30_000) dirty.current = true;
    refreshChart();
  }, 2000);

  useEffect(() => {
    let handle: { close(): void } | null = null;
    let closed = false;
    call<Stats>("GET /stats").then(setStats, () => undefined);
    call<Page<LogRow>>("GET /logs", { query: { limit: 10 } }).then(
      (page) => {
        if (closed) return;
        setRecent(page.data);
        refreshChart();
        const last = page.data.reduce((m, r) => Math.max(m, r.id), 0);
        handle = openStream(
          { lastEventId: last },
          {
            onStats: (s) => {
              setStats(s);
              window.dispatchEvent(new CustomEvent("decnet:stats", { detail: s }));
            },
            onLogs: (rows) => {
              dirty.current = true;
              setRecent((old) => [...rows.slice().reverse(), ...old].slice(0, 10));
            },
          },
        );
      },
      () => undefined,
    );
    return () => {
      closed = true;
      handle?.close();
    };
  }, []);

  const chart = useMemo(() => fillBuckets(perMinute, new Date(now.getTime() - (WINDOW_MINUTES - 1) * 60_000), now, 1), [perMinute, now]);

  const topServices = useMemo(() => top((sample.data?.data ?? []).map((r) => r.service)), [sample.data]);
  const topIps = useMemo(() => top((sample.data?.data ?? []).map((r) => r.attacker_ip)), [sample.data]);
  const topCreds = useMemo(() => {
    const rows = (credentials.data?.data ?? []).map((b) => {
      const p = (b.payload ?? {}) as { username?: unknown; password?: unknown };
      return `${String(p.username ?? "")} / ${String(p.password ?? "")}`;
    });
    return top(rows);
  }, [credentials.data]);

  return (
    <section>
      <h1>Overview</h1>
      <div className="cards">
        <Counter label="Events" value={stats?.total_logs} />
        <Counter label="Attackers" value={stats?.unique_attackers} />
        <Counter label="Credentials" value={credentials.data?.total} />
        <Counter label="Deckies up" value={stats ? stats.active_deckies : undefined} suffix={stats ? ` / ${stats.deployed_deckies}` : ""} />
      </div>
      <div className="panel">
        <h2>Events per minute (last hour)</h2>
        <BarChart buckets={chart} label="events per minute over the last hour" />
      </div>
      <div className="grid3">
        <div className="panel">
          <h2>Top attackers</h2>
          {attackers.data && attackers.data.data.length ? (
            <ol className="toplist">
              {attackers.data.data.map((a) => (
                <li key={a.uuid}>
                  <Link to={`/attackers/${encodeURIComponent(a.uuid)}`}>{clip(a.ip, 45)}</Link>
                  <span className="num">{count(a.event_count)}</span>
                </li>
              ))}
            </ol>
          ) : (
            <TopList rows={topIps} link={attackerLink} empty="No attacker yet." note="in the last 1,000 events" />
          )}
        </div>
        <div className="panel">
          <h2>Top services</h2>
          <TopList rows={topServices} empty="No event yet." note="in the last 1,000 events" />
        </div>
        <div className="panel">
          <h2>Top credentials</h2>
          <TopList rows={topCreds} empty="No credential captured yet." note="in the last 500 credentials" />
        </div>
      </div>
      <div className="panel">
        <h2>
          Latest events <Link to="/live">open the live feed →</Link>
        </h2>
        <EventTable rows={recent} empty="No event yet. Point a client at a decky (e.g. redis-cli -h <decky ip> AUTH x) and it shows here." />
      </div>
    </section>
  );
}

function Counter({ label, value, suffix = "" }: { label: string; value: number | undefined; suffix?: string }) {
  return (
    <div className="card counter">
      <div className="label">{label}</div>
      <div className="value" data-counter={label}>
        {value === undefined ? "…" : count(value) + suffix}
      </div>
    </div>
  );
}

function top(values: string[], n = 5): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function TopList({ rows, link, empty, note }: { rows: [string, number][]; link?: (v: string) => string; empty: string; note: string }) {
  if (!rows.length) return <Empty>{empty}</Empty>;
  const max = rows[0]?.[1] ?? 1;
  return (
    <>
      <ol className="toplist">
        {rows.map(([v, n]) => (
          <li key={v}>
            {link ? <Link to={link(v)}>{clip(v, 45)}</Link> : <span>{clip(v, 45)}</span>}
            <span className="meter" aria-hidden="true">
              <span className="fill" style={{ width: `${(n / max) * 100}%` }} />
            </span>
            <span className="num">{count(n)}</span>
          </li>
        ))}
      </ol>
      <p className="dim small">{note}</p>
    </>
  );
}
