// Browser test of notices and loudspeaker broadcasts: a community staff member registers a
// station (its token shown once), publishes an urgent loudspeaker notice (real speech), the
// station device polls its playlist with the token, downloads the audio and acknowledges the
// play, and the staff page shows the station's play; the public notices page lists it under the
// community. Screenshots: test-results/notices-*.png.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/notices.test.mjs
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, canvasJpeg } from './helpers.mjs'

const STAFF = 'jinhua' // staff of 金华社区 150203010008
const COMMUNITY = '150203010008'

describe('notices: publish, a station plays it, staff see the play', { timeout: 180_000 }, () => {
  let browser, page, token, stationId, noticeId
  const title = `燃气检修通知${Math.floor(Math.random() * 1e6)}`
  const problems = []

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, locale: 'zh-CN' })
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

  it('registers a loudspeaker station and shows its token once', async () => {
    await page.goto(`${BASE}/login?next=/notices`)
    await page.getByTestId('login-username').fill(STAFF)
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.waitForURL(/\/notices$/)
    await page.getByTestId('notice-form').waitFor()
    await page.getByTestId('station-unit').selectOption(`${COMMUNITY}001`)
    await page.getByTestId('station-name').fill('金华社区一号广播站')
    await page.getByTestId('station-submit').click()
    const shown = await page.getByTestId('station-token').locator('code').textContent()
    token = shown.trim()
    assert.match(token, /^cgst_[A-Za-z0-9_-]{43}$/)
    const row = page.getByTestId('station-list').locator('tr', { hasText: '金华社区一号广播站' }).last()
    stationId = await row.getAttribute('data-station-id')
    assert.ok(stationId)
    assert.match(await row.textContent(), /从未/)
  })

  it('publishes an urgent loudspeaker notice to the community', async () => {
    await page.getByTestId('notice-target').selectOption(COMMUNITY)
    await page.getByTestId('notice-category').selectOption('safety')
    await page.getByTestId('notice-title').fill(title)
    await page.getByTestId('notice-body').fill('明天上午九点到十一点检修燃气管道，请居民提前关闭阀门。')
    await page.getByTestId('notice-loudspeaker').check()
    await page.getByTestId('notice-urgent').check()
    // A poster drawn in the page's canvas, attached as the notice's image.
    const poster = await canvasJpeg(page, 800, 500, '#f4d03f', [{ fill: '#c0392b', rect: [100, 150, 600, 200] }])
    await page.getByTestId('notice-image').setInputFiles({ name: 'poster.jpg', mimeType: 'image/jpeg', buffer: poster })
    await page.getByTestId('notice-submit').click()
    const done = page.getByTestId('notices-message').filter({ hasText: title }).or(page.getByTestId('notices-error'))
    await done.waitFor()
    assert.equal(await page.getByTestId('notices-error').count(), 0, await page.getByTestId('notices-error').textContent().catch(() => ''))
    await page.getByTestId('notice-detail').waitFor()
    assert.match(await page.getByTestId('notice-detail').textContent(), new RegExp(title))
    const states = await page.getByTestId('delivery-state').allTextContents()
    assert.ok(states.length >= 1, 'at least the new station has a copy')
    assert.ok(states.every((s) => s === '待播放'), states.join(','))
    noticeId = await page.getByTestId('notice-list').locator('tr', { hasText: title }).getAttribute('data-notice-id')
    assert.ok(noticeId)
    await page.screenshot({ path: path.join(OUT, 'notices-published.png'), fullPage: true })
  })

  it('the station polls with its token, downloads the audio and acknowledges', async () => {
    const auth = { Authorization: `Bearer ${token}` }
    const denied = await fetch(`${BASE}/api/v1/broadcast/stations/${stationId}/playlist`)
    assert.equal(denied.status, 401)
    const res = await fetch(`${BASE}/api/v1/broadcast/stations/${stationId}/playlist`, { headers: auth })
    assert.equal(res.status, 200)
    const list = await res.json()
    assert.equal(list.items[0].notice_id, Number(noticeId), 'urgent first')
    assert.ok(list.items[0].duration_ms > 2000, JSON.stringify(list.items[0]))
    const audio = await fetch(`${BASE}${list.items[0].audio_url}`, { headers: auth })
    assert.equal(audio.status, 200)
    assert.equal(audio.headers.get('content-type'), 'audio/ogg')
    const bytes = Buffer.from(await audio.arrayBuffer())
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'OggS')
    assert.ok(bytes.length > 4000, `${bytes.length} bytes`)
    const ack = await fetch(`${BASE}${list.items[0].ack_url}`, { method: 'POST', headers: auth })
    assert.equal(ack.status, 200)
  })

  it('staff see the play and the audio in the page', async () => {
    await page.reload()
    await page.getByTestId('notice-list').locator(`tr[data-notice-id="${noticeId}"]`).click()
    await page.getByTestId('notice-detail').waitFor()
    const row = page.getByTestId('delivery-list').locator(`tr[data-station-id="${stationId}"]`)
    assert.equal(await row.getByTestId('delivery-state').textContent(), '已播放')
    assert.match(await page.getByTestId('delivery-counts').textContent(), /已播放 1/)
    // The page's audio element plays the same Ogg Opus (the browser decodes it).
    const duration = await page.getByTestId('notice-audio').evaluate(async (el) => {
      el.preload = 'auto'
      el.load()
      await new Promise((resolve, reject) => {
        el.addEventListener('loadedmetadata', resolve, { once: true })
        el.addEventListener('error', () => reject(new Error('audio error')), { once: true })
      })
      return el.duration
    })
    assert.ok(duration > 2, `audio duration ${duration}`)
    const stationRow = page.getByTestId('station-list').locator(`tr[data-station-id="${stationId}"]`)
    assert.doesNotMatch(await stationRow.textContent(), /从未/, 'the poll is recorded')
    // A new token from the page: the old one stops working, the new one polls.
    await stationRow.getByTestId('station-reissue').click()
    await page.getByTestId('station-token').locator('code').filter({ hasNotText: token }).waitFor()
    const fresh = (await page.getByTestId('station-token').locator('code').textContent()).trim()
    const old = await fetch(`${BASE}/api/v1/broadcast/stations/${stationId}/playlist`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(old.status, 401)
    const now = await fetch(`${BASE}/api/v1/broadcast/stations/${stationId}/playlist`, { headers: { Authorization: `Bearer ${fresh}` } })
    assert.equal(now.status, 200)
    await page.screenshot({ path: path.join(OUT, 'notices-played.png'), fullPage: true })
  })

  it('the public page lists it under the community', async () => {
    await page.goto(`${BASE}/p/notices?unit=${COMMUNITY}`)
    const item = page.getByTestId('public-notice').filter({ hasText: title })
    await item.waitFor()
    assert.match(await item.textContent(), /金华社区/)
    // Its image is shown, served by the public route (re-encoded, 800 px wide as uploaded).
    const img = item.getByTestId('public-notice-image')
    assert.match(await img.getAttribute('src'), /^\/api\/v1\/public\/notices\/\d+\/image$/)
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
    assert.equal(await img.evaluate((el) => el.naturalWidth), 800)
    assert.doesNotMatch(await page.getByTestId('public-notices').textContent(), /1502030100080\d\d/, 'no grid codes')
    await page.screenshot({ path: path.join(OUT, 'notices-public.png'), fullPage: true })
  })

  it('a grid worker of the community reads it in the field app', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true })
    const m = await phone.newPage()
    m.on('pageerror', (e) => problems.push(`field pageerror: ${e.message}`))
    await m.goto(`${BASE}/m/`)
    await m.waitForURL(/\/m\/login$/)
    await m.locator('[data-testid=m-username] input').fill('jinhua_g1')
    await m.locator('[data-testid=m-password] input').fill(PASSWORD)
    await m.locator('[data-testid=m-login]').click()
    await m.waitForURL(`${BASE}/m/`)
    await m.getByTestId('notices-link').click()
    const item = m.getByTestId('field-notice').filter({ hasText: title })
    await item.waitFor()
    assert.match(await item.textContent(), /紧急/)
    await m.screenshot({ path: path.join(OUT, 'notices-field.png') })
    await phone.close()
    assert.deepEqual(problems, [])
  })
})
