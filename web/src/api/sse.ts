// Server-Sent Events over fetch: EventSource cannot send the Authorization header (the
// API also takes ?token=, but a token in a URL ends up in logs). Reconnects after a drop
// with Last-Event-ID, and hands on only rows newer than the last one seen, so a
// reconnect never duplicates an event.
import { authHeaders, buildUrl, logout } from "./client";
import type { Bucket, LogRow, Stats } from "./types";

export interface StreamHandlers {
  onLogs?: (rows: LogRow[]) => void;
  onStats?: (stats: Stats) => void;
  onHistogram?: (buckets: Bucket[]) => void;
  onState?: (state: "connecting" | "live" | "reconnecting") => void;
}

export interface StreamOptions {
  search?: string;
  startTime?: string;
  lastEventId?: number; // resume after this id (0: from now)
}

export interface StreamHandle {
  close(): void;
  lastId(): number;
}

const MAX_FRAME = 16 << 20; // a frame larger than this is a broken stream

export function openStream(options: StreamOptions, handlers: StreamHandlers): StreamHandle {
  let lastId = options.lastEventId ?? 0;
  let closed = false;
  let controller: AbortController | null = null;
  let retry = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;

  const dispatch = (event: string, data: string, id: string | null) => {
    if (event !== "message" || !data) return;
    let frame: { type?: string; data?: unknown };
    try {
      frame = JSON.parse(data) as { type?: string; data?: unknown };
    } catch {
      return;
    }
    if (frame.type === "logs" && Array.isArray(frame.data)) {
      const fresh = (frame.data as LogRow[]).filter((row) => typeof row.id === "number" && row.id > lastId);
      if (fresh.length) {
        lastId = Math.max(lastId, ...fresh.map((row) => row.id));
        handlers.onLogs?.(fresh);
      }
    } else if (frame.type === "stats" && frame.data) handlers.onStats?.(frame.data as Stats);
    else if (frame.type === "histogram" && Array.isArray(frame.data)) handlers.onHistogram?.(frame.data as Bucket[]);
    if (id !== null && /^\d+$/.test(id)) lastId = Math.max(lastId, Number(id));
  };

  const connect = async () => {
    handlers.onState?.(attempts++ > 0 ? "reconnecting" : "connecting");
    controller = new AbortController();
    const query: Record<string, string | number | undefined> = { search: options.search, start_time: options.startTime };
    const headers: Record<string, string> = { ...authHeaders(), Accept: "text/event-stream" };
    if (lastId > 0) headers["Last-Event-ID"] = String(lastId);
    try {
      const response = await fetch(buildUrl("GET /stream", undefined, query), { headers, signal: controller.signal, cache: "no-store" });
      if (response.status === 401) {
        closed = true;
        logout();
        return;
      }
      if (!response.ok || !response.body) throw new Error(`stream: HTTP ${response.status}`);
      handlers.onState?.("live");
      retry = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (!line || line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event = text;
            else if (field === "data") data.push(text);
            else if (field === "id") id = text;
          }
          dispatch(event, data.join("\n"), id);
        }
        if (buffer.length > MAX_FRAME) throw new Error("stream: frame too large");
      }
    } catch {
      /* dropped: reconnect below */
    }
    if (closed) return;
    handlers.onState?.("reconnecting");
    timer = setTimeout(() => void connect(), retry);
    retry = Math.min(retry * 2, 10_000);
  };

  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
    lastId: () => lastId,
  };
}
