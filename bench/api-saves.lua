-- wrk script: POST /api/saves {"url": ...} with a distinct URL per request and the bearer token.
-- env: PAGEKEEP_TOKEN, SAVE_BASE (URL prefix of the saved pages).
local counter = 0
local threads = {}
local token = os.getenv("PAGEKEEP_TOKEN")
local base = os.getenv("SAVE_BASE") or "http://127.0.0.1:9/"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  statuses = {}
end

function request()
  counter = counter + 1
  local body = '{"url":"' .. base .. tid .. "-" .. counter .. '","source":"api"}'
  return wrk.format("POST", "/api/saves", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local s = ""
  for _, t in ipairs(threads) do
    local st = t:get("statuses")
    for k, v in pairs(st) do s = s .. k .. "=" .. v .. " " end
  end
  io.write(string.format("| statuses | %s|\n", s))
  io.write(string.format("| acknowledgements/s | %.0f |\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("| latency p50 / p90 / p99 / max | %.1f / %.1f / %.1f / %.1f ms |\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("| socket errors (connect/read/write/timeout) | %d/%d/%d/%d |\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
