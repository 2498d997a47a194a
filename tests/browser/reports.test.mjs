// Browser test of 一表通 end to end (issue "one form", done means): a grid worker on a phone
// marks an elderly resident as living alone while recording a household visit; the
// civil-affairs analyst then sees that change in the live elderly report of the community, the
// district and the city, drills down, and downloads the report as xlsx. Also: the generated
// form's burden figures, and an admin adding a template in the page.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/reports.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin, workbench } from './helpers.mjs'

const GRID = '150203010008001' // jinhua_g1's grid, in 金华社区, 市府东路街道, 昆都仑区
const SCOPES = ['150203010008', '150203', '1502']
const TEMPLATE = 'civil_affairs.elderly'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

// Whole years on `today` (YYYY-MM-DD) for a birth date.
function age(birth, today) {
  const [by, bm, bd] = birth.split('-').map(Number)
  const [ty, tm, td] = today.split('-').map(Number)
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0)
}

describe('one form: a phone edit shows in the live report', { timeout: 240_000 }, () => {
  let browser, admin, analyst
  let household, elder, column, before0
  const problems = []

  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      if (/status of 401/.test(m.text())) return
      // The admin test checks a broken template on purpose: its 400 is the expected answer.
      if (/status of 400/.test(m.text()) && /\/report-templates/.test(m.location()?.url || '')) return
      problems.push(`console: ${m.text()}`)
    })
  }

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    admin = await apiLogin('admin')
    analyst = await apiLogin('city_analyst')
    const first = await analyst('GET', `/reports/${TEMPLATE}?scope=${SCOPES[0]}`)
    assert.equal(first.status, 200, JSON.stringify(first.body))
    column = first.body.template.columns.findIndex((c) => c.code === 'alone')
    assert.ok(column >= 0)
    const today = first.body.as_of
    // An elderly member (60+) of a household in the grid, alive and not marked living alone.
    const list = await admin('GET', `/households?grid=${GRID}&limit=500`)
    assert.equal(list.status, 200)
    for (const h of list.body.items) {
      for (const m of h.members) {
        const p = (await admin('GET', `/persons/${m.person_id}`)).body
        if (age(p.fields.birth_date, today) >= 65 && p.attributes['person.elderly_living_alone'] !== 'true' && !p.attributes['person.deceased_date']) {
          household = h
          elder = p
          break
        }
      }
      if (elder) break
    }
    assert.ok(elder, 'an elderly resident in the demo grid')
    before0 = {}
    for (const s of SCOPES) before0[s] = (await analyst('GET', `/reports/${TEMPLATE}?scope=${s}`)).body.total.values[column]
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS })
  })

  after(async () => {
    await browser?.close()
  })

  it('a grid worker marks the elder as living alone during a visit, on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    await page.goto(`${BASE}/m/login`)
    await page.locator('[data-testid=m-username] input').fill('jinhua_g1')
    await page.locator('[data-testid=m-password] input').fill(PASSWORD)
    await page.locator('[data-testid=m-login]').click()
    await page.waitForURL(`${BASE}/m/`)
    await page.goto(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('synced-badge').waitFor()
    // The generated form asks for the care tags the reports need.
    await page.goto(`${BASE}/m/person/${elder.id}?household=${household.id}`)
    const alone = page.getByTestId('person-person.elderly_living_alone')
    await alone.waitFor()
    await alone.click()
    await page.screenshot({ path: path.join(OUT, 'reports-field-edit.png') })
    await page.getByTestId('person-save').click()
    await page.waitForURL(/\/m\/household\/\d+/)
    await page.getByTestId('record-visit').click()
    await page.waitForURL(/\/visit$/)
    await page.getByTestId('check-residents_present').click()
    await page.locator('[data-testid=visit-notes] textarea').fill('独居老人，已登记')
    await page.getByTestId('save-visit').click()
    await page.waitForURL(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('synced-badge').waitFor()
    // The household form shows what the one form saves.
    await page.getByTestId('edit-household').click()
    const note = page.getByTestId('m-burden')
    await note.waitFor()
    assert.match(await note.innerText(), /一表通：本表 \d+ 项，替代 \d+ 个部门分别填报的 \d+ 项/)
    await page.screenshot({ path: path.join(OUT, 'reports-field-burden.png') })
    for (let i = 0; i < 50; i++) {
      if ((await admin('GET', `/persons/${elder.id}`)).body.attributes['person.elderly_living_alone'] === 'true') break
      await new Promise((r) => setTimeout(r, 100))
    }
    const got = (await admin('GET', `/persons/${elder.id}`)).body
    if (got.attributes['person.elderly_living_alone'] !== 'true') {
      const dump = await page.evaluate(async () => {
        const req = indexedDB.open('citygrid-field')
        const db = await new Promise((r) => { req.onsuccess = () => r(req.result) })
        const tx = db.transaction('kv')
        const all = await new Promise((r) => { const q = tx.objectStore('kv').getAll(); q.onsuccess = () => r(q.result) })
        const keys = await new Promise((r) => { const q = tx.objectStore('kv').getAllKeys(); q.onsuccess = () => r(q.result) })
        return keys.map((k, i) => [k, JSON.stringify(all[i]).slice(0, 600)]).filter(([k]) => /queue/.test(k))
      })
      console.log('DIAG version', got.version, 'elder', elder.id, JSON.stringify(dump), 'conflicts', await page.getByTestId('conflicts-link').count())
    }
    assert.equal((await admin('GET', `/persons/${elder.id}`)).body.attributes['person.elderly_living_alone'], 'true')
    await context.close()
  })

  it('the civil-affairs analyst sees it in the community, district and city reports and downloads xlsx', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill('city_analyst')
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.waitForURL(`${BASE}/`)
    await page.getByTestId('nav-reports').click()
    await page.waitForURL(/\/reports/)
    await page.locator(`[data-testid=report-template][data-template="${TEMPLATE}"]`).click()
    await page.getByTestId('report-table').waitFor()
    // The city report: one row per district; the total is the sum of the rows.
    const total = async () => Number(await page.locator(`[data-testid=report-total] td[data-column=alone]`).innerText())
    const rowsSum = async () => {
      let s = 0
      for (const cell of await page.locator(`[data-testid=report-row] td[data-column=alone]`).all()) s += Number(await cell.innerText())
      return s
    }
    assert.match(await page.getByTestId('report-title').innerText(), /包头市/)
    assert.equal(await total(), before0['1502'] + 1)
    assert.equal(await rowsSum(), await total())
    await page.screenshot({ path: path.join(OUT, 'reports-city.png') })
    // Drill down: 昆都仑区 → 市府东路街道 → 金华社区.
    for (const [code, scope] of [['150203', '150203'], ['150203010', null], ['150203010008', '150203010008']]) {
      const prior = await page.getByTestId('report-title').innerText()
      await page.locator(`[data-testid=report-row][data-code="${code}"] a`).click()
      await page.waitForURL(new RegExp(`scope=${code}`))
      await page.waitForFunction((t) => document.querySelector('[data-testid=report-title]')?.textContent?.trim() !== t, prior)
      if (scope) {
        for (let i = 0; i < 50 && (await total()) !== before0[scope] + 1; i++) await page.waitForTimeout(100)
        assert.equal(await total(), before0[scope] + 1, `${scope}: the edit counts`)
      }
      assert.equal(await rowsSum(), await total(), `${code}: rows sum to the total`)
    }
    assert.match(await page.getByTestId('report-title').innerText(), /金华社区/)
    await page.screenshot({ path: path.join(OUT, 'reports-community.png'), fullPage: true })
    // xlsx download: a real workbook (zip) named after the report.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-xlsx').click()])
    const file = path.join(OUT, 'reports-community.xlsx')
    await download.saveAs(file)
    const bytes = fs.readFileSync(file)
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'xlsx is a zip')
    assert.ok(bytes.length > 2000)
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    // The one-form tab: burden figures.
    await page.getByTestId('tab-form').click()
    await page.getByTestId('burden').waitFor()
    const once = Number(await page.getByTestId('burden-once').innerText())
    const separate = Number(await page.getByTestId('burden-separate').innerText())
    assert.ok(once > 0 && separate > once, `${once} < ${separate}`)
    assert.ok((await page.getByTestId('form-field').count()) >= once - 5)
    await page.screenshot({ path: path.join(OUT, 'reports-form.png'), fullPage: true })
    await context.close()
  })

  it('an admin checks and adds a template in the page; it is live at once', async () => {
    const { context, page } = await workbench(browser, 'admin', watch)
    await page.goto(`${BASE}/reports?tab=admin`)
    const code = `community.alone_${Date.now() % 100000}`
    await page.getByTestId('template-toml').fill('code = "broken"\n[[column')
    await page.getByTestId('template-check').click()
    await page.getByTestId('template-error').waitFor()
    await page.getByTestId('template-toml').fill(`code = "${code}"
department = "civil_affairs"
title_zh = "独居老人统计"
title_en = "Elderly living alone"
subject = "person"
[[column]]
code = "alone"
label_zh = "独居老人"
label_en = "Living alone"
filter = [{ field = "age", op = ">=", value = 60 }, { field = "person.elderly_living_alone", op = "=", value = true }]
`)
    await page.getByTestId('template-check').click()
    await page.getByTestId('template-checked').waitFor()
    assert.match(await page.getByTestId('template-checked').innerText(), /不需要新增采集项/)
    await page.getByTestId('template-add').click()
    await page.waitForURL(new RegExp(`t=${code.replace('.', '\\.')}`))
    await page.getByTestId('report-table').waitFor()
    const city = Number(await page.locator('[data-testid=report-total] td[data-column=alone]').innerText())
    assert.equal(city, (await analyst('GET', `/reports/${TEMPLATE}?scope=1502`)).body.total.values[column])
    await page.screenshot({ path: path.join(OUT, 'reports-admin-added.png') })
    assert.equal((await admin('DELETE', `/report-templates/${code}`)).status, 204)
    await context.close()
    assert.deepEqual(problems, [])
  })
})
