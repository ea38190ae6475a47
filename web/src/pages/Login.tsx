// Login, then the forced password change when the server says must_change_password.
import { useState, type FormEvent } from "react";
import { call, errorMessage, setToken } from "../api/client";
import type { LoginAnswer } from "../api/types";
import { ErrorLine } from "../components";

export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState<LoginAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const login = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await call<LoginAnswer>("POST /auth/login", { body: { username, password } });
      if (answer.must_change_password) setPending(answer);
      else {
        setToken(answer.access_token);
        onLoggedIn();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (pending)
    return (
      <ChangePassword
        oldPassword={password}
        token={pending.access_token}
        onDone={async (newPassword) => {
          const answer = await call<LoginAnswer>("POST /auth/login", { body: { username, password: newPassword } });
          setToken(answer.access_token);
          onLoggedIn();
        }}
      />
    );

  return (
    <div className="login">
      <form className="card" onSubmit={(e) => void login(e)}>
        <h1>decnet</h1>
        <p className="dim">Sign in to the operator console.</p>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}

export function ChangePassword({ oldPassword, token, onDone }: { oldPassword: string; token: string; onDone: (password: string) => Promise<void> }) {
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < 8) return setError("The new password needs at least 8 characters.");
    if (next !== confirm) return setError("The passwords do not match.");
    if (next === oldPassword) return setError("Choose a password different from the current one.");
    setBusy(true);
    setError(null);
    try {
      await call("POST /auth/change-password", { body: { old_password: oldPassword, new_password: next }, token });
      await onDone(next);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>Choose a new password</h1>
        <p className="dim">This account must change its password before it can use the console.</p>
        <label>
          New password
          <input name="new-password" type="password" autoComplete="new-password" minLength={8} maxLength={72} value={next} onChange={(e) => setNext(e.target.value)} required autoFocus />
        </label>
        <label>
          Confirm
          <input name="confirm-password" type="password" autoComplete="new-password" maxLength={72} value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
        </label>
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : "Change password"}
        </button>
      </form>
    </div>
  );
}
