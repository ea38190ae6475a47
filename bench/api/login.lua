-- wrk script: POST /api/v1/auth/login with the bench credentials, nothing else — the
-- bcrypt-bound path. Usage: USER=admin PASSWORD=... wrk -t1 -c4 -d30s -s login.lua URL
non2xx = 0
local threads = {}

function setup(thread) threads[#threads + 1] = thread end

local req

-- The request is built here and returned by request(): wrk formats its static request
-- before a script's init runs, so setting wrk.method/body in init alone would send
-- "GET /" (every "login" a 404).
function init(args)
  non2xx = 0
  local body = string.format('{"username":"%s","password":"%s"}',
                              os.getenv("USER_NAME") or "admin", os.getenv("PASSWORD") or "admin")
  req = wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"}, body)
end

function request() return req end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local secs = summary.duration / 1e6
  io.write("rps ", string.format("%.1f", summary.requests / secs), "\n")
  io.write("requests ", summary.requests, "\n")
  io.write("non2xx ", bad, "\n")
  io.write("timeouts ", summary.errors.timeout, "\n")
  io.write("latency_p50_ms ", string.format("%.2f", latency:percentile(50) / 1000), "\n")
  io.write("latency_p99_ms ", string.format("%.2f", latency:percentile(99) / 1000), "\n")
  io.write("latency_max_ms ", string.format("%.2f", latency.max / 1000), "\n")
end
