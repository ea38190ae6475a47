// The shell: login until there is a valid token, then the layout and the routed page.
import { useCallback, useEffect, useState } from "react";
import { call, errorMessage, getToken, logout } from "./api/client";
import type { Config, Stats } from "./api/types";
import { Link, useLocation } from "./router";
import { SessionContext } from "./session";
import { Login } from "./pages/Login";
import { Overview } from "./pages/Overview";
import { LiveFeed } from "./pages/LiveFeed";
import { Logs } from "./pages/Logs";
import { Fleet } from "./pages/Fleet";
import { Attackers, AttackerDetail, AttackerByIp } from "./pages/Attackers";
import { Bounty } from "./pages/Bounty";
import { Settings } from "./pages/Settings";

const NAV: [string, string][] = [
  ["/", "Overview"],
  ["/live", "Live feed"],
  ["/logs", "Logs"],
  ["/fleet", "Fleet"],
  ["/attackers", "Attackers"],
  ["/bounty", "Bounty vault"],
  ["/settings", "Settings"],
];

export function App() {
  const [token, setTokenState] = useState(getToken);
  useEffect(() => {
    const onLogout = () => setTokenState(null);
    window.addEventListener("auth:logout", onLogout);
    return () => window.removeEventListener("auth:logout", onLogout);
  }, []);
  if (!token) return <Login onLoggedIn={() => setTokenState(getToken())} />;
  return <Shell />;
}

function Shell() {
  const [config, setConfig] = useState<Config | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [menu, setMenu] = useState(false);
  const { path } = useLocation();
  const reload = useCallback(() => {
    call<Config>("GET /config").then(setConfig, (e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(reload, [reload]);
  useEffect(() => setMenu(false), [path]);

  if (!config)
    return <div className="loading">{error ? <p className="error">Could not load the configuration: {error}</p> : "Loading…"}</div>;
  const isAdmin = config.role === "admin";
  return (
    <SessionContext.Provider value={{ config, isAdmin, reload }}>
      <div className={"shell" + (menu ? " menu-open" : "")}>
        <header className="topbar">
          <button type="button" className="menu-toggle" aria-label="menu" aria-expanded={menu} onClick={() => setMenu(!menu)}>
            ☰
          </button>
          <span className="brand">decnet</span>
          <SystemState />
          <span className="who">
            <span className={"role role-" + config.role}>{config.role}</span>
            <button type="button" onClick={logout}>
              Log out
            </button>
          </span>
        </header>
        <nav className="sidebar" aria-label="main">
          {NAV.map(([to, label]) => {
            const active = to === "/" ? path === "/" : path === to || path.startsWith(to + "/");
            return (
              <Link key={to} to={to} className={active ? "active" : undefined} aria-current={active ? "page" : undefined}>
                {label}
              </Link>
            );
          })}
        </nav>
        <main className="content">
          <Route path={path} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function Route({ path }: { path: string }) {
  if (path === "/") return <Overview />;
  if (path === "/live") return <LiveFeed />;
  if (path === "/logs") return <Logs />;
  if (path === "/fleet") return <Fleet />;
  if (path === "/attackers") return <Attackers />;
  if (path.startsWith("/attackers/ip/")) return <AttackerByIp ip={decodeURIComponent(path.slice("/attackers/ip/".length))} />;
  if (path.startsWith("/attackers/")) return <AttackerDetail uuid={decodeURIComponent(path.slice("/attackers/".length))} />;
  if (path === "/bounty") return <Bounty />;
  if (path === "/settings") return <Settings />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at this address. <Link to="/">Back to the overview</Link>.
      </p>
    </section>
  );
}

// "N deckies up" from the stats, refreshed every 10 s.
function SystemState() {
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    let alive = true;
    const load = () =>
      call<Stats>("GET /stats").then(
        (s) => alive && setStats(s),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, 10_000);
    // Pages that see fresher numbers (the overview's stream, a deploy) announce them.
    const onStats = (e: Event) => setStats((e as CustomEvent<Stats>).detail);
    const onFleet = () => void load();
    window.addEventListener("decnet:stats", onStats);
    window.addEventListener("decnet:fleet", onFleet);
    return () => {
      alive = false;
      clearInterval(timer);
      window.removeEventListener("decnet:stats", onStats);
      window.removeEventListener("decnet:fleet", onFleet);
    };
  }, []);
  if (!stats) return <span className="state">…</span>;
  const up = stats.active_deckies > 0;
  return (
    <span className={"state " + (up ? "up" : "down")} title={`${stats.active_deckies} of ${stats.deployed_deckies} deckies active`}>
      {up ? "●" : "○"} {stats.active_deckies}/{stats.deployed_deckies} deckies up
    </span>
  );
}
