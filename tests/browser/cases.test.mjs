// Browser tests of the case pages against a freshly seeded demo city:
//  (a) the 随手拍 loop: a resident reports road damage in 金华社区第1网格 with a photo on the
//      public site → it lands in 昆都仑区's queue → file → dispatch to 金华社区 → sign → feedback
//      → the grid worker verifies → close → the resident rates it on the track page;
//  (b) 有问必答: a resident asks 五当召镇镇长, the mayor's account answers, the answer is public
//      with its answer time and the mayor's answer rate;
//  (c) XSS: a stored <img onerror>/<script> description is shown as text on the public track
//      page and in the workbench, and never runs.
// No console errors (which includes CSP violations) are allowed on any page.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/cases.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { canvasJpeg } from './helpers.mjs'

const BASE = (process.env.CITYGRID_URL || '').replace(/\/+$/, '')
const PASSWORD = process.env.CITYGRID_PASSWORD || 'citygrid-demo'
const GRID = '150203010008001' // 金华社区第1网格
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = path.join(REPO, 'test-results')
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'

if (!BASE) {
  console.error('CITYGRID_URL is not set (e.g. http://127.0.0.1:18080)')
  process.exit(2)
}

// A point inside the grid, from the API (its label point), as a logged-in grid worker.
async function gridPoint() {
  const login = await fetch(BASE + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'jinhua_g1', password: PASSWORD }),
  })
  assert.equal(login.status, 200)
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const unit = await (await fetch(`${BASE}/api/v1/org-units/${GRID}`, { headers: { Cookie: cookie } })).json()
  assert.equal(unit.kind, 'grid')
  return { lon: unit.center[0], lat: unit.center[1] }
}

// `jpeg` with an EXIF APP1 segment holding a GPS position (IFD0 -> GPS IFD, little endian),
// as a phone camera writes it.
function withExifGps(jpeg, { lon, lat }) {
  const tiff = Buffer.alloc(128)
  tiff.write('II', 0, 'latin1')
  tiff.writeUInt16LE(42, 2)
  tiff.writeUInt32LE(8, 4) // IFD0
  tiff.writeUInt16LE(1, 8)
  tiff.writeUInt16LE(0x8825, 10) // GPSInfo IFD pointer
  tiff.writeUInt16LE(4, 12)
  tiff.writeUInt32LE(1, 14)
  tiff.writeUInt32LE(26, 18)
  tiff.writeUInt32LE(0, 22)
  tiff.writeUInt16LE(4, 26) // GPS IFD: 4 entries
  const entry = (i, tag, type, count, value) => {
    const o = 28 + i * 12
    tiff.writeUInt16LE(tag, o)
    tiff.writeUInt16LE(type, o + 2)
    tiff.writeUInt32LE(count, o + 4)
    if (typeof value === 'string') tiff.write(value, o + 8, 'latin1')
    else tiff.writeUInt32LE(value, o + 8)
  }
  entry(0, 1, 2, 2, 'N\0')
  entry(1, 2, 5, 3, 80)
  entry(2, 3, 2, 2, 'E\0')
  entry(3, 4, 5, 3, 104)
  tiff.writeUInt32LE(0, 76)
  const dms = (v, at) => {
    const d = Math.floor(v)
    const m = Math.floor((v - d) * 60)
    const s = Math.round(((v - d) * 60 - m) * 60 * 10000)
    ;[[d, 1], [m, 1], [s, 10000]].forEach(([n, den], i) => {
      tiff.writeUInt32LE(n, at + i * 8)
      tiff.writeUInt32LE(den, at + i * 8 + 4)
    })
  }
  dms(lat, 80)
  dms(lon, 104)
  const header = Buffer.from([0xff, 0xe1, 0, 0])
  header.writeUInt16BE(2 + 6 + tiff.length, 2)
  return Buffer.concat([jpeg.subarray(0, 2), header, Buffer.from('Exif\0\0', 'latin1'), tiff, jpeg.subarray(2)])
}

