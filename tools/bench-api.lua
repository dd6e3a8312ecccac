-- wrk script for tools/bench-api. BENCH_MODE picks the request:
--   mutate: POST /routes/add, a distinct route name and prefix on every request
--   list:   GET /services?limit=100
--   show:   GET /services/{name}, a random one of BENCH_SERVICES
-- done() writes a JSON line to BENCH_RESULT: requests, non-2xx, socket errors, latency in us.
local mode = os.getenv("BENCH_MODE") or "mutate"
local services = tonumber(os.getenv("BENCH_SERVICES") or "10000")
local result_path = os.getenv("BENCH_RESULT") or "/dev/stdout"
local run_id = os.getenv("BENCH_RUN") or "0"

local threads = {}
local counter = 0
-- thread_id is a global that setup() gives each thread's own Lua state (a local would shadow it).
thread_id = 0

function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(os.time() + thread_id * 7919)
end

local mutate_headers = {["Content-Type"] = "application/json", ["X-Actor"] = "bench"}

function request()
    counter = counter + 1
    if mode == "mutate" then
        local name = string.format("b%s-t%d-%d", run_id, thread_id, counter)
        local body = string.format(
            '{"name":"%s","listener":"http","match":{"prefix":"/%s/"},"service":"svc-00000","timeout":"30s"}',
            name, name)
        return wrk.format("POST", "/routes/add", mutate_headers, body)
    elseif mode == "list" then
        return wrk.format("GET", "/services?limit=100")
    else
        return wrk.format("GET", string.format("/services/svc-%05d", math.random(0, services - 1)))
    end
end

function done(summary, latency, requests)
    local errors = summary.errors
    local file = assert(io.open(result_path, "w"))
    file:write(string.format(
        '{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,' ..
        '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
        summary.requests, summary.duration, errors.status,
        errors.connect + errors.read + errors.write + errors.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
    file:close()
end
