-- wrk script for bench/soak.ts: requests come from the file named by SOAK_REQUESTS, one per
-- line as TOKEN<TAB>ETAG<TAB>PATH ("-" for no token, no ETag). Each thread starts at its own
-- place in the list, and answers are counted by status class across threads.

local threads = {}
local offset = 0

function setup(thread)
  thread:set("offset", offset)
  offset = offset + 7919
  table.insert(threads, thread)
end

local requests = {}

function init(args)
  local file = assert(io.open(os.getenv("SOAK_REQUESTS"), "r"))
  for line in file:lines() do
    local token, etag, path = line:match("^(%S+)\t(%S+)\t(.+)$")
    local headers = { ["Accept"] = "application/json" }
    if token ~= "-" then headers["Authorization"] = "token " .. token end
    if etag ~= "-" then headers["If-None-Match"] = etag end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  file:close()
  index = offset % #requests
  s2, s3, s4, s5 = 0, 0, 0, 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local c2, c3, c4, c5 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c2 = c2 + thread:get("s2")
    c3 = c3 + thread:get("s3")
    c4 = c4 + thread:get("s4")
    c5 = c5 + thread:get("s5")
  end
  io.write(string.format("STATUS 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n", c2, c3, c4, c5))
end
