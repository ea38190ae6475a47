// The fleet: every decky with its address, OS, services and events; admins deploy more
// (archetype, count, services, or an INI), mutate one now and set its interval.
import { useEffect, useState, type FormEvent } from "react";
import { call, errorMessage } from "../api/client";
import type { Decky, LogRow, Page } from "../api/types";
import { Confirm, Empty, ErrorLine, Time } from "../components";
import { clip, count, fromEpochSeconds, visible } from "../format";
import { useInterval, useLoad } from "../hooks";
import { Link } from "../router";
import { useSession } from "../session";

// `decnet archetypes` / `decnet services` (the API has no catalogue endpoint yet); the
// services are those with an emulator (tests/integration/cli_catalog_test.cpp checks it).
const ARCHETYPES = [
  "linux-server", "web-server", "database-server", "file-server", "mail-server", "devops-host", "domain-controller", "windows-server",
  "windows-workstation", "printer", "iot-device", "industrial-control", "monitoring-node", "voip-server", "deaddeck",
];
const SERVICES = [
  "conpot", "docker_api", "elasticsearch", "ftp", "http", "imap", "k8s", "ldap", "llmnr", "mongodb", "mqtt", "mssql",
  "mysql", "pop3", "postgres", "rdp", "redis", "sip", "smb", "smtp", "smtp_relay", "snmp", "ssh", "telnet", "tftp", "vnc",
];

