// Shapes of the /api/v1 answers the pages read (docs/API.md).
export interface Stats {
  total_logs: number;
  unique_attackers: number;
  active_deckies: number;
  deployed_deckies: number;
}

export interface LogRow {
  id: number;
  timestamp: string;
  decky: string;
  service: string;
  event_type: string;
  attacker_ip: string;
  raw_line: string;
  fields: string; // JSON text
  msg: string;
  trace_id: string | null;
  span_id: string | null;
  tags?: string[]; // MITRE ATT&CK technique ids given at ingest (absent from older servers)
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  data: T[];
}

export interface Bucket {
  time: string;
  count: number;
}

export interface BountyRow {
  id: number;
  timestamp: string;
  decky: string;
  service: string;
  attacker_ip: string;
  bounty_type: string;
  payload: unknown;
}

export interface ArtifactRow {
  id: number;
  timestamp: string;
  decky: string;
  service: string;
  attacker_ip: string;
  sha256: string;
  size: number;
  mime: string;
  origin: string;
  filename: string;
  stored: boolean;
}

export interface Command {
  service: string;
  decky: string;
  command: string;
  timestamp: string;
}

export interface Attacker {
  uuid: string;
  ip: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
  service_count: number;
  decky_count: number;
  services: string[];
  deckies: string[];
  traversal_path: string | null;
  is_traversal: boolean;
  bounty_count: number;
  credential_count: number;
  attack_techniques: Record<string, number>; // MITRE ATT&CK id → tagged events
  // Offline GeoIP ([geoip] databases); null for private addresses or without databases.
  country?: string | null;
  country_name?: string | null;
  asn?: number | null;
  as_org?: string | null;
  fingerprints: unknown[];
  commands: Command[];
  updated_at: string;
  behavior: Record<string, unknown> | null;
}

export interface Decky {
  name: string;
  ip: string;
  services: string[];
  distro: string;
  hostname: string;
  archetype: string | null;
  service_config: Record<string, Record<string, unknown>>;
  nmap_os: string;
  mutate_interval: number | null;
  last_mutated: number;
  last_login_attempt: number;
  mac: string | null;
  state: "up" | "degraded" | "stopped" | "recorded";
}

export interface User {
  uuid: string;
  username: string;
  role: "admin" | "viewer";
  must_change_password: boolean;
}

export interface Config {
  role: "admin" | "viewer";
  deployment_limit: number;
  global_mutation_interval: string;
  users?: User[];
  developer_mode?: boolean;
}

export interface Health {
  status: string;
  components: Record<string, { status: string; detail: string | null }>;
}

export interface LoginAnswer {
  access_token: string;
  token_type: string;
  must_change_password: boolean;
}
