-- wrk script: every connection posts pre-signed, never-repeated Stripe events. Threads take
-- disjoint lines of the events file. With PACE_MS set, each request first waits a random time
-- with that mean (exponentially distributed, as between independent partners' events), so the
-- connections do not fall into step and arrive as one burst (rate-limited load for the latency run).
local events = {}
local next_event = 1
local pace = tonumber(os.getenv("PACE_MS") or "0")
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

if pace > 0 then
  function delay()
    return -math.log(1 - math.random()) * pace
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
