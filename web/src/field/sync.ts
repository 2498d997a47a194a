// The field app's offline model (docs/field-app.md): the grid's records are cached on the
// phone; every change is an operation in a persistent queue, applied to the cache at once and
// sent when online. Creations carry a client-generated key (replays return the first result);
// edits carry the version they were made on, so a concurrent change elsewhere comes back as a
// conflict holding both values — nothing is dropped without the worker's choice.
import { reactive, watch } from 'vue'
import { ApiError, request } from '../api'
import { kvDelete, kvGet, kvPutAll } from './db'
import { ft } from './i18n'

export type Family = 'addresses' | 'households' | 'persons'
export const FAMILIES: Family[] = ['households', 'persons', 'addresses']

export interface Rec {
  id: number
  entity: string
  version: number
  grid_code: string
  fields: Record<string, string>
  attributes: Record<string, string>
  members?: { person_id: number; relation: string }[]
}

export interface Visit {
  id: number
  household_id: number
  visited_at: number
  checklist: Record<string, string>
  notes: string
  changed_records: string[]
  visitor_user_id: number
  pending?: boolean
}

export interface Change {
  seq: number
  entity: string
  entity_id: number
  field: string
  old_value: string | null
  new_value: string | null
  at: number
  source: string
}

export interface Op {
  op_id: string
  kind: 'patch' | 'create' | 'visit' | 'join'
  family: Family
  id?: number
  base_version?: number
  changes?: Record<string, string>
  attributes?: Record<string, string>
  body?: Record<string, unknown>
  // A created person joins this household once the server has given it an id.
  join?: { household_id: number; relation: string }
  // A creation is shown in the cache under this temporary (negative) id until the server gives
  // the real one, which then replaces it in every later queued operation (ops may refer to it).
  temp_id?: number
  label: string
  created_at: number
}

export interface Conflict {
  op: Op
  current: Rec
  history: Change[]
}

export interface Failure {
  op: Op
  message: string
}

interface Persisted {
  grid: string
  seq: number
  records: Record<Family, Record<string, Rec>>
  visits: Record<string, Visit[]>
  visitEdits: Record<string, string[]>
  resolved: Record<string, number>
  lastSync: number
}

export const field = reactive({
  user: 0,
  grid: '',
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  loaded: false,
  seq: 0,
  lastSync: 0,
  error: '',
  records: { addresses: {}, households: {}, persons: {} } as Record<Family, Record<string, Rec>>,
  visits: {} as Record<string, Visit[]>,
  queue: [] as Op[],
  conflicts: [] as Conflict[],
  failed: [] as Failure[],
  // Records changed from a household's page since its last visit was recorded ("person:12").
  visitEdits: {} as Record<string, string[]>,
  // Temporary id of a record created on this phone → the id the server gave it.
  resolved: {} as Record<string, number>,
})

const key = (what: string) => `citygrid.field.${what}.${field.user}`

interface PersistedQueue {
  queue: Op[]
  conflicts: Conflict[]
  failed: Failure[]
}

function snapshot(): { cache: Persisted; queue: PersistedQueue } {
  return {
    cache: {
      grid: field.grid,
      seq: field.seq,
      records: field.records,
      visits: field.visits,
      visitEdits: field.visitEdits,
      resolved: field.resolved,
      lastSync: field.lastSync,
    },
    queue: { queue: field.queue, conflicts: field.conflicts, failed: field.failed },
  }
}

// Writes to IndexedDB are asynchronous: one at a time, each of the state as it is when it
// starts, cache and queue in one transaction (so a queued change is never stored without the
// cache it was applied to). Saves asked for while one is writing become one more write.
let writing: Promise<void> | null = null
let again = false

function save(): void {
  if (!field.user) return
  if (writing) {
    again = true
    return
  }
  const user = field.user
  writing = (async () => {
    do {
      again = false
      const { cache, queue } = snapshot()
      try {
        await kvPutAll({ [`citygrid.field.cache.${user}`]: cache, [`citygrid.field.queue.${user}`]: queue })
      } catch (e) {
        field.error = ft('storage.failed', { message: (e as Error).message })
      }
    } while (again && field.user === user)
    writing = null
  })()
}

/** Resolves once everything saved so far is in IndexedDB. */
export async function saved(): Promise<void> {
  while (writing) await writing
}

