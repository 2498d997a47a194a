-- wrk: POST /api/v1/public/cases with a point spread over central Kundulun, so the cases land in
-- many grids. Each request is a new case (no Idempotency-Key).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local lon = LON0 + math.random() * DLON
  local lat = LAT0 + math.random() * DLAT
  return wrk.format(nil, nil, nil, string.format(
    '{"category":"garbage","description":"基准测试 %d: 垃圾桶满了","lon":%.6f,"lat":%.6f,"contact_phone":"13900001111"}',
    n, lon, lat))
end
init = function(args)
  LON0 = tonumber(args[1] or "109.80"); DLON = tonumber(args[2] or "0.04")
  LAT0 = tonumber(args[3] or "40.63"); DLAT = tonumber(args[4] or "0.04")
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
