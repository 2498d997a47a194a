-- wrk: POST /api/v1/cases as a logged-in grid worker (cookie and X-CSRF-Token passed with -H),
-- in the worker's grid. Used by bench/run-tasks.sh to fill a community's queue.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"snap_report","category":"garbage","description":"网格巡查: 垃圾堆放"}'
