// Browser test of the field app at a large scope (issue 14 item 7): a district account
// (`kundulun`, 昆都仑区: the demo's 13,720 households and 40,001 people) signs in on a phone.
// The offline cache must go to IndexedDB (localStorage's ~5 MB quota overflowed before), the
// lists are shown a page at a time, and an offline reload still shows the whole district from
// the phone, searchable.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/field-scale.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin } from './helpers.mjs'

const DISTRICT = '150203'

// Whether IndexedDB holds `key` (run in the page).
async function idbHas(page, key) {
  return page.evaluate(
    (k) =>
      new Promise((resolve) => {
        const open = indexedDB.open('citygrid-field')
        open.onerror = () => resolve(false)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('kv')) return resolve(false)
          const get = db.transaction('kv').objectStore('kv').get(k)
          get.onsuccess = () => resolve(typeof get.result === 'string' && get.result.length > 0 ? get.result.length : false)
          get.onerror = () => resolve(false)
        }
      }),
    key,
  )
}

describe('field app: a district account, cached in IndexedDB, paged, offline', { timeout: 300_000 }, () => {
  let browser, context, page, me, totals, sample
  const problems = []

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    const api = await apiLogin('kundulun')
    me = (await api('GET', '/me')).body.user
    totals = {}
    for (const fam of ['households', 'persons', 'addresses']) {
      const r = await api('GET', `/${fam}?grid=${DISTRICT}&limit=1`)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      totals[fam] = r.body.total
    }
    assert.ok(totals.persons > 10_000, `a district-sized cache: ${JSON.stringify(totals)}`)
    // A household far down the list, to find offline by its head's name.
    const far = await api('GET', `/households?grid=${DISTRICT}&limit=1&offset=${totals.households - 7}`)
    sample = far.body.items[0]
    sample.head = (await api('GET', `/persons/${sample.fields.head_person_id}`)).body.fields.name
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
    page = await context.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      const text = m.text()
      if (/status of 401/.test(text) || /ERR_INTERNET_DISCONNECTED/.test(text)) return
      if (/status of 40[34]/.test(text) && /\/api\/v1\/forms\//.test(m.location()?.url || '')) return
      problems.push(`console: ${text}`)
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('loads the whole district into IndexedDB, not localStorage, and pages the lists', async () => {
    await page.goto(`${BASE}/m/login`)
    await page.locator('[data-testid=m-username] input').fill('kundulun')
    await page.locator('[data-testid=m-password] input').fill(PASSWORD)
    await page.locator('[data-testid=m-login]').click()
    await page.waitForURL(`${BASE}/m/`)
    await page.getByTestId('synced-badge').waitFor()
    const tab = page.locator('.van-tab', { hasText: '住户' })
    assert.match(await tab.innerText(), new RegExp(`${totals.households}`), 'the tab counts every household of the district')
    assert.equal(await page.getByTestId('households-item').count(), 30, 'one page of 30, not the whole list')
    assert.match(await page.getByTestId('range-households').innerText(), new RegExp(`第 1–30 条，共 ${totals.households} 条`))
    const first = await page.getByTestId('households-item').first().innerText()
    await page.getByTestId('pager-households').locator('.van-pagination__item--next button').click()
    assert.match(await page.getByTestId('range-households').innerText(), /第 31–60 条/)
    assert.notEqual(await page.getByTestId('households-item').first().innerText(), first)
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    assert.ok(height < 5000, `the page stays short: ${height} px`)
    await page.screenshot({ path: path.join(OUT, 'field-district.png') })

    // The cache is in IndexedDB (tens of MB) and nothing of it in localStorage.
    const key = `citygrid.field.cache.${me.id}`
    await page.waitForFunction(
      (k) =>
        new Promise((resolve) => {
          const open = indexedDB.open('citygrid-field')
          open.onerror = () => resolve(false)
          open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get(k)
            get.onsuccess = () => resolve(typeof get.result === 'string' && get.result.includes('"lastSync"'))
            get.onerror = () => resolve(false)
          }
        }),
      key,
      { polling: 500 },
    )
    const bytes = await idbHas(page, key)
    assert.ok(bytes > 5 * 1024 * 1024, `more than localStorage could hold: ${bytes} characters`)
    const local = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('citygrid.field.cache')))
    assert.deepEqual(local, [])
  })

  it('reloads offline from the phone and searches the cached district', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
    await context.setOffline(true)
    await page.reload()
    await page.getByTestId('online-status').filter({ hasText: '离线' }).waitFor()
    await page.getByTestId('households-item').first().waitFor()
    assert.match(await page.locator('.van-tab', { hasText: '住户' }).innerText(), new RegExp(`${totals.households}`))
    assert.match(await page.locator('.van-tab', { hasText: '人员' }).innerText(), new RegExp(`${totals.persons}`))
    const needle = `${sample.head}户`
    assert.ok(sample.head, `the head's name of ${JSON.stringify(sample.fields)}`)
    await page.locator('[data-testid=m-search] input').fill(needle)
    await page.getByTestId('households-item').first().waitFor()
    const found = await page.getByTestId('households-item').allInnerTexts()
    assert.ok(found.length >= 1 && found.length <= 30, `found ${found.length}`)
    assert.ok(found.some((t) => t.includes(needle)), `${needle} in ${found.join(' | ')}`)
    await page.screenshot({ path: path.join(OUT, 'field-district-offline.png') })
    await context.setOffline(false)
    assert.deepEqual(problems, [])
  })
})