// Phones that ran an earlier version kept the cache and queue in localStorage: moved once.
async function migrateLocalStorage(): Promise<void> {
  const entries: Record<string, unknown> = {}
  for (const what of ['cache', 'queue']) {
    const text = localStorage.getItem(key(what))
    if (text === null) continue
    try {
      entries[key(what)] = JSON.parse(text)
    } catch {
      // unreadable: dropped below, as a corrupt cache always was
    }
  }
  if (Object.keys(entries).length) await kvPutAll(entries)
  localStorage.removeItem(key('cache'))
  localStorage.removeItem(key('queue'))
}

/** Loads the cache and queue of `user` (from an earlier session, maybe offline). */
export async function openFor(user: number, grid: string): Promise<void> {
  field.user = user
  field.grid = grid
  try {
    await migrateLocalStorage()
    const cached = await kvGet<Persisted>(key('cache'))
    if (field.user !== user) return
    if (cached && cached.grid === grid) {
      field.seq = cached.seq
      field.records = cached.records
      field.visits = cached.visits
      field.visitEdits = cached.visitEdits ?? {}
      field.resolved = cached.resolved ?? {}
      field.lastSync = cached.lastSync
      field.loaded = true
    }
    const q = await kvGet<PersistedQueue>(key('queue'))
    if (q && field.user === user) {
      field.queue = q.queue
      field.conflicts = q.conflicts
      field.failed = q.failed
    }
  } catch (e) {
    // A corrupt cache is dropped and reloaded from the server; storage that cannot be opened
    // (private mode) leaves the app working online only.
    field.error = ft('storage.failed', { message: (e as Error).message })
  }
}

/** A client-generated id: the idempotency key of a creation, so replays never duplicate. */
export function newOpId(): string {
  return crypto.randomUUID()
}

export function pendingCount(): number {
  return field.queue.length
}

export function enqueue(op: Op): void {
  field.queue.push(op)
  applyLocally(op)
  save()
  void syncNow()
}

/**
 * Queues an edit of `rec` made on its current version; false if nothing changed. With
 * `household`, the record is listed among the changes of that household's next visit.
 */
export function enqueuePatch(
  family: Family,
  rec: Rec,
  changes: Record<string, string>,
  attributes: Record<string, string>,
  label: string,
  household?: string,
): boolean {
  if (Object.keys(changes).length + Object.keys(attributes).length === 0) return false
  enqueue({ op_id: newOpId(), kind: 'patch', family, id: rec.id, base_version: rec.version, changes, attributes, label, created_at: Date.now() })
  if (household) {
    const ref = `${family === 'persons' ? 'person' : 'household'}:${rec.id}`
    const list = (field.visitEdits[household] ??= [])
    if (!list.includes(ref)) list.push(ref)
  }
  return true
}

/**
 * The record an edit form starts from: a copy of `family`/`id` as soon as the cache holds it
 * (after a reload the cache may still be loading from the server), or undefined once the cache
 * is settled without it. A form compares its values with this copy and sends its changes on
 * this copy's version — not on whatever a sync has put in the cache since the form opened.
 */
export function recordReady(family: Family, id: string): Promise<Rec | undefined> {
  return new Promise((resolve) => {
    let done = false
    let stop: (() => void) | undefined
    stop = watch(
      () => [field.records[family][id], (field.loaded || !field.online) && !field.syncing] as const,
      ([rec, settled]) => {
        if (done || (!rec && !settled)) return
        done = true
        stop?.()
        resolve(rec ? (JSON.parse(JSON.stringify(rec)) as Rec) : undefined)
      },
      { immediate: true },
    )
    if (done) stop()
  })
}

// Below every id in use on this phone: records, queued or failed operations, resolved ones.
function nextTempId(): number {
  let min = 0
  for (const fam of FAMILIES) for (const k of Object.keys(field.records[fam])) min = Math.min(min, Number(k))
  for (const k of Object.keys(field.resolved)) min = Math.min(min, Number(k))
  for (const op of [...field.queue, ...field.failed.map((f) => f.op)]) min = Math.min(min, op.temp_id ?? 0)
  return min - 1
}

/**
 * Queues the creation of a record (`body`: fields and `attributes`) and shows it in the cache at
 * once under a temporary negative id, which is returned: later operations may use it in their
 * references (head_person_id, members, ...) and it is replaced by the server's id when sent.
 */
export function enqueueCreate(family: Family, body: Record<string, unknown>, label: string, join?: Op['join']): number {
  const temp_id = nextTempId()
  enqueue({ op_id: newOpId(), kind: 'create', family, body, join, label, created_at: Date.now(), temp_id })
  return temp_id
}

