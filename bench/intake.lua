-- wrk script of the intake benchmark: POST the same JSON body with a unique mobile number per request,
-- count the answers by status and write the id of every 201 to a file per thread.
-- Arguments: path, body file, phone prefix ("1" and the round's 3-digit tag), pattern of the id in a 201's body,
-- output file stem.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  path, prefix, pattern = args[1], args[3], args[4]
  local f = assert(io.open(args[2], "r"))
  template = f:read("*a")
  f:close()
  out = assert(io.open(args[5] .. "." .. tid, "w"))
  out:setvbuf("line")
  counter, created, other = 0, 0, 0
  headers = {["Content-Type"] = "application/json", ["X-Forwarded-Proto"] = "https"}
end

function request()
  counter = counter + 1
  -- 1, the round's tag (3 digits), the thread (1), the counter (6): 11 digits, unique across rounds and runs.
  local phone = string.format("%s%d%06d", prefix, tid % 10, counter)
  local body = string.gsub(template, "PHONE", phone)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    local id = string.match(body, pattern)
    out:write((id or "?") .. "\n")
  else
    other = other + 1
    if other <= 3 then io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("RESULT requests=%d seconds=%.3f created=%d other=%d errors=%d p50=%d p99=%d\n",
    summary.requests, summary.duration / 1e6, c, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
