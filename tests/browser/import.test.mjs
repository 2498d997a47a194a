// Browser test of the workbench's import page: a community staff member uploads a CSV, sees the
// suggested mapping, makes a dry run (nothing written), runs the import (progress, per-row
// results), and resolves the row whose value differs from the stored one in the review queue;
// the API confirms what was and was not written.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/import.test.mjs
//
// Env: CITYGRID_URL (required), CHROMIUM (default /usr/bin/chromium).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin, residentId } from './helpers.mjs'

const STAFF = 'jinhua' // staff of 金华社区 150203010008
const GRID = '150203010008001'

describe('workbench: spreadsheet import with review', { timeout: 180_000 }, () => {
  let browser, page, staff, person, csvPath, newName, newId
  const problems = []

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    staff = await apiLogin(STAFF)
    const list = await staff('GET', `/persons?grid=${GRID}&limit=1`)
    assert.equal(list.status, 200, JSON.stringify(list.body))
    assert.ok(list.body.items[0], 'a person in the demo grid')
    person = (await staff('GET', `/persons/${list.body.items[0].id}`)).body
    assert.ok(person.fields.name && person.fields.ethnicity && person.grid_code, JSON.stringify(person))
    const unmasked = await staff('POST', `/persons/${person.id}/unmask`, { field: 'id_number', reason: '导入测试核对' })
    assert.equal(unmasked.status, 200, JSON.stringify(unmasked.body))
    const clearId = unmasked.body.value
    assert.match(clearId, /^\d{17}[\dX]$/)
    const otherEthnicity = person.fields.ethnicity === '01' ? '蒙古族' : '汉族'
    newName = `导入测试${Math.floor(Math.random() * 1e6)}`
    newId = residentId(1951 + Math.floor(Math.random() * 40))
    csvPath = path.join(os.tmpdir(), `citygrid-import-${process.pid}.csv`)
    fs.writeFileSync(
      csvPath,
      '序号,姓名,身份证号码,民族,人口类型,网格编码\n' +
        `1,${person.fields.name},${clearId},${otherEthnicity},,${person.grid_code}\n` +
        `2,${newName},${newId},汉族,户籍,${GRID}\n` +
        `3,错号人员,150203195001010000,汉族,户籍,${GRID}\n`,
    )

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' })
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
      if (/status of 401/.test(m.text())) return // /me before login
      problems.push(`console: ${m.text()}`)
    })
  })

  after(async () => {
    await browser?.close()
    if (csvPath) fs.rmSync(csvPath, { force: true })
  })

  it('logs in and opens the import page from the header', async () => {
    await page.goto(`${BASE}/`)
    await page.waitForURL(/\/login/)
    await page.getByTestId('login-username').fill(STAFF)
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('nav-import').click()
    await page.waitForURL(/\/imports$/)
    await page.getByTestId('import-upload').waitFor()
  })

  it('uploads the file and suggests the mapping', async () => {
    await page.getByTestId('import-file').setInputFiles(csvPath)
    await page.getByTestId('import-upload').click()
    await page.getByTestId('import-mapping').waitFor()
    assert.equal(await page.getByTestId('map-0').inputValue(), '')
    assert.equal(await page.getByTestId('map-1').inputValue(), 'person.name')
    assert.equal(await page.getByTestId('map-2').inputValue(), 'person.id_number')
    assert.equal(await page.getByTestId('map-3').inputValue(), 'person.ethnicity')
    assert.equal(await page.getByTestId('map-5').inputValue(), 'grid_code')
  })

  it('makes a dry run that writes nothing', async () => {
    await page.getByTestId('import-dry-run').click()
    await page.getByTestId('job-status').filter({ hasText: '已完成' }).waitFor()
    assert.match(await page.getByTestId('job-progress').textContent(), /^3 \/ 3/)
    assert.match(await page.getByTestId('count-created').textContent(), /1/)
    assert.match(await page.getByTestId('count-review').textContent(), /1/)
    assert.match(await page.getByTestId('count-invalid').textContent(), /1/)
    const found = await staff('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(newName)}`)
    assert.equal(found.body.total, 0, 'the dry run created nobody')
  })

  it('runs the import and lists every row', async () => {
    await page.getByTestId('import-run').click()
    await page.getByTestId('import-review').waitFor()
    assert.match(await page.getByTestId('job-status').textContent(), /已完成/)
    await page.getByTestId('import-rows').waitFor()
    assert.match(await page.getByTestId('row-3').textContent(), /新增/)
    assert.match(await page.getByTestId('row-4').textContent(), /person\.id_number/)
    const found = await staff('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(newName)}`)
    assert.equal(found.body.total, 1, 'the new person exists')
    const before = await staff('GET', `/persons/${person.id}`)
    assert.equal(before.body.fields.ethnicity, person.fields.ethnicity, 'the differing value was not written')
    assert.ok(await page.getByTestId('import-csv').isVisible())
    await page.screenshot({ path: path.join(OUT, 'import-review.png'), fullPage: true })
  })

  it('resolves the conflict in the review queue by taking the file value', async () => {
    await page.getByTestId('review-2').waitFor()
    await page.getByTestId('take-2-person.ethnicity').check()
    await page.getByTestId('apply-2').click()
    await page.getByTestId('review-empty').waitFor()
    const after = await staff('GET', `/persons/${person.id}`)
    assert.notEqual(after.body.fields.ethnicity, person.fields.ethnicity, 'the reviewer took the file value')
    const history = await staff('GET', `/persons/${person.id}/history`)
    const last = history.body.items[history.body.items.length - 1]
    assert.equal(last.source, 'import')
    assert.equal(last.field, 'ethnicity')
  })

  it('shows no console errors, page errors or CSP violations', () => {
    assert.deepEqual(problems, [])
  })
})