// A real small JPEG (a grey road with a dark pothole) drawn in the page's canvas.
const drawnJpeg = (page) => canvasJpeg(page, 320, 240, '#8a8f96', [{ fill: '#3b3f45', ellipse: [160, 130, 70, 40] }])

describe('cases: public site and workbench', { timeout: 240_000 }, () => {
  let browser
  const problems = [] // console errors, page errors, CSP violations, dialogs
  const contexts = []

  async function newPage(name, options = {}) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', ...options })
    contexts.push(context)
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)
      })
    })
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`))
    page.on('dialog', (d) => {
      problems.push(`${name} dialog: ${d.message()}`)
      void d.dismiss()
    })
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      const where = m.location()?.url || ''
      // Expected: the 401 of GET /me before signing in.
      if (/status of 401/.test(m.text()) && /\/api\/v1\/me$/.test(where)) return
      problems.push(`${name} console: ${m.text()} @ ${where}`)
    })
    return page
  }

  async function signIn(page, username, next) {
    await page.goto(`${BASE}/login?next=${encodeURIComponent(next)}`)
    await page.getByTestId('login-username').fill(username)
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.waitForURL((u) => u.pathname + u.search === next)
  }

  // Takes the transition `name` on the open case page, filling `inputs` (testid suffix -> value).
  async function act(page, name, inputs = {}, expectState) {
    await page.getByTestId(`action-${name}`).click()
    const form = page.getByTestId('action-form')
    await form.waitFor()
    for (const [code, value] of Object.entries(inputs)) {
      const el = page.getByTestId(`input-${code}`)
      if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value)
      else await el.fill(value)
    }
    await page.getByTestId('action-submit').click()
    await page.locator(`[data-testid=case-state][data-state="${expectState}"]`).waitFor()
  }

  // The queue is filtered by type: other cases (welfare checks due in hours) sort before it.
  async function openCaseFromQueue(page, publicId, type = 'snap_report') {
    await page.goto(`${BASE}/cases?type=${type}`)
    const row = page.locator(`[data-testid=queue-row][data-public-id="${publicId}"]`)
    await row.waitFor()
    const id = await row.getAttribute('data-case-id')
    await row.click()
    await page.waitForURL(`**/cases/${id}`)
    await page.getByTestId('case-state').waitFor()
    return id
  }

  // The first photo of the strip `testid`, once its thumbnail has loaded: link and image URLs.
  async function shownPhoto(page, testid) {
    const img = page.getByTestId(testid).locator('img').first()
    await img.waitFor()
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
    return img.evaluate((el) => ({ src: el.getAttribute('src'), href: el.closest('a').getAttribute('href') }))
  }

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
  })

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
  })

  it('a pothole reported with a photo goes to the right queue and is closed and rated', async () => {
    const point = await gridPoint()
    const resident = await newPage('resident', { viewport: { width: 390, height: 844 } })

    // The public home, zh-CN, without any login request.
    await resident.goto(BASE + '/p/')
    await resident.getByTestId('public-home').waitFor()
    assert.equal(await resident.locator('html').getAttribute('lang'), 'zh-CN')
    await resident.getByTestId('tile-report').click()
    await resident.waitForURL('**/p/report')

    await resident.locator('[data-testid=report-category] option[value="snap_report.road_damage"]').waitFor({ state: 'attached' })
    await resident.getByTestId('report-category').selectOption('snap_report.road_damage')
    await resident.getByTestId('report-description').fill('人行道上有一个大坑，雨天积水，老人容易摔倒')

    // Pick the point on the map: zoom there as a user would, then click it.
    const picker = resident.getByTestId('point-picker')
    await resident.locator('[data-testid=point-picker][data-state=ready]').waitFor()
    await picker.scrollIntoViewIfNeeded()
    const px = await resident.evaluate(async ([lon, lat]) => {
      const m = window.__citygridPicker
      m.jumpTo({ center: [lon, lat], zoom: 16 })
      await new Promise((r) => {
        m.once('idle', r)
        m.triggerRepaint()
        setTimeout(r, 3000)
      })
      const p = m.project([lon, lat])
      return { x: p.x, y: p.y }
    }, [point.lon, point.lat])
    const box = await picker.boundingBox()
    await resident.mouse.click(box.x + px.x, box.y + px.y)
    await assert.doesNotReject(resident.getByTestId('report-area').filter({ hasText: '金华社区' }).waitFor())
    assert.match(await resident.getByTestId('report-area').innerText(), /昆都仑区 \/ 市府东路街道 \/ 金华社区/)

    // A real small JPEG drawn in the page, with the grid point in its EXIF GPS: the form reads it
    // and offers "use the photo's location"; it goes up with the report (multipart/form-data).
    let photo
    {
      const jpeg = await drawnJpeg(resident)
      photo = withExifGps(jpeg, point)
      await resident.getByTestId('report-photos').setInputFiles({ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: photo })
      await resident.getByTestId('report-photo-thumb').waitFor()
      await resident.getByTestId('report-photo-location').click()
      const [lon, lat] = (await resident.getByTestId('report-point').innerText()).split(/[,·\s]+/).map(Number)
      assert.ok(Math.abs(lon - point.lon) < 2e-5 && Math.abs(lat - point.lat) < 2e-5, `photo location ${lon},${lat} vs ${point.lon},${point.lat}`)
    }

    await resident.getByTestId('report-phone').fill('13800001234')
    await resident.screenshot({ path: path.join(OUT, 'cases-report.png'), fullPage: true })
    await resident.getByTestId('report-submit').click()
    await resident.waitForURL(/\/p\/cases\/[A-Za-z0-9_-]+\?new=1$/)
    const publicId = (await resident.getByTestId('report-public-id').innerText()).trim()
    assert.match(publicId, /^[A-Za-z0-9_-]{12}$/)
    assert.ok((await resident.getByTestId('report-token').innerText()).trim().length >= 20)
    const saved = await resident.evaluate(() => JSON.parse(localStorage.getItem('citygrid.reports')))
    assert.equal(saved[0].public_id, publicId)
    assert.equal((await resident.getByTestId('track-state').innerText()).trim(), '已上报')
    // The status page shows the public thumbnail, linking to the public copy: both without EXIF.
    const publicPhoto = await shownPhoto(resident, 'track-photos')
    assert.match(publicPhoto.href, /^\/api\/v1\/public\/photos\/[A-Za-z0-9_-]{16}$/)
    assert.equal(publicPhoto.src, publicPhoto.href + '/thumb')
    for (const url of [publicPhoto.href, publicPhoto.src]) {
      const r = await resident.request.get(BASE + url)
      assert.equal(r.status(), 200, url)
      assert.equal(r.headers()['content-type'], 'image/jpeg', url)
      assert.equal((await r.body()).indexOf('Exif'), -1, `${url} carries EXIF`)
    }
    await resident.screenshot({ path: path.join(OUT, 'cases-submitted.png'), fullPage: true })
    // The public page shows no phone number.
    assert.doesNotMatch(await resident.locator('body').innerText(), /13800001234/)

    // 昆都仑区 (road damage is a district matter in Kundulun) files it and dispatches it to 金华社区.
    const district = await newPage('kundulun')
    // In the queue: the photo's thumbnail, the grid and the handling unit by name. The queue is
    // filtered to 随手拍: the district's other cases (welfare checks due in hours) come first.
    await signIn(district, 'kundulun', '/cases?type=snap_report')
    {
      const row = district.locator(`[data-testid=queue-row][data-public-id="${publicId}"]`)
      await row.getByTestId('queue-grid').filter({ hasText: '金华社区第1网格' }).waitFor()
      assert.equal((await row.getByTestId('queue-unit').innerText()).trim(), '昆都仑区')
      assert.equal(await row.getByTestId('queue-photo').getAttribute('src'), publicPhoto.src)
      await district.screenshot({ path: path.join(OUT, 'cases-queue.png'), fullPage: true })
    }
    await openCaseFromQueue(district, publicId)
    assert.match(await district.getByTestId('case-grid').innerText(), new RegExp(GRID))
    assert.match(await district.getByTestId('case-grid').innerText(), /金华社区第1网格/)
    assert.match(await district.getByTestId('case-unit').innerText(), /昆都仑区 \(150203\)/)
    // Staff see the same thumbnail, linking to the original as uploaded (EXIF and all).
    const staffPhoto = await shownPhoto(district, 'case-photos')
    assert.equal(staffPhoto.src, publicPhoto.src)
    assert.match(staffPhoto.href, /^\/api\/v1\/cases\/\d+\/photos\/[A-Za-z0-9_-]{16}\/original$/)
    const original = await district.request.get(BASE + staffPhoto.href)
    assert.equal(original.status(), 200)
    assert.ok(Buffer.compare(await original.body(), photo) === 0, 'the original is the uploaded file')
    assert.equal((await resident.request.get(BASE + staffPhoto.href)).status(), 401)
    assert.notEqual((await district.locator('[data-field=contact_phone]').innerText()).trim(), '13800001234') // masked
    await act(district, 'file', {}, 'filed')
    await act(district, 'dispatch', { unit_code: '150203010008' }, 'dispatched')
    assert.match(await district.getByTestId('case-unit').innerText(), /金华社区/)
    // Stored values read as people read them: the unit dispatched to by name, the point rounded.
    assert.equal((await district.locator('[data-field=unit_code]').innerText()).trim(), '金华社区 (150203010008)')
    assert.match((await district.locator('[data-field=location]').innerText()).trim(), /^\d+\.\d{6}, \d+\.\d{6}$/)
    await district.screenshot({ path: path.join(OUT, 'cases-dispatched.png'), fullPage: true })

    // 金华社区's staff see it in their queue and as a notification; they sign for it and report back.
    const community = await newPage('jinhua')
    await signIn(community, 'jinhua', '/cases?type=snap_report')
    await community.getByTestId('bell-count').waitFor()
    assert.ok(Number(await community.getByTestId('bell-count').innerText()) >= 1)
    const caseId = await openCaseFromQueue(community, publicId)
    await act(community, 'sign', {}, 'handling')
    await act(community, 'feedback', { result: '已用沥青修补坑洼，现场已清理' }, 'feedback')

    // The grid worker of 金华社区第1网格 checks it on the spot.
    const worker = await newPage('jinhua_g1')
    await signIn(worker, 'jinhua_g1', `/cases/${caseId}`)
    await act(worker, 'verify', {}, 'verified')

    await community.reload()
    await act(community, 'close', {}, 'closed')
    const events = await community.locator('[data-testid=case-timeline] li').evaluateAll((lis) => lis.map((l) => l.dataset.event))
    assert.deepEqual(events, ['create', 'file', 'dispatch', 'sign', 'feedback', 'verify', 'close'])
    await community.screenshot({ path: path.join(OUT, 'cases-closed.png'), fullPage: true })

    // The resident follows it to closed and rates it.
    await resident.goto(`${BASE}/p/cases/${publicId}`)
    assert.equal((await resident.getByTestId('track-state').innerText()).trim(), '已结案')
    assert.match(await resident.getByTestId('track-timeline').innerText(), /已派遣[\s\S]*处置中[\s\S]*已结案/)
    await resident.getByTestId('rating-satisfied').check()
    await resident.getByTestId('rating-comment').fill('修得很快，谢谢')
    await resident.getByTestId('rating-submit').click()
    await resident.getByTestId('rated').waitFor()
    await resident.locator('[data-testid=track-state]', { hasText: '已评价' }).waitFor()
    await resident.screenshot({ path: path.join(OUT, 'cases-rated.png'), fullPage: true })
    // In English, the category and every state of the timeline too.
    await resident.getByRole('button', { name: 'English' }).click()
    await resident.locator('h1', { hasText: 'Road damage' }).waitFor()
    const states = await resident.locator('[data-testid=track-timeline] li strong').allInnerTexts()
    assert.equal(states.at(-1), 'Evaluated')
    assert.ok(states.every((x) => /^[A-Za-z ,]+$/.test(x)), states.join(' / '))
    assert.deepEqual(problems, [])
  })

  it('a question to the mayor of 五当召镇 is answered and published with its answer time', async () => {
    const asker = await newPage('asker', { viewport: { width: 390, height: 844 } })
    await asker.goto(BASE + '/p/ask')
    await asker.getByTestId('ask-login').waitFor()
    await asker.getByTestId('ask-username').fill('resident_demo')
    await asker.getByTestId('ask-password').fill(PASSWORD)
    await asker.getByTestId('ask-login-submit').click()
    await asker.getByTestId('ask-form').waitFor()
    const mayor = asker.locator('[data-testid=ask-official] option', { hasText: '五当召镇镇长' })
    await mayor.waitFor({ state: 'attached' })
    await asker.getByTestId('ask-official').selectOption(await mayor.getAttribute('value'))
    await asker.locator('[data-testid=ask-category] option[value=livelihood]').waitFor({ state: 'attached' })
    await asker.getByTestId('ask-category').selectOption('livelihood')
    await asker.getByTestId('ask-title').fill('镇上何时开通到包头市区的公交')
    await asker.getByTestId('ask-question').fill('五当召镇到市区只有每天两班车，请问能否增加班次？')
    await asker.getByTestId('ask-submit').click()
    await asker.getByTestId('ask-done').waitFor()
    const publicId = (await asker.getByTestId('ask-public-id').innerText()).trim()

    // The mayor's account sees it in the queue, accepts and answers it.
    const official = await newPage('wdz_mayor')
    await signIn(official, 'wdz_mayor', '/cases')
    await openCaseFromQueue(official, publicId, 'public_qa')
    assert.match(await official.locator('[data-field=title]').innerText(), /公交/)
    await act(official, 'accept', {}, 'accepted')
    await act(official, 'answer', { answer: '已与公交公司协商，下月起增至每天六班。' }, 'answered')
    await official.screenshot({ path: path.join(OUT, 'cases-question-answered.png'), fullPage: true })

    // Published: question, answer, answer time; the mayor's answer rate; the asker nowhere.
    const reader = await newPage('reader', { viewport: { width: 390, height: 844 } })
    await reader.goto(BASE + '/p/questions')
    const item = reader.locator(`[data-testid=qa-item][data-public-id="${publicId}"]`)
    await item.waitFor()
    assert.match(await item.getByTestId('qa-answer').innerText(), /每天六班/)
    assert.match(await item.innerText(), /五当召镇镇长 · 五当召镇/)
    assert.match(await item.getByTestId('qa-answer-time').innerText(), /分钟|小时|天/)
    const stat = reader.locator('[data-testid=official-stats] tr[data-official="五当召镇镇长"]')
    assert.equal((await stat.getByTestId('stat-rate').innerText()).trim(), '100%')
    assert.match(await stat.getByTestId('stat-median').innerText(), /分钟|小时|天/)
    // The asker (resident_demo, display name 居民) is never shown; the nav's own labels (居民吐槽大会)
    // are not about them, so the check reads the page's content only.
    assert.doesNotMatch(await reader.locator('main').innerText(), /resident_demo|居民/)
    await reader.screenshot({ path: path.join(OUT, 'cases-questions.png'), fullPage: true })
    assert.deepEqual(problems, [])
  })

  it('a report with a file that is not an image is refused naming that photo', async () => {
    const point = await gridPoint()
    const page = await newPage('bad-photo', { viewport: { width: 390, height: 844 } })
    await page.goto(BASE + '/p/report')
    await page.locator('[data-testid=report-category] option[value="snap_report.garbage"]').waitFor({ state: 'attached' })
    await page.getByTestId('report-category').selectOption('snap_report.garbage')
    await page.getByTestId('report-description').fill('照片有问题的上报')
    await page.getByTestId('report-phone').fill('13800009999')
    // A photo without a position and no point on the map: the form asks for the point.
    const plain = await drawnJpeg(page)
    await page.getByTestId('report-photos').setInputFiles({ name: 'plain.jpg', mimeType: 'image/jpeg', buffer: plain })
    await page.getByTestId('report-photo-thumb').waitFor()
    await page.getByTestId('report-submit').click()
    assert.equal(await page.getByTestId('report-error').innerText(), '请在地图上选择位置或添加带位置信息的照片')
    await page.getByTestId('report-photo-thumb').getByRole('button').click()
    // The first photo is good and places the report (its EXIF GPS); the second is text.
    await page.getByTestId('report-photos').setInputFiles([
      { name: 'good.jpg', mimeType: 'image/jpeg', buffer: withExifGps(await drawnJpeg(page), point) },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('just some text, not a JPEG') },
    ])
    await page.getByTestId('report-point').waitFor()
    await page.getByTestId('report-submit').click()
    const error = page.getByTestId('report-error')
    await error.filter({ hasText: '第 2 张照片' }).waitFor()
    assert.match(await error.innerText(), /^第 2 张照片（notes\.jpg）无法使用，请换一张：not an image/)
    assert.ok(new URL(page.url()).pathname === '/p/report')
    // Removing it, the same form goes through.
    await page.getByTestId('report-photo-thumb').nth(1).getByRole('button').click()
    await page.getByTestId('report-submit').click()
    await page.waitForURL(/\/p\/cases\/[A-Za-z0-9_-]+\?new=1$/)
    await shownPhoto(page, 'track-photos')
    // The browser logs the refused submission's 400; that one is expected, nothing else.
    const refused = problems.filter((x) => /^bad-photo console: .*status of 400 .*\/api\/v1\/public\/cases$/.test(x))
    assert.equal(refused.length, 1)
    problems.splice(0, problems.length, ...problems.filter((x) => !refused.includes(x)))
    assert.deepEqual(problems, [])
  })

  it('a stored script in a description is shown as text and never runs', async () => {
    const point = await gridPoint()
    const r = await fetch(BASE + '/api/v1/public/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ category: 'garbage', description: XSS, contact_phone: '13800005678', lon: point.lon, lat: point.lat }),
    })
    assert.equal(r.status, 201)
    const { public_id: publicId } = await r.json()

    const visitor = await newPage('xss-public')
    await visitor.goto(`${BASE}/p/cases/${publicId}`)
    await visitor.getByTestId('track-description').waitFor()
    assert.equal(await visitor.getByTestId('track-description').textContent(), XSS)
    assert.equal(await visitor.getByTestId('track-description').locator('img, script').count(), 0)
    await visitor.waitForTimeout(300)
    assert.equal(await visitor.evaluate(() => window.__xss), undefined)

    const staff = await newPage('xss-staff')
    await signIn(staff, 'jinhua', '/cases?type=snap_report')
    const row = staff.locator(`[data-testid=queue-row][data-public-id="${publicId}"]`)
    await row.waitFor()
    assert.equal(await row.getByTestId('queue-description').textContent(), XSS)
    await row.click()
    await staff.getByTestId('case-description').waitFor()
    assert.equal(await staff.getByTestId('case-description').textContent(), XSS)
    assert.equal(await staff.getByTestId('case-description').locator('img, script').count(), 0)
    await staff.waitForTimeout(300)
    assert.equal(await staff.evaluate(() => window.__xss), undefined)
    await staff.screenshot({ path: path.join(OUT, 'cases-xss.png'), fullPage: true })
    assert.deepEqual(problems, [])
  })
})
