#!/usr/bin/env python3
"""Writes src/api/resources/openapi_document.cpp: the OpenAPI 3 document of the 26
/api/v1 endpoints (api.md §1, and the artifacts) as a C++ raw string. Edit here, run,
commit both."""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def q(name, typ, desc, **kw):
    schema = {"type": typ}; schema.update({k: v for k, v in kw.items() if k != "required"})
    return {"name": name, "in": "query", "required": kw.get("required", False), "description": desc, "schema": schema}
def p(name, desc): return {"name": name, "in": "path", "required": True, "description": desc, "schema": {"type": "string"}}
def body(schema): return {"required": True, "content": {"application/json": {"schema": schema}}}
def ok(schema, desc="OK"): return {"200": {"description": desc, "content": {"application/json": {"schema": schema}}}}
ERRORS = {400: "Schema structural violation", 401: "Could not validate credentials", 403: "Password change required / Insufficient permissions",
          404: "Not found", 409: "Conflict", 422: "Invalid request parameters", 429: "Too many login attempts (Retry-After)",
          503: "Service unavailable (Retry-After)", 500: "Internal error"}
# Each error answer is described once under components/responses and referenced.
def err(*codes): return {str(c): {"$ref": f"#/components/responses/Error{c}"} for c in codes}
error_responses = {f"Error{c}": {"description": text, "content": {"application/json": {"schema": ref("Detail")}}}
                   for c, text in ERRORS.items()}
def op(summary, responses, params=None, request=None, security=True, tag="api"):
    o = {"summary": summary, "tags": [tag], "responses": responses}
    if params: o["parameters"] = params
    if request: o["requestBody"] = request
    if not security: o["security"] = []
    return o
def merge(*ds):
    out = {}
    for d in ds: out.update(d)
    return out

S = lambda **props: {"type": "object", "properties": props, "required": list(props)}
string, integer, boolean, number = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
nstring = {"type": "string", "nullable": True}
interval = {"type": "string", "pattern": "^[1-9]\\d*[mdMyY]$"}
message = ref("Message")
time_params = [q("start_time", "string", "timestamp >= value (send YYYY-MM-DD HH:MM:SS, UTC)"),
               q("end_time", "string", "timestamp <= value (YYYY-MM-DD HH:MM:SS, UTC)")]
page = lambda mx: [q("limit", "integer", "page size", default=50, minimum=1, maximum=mx),
                   q("offset", "integer", "rows to skip", default=0, minimum=0, maximum=2147483647)]
page_of = lambda item: {"type": "object", "required": ["total", "limit", "offset", "data"], "properties": {
    "total": integer, "limit": integer, "offset": integer, "data": {"type": "array", "items": item}}}

