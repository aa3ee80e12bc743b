-- wrk script for the sign-up POST: every request a new e-mail address (run nonce, thread number, counter).
-- bench/run.py fetched the form first and passes what a browser would send back:
--   BENCH_PATH    /bijeenkomsten/<slug>/aanmelden
--   BENCH_COOKIE  the session cookie ("session=...") the CSRF token belongs to
--   BENCH_FORM    url-encoded fields except the e-mail address (csrf_token, name, role, round_<id>, ...)
--   BENCH_NONCE   makes the addresses of this run differ from those of earlier runs
-- Prints the same "BENCH_JSON {...}" line as report.lua, with the number of 2xx/3xx, 4xx and 5xx responses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  path = os.getenv("BENCH_PATH")
  nonce = os.getenv("BENCH_NONCE") or tostring(os.time())
  form = os.getenv("BENCH_FORM")
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
  }
  sent = 0
  ok, s4xx, s5xx = 0, 0, 0
end

function request()
  sent = sent + 1
  local email = "rush-" .. nonce .. "-" .. thread_no .. "-" .. sent .. "%40bench.example.nl"
  return wrk.format("POST", path, headers, form .. "&email=" .. email)
end

function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  elseif status >= 400 then
    s4xx = s4xx + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_4xx, total_5xx = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_4xx = total_4xx + thread:get("s4xx")
    total_5xx = total_5xx + thread:get("s5xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"responses": {"2xx_3xx": %d, "4xx": %d, "5xx": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, total_ok, total_4xx, total_5xx))
end
