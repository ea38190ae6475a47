// The REST client: same-origin fetch under /api/v1 with the Bearer token. A 401 anywhere
// drops the token and returns to the login page (the "auth:logout" window event).
import type { Endpoint } from "./endpoints";

export const API_BASE = "/api/v1";
const TOKEN_KEY = "decnet.token";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const exp = tokenExpiry(token);
  if (exp === null || exp * 1000 <= Date.now()) {
    localStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return token;
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

// The JWT's exp claim (not verified: the server does that on every call).
export function tokenExpiry(token: string): number | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

export function logout(): void {
  setToken(null);
  window.dispatchEvent(new Event("auth:logout"));
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface CallOptions {
  params?: Record<string, string>;
  query?: Query;
  body?: unknown;
  token?: string; // overrides the stored token (the forced password change)
  signal?: AbortSignal;
}

// "/attackers/{uuid}" + {uuid: "x"} → "/attackers/x" (each value percent-encoded).
export function buildUrl(endpoint: Endpoint, params?: Record<string, string>, query?: Query): string {
  const path = endpoint.slice(endpoint.indexOf(" ") + 1);
  let url =
    API_BASE +
    path.replace(/\{([a-z0-9_]+)\}/g, (_m, name: string) => {
      const value = params?.[name];
      if (value === undefined) throw new Error(`missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const text = search.toString();
  if (text) url += "?" + text;
  return url;
}

export function authHeaders(token?: string): Record<string, string> {
  const t = token ?? getToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

async function send(endpoint: Endpoint, options: CallOptions): Promise<Response> {
  const method = endpoint.slice(0, endpoint.indexOf(" "));
  const headers: Record<string, string> = authHeaders(options.token);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(buildUrl(endpoint, options.params, options.query), {
    method,
    headers,
    body,
    signal: options.signal,
  });
  if (response.status === 401 && endpoint !== "POST /auth/login" && !options.token) logout();
  if (!response.ok) throw new ApiError(response.status, await errorText(response));
  return response;
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return "Invalid request parameters";
  } catch {
    /* not JSON */
  }
  return `HTTP ${response.status}`;
}

export async function call<T>(endpoint: Endpoint, options: CallOptions = {}): Promise<T> {
  const response = await send(endpoint, options);
  return (await response.json()) as T;
}

// A text body (an artifact read in the page, e.g. a session cast), refused past `max` bytes.
export async function fetchText(endpoint: Endpoint, options: CallOptions, max: number): Promise<string> {
  const response = await send(endpoint, options);
  const length = Number(response.headers.get("Content-Length") ?? "0");
  if (length > max) throw new Error(`too large to play here (${length} bytes)`);
  const text = await response.text();
  if (text.length > max) throw new Error(`too large to play here (${text.length} characters)`);
  return text;
}

// A file download (admins): fetched with the token, saved through a blob URL.
export async function download(endpoint: Endpoint, options: CallOptions, filename: string): Promise<void> {
  const response = await send(endpoint, options);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
