// Browser test of the governance projects (十百千): a street's staff member creates a project for
// one of the street's communities with a milestone whose due date has passed, and the project
// shows 已停滞 (stalled) on the staff page and counts in the roll-up; completing that milestone
// puts it back under way, rescheduling the other one into the past stalls it again; a progress
// report carries a photo; the public accountability page (phone-sized) shows it stalled, with
// its milestones. Screenshots: test-results/projects-*.png.
//
//   CITYGRID_URL=http://127.0.0.1:18121 node --test tests/browser/projects.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, canvasJpeg } from './helpers.mjs'

const STAFF = 'shifudong' // staff of 市府东路街道 150203010
const COMMUNITY = '150203010008' // 金华社区

// A date `days` from today (negative: in the past), YYYY-MM-DD in China time.
function day(days) {
  const t = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000)
  return t.toISOString().slice(0, 10)
}

describe('projects: an overdue milestone stalls the project, staff and public see it', { timeout: 180_000 }, () => {
  let browser, context, page, projectId, stalledBefore
  const title = `楼道微更新<b>${Math.floor(Math.random() * 1e6)}</b>`
  const problems = []

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, locale: 'zh-CN' })
    page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`)
    })
  })

  after(async () => {
    await browser?.close()
  })

  async function rollupStalled() {
    await page.getByTestId('project-rollup').waitFor()
    return Number(await page.getByTestId('rollup-total').locator('[data-count="stalled"]').textContent())
  }

  it('shows the street\'s roll-up with the seeded projects', async () => {
    await page.goto(`${BASE}/login?next=/projects`)
    await page.getByTestId('login-username').fill(STAFF)
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.waitForURL(/\/projects$/)
    await page.getByTestId('project-form').waitFor()
    stalledBefore = await rollupStalled()
    const rows = await page.getByTestId('project-list').locator('tr[data-project-id]').count()
    assert.ok(rows >= 1, 'the seeded 居民吐槽大会 of 市府东路街道 at least')
    assert.match(await page.getByTestId('project-list').textContent(), /居民吐槽大会/)
  })

  it('creates a project whose first milestone is past due: 已停滞, counted in the roll-up', async () => {
    await page.getByTestId('project-owner').selectOption(COMMUNITY)
    await page.getByTestId('project-category').selectOption('community')
    await page.getByTestId('project-title').fill(title)
    await page.getByTestId('project-goals').fill('三栋老楼楼道粉刷、照明和扶手改造，居民议定方案。')
    await page.getByTestId('project-start').fill(day(-40))
    await page.getByTestId('project-end').fill(day(120))
    await page.getByTestId('draft-milestone-title').first().fill('入户征求意见')
    await page.getByTestId('draft-milestone-due').first().fill(day(-10))
    await page.getByTestId('draft-add-milestone').click()
    await page.getByTestId('draft-milestone-title').nth(1).fill('完成施工')
    await page.getByTestId('draft-milestone-due').nth(1).fill(day(60))
    await page.getByTestId('draft-add-indicator').click()
    await page.getByTestId('draft-indicator-name').fill('改造楼道')
    await page.getByTestId('draft-indicator-target').fill('12')
    await page.getByTestId('project-submit').click()
    await page.getByTestId('projects-message').or(page.getByTestId('projects-error')).waitFor()
    assert.equal(await page.getByTestId('projects-error').count(), 0, await page.getByTestId('projects-error').textContent().catch(() => ''))
    const detail = page.getByTestId('project-detail')
    await detail.waitFor()
    assert.match(await detail.locator('h2').textContent(), /楼道微更新<b>/, 'the title is shown as text')
    assert.equal(await page.locator('.pane-title b').count(), 0, 'no markup from the title')
    assert.equal((await page.getByTestId('detail-status').textContent()).trim(), '已停滞')
    assert.deepEqual(await page.getByTestId('milestone-state').allTextContents(), ['已超期', '未到期'])
    const row = page.getByTestId('project-list').locator('tr', { hasText: title })
    projectId = await row.getAttribute('data-project-id')
    assert.equal((await row.getByTestId('project-status').textContent()).trim(), '已停滞')
    assert.equal(await rollupStalled(), stalledBefore + 1, 'the roll-up counts it')
    const community = page.getByTestId('rollup-children').locator(`tr[data-code="${COMMUNITY}"]`)
    assert.ok(Number(await community.locator('[data-count="stalled"]').textContent()) >= 1)
    await page.screenshot({ path: path.join(OUT, 'projects-stalled.png'), fullPage: true })
  })

  it('completing the milestone puts it under way; rescheduling the other into the past stalls it', async () => {
    const first = page.getByTestId('milestone-list').locator('tr[data-milestone-id]').first()
    await first.getByTestId('milestone-complete').click()
    await page.getByTestId('detail-status').filter({ hasText: '推进中' }).waitFor()
    assert.equal((await first.getByTestId('milestone-state').textContent()).trim(), '逾期完成')
    assert.equal(await rollupStalled(), stalledBefore)
    const second = page.getByTestId('milestone-list').locator('tr[data-milestone-id]').nth(1)
    await second.getByTestId('milestone-due-input').fill(day(-1))
    await second.getByTestId('milestone-reschedule').click()
    await page.getByTestId('detail-status').filter({ hasText: '已停滞' }).waitFor()
    assert.equal(await rollupStalled(), stalledBefore + 1)
    assert.match(await page.getByTestId('project-history').textContent(), /节点改期/)
  })

  it('reports progress with a photo and the indicator\'s value', async () => {
    await page.getByTestId('report-body').fill('已完成3号楼楼道粉刷，照明更换为声控灯。')
    await page.locator('[data-testid^="report-value-"]').first().fill('4')
    const photo = await canvasJpeg(page, 900, 600, '#dfe6e9', [{ fill: '#0984e3', rect: [120, 100, 400, 380] }])
    await page.getByTestId('report-photos').setInputFiles({ name: 'stairs.jpg', mimeType: 'image/jpeg', buffer: photo })
    await page.getByTestId('report-submit').click()
    await page.getByTestId('progress-report').first().waitFor()
    const img = page.getByTestId('report-photo').first()
    await img.waitFor()
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
    assert.match(await page.getByTestId('indicator-list').textContent(), /4/)
  })

  it('the public accountability page shows it stalled, on a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true })
    const p = await phone.newPage()
    p.on('pageerror', (e) => problems.push(`public pageerror: ${e.message}`))
    await p.goto(`${BASE}/p/projects`)
    await p.getByTestId('public-rollup').waitFor()
    const streetStalled = await p.getByTestId('public-rollup').locator('[data-level="street"]').getByTestId('tile-stalled').textContent()
    assert.ok(Number(streetStalled.replace(/\D/g, '')) >= 1, streetStalled)
    await p.getByTestId('public-project-list').locator('li[data-project-id]').first().waitFor()
    await p.screenshot({ path: path.join(OUT, 'projects-public-city.png'), fullPage: false })
    await p.goto(`${BASE}/p/projects?level=street&status=stalled&under=${COMMUNITY}`)
    const item = p.getByTestId('public-project-list').locator(`li[data-project-id="${projectId}"]`)
    await item.waitFor()
    assert.equal((await item.getByTestId('public-status').textContent()).trim(), '已停滞')
    await item.locator('button').click()
    const detail = item.getByTestId('public-project-detail')
    await detail.waitFor()
    assert.match(await detail.textContent(), /入户征求意见/)
    assert.match(await detail.textContent(), /已超期/)
    const width = await p.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `no horizontal scroll on a phone (${width}px)`)
    await p.screenshot({ path: path.join(OUT, 'projects-public.png'), fullPage: true })
    await phone.close()
    assert.deepEqual(problems, [])
  })
})
