// Dates: the API sends UTC without a zone ("2026-04-09T12:00:00"); shown in the
// browser's zone, with UTC in the tooltip.
export function parseUtc(text: string): Date {
  const iso = text.includes("T") ? text : text.replace(" ", "T");
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z";
  return new Date(zoned);
}

export function fromEpochSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

const shortFormat = new Intl.DateTimeFormat(undefined, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

// A chart tick: the time of day, with the date when the span is longer than a day.
export function tickText(date: Date, long: boolean): string {
  return (long ? shortFormat : clockFormat).format(date);
}

// Time of day only (the live feed's column; the full date is in the tooltip).
export function clockText(date: Date): string {
  return Number.isNaN(date.getTime()) ? "—" : clockFormat.format(date);
}

export function localText(date: Date): string {
  return Number.isNaN(date.getTime()) ? "—" : localFormat.format(date);
}

export function utcText(date: Date): string {
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC");
}

// "YYYY-MM-DD HH:MM:SS" in UTC: the form the API compares start_time/end_time with.
export function apiTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

export function relative(date: Date, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

const numberFormat = new Intl.NumberFormat();
export function count(n: number): string {
  return numberFormat.format(n);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// A log row's `fields` (JSON text) as key → text pairs; anything odd shows as given.
export function parseFields(text: string): [string, string][] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value))
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  } catch {
    /* fall through */
  }
  return [["fields", text]];
}

// Long attacker strings are cut for the table (the expanded row shows everything).
export function clip(text: string, max = 160): string {
  const shown = visible(text);
  return shown.length > max ? shown.slice(0, max) + "…" : shown;
}

// Okabe–Ito: distinguishable with every common colour-vision deficiency.
export const PALETTE = ["#56b4e9", "#e69f00", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"];

// Bidi overrides and control characters from attackers are shown, not obeyed: an
// U+202E must not reverse the rest of a row.
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c.charCodeAt(0) < 0x80 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`,
  );
}
