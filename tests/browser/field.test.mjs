// Browser test of the field app (/m/) on a phone-sized screen: a grid worker opens a household,
// goes offline, edits two people and records a visit (all queued, "pending"), a colleague
// changes one of those people meanwhile, the phone comes back online and syncs: the visit and
// the clean edit reach the server (checked through the API and the change log), the other edit
// comes back as a conflict showing both values, and keeping "mine" saves it with both values
// in the record's history.
//
//   CITYGRID_URL=http://127.0.0.1:18080 node --test tests/browser/field.test.mjs
//
// Env: CITYGRID_URL (required), CHROMIUM (default /usr/bin/chromium).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { BASE, PASSWORD, OUT, apiLogin, residentId } from './helpers.mjs'

const GRID = '150203010008001' // jinhua_g1's grid

describe('field app: offline visit, sync and conflict', { timeout: 180_000 }, () => {
  let browser, context, page, admin, worker
  const problems = []
  let household, personA, personB, seqBefore

  before(async () => {
    fs.mkdirSync(OUT, { recursive: true })
    admin = await apiLogin('admin')
    // A household of jinhua_g1's grid with at least two members.
    const list = await admin('GET', `/households?grid=${GRID}&limit=500`)
    assert.equal(list.status, 200, JSON.stringify(list.body))
    // Not visited yet (the test may run again against the same server).
    for (const h of list.body.items.filter((x) => x.members.length >= 2)) {
      if ((await admin('GET', `/households/${h.id}/visits`)).body.total === 0) {
        household = h
        break
      }
    }
    assert.ok(household, 'a household with two members and no visit in the demo grid')
    personA = (await admin('GET', `/persons/${household.members[0].person_id}`)).body
    personB = (await admin('GET', `/persons/${household.members[1].person_id}`)).body
    // The change feed as the grid worker's scope sees it (the whole city's would be long).
    worker = await apiLogin('jinhua_g1')
    seqBefore = 0
    for (let since = 0; ; ) {
      const page = await worker('GET', `/changes?since=${since}&limit=1000`)
      assert.equal(page.status, 200)
      if (page.body.items.length === 0) break
      since = seqBefore = page.body.next_since
    }

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    })
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
      // Expected: 401 of /me before login, offline fetch failures, the 409 of the conflict, and
      // the generated forms while their endpoint is absent (the app falls back to core fields).
      if (/status of 401/.test(text) || /ERR_INTERNET_DISCONNECTED/.test(text) || /status of 409/.test(text)) return
      if (/status of 40[34]/.test(text) && /\/api\/v1\/forms\//.test(where)) return
      problems.push(`console: ${text}`)
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('logs in on a phone and shows the grid', async () => {
    await page.goto(`${BASE}/m/`)
    await page.waitForURL(/\/m\/login$/)
    await page.locator('[data-testid=m-username] input').fill('jinhua_g1')
    await page.locator('[data-testid=m-password] input').fill(PASSWORD)
    await page.locator('[data-testid=m-login]').click()
    await page.waitForURL(`${BASE}/m/`)
    await page.getByTestId('households-item').first().waitFor()
    await page.getByTestId('synced-badge').waitFor()
    assert.match(await page.getByTestId('online-status').innerText(), /在线/)
    await page.screenshot({ path: path.join(OUT, 'field-grid.png') })
    // Search by name part, answered by the server.
    const name = personA.fields.name
    await page.locator('.van-tab', { hasText: '人员' }).click()
    await page.locator('[data-testid=m-search] input').fill(name.slice(0, 2))
    await page.getByTestId('persons-item').filter({ hasText: name }).first().waitFor()
    await page.screenshot({ path: path.join(OUT, 'field-search.png') })
    await page.locator('[data-testid=m-search] input').fill('')
    await page.locator('.van-tab', { hasText: '住户' }).click()
  })

  it('records a visit and edits people offline, then syncs with one conflict', async () => {
    // A deep link, served by the SPA fallback.
    await page.goto(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('member-item').nth(1).waitFor()
    await page.getByTestId('synced-badge').waitFor()
    await context.setOffline(true)
    await page.getByTestId('online-status').filter({ hasText: '离线' }).waitFor()

    const nameA = personA.fields.name + '甲'
    const nameB = personB.fields.name + '乙'
    for (const [i, name] of [[0, nameA], [1, nameB]]) {
      await page.getByTestId('member-item').nth(i).click()
      await page.waitForURL(/\/m\/person\/\d+/)
      await page.locator('[data-testid=person-name] input').fill(name)
      await page.getByTestId('person-save').click()
      await page.waitForURL(`${BASE}/m/household/${household.id}`)
    }
    // A new member, added offline: created on sync, then joined to the household.
    const newcomer = '新成员' + String(Date.now()).slice(-4)
    await page.getByTestId('add-person').click()
    await page.waitForURL(/\/m\/person\/new/)
    await page.locator('[data-testid=person-name] input').fill(newcomer)
    await page.locator('[data-testid=person-id_number] input').fill(residentId(1930 + Math.floor(Math.random() * 20), 900, 99))
    await page.getByTestId('person-relation').selectOption('80')
    await page.getByTestId('person-save').click()
    await page.waitForURL(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('record-visit').click()
    await page.waitForURL(/\/visit$/)
    await page.getByTestId('check-residents_present').click()
    await page.getByTestId('check-safety').click()
    await page.locator('[data-testid=visit-notes] textarea').fill('离线走访：老人身体良好，燃气已检查')
    await page.getByTestId('save-visit').click()
    await page.waitForURL(`${BASE}/m/household/${household.id}`)
    assert.match(await page.getByTestId('pending-badge').innerText(), /待同步 4/)
    assert.match(await page.getByTestId('visit-item').first().innerText(), /待同步/)
    await page.screenshot({ path: path.join(OUT, 'field-offline-pending.png') })

    // Nothing reached the server yet.
    assert.equal((await admin('GET', `/households/${household.id}/visits`)).body.total, 0)
    // A colleague changes person B meanwhile.
    const theirs = personB.fields.name + '丙'
    const changed = await admin('PATCH', `/persons/${personB.id}`, { version: personB.version, name: theirs })
    assert.equal(changed.status, 200)

    await context.setOffline(false)
    await page.getByTestId('online-status').filter({ hasText: '在线' }).waitFor()
    await page.getByTestId('synced-badge').waitFor()
    await page.getByTestId('conflicts-link').waitFor()
    await page.screenshot({ path: path.join(OUT, 'field-synced.png') })

    // The visit and the clean edit are on the server, once each, in the change log.
    const visits = await admin('GET', `/households/${household.id}/visits`)
    assert.equal(visits.body.total, 1)
    const visit = visits.body.items[0]
    assert.equal(visit.checklist.residents_present, 'yes')
    assert.equal(visit.checklist.safety, 'yes')
    assert.match(visit.notes, /离线走访/)
    assert.ok(visit.changed_records.includes(`person:${personA.id}`), JSON.stringify(visit))
    assert.equal((await admin('GET', `/persons/${personA.id}`)).body.fields.name, nameA)
    const log = []
    for (let since = seqBefore; ; ) {
      const page = await worker('GET', `/changes?since=${since}&limit=1000`)
      if (page.body.items.length === 0) break
      log.push(...page.body.items)
      since = page.body.next_since
    }
    assert.ok(log.some((c) => c.entity === 'person' && c.entity_id === personA.id && c.field === 'name' &&
      c.new_value === nameA && c.source === 'field_app'), 'the edit is in the change log')
    assert.ok(log.some((c) => c.entity === 'household' && c.entity_id === household.id && c.field === 'visit' &&
      c.new_value === String(visit.id) && c.source === 'field_app'), 'the visit is in the change log')
    // The newcomer exists once and is a member (relation 80) of the household.
    const found = (await admin('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(newcomer)}`)).body
    assert.equal(found.total, 1)
    const members = (await admin('GET', `/households/${household.id}`)).body.members
    assert.ok(members.some((m) => m.person_id === found.items[0].id && m.relation === '80'), JSON.stringify(members))
    // B kept the colleague's value for now.
    assert.equal((await admin('GET', `/persons/${personB.id}`)).body.fields.name, theirs)

    // The conflict shows both values; the worker keeps their own value.
    await page.getByTestId('conflicts-link').click()
    await page.waitForURL(/\/m\/conflicts$/)
    const item = page.getByTestId('conflict-item')
    await item.waitFor()
    assert.equal(await item.getByTestId('conflict-mine').innerText(), nameB)
    assert.equal(await item.getByTestId('conflict-theirs').innerText(), theirs)
    await page.screenshot({ path: path.join(OUT, 'field-conflict.png') })
    await item.getByTestId('keep-mine').click()
    await page.getByTestId('conflict-item').waitFor({ state: 'detached' })
    await page.getByTestId('synced-badge').waitFor()
    for (let i = 0; i < 50; i++) {
      if ((await admin('GET', `/persons/${personB.id}`)).body.fields.name === nameB) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal((await admin('GET', `/persons/${personB.id}`)).body.fields.name, nameB)
    const history = (await admin('GET', `/persons/${personB.id}/history`)).body.items.filter((c) => c.field === 'name')
    assert.deepEqual(history.slice(-2).map((c) => c.new_value), [theirs, nameB], 'both values are in the history')

    // Replaying does not duplicate: a reload syncs again and the server still has one visit.
    await page.reload()
    await page.getByTestId('synced-badge').waitFor()
    assert.equal((await admin('GET', `/households/${household.id}/visits`)).body.total, 1)

    // Editing the household: the newcomer's relation to the head.
    const newcomerId = found.items[0].id
    await page.goto(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('synced-badge').waitFor()
    await page.getByTestId('edit-household').click()
    await page.getByTestId(`relation-${newcomerId}`).selectOption('70')
    await page.getByTestId('household-save').click()
    await page.waitForURL(`${BASE}/m/household/${household.id}`)
    await page.getByTestId('synced-badge').waitFor()
    for (let i = 0; i < 50; i++) {
      const m = (await admin('GET', `/households/${household.id}`)).body.members
      if (m.some((x) => x.person_id === newcomerId && x.relation === '70')) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const after = (await admin('GET', `/households/${household.id}`)).body.members
    assert.ok(after.some((x) => x.person_id === newcomerId && x.relation === '70'), JSON.stringify(after))

    // An offline start: the service worker serves the shell, the grid comes from the phone's cache.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
    await context.setOffline(true)
    await page.reload()
    await page.getByTestId('online-status').filter({ hasText: '离线' }).waitFor()
    await page.getByTestId('member-item').nth(1).waitFor()
    assert.match(await page.getByTestId('visit-item').first().innerText(), /离线走访/)
    await page.screenshot({ path: path.join(OUT, 'field-offline-start.png') })
    await context.setOffline(false)
    assert.deepEqual(problems, [])
  })

  it('creates a household with a new head offline, then syncs it in order', async () => {
    await page.goto(`${BASE}/m/`)
    await page.getByTestId('synced-badge').waitFor()
    const tab = page.locator('.van-tab', { hasText: '住户' })
    const countOf = async () => Number((await tab.innerText()).match(/\d+/)[0])
    const before = await countOf()
    await context.setOffline(true)
    await page.getByTestId('online-status').filter({ hasText: '离线' }).waitFor()

    await page.getByTestId('new-household').click()
    await page.waitForURL(/\/m\/household\/new$/)
    // Nothing chosen: clear messages, nothing queued.
    await page.getByTestId('new-household-save').click()
    const errors = page.getByTestId('form-errors')
    await errors.waitFor()
    assert.match(await errors.innerText(), /请选择地址/)
    assert.match(await errors.innerText(), /请选择户主/)
    const address = page.getByTestId('new-household-address')
    const addressId = (await address.locator('option').nth(1).getAttribute('value'))
    await address.selectOption(addressId)
    await page.getByTestId('new-household-head').selectOption('new')
    const headName = '新户主' + String(Date.now()).slice(-4)
    await page.locator('[data-testid=person-name] input').fill(headName)
    await page.locator('[data-testid=person-id_number] input').fill('150203199001011230')
    await page.getByTestId('new-household-save').click()
    await errors.filter({ hasText: '无效' }).waitFor()
    assert.doesNotMatch(await errors.innerText(), /请选择/)
    await page.screenshot({ path: path.join(OUT, 'field-new-household-errors.png'), fullPage: true })
    await page.locator('[data-testid=person-id_number] input').fill(residentId(1930 + Math.floor(Math.random() * 20), 900, 99))
    await page.locator('[data-testid=person-phone] input').fill('13912345678')
    await page.getByTestId('new-household-save').click()

    // Shown at once under a temporary id, with its head; the grid counts it.
    await page.waitForURL(/\/m\/household\/-\d+$/)
    const head = page.getByTestId('member-item').filter({ hasText: headName })
    await head.waitFor()
    assert.match(await head.innerText(), /户主/)
    assert.match(await head.innerText(), /139\*{4}5678/)
    assert.match(await page.getByTestId('pending-badge').innerText(), /待同步 2/)
    await page.screenshot({ path: path.join(OUT, 'field-new-household-offline.png') })
    await page.locator('.van-nav-bar__left').click()
    await page.waitForURL(`${BASE}/m/`)
    await page.getByTestId('households-item').first().waitFor()
    assert.equal(await countOf(), before + 1)
    assert.match(await page.getByTestId('households-item').filter({ hasText: headName }).innerText(), /待同步/)
    await page.screenshot({ path: path.join(OUT, 'field-new-household-grid.png') })
    const found0 = await admin('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(headName)}`)
    assert.equal(found0.body.total, 0, 'nothing reached the server while offline')

    // Back online: the head is created, then the household with the head's real id.
    await page.getByTestId('households-item').filter({ hasText: headName }).click()
    await page.waitForURL(/\/m\/household\/-\d+$/)
    await context.setOffline(false)
    await page.getByTestId('online-status').filter({ hasText: '在线' }).waitFor()
    await page.waitForURL(/\/m\/household\/\d+$/)
    await page.getByTestId('synced-badge').waitFor()
    const householdId = Number(page.url().match(/household\/(\d+)$/)[1])
    await page.getByTestId('member-item').filter({ hasText: headName }).waitFor()
    await page.screenshot({ path: path.join(OUT, 'field-new-household-synced.png') })

    const found = (await admin('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(headName)}`)).body
    assert.equal(found.total, 1, 'the head exists once')
    const personId = found.items[0].id
    const created = (await admin('GET', `/households/${householdId}`)).body
    assert.equal(created.grid_code, GRID)
    assert.equal(created.fields.head_person_id, String(personId))
    assert.equal(created.fields.address_id, addressId)
    assert.deepEqual(created.members, [{ person_id: personId, relation: '02' }])
    assert.equal((await admin('GET', `/persons/${personId}`)).body.fields.address_id, addressId)
    const history = (await admin('GET', `/households/${householdId}/history`)).body.items
    assert.ok(history.length > 0 && history.every((c) => c.source === 'field_app'), JSON.stringify(history))
    const personHistory = (await admin('GET', `/persons/${personId}/history`)).body.items
    assert.ok(personHistory.every((c) => c.source === 'field_app'), JSON.stringify(personHistory))

    // The grid counts it once, no longer pending; a reload replays nothing twice.
    await page.goto(`${BASE}/m/`)
    await page.getByTestId('synced-badge').waitFor()
    assert.equal(await countOf(), before + 1)
    assert.doesNotMatch(await page.getByTestId('households-item').filter({ hasText: headName }).innerText(), /待同步/)
    assert.equal((await admin('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(headName)}`)).body.total, 1)
    assert.deepEqual(problems, [])
  })

  it('lists a refused new head and the household that needed it, sending neither half', async () => {
    // Someone records the same ID number at the office while the phone is offline.
    const idNumber = residentId(1930 + Math.floor(Math.random() * 20), 900, 99)
    const office = await admin('POST', '/persons', { grid_code: GRID, name: '窗口登记', id_number: idNumber, ethnicity: '01', residence_status: 'registered' })
    assert.equal(office.status, 201, JSON.stringify(office.body))
    await page.goto(`${BASE}/m/`)
    await page.getByTestId('synced-badge').waitFor()
    const tab = page.locator('.van-tab', { hasText: '住户' })
    const before = Number((await tab.innerText()).match(/\d+/)[0])
    await context.setOffline(true)
    await page.getByTestId('online-status').filter({ hasText: '离线' }).waitFor()
    await page.getByTestId('new-household').click()
    await page.getByTestId('new-household-address').selectOption({ index: 1 })
    await page.getByTestId('new-household-head').selectOption('new')
    const headName = '重号户主' + String(Date.now()).slice(-4)
    await page.locator('[data-testid=person-name] input').fill(headName)
    await page.locator('[data-testid=person-id_number] input').fill(idNumber)
    await page.getByTestId('new-household-save').click()
    await page.waitForURL(/\/m\/household\/-\d+$/)

    await context.setOffline(false)
    await page.getByTestId('conflicts-link').waitFor()
    await page.getByTestId('synced-badge').waitFor()
    await page.getByTestId('conflicts-link').click()
    await page.waitForURL(/\/m\/conflicts$/)
    const failed = page.getByTestId('failed-item')
    assert.equal(await failed.count(), 2)
    assert.match(await failed.nth(0).innerText(), new RegExp(headName))
    assert.match(await failed.nth(1).innerText(), new RegExp(`${headName}户[\\s\\S]*未提交：它依赖的“${headName}”被服务器拒绝`))
    await page.screenshot({ path: path.join(OUT, 'field-new-household-refused.png') })
    // Neither the head nor a household reached the server; the pending household left the list.
    assert.equal((await admin('GET', `/persons?grid=${GRID}&q=${encodeURIComponent(headName)}`)).body.total, 0)
    const households = (await admin('GET', `/households?grid=${GRID}&limit=500`)).body
    assert.equal(households.total, before)
    await page.locator('.van-nav-bar__left').click()
    await page.waitForURL(`${BASE}/m/`)
    assert.equal(Number((await tab.innerText()).match(/\d+/)[0]), before)
    assert.deepEqual(problems, [])
  })

  it('opens a person form while the phone still loads the grid: it waits for the record and sends only the change', async () => {
    const persons = (await admin('GET', `/persons?grid=${GRID}&limit=500`)).body.items
    const person = persons.find((p) => p.fields.name && p.attributes['person.veteran'] !== 'true')
    assert.ok(person, 'a person of the grid not marked as a veteran')
    // A new phone: nothing cached, and the grid's persons answer slowly (a poor connection).
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
    const p2 = await phone.newPage()
    p2.setDefaultTimeout(30_000)
    await p2.goto(`${BASE}/m/login`)
    await p2.locator('[data-testid=m-username] input').fill('jinhua_g1')
    await p2.locator('[data-testid=m-password] input').fill(PASSWORD)
    await p2.locator('[data-testid=m-login]').click()
    await p2.waitForURL(`${BASE}/m/`)
    await phone.route(/\/api\/v1\/persons\?grid=/, async (route) => {
      await new Promise((r) => setTimeout(r, 1500))
      await route.continue()
    })
    await p2.goto(`${BASE}/m/person/${person.id}`)
    // The form waits for the record instead of opening empty (which would send blanks over it).
    await p2.getByTestId('form-loading').waitFor()
    const name = p2.locator('[data-testid=person-name] input')
    await name.waitFor()
    assert.equal(await name.inputValue(), person.fields.name)
    await p2.getByTestId('person-person.veteran').click()
    await p2.getByTestId('person-save').click()
    await p2.waitForURL(`${BASE}/m/`)
    await p2.getByTestId('synced-badge').waitFor()
    assert.equal(await p2.getByTestId('conflicts-link').count(), 0)
    const got = (await admin('GET', `/persons/${person.id}`)).body
    assert.equal(got.attributes['person.veteran'], 'true')
    assert.equal(got.fields.name, person.fields.name)
    assert.equal(got.version, person.version + 1)
    await phone.close()
  })
})