schemas = {
    "Detail": {"type": "object", "properties": {"detail": string}, "required": ["detail"]},
    "Message": {"type": "object", "properties": {"message": string}, "required": ["message"]},
    "LogRow": S(id=integer, timestamp={"type": "string", "description": "ISO 8601 without zone"}, decky=string, service=string,
                event_type=string, attacker_ip=string, raw_line=string,
                fields={"type": "string", "description": "JSON text of the structured data"},
                msg=nstring, trace_id=nstring, span_id=nstring),
    "HistogramBucket": S(time={"type": "string", "description": "YYYY-MM-DD HH:MM:SS"}, count=integer),
    "BountyRow": S(id=integer, timestamp=string, decky=string, service=string, attacker_ip=string,
                   bounty_type={"type": "string", "enum": ["credential", "fingerprint", "artifact"]}, payload={"description": "parsed JSON"}),
    "Artifact": S(id=integer, timestamp={"type": "string", "description": "when this attacker first sent this content (ISO 8601 without zone)"},
                  decky=string, service=string, attacker_ip=string,
                  sha256={"type": "string", "pattern": "^[0-9a-f]{64}$"}, size=integer, mime=string,
                  origin={"type": "string", "description": "the path written to or the URL fetched"}, filename=string,
                  stored={"type": "boolean", "description": "the bytes are in the artifact store (downloadable)"}),
    "Decky": {"type": "object", "additionalProperties": True, "properties": {
        "name": string, "ip": string, "services": {"type": "array", "items": string}, "distro": string, "base_image": string,
        "build_base": string, "hostname": string, "archetype": nstring, "service_config": {"type": "object"}, "nmap_os": string,
        "mutate_interval": {"type": "integer", "nullable": True}, "last_mutated": number, "last_login_attempt": number}},
    "Attacker": {"type": "object", "additionalProperties": True, "properties": {
        "uuid": string, "ip": string, "first_seen": string, "last_seen": string, "updated_at": string,
        "event_count": integer, "service_count": integer, "decky_count": integer, "bounty_count": integer,
        "credential_count": integer, "services": {"type": "array", "items": string}, "deckies": {"type": "array", "items": string},
        "traversal_path": nstring, "is_traversal": boolean, "fingerprints": {"type": "array", "items": {"type": "object"}},
        "commands": {"type": "array", "items": ref("Command")}, "behavior": {"type": "object", "nullable": True}}},
    "Command": S(service=string, decky=string, command=string, timestamp=string),
    "Stats": S(total_logs=integer, unique_attackers=integer, active_deckies=integer, deployed_deckies=integer),
    "User": S(uuid=string, username=string, role={"type": "string", "enum": ["admin", "viewer"]}, must_change_password=boolean),
    "Config": {"type": "object", "required": ["role", "deployment_limit", "global_mutation_interval"], "properties": {
        "role": string, "deployment_limit": integer, "global_mutation_interval": string,
        "users": {"type": "array", "items": ref("User"), "description": "admins only"},
        "developer_mode": {"type": "boolean", "description": "admins, developer mode only"}}},
    "Component": S(status={"type": "string", "enum": ["ok", "failing"]}, detail=nstring),
    "Health": S(status={"type": "string", "enum": ["healthy", "degraded", "unhealthy"]},
                components={"type": "object", "additionalProperties": ref("Component")}),
}

