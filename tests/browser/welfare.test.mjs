// Browser test of welfare checks by a part-time reporter (issue 11 items 6 and 7): 金华社区's
// delivery rider signs in on a phone and sees only the elderly people assigned to them (name,
// address, masked phone); records a visit offline (queued on the phone, sent when back online);
// then records an urgent one, which reaches the community at once: 金华社区's staff find it on
// their welfare page and in their notifications, and the overdue list shows who was not visited.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/welfare.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, OUT, PASSWORD, apiLogin, workbench } from './helpers.mjs'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

describe('welfare checks: a rider visits, an urgent visit reaches the community', { timeout: 240_000 }, () => {
  let browser
  const problems = []
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      const text = m.text()
      if (/status of 401/.test(text) || /ERR_INTERNET_DISCONNECTED/.test(text)) return
      problems.push(`console: ${text}`)
    })
  }
  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS })
  })
  after(async () => {
    await browser?.close()
  })

  it('shows the rider their people only, queues a visit offline and sends an urgent one', async () => {
    const rider = await apiLogin('rider_jinhua')
    const mine = await rider('GET', '/welfare/my-elders')
    assert.equal(mine.status, 200)
    assert.equal(mine.body.items.length, 8, 'the demo assigns eight people to rider_jinhua')
    for (const e of mine.body.items) {
      assert.match(e.phone_masked, /^(1\d\d\*{4}\d{4})?$/) // masked, or none recorded
      assert.ok(!('id_number' in e))
    }
    assert.ok(mine.body.items.some((e) => e.phone_masked), 'some have a phone')
    // Least privilege, over the API: base data and the roster are not the rider's.
    assert.equal((await rider('GET', '/persons')).status, 403)
    assert.equal((await rider('GET', '/welfare/overdue')).status, 403)

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    await page.goto(`${BASE}/m/`)
    await page.waitForURL(/\/m\/login$/)
    await page.locator('[data-testid=m-username] input').fill('rider_jinhua')
    await page.locator('[data-testid=m-password] input').fill(PASSWORD)
    await page.locator('[data-testid=m-login]').click()
    await page.waitForURL(/\/m\/rider$/)
    const first = [...mine.body.items].reverse().find((e) => e.phone_masked)
    await page.getByTestId(`elder-${first.person_id}`).waitFor()
    assert.equal(await page.locator('.elder').count(), 8)
    const card = await page.getByTestId(`elder-${first.person_id}`).innerText()
    assert.ok(card.includes(first.name) && card.includes(first.phone_masked), card)
    await page.getByTestId('rider-synced').waitFor()
    await page.screenshot({ path: path.join(OUT, 'welfare-rider.png') })
    // The grid worker's pages are not the rider's.
    await page.goto(`${BASE}/m/household/1`)
    await page.waitForURL(/\/m\/rider$/)

    // Offline: the visit waits on the phone, then goes when the phone is back online.
    await page.getByTestId(`elder-${first.person_id}`).waitFor()
    await context.setOffline(true)
    await page.getByTestId(`elder-${first.person_id}`).click()
    await page.getByTestId('rider-visit').waitFor()
    await page.locator('[data-testid=visit-meal]').click()
    await page.getByTestId('health-well').click()
    await page.locator('[data-testid=visit-need] textarea').fill('想请社区帮忙修一下门锁')
    await page.getByTestId('save-rider-visit').click()
    await page.waitForURL(/\/m\/rider$/)
    await page.getByTestId('rider-pending').waitFor()
    assert.match(await page.getByTestId('rider-online').innerText(), /离线/)
    await context.setOffline(false)
    await page.getByTestId('rider-synced').waitFor()
    const visits = await rider('GET', `/welfare/visits?person_id=${first.person_id}`)
    assert.ok(visits.body.items.some((v) => v.need === '想请社区帮忙修一下门锁' && v.meal), JSON.stringify(visits.body))

    // Urgent: a case for the community at once.
    // Someone on time (the overdue ones stay overdue for the community's list below).
    const second = mine.body.items.find((e) => !e.overdue && e.person_id !== first.person_id)
    await page.getByTestId(`elder-${second.person_id}`).click()
    await page.getByTestId('rider-visit').waitFor()
    await page.getByTestId('health-urgent').click()
    await page.getByTestId('urgent-hint').waitFor()
    const note = `敲门无人应，邻居说昨晚听到摔倒声 ${Date.now() % 10000}`
    await page.locator('[data-testid=visit-note] textarea').fill(note)
    await page.screenshot({ path: path.join(OUT, 'welfare-rider-urgent.png') })
    await page.getByTestId('save-rider-visit').click()
    await page.waitForURL(/\/m\/rider$/)
    const sent = page.getByTestId('rider-case').first()
    await sent.waitFor()
    const caseId = /工单 (\S+)）/.exec(await sent.innerText())[1]
    assert.ok(caseId, 'the urgent visit names its case')
    await context.close()

    // The community: the case is on its welfare page and it was notified.
    const { context: desk, page: staff } = await workbench(browser, 'jinhua', watch)
    await staff.getByTestId('nav-welfare').click()
    await staff.waitForURL(/\/welfare$/)
    await staff.getByTestId('welfare-tab-cases').click()
    await staff.getByTestId(`welfare-case-${caseId}`).waitFor()
    assert.match(await staff.getByTestId(`welfare-case-${caseId}`).innerText(), /紧急情况/)
    await staff.getByTestId('welfare-tab-visits').click()
    await staff.getByTestId('welfare-visits').filter({ hasText: note }).waitFor()
    await staff.getByTestId('welfare-tab-overdue').click()
    await staff.getByTestId('overdue-list').waitFor()
    const overdueTotal = Number(/\d+/.exec(await staff.getByTestId('welfare-total').innerText())[0])
    assert.ok(overdueTotal > 0, 'the demo has overdue people')
    await staff.screenshot({ path: path.join(OUT, 'welfare-overdue.png') })
    const jinhua = await apiLogin('jinhua')
    const notes = await jinhua('GET', '/notifications?limit=100')
    assert.ok(notes.body.items.some((n) => n.case_id === caseId && n.event === 'create'), 'the community was notified')
    await staff.goto(`${BASE}/cases/${caseId}`)
    await staff.getByText(note).first().waitFor()
    await staff.screenshot({ path: path.join(OUT, 'welfare-case.png') })
    await desk.close()
    assert.deepEqual(problems, [])
  })
})
