-- wrk: POST /api/v1/topics/{id}/votes as many verified residents (bench/run-votes.sh). args:
-- SESSIONS_FILE (lines "cookie csrf", one per voter), TOPICS_FILE (lines "topic_id option_id"),
-- THREADS (wrk's -t), and optionally RATE: the votes per second all connections together aim
-- at (each connection waits CONNECTIONS/RATE s between its requests; 0 or absent: no wait). Thread k takes the voters whose index is k modulo THREADS; its n-th
-- request is voter (n mod its voters) on topic (n div its voters): every request is a new, valid
-- vote until the topics run out (later ones answer 409 and count as non-2xx).
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local nthreads = tonumber(args[3])
  local rate, connections = tonumber(args[4] or "0"), tonumber(args[5] or "1")
  pause = rate > 0 and (connections * 1000 / rate) or 0
  sessions, topics, n = {}, {}, 0
  local i = 0
  for line in io.lines(args[1]) do
    local cookie, csrf = line:match("^(%S+) (%S+)$")
    if cookie and i % nthreads == tid then table.insert(sessions, { cookie, csrf }) end
    i = i + 1
  end
  for line in io.lines(args[2]) do
    local topic, option = line:match("^(%d+) (%d+)$")
    if topic then table.insert(topics, { topic, option }) end
  end
end
function request()
  local s = sessions[(n % #sessions) + 1]
  local t = topics[math.min(math.floor(n / #sessions) + 1, #topics)]
  n = n + 1
  return wrk.format("POST", "/api/v1/topics/" .. t[1] .. "/votes",
    { ["Content-Type"] = "application/json", ["Cookie"] = s[1], ["X-CSRF-Token"] = s[2] },
    '{"option_id":' .. t[2] .. '}')
end
function delay()
  return pause
end
