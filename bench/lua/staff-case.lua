-- wrk: POST /api/v1/cases as a logged-in grid worker (cookie and X-CSRF-Token passed with -H),
-- at points around the centre of 金华社区第1网格. Used by bench/run-tasks.sh to fill a queue.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local lon = 109.80685 + (math.random() - 0.5) * 0.002
  local lat = 40.77127 + (math.random() - 0.5) * 0.002
  return wrk.format(nil, nil, nil, string.format(
    '{"type":"snap_report","category":"garbage","description":"网格巡查: 垃圾堆放","lon":%.6f,"lat":%.6f}', lon, lat))
end