function parseMembers(s: string | undefined): { person_id: number; relation: string }[] {
  return (s ?? '').split(',').filter(Boolean).map((m) => {
    const [id, relation] = m.split(':')
    return { person_id: Number(id), relation }
  })
}

// What the server would show of a record created on this phone (ID and phone numbers masked).
function localRecord(op: Op, id: number): Rec {
  const body = op.body ?? {}
  const fields: Record<string, string> = {}
  for (const [k, v] of Object.entries(body)) if (k !== 'attributes') fields[k] = String(v)
  const id_number = fields.id_number
  if (id_number) fields.id_number = id_number.length === 18 ? `${id_number.slice(0, 6)}********${id_number.slice(14)}` : '*'.repeat(id_number.length)
  if (fields.phone) fields.phone = fields.phone.length === 11 ? `${fields.phone.slice(0, 3)}****${fields.phone.slice(7)}` : '*'.repeat(fields.phone.length)
  const rec: Rec = {
    id,
    entity: op.family === 'persons' ? 'person' : op.family === 'households' ? 'household' : 'address',
    version: 0,
    grid_code: String(body.grid_code ?? field.grid),
    fields,
    attributes: { ...((body.attributes as Record<string, string> | undefined) ?? {}) },
  }
  if (op.family === 'households') rec.members = parseMembers(fields.members)
  return rec
}

const REF_FIELDS = ['head_person_id', 'address_id', 'house_id', 'person_id']

/**
 * Calls `swap` on every record id `op` refers to (its target, the household it joins, reference
 * fields, members, changed records) and writes back what `swap` returns.
 */
function mapRefs(op: Op, swap: (id: string) => string): void {
  if (op.id !== undefined) op.id = Number(swap(String(op.id)))
  if (op.join) op.join.household_id = Number(swap(String(op.join.household_id)))
  for (const bag of [op.body, op.changes] as (Record<string, unknown> | undefined)[]) {
    if (!bag) continue
    for (const k of REF_FIELDS) {
      if (typeof bag[k] === 'string' && bag[k]) bag[k] = swap(bag[k] as string)
      else if (typeof bag[k] === 'number') bag[k] = Number(swap(String(bag[k])))
    }
    if (typeof bag.members === 'string') {
      bag.members = parseMembers(bag.members).map((m) => `${swap(String(m.person_id))}:${m.relation}`).join(',')
    }
    if (Array.isArray(bag.changed_records)) {
      bag.changed_records = (bag.changed_records as string[]).map((r) => {
        const [entity, id] = r.split(':')
        return `${entity}:${swap(id)}`
      })
    }
  }
}

function refersTo(op: Op, id: number): boolean {
  let found = false
  mapRefs(JSON.parse(JSON.stringify(op)) as Op, (x) => {
    found ||= x === String(id)
    return x
  })
  return found
}

// The server created the record shown as `temp`: later operations, the cache's other pending
// records and the visit notes use its real id from now on (a patch made on the pending record,
// version 0, applies to the version the server created).
function resolveTemp(family: Family, temp: number, rec: Rec): void {
  const t = String(temp)
  const swap = (x: string) => (x === t ? String(rec.id) : x)
  for (const op of field.queue) {
    const wasTarget = op.id === temp && op.family === family
    mapRefs(op, swap)
    if (wasTarget && op.kind === 'patch' && op.base_version === 0) op.base_version = rec.version
  }
  delete field.records[family][t]
  for (const fam of FAMILIES) {
    for (const r of Object.values(field.records[fam])) {
      if (r.id >= 0) continue
      for (const k of REF_FIELDS) if (r.fields[k]) r.fields[k] = swap(r.fields[k])
      if (r.fields.members !== undefined) {
        r.fields.members = parseMembers(r.fields.members).map((m) => `${swap(String(m.person_id))}:${m.relation}`).join(',')
        r.members = parseMembers(r.fields.members)
      }
    }
  }
  const ref = `${family === 'persons' ? 'person' : 'household'}:${t}`
  for (const list of Object.values(field.visitEdits)) {
    const i = list.indexOf(ref)
    if (i >= 0) list[i] = `${ref.split(':')[0]}:${rec.id}`
  }
  if (family === 'households') {
    for (const bag of [field.visitEdits, field.visits] as Record<string, unknown>[]) {
      if (bag[t] === undefined) continue
      bag[String(rec.id)] = bag[t]
      delete bag[t]
    }
  }
  field.resolved[t] = rec.id
}