viewer = err(401, 403)
admin = err(401, 403)
paths = {
 "/api/v1/auth/login": {"post": op("Log in; returns a JWT (24 h)", merge(ok(S(access_token=string, token_type=string, must_change_password=boolean)), err(400, 401, 422, 429, 503)),
     request=body({"type": "object", "required": ["username", "password"], "properties": {"username": string, "password": {"type": "string", "maxLength": 72}}}), security=False, tag="auth")},
 "/api/v1/auth/change-password": {"post": op("Change the caller's password (any valid token)", merge(ok(message), err(400, 401, 422)),
     request=body({"type": "object", "required": ["old_password", "new_password"], "properties": {"old_password": {"type": "string", "maxLength": 72}, "new_password": {"type": "string", "maxLength": 72}}}), tag="auth")},
 "/api/v1/logs": {"get": op("Logs, newest first, filtered (§6.1)", merge(ok(page_of(ref("LogRow"))), viewer, err(422)),
     page(1000) + [q("search", "string", "search language: key:value, free text, quotes", maxLength=512)] + time_params, tag="logs")},
 "/api/v1/logs/histogram": {"get": op("Log counts per epoch-aligned bucket", merge(ok({"type": "array", "items": ref("HistogramBucket")}), viewer, err(422)),
     [q("search", "string", "search language"), *time_params, q("interval_minutes", "integer", "bucket width", default=15, minimum=1)], tag="logs")},
 "/api/v1/bounty": {"get": op("Harvested credentials and fingerprints", merge(ok(page_of(ref("BountyRow"))), viewer, err(422)),
     page(1000) + [q("bounty_type", "string", "exact type"), q("search", "string", "substring")], tag="bounty")},
 "/api/v1/artifacts": {"get": op("Payloads attackers uploaded or fetched (the artifact bounties), newest first", merge(ok(page_of(ref("Artifact"))), viewer, err(422)),
     page(1000) + [q("attacker_ip", "string", "exact attacker address"), q("decky", "string", "exact decky name"),
                   q("service", "string", "exact service"), q("sha256", "string", "exact content hash", pattern="^[0-9a-f]{64}$"),
                   *time_params], tag="artifacts")},
 "/api/v1/artifacts/{sha256}": {"get": op("Download one payload (admin): always an attachment, never rendered",
     merge({"200": {"description": "the stored bytes; Content-Disposition: attachment; filename=\"<sha256>.bin\"; X-Content-Type-Options: nosniff",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}, err(400, 401, 403, 404)),
     [{"name": "sha256", "in": "path", "required": True, "description": "64 lower-case hex digits (else 400)",
       "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}], tag="artifacts")},
 "/api/v1/deckies": {"get": op("The deployed deckies", merge(ok({"type": "array", "items": ref("Decky")}), viewer), tag="fleet")},
 "/api/v1/deckies/deploy": {"post": op("Deploy deckies from an INI (admin)", merge(ok(message), admin, err(400, 409, 422, 500)),
     request=body({"type": "object", "additionalProperties": False, "required": ["ini_content"], "properties": {"ini_content": {"type": "string", "maxLength": 524288}}}), tag="fleet")},
 "/api/v1/deckies/{decky_name}": {"delete": op("Tear one decky down (admin; decnet's addition, as `decnet teardown --id`)", merge(ok(message), admin, err(404, 422)), [p("decky_name", "decky name")], tag="fleet")},
 "/api/v1/deckies/{decky_name}/mutate": {"post": op("Mutate one decky now (admin)", merge(ok(message), admin, err(404, 422)), [p("decky_name", "decky name")], tag="fleet")},
 "/api/v1/deckies/{decky_name}/mutate-interval": {"put": op("Set a decky's mutation interval (admin)", merge(ok(message), admin, err(400, 404, 422)),
     [p("decky_name", "decky name")], request=body({"type": "object", "properties": {"mutate_interval": dict(interval, nullable=True)}}), tag="fleet")},
 "/api/v1/attackers": {"get": op("Attacker profiles", merge(ok(page_of(ref("Attacker"))), viewer, err(422)),
     page(1000) + [q("search", "string", "substring of the IP"), q("sort_by", "string", "order", default="recent", enum=["recent", "active", "traversals"]), q("service", "string", "attackers that used this service")], tag="attackers")},
 "/api/v1/attackers/{uuid}": {"get": op("One attacker profile", merge(ok(ref("Attacker")), viewer, err(404)), [p("uuid", "attacker uuid")], tag="attackers")},
 "/api/v1/attackers/{uuid}/commands": {"get": op("Commands an attacker ran", merge(ok(page_of(ref("Command"))), viewer, err(404, 422)),
     [p("uuid", "attacker uuid")] + page(200) + [q("service", "string", "exact service")], tag="attackers")},
 "/api/v1/stats": {"get": op("Totals", merge(ok(ref("Stats")), viewer), tag="logs")},
 "/api/v1/stream": {"get": op("Server-Sent Events: stats, histogram and new log rows (push); frames carry id: for resume",
     merge({"200": {"description": "text/event-stream; data frames {type: stats|histogram|logs|error, data}",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}}}}, err(401, 403, 422)),
     [q("token", "string", "JWT when no Authorization header (EventSource)"),
      q("lastEventId", "integer", "resume after this log id; 0 = from now (the Last-Event-ID header is honoured too)", default=0),
      q("search", "string", "search language (not null-ish normalised)"), *time_params,
      q("maxOutput", "integer", "developer mode: iterations (~1 s) before the stream ends")], tag="logs")},
 "/api/v1/health": {"get": op("Component health (503 when a critical one fails)", merge(ok(ref("Health")),
     {"503": {"description": "unhealthy", "content": {"application/json": {"schema": ref("Health")}}}}, viewer), tag="ops")},
 "/api/v1/openapi.json": {"get": op("This document", {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}, security=False, tag="ops")},
 "/api/v1/config": {"get": op("Settings (admins also get the users)", merge(ok(ref("Config")), viewer), tag="config")},
 "/api/v1/config/deployment-limit": {"put": op("Max deckies per deployment (admin)", merge(ok(message), admin, err(400, 422)),
     request=body({"type": "object", "required": ["deployment_limit"], "properties": {"deployment_limit": {"type": "integer", "minimum": 1, "maximum": 500}}}), tag="config")},
 "/api/v1/config/global-mutation-interval": {"put": op("Default mutation interval (admin)", merge(ok(message), admin, err(400, 422)),
     request=body({"type": "object", "required": ["global_mutation_interval"], "properties": {"global_mutation_interval": interval}}), tag="config")},
 "/api/v1/config/users": {"post": op("Create a user (admin); must change password at first login", merge(ok(ref("User")), admin, err(400, 409, 422)),
     request=body({"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string", "minLength": 1, "maxLength": 64},
        "password": {"type": "string", "minLength": 8, "maxLength": 72}, "role": {"type": "string", "enum": ["admin", "viewer"], "default": "viewer"}}}), tag="config")},
 "/api/v1/config/users/{user_uuid}": {"delete": op("Delete a user (admin)", merge(ok(message), admin, err(404)), [p("user_uuid", "user uuid")], tag="config")},
 "/api/v1/config/users/{user_uuid}/role": {"put": op("Change a user's role (admin)", merge(ok(message), admin, err(400, 404, 422)), [p("user_uuid", "user uuid")],
     request=body({"type": "object", "required": ["role"], "properties": {"role": {"type": "string", "enum": ["admin", "viewer"]}}}), tag="config")},
 "/api/v1/config/users/{user_uuid}/reset-password": {"put": op("Reset a user's password (admin)", merge(ok(message), admin, err(400, 404, 422)), [p("user_uuid", "user uuid")],
     request=body({"type": "object", "required": ["new_password"], "properties": {"new_password": {"type": "string", "minLength": 8, "maxLength": 72}}}), tag="config")},
 "/api/v1/config/reinit": {"delete": op("Purge logs, bounties, attackers (admin, developer mode)",
     merge(ok({"type": "object", "properties": {"message": string, "deleted": {"type": "object", "additionalProperties": integer}}}), admin), tag="config")},
}
# A parameter that more than one operation takes is described once under
# components/parameters and referenced (same name and schema → same component).
def key(prm): return json.dumps(prm, sort_keys=True)
uses = {}
for item in paths.values():
    for o in item.values():
        for prm in o.get("parameters", []):
            uses[key(prm)] = uses.get(key(prm), 0) + 1
shared_parameters, component_of = {}, {}
for item in paths.values():
    for o in item.values():
        for i, prm in enumerate(o.get("parameters", [])):
            k = key(prm)
            if uses[k] < 2: continue
            if k not in component_of:
                name, n = f"{prm['in']}_{prm['name']}", 2
                while name in shared_parameters: name, n = f"{prm['in']}_{prm['name']}_{n}", n + 1
                shared_parameters[name], component_of[k] = prm, name
            o["parameters"][i] = {"$ref": f"#/components/parameters/{component_of[k]}"}
doc = {"openapi": "3.0.3",
       "info": {"title": "DECNET Web Dashboard API", "version": "1.0.0",
                "description": "decnet REST API (docs/API.md). Errors are {\"detail\": text}."},
       "servers": [{"url": "/"}],
       "security": [{"bearerAuth": []}],
       "paths": paths,
       "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
                      "schemas": schemas, "parameters": shared_parameters,
                      "responses": error_responses}}
text = json.dumps(doc, indent=1, ensure_ascii=False)
assert ')json"' not in text and "*/*" not in text
out = pathlib.Path(__file__).resolve().parent.parent / "src/api/resources/openapi_document.cpp"
out.write_text("// Generated by scripts/gen_openapi.py: the OpenAPI 3 document of /api/v1. Edit the\n"
               "// script, not this file.\n// clang-format off\n"
               "#include \"api/resources/ops_resources.hpp\"\n\nnamespace decnet::api {\n\n"
               "const std::string& openapi_document() {\n    static const std::string kDocument = R\"json(" + text + ")json\";\n"
               "    return kDocument;\n}\n\n}  // namespace decnet::api\n// clang-format on\n")
ops = sum(len(v) for v in paths.values())
print("paths", len(paths), "operations", ops)
