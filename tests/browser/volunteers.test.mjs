// Browser test of volunteers (志愿者之家, issue "participation", item 4): a community staff member
// publishes an activity with one place; on a phone one resident volunteer signs up and gets the
// place, a second goes onto the waiting list; staff check the first in and record the minutes;
// the volunteer's page shows the hours and the certificate of hours is a PDF whose text names
// the volunteer, the activity and the hours (pdftotext).
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/volunteers.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin, workbench } from './helpers.mjs'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', acceptDownloads: true }
const pad = (n) => String(n).padStart(2, '0')

describe('volunteers: sign-up, waiting list, hours and the certificate', { timeout: 180_000 }, () => {
  let browser, title, activityId
  const problems = []
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      if (/status of 401/.test(m.text())) return // /me before signing in
      problems.push(`console: ${m.text()}`)
    })
  }
  // A phone signed in on the public volunteer page of 金华社区.
  async function phone(username) {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    watch(page)
    await page.goto(`${BASE}/p/volunteer?unit=150203010008`)
    await page.getByTestId('vol-username').fill(username)
    await page.getByTestId('vol-password').fill(PASSWORD)
    await page.getByTestId('vol-login').click()
    await page.getByTestId('my-volunteering').waitFor()
    return { context, page }
  }

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS })
  })
  after(async () => {
    await browser?.close()
  })

  it('a community staff member publishes an activity with one place', async () => {
    const { context, page } = await workbench(browser, 'jinhua', watch)
    await page.getByTestId('nav-volunteers').click()
    await page.waitForURL(/\/volunteers$/)
    // Starting in an hour (check-in opens 2 hours before), two hours long.
    const start = new Date(Date.now() + 60 * 60_000)
    start.setSeconds(0, 0)
    const end = new Date(start.getTime() + 2 * 3600_000)
    title = `楼道清洁志愿 ${Date.now() % 100000}`
    await page.getByTestId('activity-unit').selectOption('150203010008')
    await page.getByTestId('activity-title').fill(title)
    await page.getByTestId('activity-description').fill('清理楼道杂物。<script>alert(1)</script>')
    await page.getByTestId('activity-place').fill('金华小区5号楼')
    await page.getByTestId('activity-skills').fill('陪伴老人，垃圾分类宣传')
    await page.getByTestId('activity-date').fill(`${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`)
    await page.getByTestId('activity-start').fill(`${pad(start.getHours())}:${pad(start.getMinutes())}`)
    // An end past midnight would be before the start on the same date: the test keeps one day.
    await page.getByTestId('activity-end').fill(end.getDate() === start.getDate() ? `${pad(end.getHours())}:${pad(end.getMinutes())}` : '23:59')
    await page.getByTestId('activity-capacity').fill('1')
    await page.getByTestId('activity-publish').click()
    await page.getByTestId('vol-message').filter({ hasText: title }).waitFor()
    await page.getByTestId('activity-detail').waitFor()
    const staff = await apiLogin('jinhua')
    const list = await staff('GET', '/volunteer-activities?unit=150203010008&limit=200')
    activityId = list.body.items.find((a) => a.title === title)?.id
    assert.ok(activityId, 'the activity is listed')
    await context.close()
  })

  it('one resident gets the place on a phone, the next goes onto the waiting list', async () => {
    const first = await phone('resident_verified')
    const card = first.page.getByTestId('public-activity').filter({ hasText: title })
    assert.match(await card.getByTestId('activity-places').innerText(), /剩余名额 1/)
    assert.match(await card.locator('.pre').innerText(), /<script>alert\(1\)<\/script>/, 'script shown as text')
    await card.getByTestId('sign-up').click()
    await first.page.getByTestId('vol-message').filter({ hasText: '报名成功' }).waitFor()
    await card.getByTestId('my-status').filter({ hasText: '已报名' }).waitFor()
    await first.page.screenshot({ path: path.join(OUT, 'volunteers-phone.png'), fullPage: true })
    await first.context.close()

    const second = await phone('resident_demo')
    const card2 = second.page.getByTestId('public-activity').filter({ hasText: title })
    assert.match(await card2.getByTestId('activity-places').innerText(), /名额已满/)
    await card2.getByTestId('sign-up').click()
    await second.page.getByTestId('vol-message').filter({ hasText: '候补' }).waitFor()
    await card2.getByTestId('my-status').filter({ hasText: '候补第 1 位' }).waitFor()
    await second.context.close()
  })

  it('staff check the volunteer in and record the minutes; the certificate is a PDF with them', async () => {
    const { context, page } = await workbench(browser, 'jinhua', watch)
    await page.goto(`${BASE}/volunteers`)
    await page.getByTestId('activity-row').filter({ hasText: title }).click()
    const rows = page.getByTestId('signup-row')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 2)
    assert.match(await rows.nth(1).getByTestId('signup-status').innerText(), /候补第 1 位/)
    await rows.first().getByTestId('check-in').click()
    await rows.first().getByTestId('minutes-input').waitFor()
    await rows.first().getByTestId('minutes-input').fill('90')
    await rows.first().getByTestId('record-minutes').click()
    await page.getByTestId('vol-message').filter({ hasText: '已记录 90 分钟' }).waitFor()
    await page.screenshot({ path: path.join(OUT, 'volunteers-staff.png'), fullPage: true })
    await context.close()

    const mine = await phone('resident_verified')
    await mine.page.getByTestId('my-served').filter({ hasText: title }).waitFor()
    assert.match(await mine.page.getByTestId('my-served').filter({ hasText: title }).innerText(), /1 小时 30 分钟/)
    const me = await (await apiLogin('resident_verified'))('GET', '/me/volunteer')
    const [download] = await Promise.all([mine.page.waitForEvent('download'), mine.page.getByTestId('my-certificate').click()])
    const file = path.join(OUT, 'volunteer-certificate.pdf')
    await download.saveAs(file)
    assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-')
    const text = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' })
    assert.match(text, /志愿服务时长证明/)
    assert.ok(text.includes(me.body.volunteer.name), `the volunteer's name in:\n${text}`)
    assert.ok(text.includes(title.split(' ')[0]), 'the activity in the certificate')
    assert.ok(text.includes('金华社区'), 'the community in the certificate')
    await mine.context.close()
    assert.deepEqual(problems, [])
  })
})