// A creation the server refused: its pending record goes, and so does every queued operation
// that needs its id (each listed with the reason, nothing dropped silently).
function refuseDependents(op: Op): void {
  if (op.temp_id === undefined) return
  delete field.records[op.family][String(op.temp_id)]
  const temp = op.temp_id
  const dependents = field.queue.slice(1).filter((o) => refersTo(o, temp))
  field.queue = field.queue.filter((o) => !dependents.includes(o))
  for (const d of dependents) {
    field.failed.push({ op: d, message: ft('sync.dependsOn', { label: op.label }) })
    refuseDependents(d)
  }
}

// The cache shows the change at once; the server's answer replaces it when synced.
function applyLocally(op: Op): void {
  if (op.kind === 'create' && op.temp_id !== undefined) {
    field.records[op.family][String(op.temp_id)] = localRecord(op, op.temp_id)
  } else if (op.kind === 'patch' && op.id !== undefined) {
    const r = field.records[op.family][String(op.id)]
    if (r) {
      Object.assign(r.fields, op.changes ?? {})
      Object.assign(r.attributes, op.attributes ?? {})
    }
  } else if (op.kind === 'visit' && op.id !== undefined) {
    const list = (field.visits[String(op.id)] ??= [])
    const body = op.body as { checklist?: Record<string, string>; notes?: string; visited_at?: number; changed_records?: string[] }
    list.unshift({
      id: 0,
      household_id: op.id,
      visited_at: body.visited_at ?? op.created_at,
      checklist: body.checklist ?? {},
      notes: body.notes ?? '',
      changed_records: body.changed_records ?? [],
      visitor_user_id: field.user,
      pending: true,
    })
  }
}

function isOffline(e: unknown): boolean {
  return e instanceof ApiError && e.status === 0
}

async function send(op: Op): Promise<void> {
  const q = '?source=field_app'
  if (op.kind === 'patch') {
    const body = { version: op.base_version, ...op.changes, attributes: op.attributes ?? {} }
    const rec = await request<Rec>('PATCH', `/${op.family}/${op.id}${q}`, body)
    field.records[op.family][String(rec.id)] = rec
  } else if (op.kind === 'create') {
    const rec = await request<Rec>('POST', `/${op.family}${q}`, op.body, undefined, { 'Idempotency-Key': op.op_id })
    field.records[op.family][String(rec.id)] = rec
    if (op.temp_id !== undefined) resolveTemp(op.family, op.temp_id, rec)
    if (op.join) {
      // Joined when sent, on the household as this phone then knows it (after earlier edits).
      field.queue.push({
        op_id: newOpId(),
        kind: 'join',
        family: 'households',
        id: op.join.household_id,
        body: { person_id: rec.id, relation: op.join.relation },
        label: op.label,
        created_at: Date.now(),
      })
    }
  } else if (op.kind === 'join') {
    const h = field.records.households[String(op.id)]
    const body = op.body as { person_id: number; relation: string }
    if (!h || (h.members ?? []).some((m) => m.person_id === body.person_id)) return
    const members = [...(h.members ?? []).map((m) => `${m.person_id}:${m.relation}`), `${body.person_id}:${body.relation}`]
    // As a patch from here on: a stale version becomes an ordinary conflict.
    op.kind = 'patch'
    op.base_version = h.version
    op.changes = { members: members.join(',') }
    const rec2 = await request<Rec>('PATCH', `/households/${h.id}${q}`, { version: h.version, members: op.changes.members })
    field.records.households[String(rec2.id)] = rec2
  } else {
    const v = await request<Visit>('POST', `/households/${op.id}/visits${q}`, { ...op.body, client_id: op.op_id })
    const list = (field.visits[String(op.id)] ??= [])
    const i = list.findIndex((x) => x.pending)
    if (i >= 0) list.splice(i, 1)
    if (!list.some((x) => x.id === v.id)) list.unshift(v)
  }
}

// Sends queued operations in order; stops at the first network failure (still offline).
async function flush(): Promise<void> {
  while (field.queue.length > 0) {
    const op = field.queue[0]
    try {
      await send(op)
    } catch (e) {
      if (isOffline(e)) {
        field.online = false
        return
      }
      const err = e as ApiError
      const body = err.body as { current?: Rec; history?: Change[] } | undefined
      if (err.status === 409 && op.kind === 'patch' && body?.current) {
        field.conflicts.push({ op, current: body.current, history: body.history ?? [] })
        field.records[op.family][String(body.current.id)] = body.current
      } else if (err.status === 401) {
        throw e
      } else {
        field.failed.push({ op, message: err.message })
        if (op.kind === 'create') refuseDependents(op)
      }
    }
    field.queue.shift()
    save()
  }
}

