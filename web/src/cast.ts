// asciinema v2 casts (docs/WORLD.md "Session recordings"): the parser and a small terminal
// that keeps attacker output inert. A cast is JSON lines: a header object, then
// [time, "o"|"i"|"r", data] events. Only "o" (output) is played; idle gaps are capped.
// The terminal understands CR, LF, backspace, tab, cursor moves, erase line/screen and SGR
// colours (as CSS class names); every other sequence (OSC titles, DCS, APC, PM, SOS,
// charsets, modes) is consumed and dropped. It produces plain strings: the page renders
// them as text nodes, never as HTML.

export interface CastHeader {
  width: number;
  height: number;
  timestamp: number | null;
}

export interface CastEvent {
  time: number; // seconds from the start, idle gaps capped
  data: string;
}

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
  duration: number; // of the played (capped) timeline
  dropped: number; // lines that were not a well-formed event, or past the limits
}

export const IDLE_CAP = 2; // seconds
const MAX_EVENTS = 200_000;
const MAX_TEXT = 32 << 20; // characters of event data kept

// A size the header may lack or give as 0 (a client without a terminal size): the fallback.
function clampInt(value: unknown, low: number, high: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.min(high, Math.max(low, Math.floor(value))) : fallback;
}

// Throws when the first line is not a v2 header; bad event lines are counted and skipped.
export function parseCast(text: string, idleCap = IDLE_CAP): Cast {
  const lines = text.split("\n");
  let first = 0;
  while (first < lines.length && !(lines[first] ?? "").trim()) first++;
  let head: unknown;
  try {
    head = JSON.parse(lines[first] ?? "");
  } catch {
    throw new Error("not an asciinema cast (the first line is not JSON)");
  }
  if (!head || typeof head !== "object" || Array.isArray(head) || (head as { version?: unknown }).version !== 2)
    throw new Error("not an asciinema v2 cast");
  const h = head as Record<string, unknown>;
  const header: CastHeader = {
    width: clampInt(h.width, 20, 500, 80),
    height: clampInt(h.height, 5, 200, 24),
    timestamp: typeof h.timestamp === "number" && Number.isFinite(h.timestamp) ? h.timestamp : null,
  };
  const events: CastEvent[] = [];
  let dropped = 0;
  let kept = 0;
  let last = 0; // the cast's own clock
  let played = 0; // the capped clock
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line.trim()) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      dropped++;
      continue;
    }
    if (!Array.isArray(event) || event.length < 3 || typeof event[0] !== "number" || !Number.isFinite(event[0]) || typeof event[2] !== "string") {
      dropped++;
      continue;
    }
    const at = Math.max(last, event[0]); // never backwards
    played += Math.min(at - last, idleCap);
    last = at;
    if (event[1] !== "o") continue; // input and resizes are not drawn
    if (events.length >= MAX_EVENTS || kept + event[2].length > MAX_TEXT) {
      dropped++;
      continue;
    }
    kept += event[2].length;
    events.push({ time: played, data: event[2] });
  }
  return { header, events, duration: played, dropped };
}

export interface Span {
  cls: string;
  text: string;
}

const MAX_LINES = 2000; // scrollback kept
const MAX_PARAMS = 16;

type Mode = "text" | "esc" | "csi" | "string" | "string-esc" | "skip1";

// The SGR state as class names: fg0..fg15, bg0..bg15, bold, dim, italic, underline, inverse.
class Style {
  fg = -1;
  bg = -1;
  bold = false;
  faint = false;
  italic = false;
  underline = false;
  inverse = false;

  cls(): string {
    const out: string[] = [];
    if (this.fg >= 0) out.push(`fg${this.fg}`);
    if (this.bg >= 0) out.push(`bg${this.bg}`);
    if (this.bold) out.push("bold");
    if (this.faint) out.push("faint");
    if (this.italic) out.push("italic");
    if (this.underline) out.push("underline");
    if (this.inverse) out.push("inverse");
    return out.join(" ");
  }

