-- wrk script: each request takes the next query of a mix (one per line in the file named by
-- PORTAL_BENCH_MIX_FILE) on the endpoint PORTAL_BENCH_PREFIX (/properties or /api/properties).
-- Each thread starts at its own place in the list, so no two send the same sequence.
local prefix = os.getenv("PORTAL_BENCH_PREFIX") or "/properties"
local queries = {}
for line in io.lines(os.getenv("PORTAL_BENCH_MIX_FILE")) do
  if #line > 0 then queries[#queries + 1] = line end
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("position", threads * 211)
end

position = 0
function request()
  position = position + 1
  return wrk.format(nil, prefix .. queries[(position % #queries) + 1])
end