export function Fleet() {
  const { isAdmin } = useSession();
  const deckies = useLoad(() => call<Decky[]>("GET /deckies"), []);
  const [events, setEvents] = useState<Record<string, number>>({});
  const [deploying, setDeploying] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Decky | null>(null);
  const [removing, setRemoving] = useState<Decky | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useInterval(deckies.reload, 10_000);

  const names = (deckies.data ?? []).map((d) => d.name).join(",");
  useEffect(() => {
    let alive = true;
    for (const name of names.split(",").filter(Boolean).slice(0, 100))
      call<Page<LogRow>>("GET /logs", { query: { limit: 1, search: `decky:${name}` } }).then(
        (p) => alive && setEvents((e) => ({ ...e, [name]: p.total })),
        () => undefined,
      );
    return () => {
      alive = false;
    };
  }, [names]);

  const mutate = async (decky: Decky) => {
    setConfirm(null);
    setBusy(decky.name);
    setError(null);
    try {
      const answer = await call<{ message: string }>("POST /deckies/{decky_name}/mutate", { params: { decky_name: decky.name } });
      setMessage(answer.message);
      deckies.reload();
    } catch (e) {
      setError(`Mutation of ${decky.name} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const teardown = async (decky: Decky) => {
    setRemoving(null);
    setBusy(decky.name);
    setError(null);
    try {
      const answer = await call<{ message: string }>("DELETE /deckies/{decky_name}", { params: { decky_name: decky.name } });
      setMessage(answer.message);
      deckies.reload();
      window.dispatchEvent(new Event("decnet:fleet"));
    } catch (e) {
      setError(`Teardown of ${decky.name} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const setInterval_ = async (decky: Decky, minutes: number | null) => {
    setError(null);
    try {
      await call("PUT /deckies/{decky_name}/mutate-interval", { params: { decky_name: decky.name }, body: { mutate_interval: minutes === null ? null : `${minutes}m` } });
      setMessage(minutes === null ? `Mutation of ${decky.name} disabled` : `${decky.name} now mutates every ${minutes} minutes`);
      deckies.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const list = deckies.data ?? [];
  return (
    <section>
      <div className="row spread">
        <h1>Fleet</h1>
        {isAdmin ? (
          <button type="button" className="primary" onClick={() => setDeploying(!deploying)} aria-expanded={deploying}>
            {deploying ? "Close" : "Deploy deckies"}
          </button>
        ) : null}
      </div>
      {isAdmin && deploying ? (
        <DeployForm
          onDeployed={(text) => {
            setMessage(text);
            setDeploying(false);
            deckies.reload();
            window.dispatchEvent(new Event("decnet:fleet"));
          }}
        />
      ) : null}
      {message ? (
        <p className="ok" role="status">
          {message}
        </p>
      ) : null}
      <ErrorLine error={error ?? deckies.error} />
      <div className="table-wrap">
        <table className="fleet">
          <thead>
            <tr>
              <th>Decky</th>
              <th>IP / MAC</th>
              <th>State</th>
              <th>Host / OS</th>
              <th>Services</th>
              <th>Mutation</th>
              <th>Events</th>
              {isAdmin ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.name} data-decky={d.name}>
                <td className="decky">
                  <Link to={`/live?decky=${encodeURIComponent(d.name)}`}>{clip(d.name, 64)}</Link>
                  {d.archetype ? <div className="dim small">{clip(d.archetype, 40)}</div> : null}
                </td>
                <td className="mono">
                  <span data-field="ip">{clip(d.ip, 45)}</span>
                  <div className="dim small" data-field="mac">
                    {d.mac ? clip(d.mac, 17) : "no own MAC"}
                  </div>
                </td>
                <td>
                  <span className={`state ${stateClass(d.state)}`} data-field="state">
                    {d.state}
                  </span>
                </td>
                <td>
                  {clip(d.hostname, 64)}
                  <div className="dim small">
                    {clip(d.distro, 32)} · {clip(d.nmap_os, 32)}
                  </div>
                </td>
                <td>
                  {d.services.map((s) => (
                    <span key={s} className="tag" title={serviceTitle(d, s)}>
                      {clip(s, 24)}
                    </span>
                  ))}
                </td>
                <td>
                  {d.mutate_interval ? `every ${d.mutate_interval} min` : "off"}
                  {d.last_mutated > 0 ? (
                    <div className="dim small">
                      last <Time date={fromEpochSeconds(d.last_mutated)} />
                    </div>
                  ) : null}
                </td>
                <td className="num">{events[d.name] === undefined ? "…" : count(events[d.name] ?? 0)}</td>
                {isAdmin ? (
                  <td className="actions">
                    <IntervalEditor decky={d} onSave={(m) => void setInterval_(d, m)} />
                    <button type="button" disabled={busy !== null} onClick={() => setConfirm(d)}>
                      {busy === d.name ? "Working…" : "Mutate now"}
                    </button>{" "}
                    <button type="button" className="danger" disabled={busy !== null} onClick={() => setRemoving(d)}>
                      Teardown
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
            {!list.length ? (
              <tr>
                <td colSpan={isAdmin ? 8 : 7}>
                  <Empty>{deckies.loading ? "Loading…" : isAdmin ? "No decky is deployed. Use “Deploy deckies” above, or start decnet with `decnet up`." : "No decky is deployed. An admin can deploy some."}</Empty>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {removing ? (
        <Confirm title={`Tear ${removing.name} down?`} action="Teardown" onCancel={() => setRemoving(null)} onConfirm={() => void teardown(removing)}>
          <p>
            {removing.name} ({removing.ip}) stops listening at once and leaves the fleet; its events stay in the logs. Deploy it again to bring it back.
          </p>
        </Confirm>
      ) : null}
      {confirm ? (
        <Confirm title={`Mutate ${confirm.name} now?`} action="Mutate" onCancel={() => setConfirm(null)} onConfirm={() => void mutate(confirm)}>
          <p>Its services are replaced by a new random set at once; open connections to the old ones are closed.</p>
        </Confirm>
      ) : null}
    </section>
  );
}

// Running deckies read green, ones with a service that failed to bind (or gone) red; a
// standalone API's recorded deployment stays neutral: it does not know.
function stateClass(state: Decky["state"]): string {
  if (state === "up") return "up";
  return state === "recorded" ? "" : "down";
}

function serviceTitle(decky: Decky, service: string): string {
  const config = decky.service_config[service];
  if (!config) return service;
  return Object.entries(config)
    .map(([k, v]) => `${k} = ${visible(typeof v === "string" ? v : JSON.stringify(v))}`)
    .join("\n");
}

function IntervalEditor({ decky, onSave }: { decky: Decky; onSave: (minutes: number | null) => void }) {
  const [value, setValue] = useState(decky.mutate_interval ? String(decky.mutate_interval) : "");
  const valid = value === "" || /^[1-9]\d{0,6}$/.test(value);
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSave(value === "" ? null : Number(value));
      }}
    >
      <label>
        <span className="sr-only">mutation interval of {decky.name} in minutes</span>
        <input className="short" inputMode="numeric" name="interval" value={value} placeholder="off" aria-invalid={!valid} onChange={(e) => setValue(e.target.value.trim())} />
      </label>
      <span className="dim small">min</span>
      <button type="submit" className="small" disabled={!valid}>
        Set
      </button>
    </form>
  );
}

function DeployForm({ onDeployed }: { onDeployed: (message: string) => void }) {
  const [mode, setMode] = useState<"form" | "ini">("form");
  const [name, setName] = useState("decky-web");
  const [archetype, setArchetype] = useState("");
  const [amount, setAmount] = useState("1");
  const [services, setServices] = useState<string[]>(["http"]);
  const [ini, setIni] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const built = () => {
    const lines = [`[${name.trim()}]`];
    if (archetype) lines.push(`archetype = ${archetype}`);
    if (services.length) lines.push(`services = ${services.join(", ")}`);
    if (Number(amount) > 1) lines.push(`amount = ${Number(amount)}`);
    return lines.join("\n") + "\n";
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mode === "form" && !/^[a-z0-9-]{1,60}$/.test(name.trim())) return setError("Name: lower-case letters, digits and dashes.");
    if (mode === "form" && !archetype && !services.length) return setError("Pick an archetype or at least one service.");
    setBusy(true);
    setError(null);
    try {
      const answer = await call<{ message: string }>("POST /deckies/deploy", { body: { ini_content: mode === "ini" ? ini : built() } });
      onDeployed(answer.message);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel deploy" onSubmit={(e) => void submit(e)} aria-label="deploy deckies">
      <div className="row">
        <label>
          <input type="radio" name="mode" checked={mode === "form"} onChange={() => setMode("form")} /> Simple
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === "ini"} onChange={() => setMode("ini")} /> INI
        </label>
      </div>
      {mode === "form" ? (
        <div className="row wrap">
          <label>
            name
            <input name="decky-name" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            archetype
            <select name="archetype" value={archetype} onChange={(e) => setArchetype(e.target.value)}>
              <option value="">(none: services below)</option>
              {ARCHETYPES.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label>
            count
            <input name="amount" className="short" type="number" min={1} max={500} value={amount} onChange={(e) => setAmount(e.target.value)} />
          </label>
          <fieldset>
            <legend>services</legend>
            {SERVICES.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" name={`svc-${s}`} checked={services.includes(s)} onChange={(e) => setServices(e.target.checked ? [...services, s] : services.filter((x) => x !== s))} /> {s}
              </label>
            ))}
          </fieldset>
        </div>
      ) : (
        <label className="block">
          INI (see docs/CONFIG.md)
          <textarea name="ini" rows={8} className="mono" value={ini} placeholder={"[decky-db]\narchetype = database-server\n\n[decky-web]\nservices = http, redis\nmutate_interval = 60"} onChange={(e) => setIni(e.target.value)} />
        </label>
      )}
      {mode === "form" ? <pre className="mono dim small">{built()}</pre> : null}
      <ErrorLine error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Deploying…" : "Deploy"}
      </button>
    </form>
  );
}