  apply(params: number[]): void {
    if (!params.length) params = [0];
    for (let i = 0; i < params.length; i++) {
      const p = params[i] ?? 0;
      if (p === 0) Object.assign(this, new Style());
      else if (p === 1) this.bold = true;
      else if (p === 2) this.faint = true;
      else if (p === 3) this.italic = true;
      else if (p === 4) this.underline = true;
      else if (p === 7) this.inverse = true;
      else if (p === 22) this.bold = this.faint = false;
      else if (p === 23) this.italic = false;
      else if (p === 24) this.underline = false;
      else if (p === 27) this.inverse = false;
      else if (p >= 30 && p <= 37) this.fg = p - 30;
      else if (p === 39) this.fg = -1;
      else if (p >= 40 && p <= 47) this.bg = p - 40;
      else if (p === 49) this.bg = -1;
      else if (p >= 90 && p <= 97) this.fg = p - 90 + 8;
      else if (p >= 100 && p <= 107) this.bg = p - 100 + 8;
      else if (p === 38 || p === 48) {
        // 256 colours: the 16 basic ones map, the rest are dropped; true colour is dropped.
        const mode = params[i + 1];
        if (mode === 5) {
          const n = params[i + 2] ?? -1;
          if (n >= 0 && n < 16) {
            if (p === 38) this.fg = n;
            else this.bg = n;
          }
          i += 2;
        } else if (mode === 2) i += 4;
        else i += 1;
      }
    }
  }
}

interface Cell {
  ch: string;
  cls: string;
}

// A line-oriented screen: rows of cells (wrapped at the cast's width), a cursor and the
// scrollback; cursor positioning counts from the top of the last `height` rows.
export class Screen {
  private rows: Cell[][] = [[]];
  private row = 0;
  private col = 0;
  private mode: Mode = "text";
  private params = "";
  private style = new Style();
  private cls = "";

  constructor(
    readonly width = 80,
    readonly height = 24,
  ) {}

  write(data: string): void {
    for (const ch of data) this.feed(ch);
  }

  lines(): Span[][] {
    return this.rows.map((cells) => {
      const spans: Span[] = [];
      for (const cell of cells) {
        const last = spans[spans.length - 1];
        if (last && last.cls === cell.cls) last.text += cell.ch;
        else spans.push({ cls: cell.cls, text: cell.ch });
      }
      return spans;
    });
  }

  text(): string {
    return this.rows.map((cells) => cells.map((c) => c.ch).join("").trimEnd()).join("\n");
  }

