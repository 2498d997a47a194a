// Browser test of complaint sessions (居民吐槽大会, issue 12, item 5): 长胜街社区's staff member
// records a session held today on the workbench and a resident's complaint in person, which opens
// a complaint case shown open in the rectification list (整改清单); the community's staff take
// the case through the engine over the API (accept, then rectify with a reply); the public page
// on a phone shows the complaint 已整改 with the reply, the session 整改完成, the script in the
// complaint as text and never who complained. A resident submits online to the seeded session
// of 金华社区 whose window is open.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/complaints.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin, workbench } from './helpers.mjs'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
const CHANGSHENG = '150202002016'
const JINHUA = '150203010008'

describe('complaint sessions: a complaint becomes a case and its rectification is public', { timeout: 180_000 }, () => {
  let browser, sessionId, title, publicId
  const text = `楼道堆放杂物，存在消防隐患 ${Date.now() % 100000} <script>alert(1)</script>`
  const problems = []
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      // Expected: 401 of /me before signing in.
      if (/status of 401/.test(m.text())) return
      problems.push(`console: ${m.text()}`)
    })
  }

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS })
  })
  after(async () => {
    await browser?.close()
  })

  it('staff record a session and a complaint in person; its case shows open in the 整改清单', async () => {
    const { context, page } = await workbench(browser, 'changsheng', watch)
    await page.getByTestId('nav-complaints').click()
    await page.waitForURL(/\/complaint-sessions$/)
    title = `长胜街社区居民吐槽大会 ${Date.now() % 100000}`
    await page.getByTestId('session-area').selectOption(CHANGSHENG)
    await page.getByTestId('session-title').fill(title)
    await page.getByTestId('session-place').fill('社区党群服务中心')
    // Held an hour ago (recorded afterwards), no online window.
    const held = await page.evaluate(() => {
      const d = new Date(Date.now() - 3_600_000)
      const p = (n) => String(n).padStart(2, '0')
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
    })
    await page.getByTestId('session-held').fill(held)
    await page.getByTestId('session-opens').fill('')
    await page.getByTestId('session-create').click()
    await page.getByTestId('complaints-message').filter({ hasText: title }).waitFor()
    const detail = page.getByTestId('session-detail')
    await detail.waitFor()
    assert.match(await page.getByTestId('session-status').innerText(), /已召开/)

    await page.getByTestId('complaint-text').fill(text)
    await page.getByTestId('complaint-category').selectOption('safety')
    await page.getByTestId('complaint-resident').fill('张大爷')
    await page.getByTestId('complaint-submit').click()
    await page.getByTestId('complaints-message').filter({ hasText: '已登记' }).waitFor()
    const rows = page.getByTestId('rect-row')
    assert.equal(await rows.count(), 1)
    assert.match(await rows.first().innerText(), /<script>alert\(1\)<\/script>/)
    assert.match(await page.getByTestId('rect-state').first().innerText(), /已登记/)
    assert.match(await page.getByTestId('session-status').innerText(), /整改中/)
    assert.match(await page.getByTestId('session-counts').innerText(), /共 1 条 · 未整改 1 · 逾期 0 · 已整改 0/)
    publicId = (await page.getByTestId('rect-case').first().innerText()).trim()
    assert.match(publicId, /^[A-Za-z0-9_-]{12}$/)
    await page.screenshot({ path: path.join(OUT, 'complaints-staff.png'), fullPage: true })

    // The case is on the engine: its staff page opens from the list.
    await page.getByTestId('rect-case').first().click()
    await page.waitForURL(/\/cases\/[^/]+$/)
    await page.getByText('吐槽大会诉求').first().waitFor()

    const staff = await apiLogin('changsheng')
    const list = await staff('GET', `/complaint-sessions?unit=${CHANGSHENG}&limit=50`)
    assert.equal(list.status, 200)
    sessionId = list.body.items.find((s) => s.title === title)?.id
    assert.ok(sessionId, 'the session is listed')
    await context.close()
  })

  it('the handling staff rectify the case; the public page shows 已整改 and 整改完成 on a phone', async () => {
    const staff = await apiLogin('changsheng')
    const view = await staff('GET', `/complaint-sessions/${sessionId}`)
    assert.equal(view.status, 200)
    const kase = view.body.complaints[0].case
    assert.equal(kase.public_id, publicId)
    assert.equal(kase.handling_unit_code, CHANGSHENG)
    assert.equal(kase.closed, false)
    assert.ok(kase.due_at > Date.now(), 'a deadline ahead (5 working days for safety)')
    const step = async (transition, input) => {
      const current = await staff('GET', `/cases/${kase.id}`)
      assert.equal(current.status, 200)
      assert.equal(current.body.type, 'complaint')
      const r = await staff('POST', `/cases/${kase.id}/transitions/${transition}`, { input, version: current.body.version })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    }
    await step('accept', {})

    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    // From the public list of 长胜街社区's sessions to this one.
    await page.goto(`${BASE}/p/complaint-sessions?unit=${CHANGSHENG}`)
    await page.getByTestId('public-complaint-session').filter({ hasText: title }).getByRole('link').click()
    await page.waitForURL(new RegExp(`/p/complaint-sessions/${sessionId}$`))
    assert.match(await page.getByTestId('public-session-status').innerText(), /整改中/)
    assert.match(await page.getByTestId('public-rect-state').first().innerText(), /整改中/)

    const reply = '已清理楼道杂物，并张贴消防通道禁止堆物提示，物业每周巡查。'
    await step('rectify', { reply })
    await page.reload()
    await page.getByTestId('public-session-status').filter({ hasText: '整改完成' }).waitFor()
    const item = page.getByTestId('public-rect-item').first()
    assert.match(await page.getByTestId('public-rect-state').first().innerText(), /已整改/)
    assert.match(await item.innerText(), new RegExp(reply))
    // The script is text; who complained is not on the page.
    assert.match(await item.locator('.pre').innerText(), /<script>alert\(1\)<\/script>/)
    assert.doesNotMatch(await page.locator('body').innerText(), /张大爷/)
    assert.match(await page.getByTestId('public-session-counts').innerText(), /共 1 条 · 未整改 0 · 逾期 0 · 已整改 1/)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`)
    await page.screenshot({ path: path.join(OUT, 'complaints-public.png'), fullPage: true })
    const pub = await fetch(`${BASE}/api/v1/public/complaint-sessions/${sessionId}`).then((r) => r.text())
    assert.ok(!pub.includes('张大爷') && !pub.includes('user_id') && !pub.includes('resident_name'), pub)
    await context.close()
  })

  it('a signed-in resident submits online while the seeded session of 金华社区 collects', async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    await page.goto(`${BASE}/p/complaint-sessions?unit=${JINHUA}`)
    await page.getByTestId('public-complaint-session').filter({ hasText: '线上征集中' }).first().getByRole('link').click()
    await page.waitForURL(/\/p\/complaint-sessions\/\d+$/)
    await page.getByTestId('complaint-username').fill('resident_demo')
    await page.getByTestId('complaint-password').fill(PASSWORD)
    await page.getByTestId('complaint-login').click()
    const online = `小区南门路灯不亮，晚上出行不便 ${Date.now() % 100000}`
    await page.getByTestId('public-complaint-text').fill(online)
    await page.getByTestId('public-complaint-category').selectOption('services')
    await page.getByTestId('public-complaint-submit').click()
    await page.getByTestId('public-complaint-message').waitFor()
    await page.getByTestId('public-rect-item').filter({ hasText: online }).waitFor()
    assert.match(await page.getByTestId('public-rect-item').filter({ hasText: online }).innerText(), /线上|已登记/)
    await page.screenshot({ path: path.join(OUT, 'complaints-online.png'), fullPage: true })
    await context.close()
  })

  it('shows no console errors or page errors', () => {
    assert.deepEqual(problems, [])
  })
})
