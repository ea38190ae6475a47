// Every (method, path) the dashboard calls, in OpenAPI's path syntax. The client only
// accepts these (the type below), and scripts/check-openapi.mjs compares the literals
// used anywhere under src/ with /api/v1/openapi.json: a test fails when they disagree.
export const ENDPOINTS = [
  "POST /auth/login",
  "POST /auth/change-password",
  "GET /stats",
  "GET /health",
  "GET /logs",
  "GET /logs/histogram",
  "GET /stream",
  "GET /bounty",
  "GET /artifacts",
  "GET /artifacts/{sha256}",
  "GET /recordings/{sha256}",
  "GET /attackers",
  "GET /attackers/{uuid}",
  "GET /attackers/{uuid}/commands",
  "GET /deckies",
  "POST /deckies/deploy",
  "POST /deckies/{decky_name}/mutate",
  "PUT /deckies/{decky_name}/mutate-interval",
  "DELETE /deckies/{decky_name}",
  "GET /config",
  "PUT /config/deployment-limit",
  "PUT /config/global-mutation-interval",
  "POST /config/users",
  "DELETE /config/users/{user_uuid}",
  "PUT /config/users/{user_uuid}/role",
  "PUT /config/users/{user_uuid}/reset-password",
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];