async function fetchAll<T>(path: string): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; ; offset += 500) {
    const sep = path.includes('?') ? '&' : '?'
    const page = await request<{ items: T[]; total: number }>('GET', `${path}${sep}limit=500&offset=${offset}`)
    out.push(...page.items)
    if (page.items.length < 500) return out
  }
}

const FAMILY_OF: Record<string, Family> = { address: 'addresses', household: 'households', person: 'persons' }

// Pulls the change log since `seq` (scoped to the user by the server) and refetches what it names.
async function pull(): Promise<void> {
  const grid = encodeURIComponent(field.grid)
  if (!field.loaded) {
    // Note the log's end first: anything written while the lists load is pulled again next time.
    let seq = 0
    for (;;) {
      const page = await request<{ items: Change[]; next_since: number }>('GET', `/changes?since=${seq}&limit=1000`)
      if (page.items.length === 0) break
      seq = page.next_since
    }
    for (const fam of FAMILIES) {
      const items = await fetchAll<Rec>(`/${fam}?grid=${grid}`)
      // Records created on this phone and not sent yet stay.
      const pending = Object.values(field.records[fam]).filter((r) => r.id < 0)
      field.records[fam] = Object.fromEntries([...items, ...pending].map((r) => [String(r.id), r]))
    }
    const visits = await fetchAll<Visit>(`/visits?grid=${grid}`)
    field.visits = {}
    for (const v of visits) (field.visits[String(v.household_id)] ??= []).push(v)
    field.seq = seq
    field.loaded = true
    return
  }
  const touched = new Set<string>()
  const visited = new Set<number>()
  for (;;) {
    const page = await request<{ items: Change[]; next_since: number }>('GET', `/changes?since=${field.seq}&limit=1000`)
    if (page.items.length === 0) break
    for (const c of page.items) {
      const fam = FAMILY_OF[c.entity]
      if (!fam) continue
      if (c.field === 'visit') visited.add(c.entity_id)
      else touched.add(`${fam}/${c.entity_id}`)
    }
    field.seq = page.next_since
  }
  for (const t of touched) {
    const [fam, id] = t.split('/') as [Family, string]
    try {
      field.records[fam][id] = await request<Rec>('GET', `/${fam}/${id}`)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) delete field.records[fam][id]
      else throw e
    }
  }
  for (const hid of visited) {
    const page = await request<{ items: Visit[] }>('GET', `/households/${hid}/visits?limit=500`)
    field.visits[String(hid)] = page.items
  }
}

let running: Promise<void> | null = null

/** Sends the queue, then pulls what changed. Safe to call often; one run at a time. */
export function syncNow(): Promise<void> {
  if (running) return running
  if (!field.online || !field.user) return Promise.resolve()
  field.syncing = true
  running = (async () => {
    try {
      // Operations queued while this run sends or pulls are sent by this run too.
      do {
        await flush()
        if (!field.online) break
        await pull()
        field.lastSync = Date.now()
        field.error = ''
      } while (field.queue.length > 0 && field.online)
    } catch (e) {
      if (isOffline(e)) field.online = false
      else field.error = (e as Error).message
    } finally {
      // "Synced" is shown only once the phone's storage holds what was synced.
      save()
      await saved()
      field.syncing = false
      running = null
    }
  })()
  return running
}

/** The worker's choice on a conflict: keep their value (re-sent on the current version) or the server's. */
export function resolveConflict(index: number, keepMine: boolean): void {
  const c = field.conflicts[index]
  if (!c) return
  field.conflicts.splice(index, 1)
  if (keepMine) {
    field.queue.push({ ...c.op, op_id: newOpId(), base_version: c.current.version, created_at: Date.now() })
  }
  save()
  void syncNow()
}

export function dropFailure(index: number): void {
  field.failed.splice(index, 1)
  save()
}

/** Forgets the cached records of this phone (logout); refused while changes are queued. */
export function clearCache(): boolean {
  if (field.queue.length > 0 || field.conflicts.length > 0) return false
  const keys = [key('cache'), key('queue')]
  field.user = 0 // no more saves for this user; the next sign-in opens its own cache
  void saved().then(() => kvDelete(...keys))
  field.loaded = false
  field.records = { addresses: {}, households: {}, persons: {} }
  field.visits = {}
  field.resolved = {}
  field.seq = 0
  return true
}

export function watchConnectivity(): void {
  window.addEventListener('online', () => {
    field.online = true
    void syncNow()
  })
  window.addEventListener('offline', () => {
    field.online = false
  })
}
