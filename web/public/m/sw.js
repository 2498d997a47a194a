// Field app service worker (docs/field-app.md): keeps the app shell (/m/) and its hashed assets,
// so the app opens without a network. API responses are never cached here: the app keeps its
// own cache of the grid and its queue of changes (src/field/sync.ts).
const CACHE = 'citygrid-field-shell'

async function precache() {
  const cache = await caches.open(CACHE)
  const res = await fetch('/m/', { cache: 'no-store' })
  if (!res.ok) return
  const html = await res.clone().text()
  await cache.put('/m/', res)
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
  await cache.addAll(assets)
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim())
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return
  if (req.mode === 'navigate' && (url.pathname === '/m' || url.pathname.startsWith('/m/'))) {
    // Network first (a new release is picked up at once), the cached shell when offline.
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone()
            void caches.open(CACHE).then((c) => c.put('/m/', copy))
          }
          return res
        })
        .catch(() => caches.match('/m/').then((hit) => hit || Response.error())),
    )
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed names never change: cache first.
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone()
              void caches.open(CACHE).then((c) => c.put(req, copy))
            }
            return res
          }),
      ),
    )
  }
})