  private feed(ch: string): void {
    const code = ch.codePointAt(0) ?? 0;
    switch (this.mode) {
      case "esc":
        if (ch === "[") {
          this.mode = "csi";
          this.params = "";
        } else if (ch === "]" || ch === "P" || ch === "X" || ch === "^" || ch === "_") this.mode = "string";
        else if (ch === "(" || ch === ")" || ch === "*" || ch === "+" || ch === "#" || ch === "%") this.mode = "skip1";
        else if (ch === "c") this.clear();
        else this.mode = "text"; // ESC 7, ESC 8, ESC =, ESC > ...: dropped
        if (this.mode === "esc") this.mode = "text";
        return;
      case "skip1":
        this.mode = "text";
        return;
      case "string": // OSC, DCS, SOS, PM, APC: up to BEL or ST, all dropped
        if (ch === "\x07" || ch === "\u009c") this.mode = "text";
        else if (ch === "\x1b") this.mode = "string-esc";
        return;
      case "string-esc":
        this.mode = ch === "\\" ? "text" : "string";
        if (ch === "[") {
          // a CSI right after an unterminated string: the string is over
          this.mode = "csi";
          this.params = "";
        }
        return;
      case "csi":
        if (code >= 0x40 && code <= 0x7e) {
          this.mode = "text";
          this.csi(ch);
        } else if (code >= 0x20 && code <= 0x3f) {
          if (this.params.length < 64) this.params += ch;
        } else if (ch === "\x1b") this.mode = "esc";
        else if (code >= 0x20) this.mode = "text"; // not a CSI byte: abandoned
        return;
      default:
        break;
    }
    if (ch === "\x1b") this.mode = "esc";
    else if (ch === "\u009b") {
      this.mode = "csi";
      this.params = "";
    } else if (ch === "\u009d" || ch === "\u0090" || ch === "\u0098" || ch === "\u009e" || ch === "\u009f") this.mode = "string";
    else if (ch === "\r") this.col = 0;
    else if (ch === "\n" || ch === "\x0b" || ch === "\x0c") this.lineFeed();
    else if (ch === "\b") this.col = Math.max(0, this.col - 1);
    else if (ch === "\t") this.col = Math.min(this.width - 1, (Math.floor(this.col / 8) + 1) * 8);
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return; // other controls
    else if (code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return; // bidi
    else this.put(ch);
  }

  // The cursor's row (always there: every move keeps row < rows.length).
  private current(): Cell[] {
    let cells = this.rows[this.row];
    if (!cells) {
      cells = [];
      this.rows[this.row] = cells;
    }
    return cells;
  }

  private put(ch: string): void {
    if (this.col >= this.width) {
      this.lineFeed();
      this.col = 0;
    }
    const cells = this.current();
    while (cells.length < this.col) cells.push({ ch: " ", cls: "" });
    cells[this.col] = { ch, cls: this.cls };
    this.col++;
  }

  private lineFeed(): void {
    this.row++;
    if (this.row >= this.rows.length) this.rows.push([]);
    if (this.rows.length > MAX_LINES) {
      const drop = this.rows.length - MAX_LINES;
      this.rows.splice(0, drop);
      this.row -= drop;
    }
  }

  private clear(): void {
    this.rows = [[]];
    this.row = 0;
    this.col = 0;
  }

  private top(): number {
    return Math.max(0, this.rows.length - this.height);
  }

  private moveTo(row: number, col: number): void {
    this.row = Math.min(this.top() + Math.max(0, Math.min(this.height - 1, row)), MAX_LINES - 1);
    while (this.rows.length <= this.row) this.rows.push([]);
    this.col = Math.max(0, Math.min(this.width - 1, col));
  }

  private csi(final: string): void {
    const text = this.params;
    if (/[<=>?]/.test(text.charAt(0)) && final !== "m") return; // private modes: dropped
    const params = text
      .split(/[;:]/)
      .slice(0, MAX_PARAMS)
      .map((p) => Math.min(9999, Number.parseInt(p, 10) || 0));
    const n = Math.max(1, params[0] ?? 1);
    switch (final) {
      case "m":
        if (text.charAt(0) === ">") return;
        this.style.apply(text === "" ? [] : params);
        this.cls = this.style.cls();
        return;
      case "A":
        this.moveTo(this.row - this.top() - n, this.col);
        return;
      case "B":
        this.moveTo(this.row - this.top() + n, this.col);
        return;
      case "C":
        this.col = Math.min(this.width - 1, this.col + n);
        return;
      case "D":
        this.col = Math.max(0, this.col - n);
        return;
      case "G":
        this.col = Math.min(this.width - 1, n - 1);
        return;
      case "H":
      case "f":
        this.moveTo(Math.max(1, params[0] ?? 1) - 1, Math.max(1, params[1] ?? 1) - 1);
        return;
      case "K": {
        const cells = this.current();
        if (params[0] === 2) cells.length = 0;
        else if (params[0] === 1) for (let i = 0; i <= this.col && i < cells.length; i++) cells[i] = { ch: " ", cls: "" };
        else cells.length = Math.min(cells.length, this.col);
        return;
      }
      case "J":
        if (params[0] === 2 || params[0] === 3) {
          // The visible screen is cleared: the scrollback keeps the rows above it.
          const keep = params[0] === 3 ? 0 : this.top();
          this.rows.length = keep;
          this.rows.push([]);
          this.row = keep;
          this.col = Math.min(this.col, this.width - 1);
        } else if (params[0] === 1) {
          for (let r = this.top(); r < this.row; r++) this.rows[r] = [];
          const cells = this.current();
          for (let i = 0; i <= this.col && i < cells.length; i++) cells[i] = { ch: " ", cls: "" };
        } else {
          this.rows.length = this.row + 1;
          const cells = this.current();
          cells.length = Math.min(cells.length, this.col);
        }
        return;
      default:
        return; // every other CSI (modes, scrolling regions, reports): dropped
    }
  }
}

// The screen after every event up to `time` (seeking backwards replays from the start).
export function screenAt(cast: Cast, time: number): Screen {
  const screen = new Screen(cast.header.width, cast.header.height);
  for (const event of cast.events) {
    if (event.time > time) break;
    screen.write(event.data);
  }
  return screen;
}
