// What the browser tests share: the server under test, the demo password, where screenshots go,
// synthetic resident ID numbers, and a logged-in API client for setting up and checking from
// outside the browser. Not a test file itself (node --test picks *.test.mjs).
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BASE = (process.env.CITYGRID_URL || '').replace(/\/+$/, '')
export const PASSWORD = process.env.CITYGRID_PASSWORD || 'citygrid-demo'
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const OUT = path.join(REPO, 'test-results')

if (!BASE) {
  console.error('CITYGRID_URL is not set (e.g. http://127.0.0.1:18080)')
  process.exit(2)
}

// A valid resident ID number of 昆都仑区 (GB 11643 check digit) born on 1 January of `year`,
// its sequence number drawn from [tailFrom, tailFrom + tailSpan) so that callers can stay clear
// of the numbers the demo population uses.
export function residentId(year, tailFrom = 100, tailSpan = 800) {
  const seq = String(tailFrom + Math.floor(Math.random() * tailSpan)).padStart(3, '0')
  const body = `150203${year}0101${seq}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((acc, c, i) => acc + Number(c) * w[i], 0)
  return body + '10X98765432'[sum % 11]
}

// Logs `username` in over the API; returns `(method, path under /api/v1, body?) → {status, body}`
// carrying the session cookie and CSRF token.
export async function apiLogin(username) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(res.status, 200, `login ${username}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token } = await res.json()
  return async (method, p, body) => {
    const r = await fetch(`${BASE}/api/v1${p}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf_token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : null }
  }
}

// A real JPEG drawn in the page's canvas, as a Buffer: a background and shapes, each
// { fill, rect: [x, y, w, h] } or { fill, ellipse: [cx, cy, rx, ry] }.
export async function canvasJpeg(page, width, height, background, shapes = []) {
  const b64 = await page.evaluate(async ([w, h, bg, list]) => {
    const c = document.createElement('canvas')
    c.width = w
    c.height = h
    const g = c.getContext('2d')
    g.fillStyle = bg
    g.fillRect(0, 0, w, h)
    for (const s of list) {
      g.fillStyle = s.fill
      if (s.rect) g.fillRect(...s.rect)
      if (s.ellipse) {
        g.beginPath()
        g.ellipse(...s.ellipse, 0, 0, Math.PI * 2)
        g.fill()
      }
    }
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.85))
    let s = ''
    for (const b of new Uint8Array(await blob.arrayBuffer())) s += String.fromCharCode(b)
    return btoa(s)
  }, [width, height, background, shapes])
  return Buffer.from(b64, 'base64')
}

// A desktop browser context signed in to the workbench as `username` (its page at /), with
// `watch(page)` attached first when given. Returns { context, page }.
export async function workbench(browser, username, watch) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  watch?.(page)
  await page.goto(`${BASE}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.waitForURL(`${BASE}/`)
  return { context, page }
}
