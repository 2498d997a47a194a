// Browser test of the workbench foundation: login, org tree, grid map, grid
// panel, language switch, session restore, logout — with no console errors
// (which includes CSP violations).
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/foundation.test.mjs
//
// Env: CITYGRID_URL (required), CITYGRID_USER / CITYGRID_PASSWORD
// (default admin / citygrid-demo), CITYGRID_DISTRICT (default 150203),
// CITYGRID_EXPECT_GRIDS (default 1391), CHROMIUM (default /usr/bin/chromium).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const BASE = (process.env.CITYGRID_URL || '').replace(/\/+$/, '')
const USER = process.env.CITYGRID_USER || 'admin'
const PASSWORD = process.env.CITYGRID_PASSWORD || 'citygrid-demo'
const DISTRICT = process.env.CITYGRID_DISTRICT || '150203'
const EXPECT_GRIDS = Number(process.env.CITYGRID_EXPECT_GRIDS || 1391)
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = path.join(REPO, 'test-results')

if (!BASE) {
  console.error('CITYGRID_URL is not set (e.g. http://127.0.0.1:18080)')
  process.exit(2)
}

describe('workbench foundation', { timeout: 180_000 }, () => {
  let browser, context, page
  const problems = [] // console errors, page errors, CSP violations

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    // Record CSP violations explicitly (they also show up as console errors).
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)
      })
    })
    page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      const text = m.text()
      const where = m.location()?.url || ''
      // Expected: the 401 of GET /me before login and of the wrong-password attempt.
      if (/Failed to load resource: the server responded with a status of 401/.test(text) && /\/api\/v1\/(me|session)$/.test(where)) return
      problems.push(`console: ${text} @ ${where}`)
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('redirects to the login page', async () => {
    await page.goto(BASE + '/')
    await page.waitForURL(/\/login/)
    await page.getByTestId('login-form').waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    assert.match(await page.getByTestId('login-form').innerText(), /用户名[\s\S]*密码/)
  })

  it('shows the API error for a wrong password', async () => {
    await page.getByTestId('login-username').fill(USER)
    await page.getByTestId('login-password').fill(PASSWORD + '-wrong')
    const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST')
    await page.getByTestId('login-submit').click()
    const r = await resp
    assert.ok(r.status() === 401 || r.status() === 429, `expected 401/429, got ${r.status()}`)
    const body = await r.json()
    const err = page.getByTestId('login-error')
    await err.waitFor()
    const text = (await err.innerText()).trim()
    assert.ok(text.length > 0, 'error message is empty')
    assert.equal(text, body.error.message, 'the message shown is the API message')
    assert.match(page.url(), /\/login/)
  })

  it('logs in and shows user, role and scope', async () => {
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('org-tree').waitFor()
    assert.doesNotMatch(page.url(), /\/login/)
    const scope = (await page.getByTestId('header-scope').innerText()).trim()
    assert.match(scope, /管辖范围\s*\S+/)
    assert.match(await page.getByTestId('header-role').innerText(), /角色\s*\S+/)
    assert.ok((await page.getByTestId('header-user').innerText()).trim().length > 2)
  })

  it(`opens the district ${DISTRICT} in the tree and draws all its grids`, async () => {
    const row = page.locator(`.tree-row[data-code="${DISTRICT}"]`)
    await row.waitFor()
    assert.match(await row.innerText(), /昆都仑区/)
    await row.getByTestId('tree-label').click()
    await page.waitForURL(new RegExp(`/org/${DISTRICT}$`))
    await assert.doesNotReject(row.locator('xpath=..').getAttribute('aria-selected'))
    const map = page.locator(`[data-testid="map"][data-unit="${DISTRICT}"][data-state="ready"]`)
    await map.waitFor({ timeout: 60_000 })
    assert.equal(Number(await map.getAttribute('data-grid-count')), EXPECT_GRIDS)
    assert.equal(await map.getAttribute('data-mode'), 'grids')
    assert.equal((await page.getByTestId('unit-code').innerText()).trim(), DISTRICT)
    assert.match(await page.getByTestId('unit-kind').innerText(), /区/)
    assert.match(await page.getByTestId('unit-children').innerText(), /^\d+$/)
    assert.match(await page.getByTestId('breadcrumb').innerText(), /昆都仑区/)
  })

  let clicked
  it('clicking a grid on the map fills the panel', async () => {
    // Find a pixel near the map centre that really hits a drawn grid.
    const target = await page.evaluate(() => {
      const map = window.__citygridMap
      const layer = window.__citygrid.layer
      const fc = window.__citygrid.features()
      const c = map.getCenter()
      const bboxOf = (g) => {
        const b = [Infinity, Infinity, -Infinity, -Infinity]
        const walk = (a) => {
          if (typeof a[0] === 'number') {
            b[0] = Math.min(b[0], a[0]); b[1] = Math.min(b[1], a[1]); b[2] = Math.max(b[2], a[0]); b[3] = Math.max(b[3], a[1])
          } else a.forEach(walk)
        }
        walk(g.coordinates)
        return b
      }
      const cands = fc.features
        .map((f) => ({ f, b: bboxOf(f.geometry) }))
        .map((x) => ({ ...x, d: Math.hypot((x.b[0] + x.b[2]) / 2 - c.lng, (x.b[1] + x.b[3]) / 2 - c.lat) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 40)
      const canvas = map.getCanvas().getBoundingClientRect()
      for (const { f, b } of cands) {
        for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.4], [0.6, 0.6], [0.4, 0.6], [0.6, 0.4], [0.3, 0.5], [0.7, 0.5], [0.5, 0.3], [0.5, 0.7]]) {
          const p = map.project([b[0] + (b[2] - b[0]) * fx, b[1] + (b[3] - b[1]) * fy])
          if (p.x < 5 || p.y < 5 || p.x > canvas.width - 5 || p.y > canvas.height - 5) continue
          const hits = map.queryRenderedFeatures([p.x, p.y], { layers: [layer] })
          if (hits.length && hits[0].properties.code === f.properties.code) {
            return { x: canvas.left + p.x, y: canvas.top + p.y, code: f.properties.code }
          }
        }
      }
      return null
    })
    assert.ok(target, 'no clickable grid found on the map')
    await page.mouse.click(target.x, target.y)
    const code = page.getByTestId('grid-code')
    await code.waitFor()
    const text = (await code.innerText()).trim()
    assert.match(text, new RegExp(`^${DISTRICT}\\d{9}$`), 'a 15-digit grid code in the district')
    assert.equal(text, target.code, 'the panel shows the clicked grid')
    assert.ok((await page.getByTestId('grid-name').innerText()).trim().length > 0, 'grid name')
    assert.ok((await page.getByTestId('grid-community').innerText()).trim().length > 0, 'community')
    assert.ok((await page.getByTestId('grid-street').innerText()).trim().length > 0, 'street')
    assert.equal((await page.getByTestId('label-grid-code').innerText()).trim(), '网格编码')
    clicked = text
    await page.waitForTimeout(300) // let the highlight render
    await page.screenshot({ path: path.join(OUT, 'foundation-map.png') })
  })

  it('switches to English and keeps the choice', async () => {
    await page.getByTestId('lang-en').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    assert.equal((await page.getByTestId('label-grid-code').innerText()).trim(), 'Grid code')
    assert.equal((await page.getByTestId('label-grid-community').innerText()).trim(), 'Community')
    assert.equal((await page.getByTestId('logout').innerText()).trim(), 'Sign out')
    assert.equal((await page.getByTestId('grid-code').innerText()).trim(), clicked)
    await page.screenshot({ path: path.join(OUT, 'foundation-map-en.png') })
    // Reload: the session comes back from GET /me, the language from localStorage.
    await page.reload()
    await page.locator(`[data-testid="map"][data-unit="${DISTRICT}"][data-state="ready"]`).waitFor({ timeout: 60_000 })
    assert.equal((await page.getByTestId('logout').innerText()).trim(), 'Sign out')
    assert.match(await page.getByTestId('header-scope').innerText(), /Scope/)
  })

  it('logs out (DELETE with CSRF token) back to the login page', async () => {
    const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'DELETE')
    await page.getByTestId('logout').click()
    const r = await resp
    assert.equal(r.status(), 204)
    assert.ok(r.request().headers()['x-csrf-token'], 'X-CSRF-Token header sent')
    await page.waitForURL(/\/login/)
    await page.getByTestId('login-form').waitFor()
    await page.getByTestId('lang-zh').click()
  })

  it('had no console errors or CSP violations', () => {
    assert.deepEqual(problems, [])
  })
})
