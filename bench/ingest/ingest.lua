-- wrk script: every connection posts pre-signed, never-repeated Stripe events. Threads take
-- disjoint lines of the events file. With RATE set (requests/s over all threads), each thread
-- sends on its own schedule of random gaps (exponentially distributed, as between independent
-- partners' events) and a request waits for its slot, not for the previous answer: the offered
-- rate does not fall when latency rises, as it would if each connection waited a fixed time
-- after its answer. A connection free when its slot has passed sends at once (the thread catches up).
-- Needs LuaJIT's ffi (wrk's) for a wall clock.
local events = {}
local next_event = 1
local rate = tonumber(os.getenv("RATE") or "0")
local path = os.getenv("INGEST_PATH")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local total = tonumber(os.getenv("WRK_THREADS") or "2")
  local n = 0
  for line in io.lines(os.getenv("EVENTS_FILE")) do
    n = n + 1
    if n % total == (id - 1) then
      local tab = line:find("\t", 1, true)
      table.insert(events, { line:sub(1, tab - 1), line:sub(tab + 1) })
    end
  end
  exhausted = 0
  math.randomseed(os.time() * 100 + id)
end

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    struct bench_timespec { long tv_sec; long tv_nsec; };
    int clock_gettime(int clock, struct bench_timespec *now);
  ]]
  local now = ffi.new("struct bench_timespec")
  local function millis()
    ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  -- mean gap between this thread's requests
  local gap = 1000 * tonumber(os.getenv("WRK_THREADS") or "2") / rate
  local slot = nil

  -- called before each request: claims the thread's next slot and waits until it comes
  function delay()
    local t = millis()
    slot = (slot or t) - math.log(1 - math.random()) * gap
    return math.max(0, slot - t)
  end
end

function request()
  local event = events[next_event]
  if event == nil then
    next_event = 1
    exhausted = exhausted + 1
    event = events[next_event]
  end
  next_event = next_event + 1
  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1] }, event[2])
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    if thread:get("exhausted") > 0 then
      io.write("WARNING: events file exhausted, some requests repeated events\n")
    end
  end
end
