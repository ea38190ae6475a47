// Settings: own password; for admins users and roles, deployment limit and the global
// mutation interval; for everyone the health of each component and /metrics.
import { useState, type FormEvent } from "react";
import { call, errorMessage } from "../api/client";
import type { Health, User } from "../api/types";
import { Confirm, ErrorLine } from "../components";
import { clip } from "../format";
import { useInterval, useLoad } from "../hooks";
import { useSession } from "../session";

export function Settings() {
  const { config, isAdmin } = useSession();
  return (
    <section>
      <h1>Settings</h1>
      <div className="grid2">
        <HealthPanel />
        <OwnPassword />
        <Limits />
        {isAdmin && config.users ? <Users users={config.users} /> : null}
      </div>
    </section>
  );
}

function HealthPanel() {
  const health = useLoad(() => call<Health>("GET /health"), []);
  useInterval(health.reload, 15_000);
  return (
    <div className="panel">
      <h2>
        Health{" "}
        {health.data ? <span className={"badge health-" + health.data.status}>{clip(health.data.status, 24)}</span> : null}
      </h2>
      <ErrorLine error={health.error} />
      <table>
        <tbody>
          {Object.entries(health.data?.components ?? {}).map(([name, c]) => (
            <tr key={name}>
              <td>{clip(name.replace(/_/g, " "), 40)}</td>
              <td>
                <span className={"badge health-" + c.status}>{clip(c.status, 24)}</span>
              </td>
              <td className="dim small">{c.detail ? clip(c.detail, 200) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        Prometheus metrics: <a href="/metrics">/metrics</a> (loopback clients by default, see docs/METRICS.md).
      </p>
    </div>
  );
}

function OwnPassword() {
  const [old, setOld] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (next.length < 8) return setError("The new password needs at least 8 characters.");
    if (next !== confirm) return setError("The passwords do not match.");
    try {
      await call("POST /auth/change-password", { body: { old_password: old, new_password: next } });
      setError(null);
      setMessage("Password changed.");
      setOld("");
      setNext("");
      setConfirm("");
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-label="change password">
      <h2>Your password</h2>
      <label>
        Current password
        <input type="password" name="old-password" autoComplete="current-password" value={old} onChange={(e) => setOld(e.target.value)} required />
      </label>
      <label>
        New password
        <input type="password" name="new-password" autoComplete="new-password" maxLength={72} value={next} onChange={(e) => setNext(e.target.value)} required />
      </label>
      <label>
        Confirm
        <input type="password" name="confirm-password" autoComplete="new-password" maxLength={72} value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
      </label>
      <ErrorLine error={error} />
      {message ? <p className="ok">{message}</p> : null}
      <button type="submit">Change password</button>
    </form>
  );
}

function Limits() {
  const { config, isAdmin, reload } = useSession();
  const [limit, setLimit] = useState(String(config.deployment_limit));
  const [interval, setIntervalText] = useState(config.global_mutation_interval);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async (what: "limit" | "interval") => {
    setMessage(null);
    setError(null);
    try {
      if (what === "limit") {
        const n = Number(limit);
        if (!Number.isInteger(n) || n < 1 || n > 500) return setError("The deployment limit is a whole number from 1 to 500.");
        await call("PUT /config/deployment-limit", { body: { deployment_limit: n } });
      } else {
        if (!/^[1-9]\d*[mdMyY]$/.test(interval)) return setError("Interval: a number and a unit, e.g. 30m, 1d, 6M (m minutes, d days, M months, y years).");
        await call("PUT /config/global-mutation-interval", { body: { global_mutation_interval: interval } });
      }
      setMessage("Saved.");
      reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="panel">
      <h2>Limits and intervals</h2>
      {isAdmin ? (
        <>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void save("limit");
            }}
          >
            <label>
              Maximum deckies per deployment
              <input name="deployment-limit" className="short" type="number" min={1} max={500} value={limit} onChange={(e) => setLimit(e.target.value)} />
            </label>
            <button type="submit">Save</button>
          </form>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void save("interval");
            }}
          >
            <label>
              Global mutation interval
              <input name="global-interval" className="short" value={interval} onChange={(e) => setIntervalText(e.target.value.trim())} />
            </label>
            <button type="submit">Save</button>
          </form>
          <p className="dim small">Interval format: a number and a unit — m minutes, d days, M months, y years (30m, 1d, 6M).</p>
        </>
      ) : (
        <dl className="fields">
          <dt>deployment limit</dt>
          <dd>{config.deployment_limit}</dd>
          <dt>global mutation interval</dt>
          <dd>{clip(config.global_mutation_interval, 20)}</dd>
        </dl>
      )}
      <ErrorLine error={error} />
      {message ? <p className="ok">{message}</p> : null}
    </div>
  );
}

function Users({ users }: { users: User[] }) {
  const { reload } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [resetPassword, setResetPassword] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<"viewer" | "admin">("viewer");

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setMessage(null);
    try {
      await what();
      setMessage(done);
      reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="panel wide">
      <h2>Users</h2>
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.uuid} data-user={u.username}>
              <td>{clip(u.username, 64)}</td>
              <td>
                <select
                  aria-label={`role of ${u.username}`}
                  value={u.role}
                  onChange={(e) => void act(() => call("PUT /config/users/{user_uuid}/role", { params: { user_uuid: u.uuid }, body: { role: e.target.value } }), `Role of ${u.username} changed.`)}
                >
                  <option value="viewer">viewer</option>
                  <option value="admin">admin</option>
                </select>
              </td>
              <td>{u.must_change_password ? <span className="badge warn">must change password</span> : "active"}</td>
              <td className="actions">
                {resetting === u.uuid ? (
                  <form
                    className="inline"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (resetPassword.length < 8) return setError("At least 8 characters.");
                      void act(
                        () => call("PUT /config/users/{user_uuid}/reset-password", { params: { user_uuid: u.uuid }, body: { new_password: resetPassword } }),
                        `Password of ${u.username} reset; they must change it at their next login.`,
                      ).then(() => {
                        setResetting(null);
                        setResetPassword("");
                      });
                    }}
                  >
                    <input type="password" aria-label="new password" autoComplete="new-password" maxLength={72} value={resetPassword} onChange={(e) => setResetPassword(e.target.value)} />
                    <button type="submit" className="small">
                      Set
                    </button>
                    <button type="button" className="small" onClick={() => setResetting(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <button type="button" className="small" onClick={() => setResetting(u.uuid)}>
                    Reset password
                  </button>
                )}
                <button type="button" className="small danger" onClick={() => setDeleting(u)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline wrap"
        aria-label="add user"
        onSubmit={(e) => {
          e.preventDefault();
          if (password.length < 8) return setError("The password needs at least 8 characters.");
          void act(() => call("POST /config/users", { body: { username: name, password, role } }), `User ${name} added; they must change the password at first login.`).then(() => {
            setName("");
            setPassword("");
          });
        }}
      >
        <label>
          Username
          <input name="new-username" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="new-user-password" type="password" autoComplete="new-password" maxLength={72} value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label>
          Role
          <select name="new-user-role" value={role} onChange={(e) => setRole(e.target.value === "admin" ? "admin" : "viewer")}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Add user</button>
      </form>
      <ErrorLine error={error} />
      {message ? <p className="ok">{message}</p> : null}
      {deleting ? (
        <Confirm
          title={`Delete ${deleting.username}?`}
          action="Delete"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const u = deleting;
            setDeleting(null);
            void act(() => call("DELETE /config/users/{user_uuid}", { params: { user_uuid: u.uuid } }), `User ${u.username} deleted.`);
          }}
        >
          <p>Their tokens stop working at once. This cannot be undone.</p>
        </Confirm>
      ) : null}
    </div>
  );
}
