// The part-time reporter's side of the field app (/m/rider, docs/welfare.md): the elderly people
// a community assigned to this reporter, kept in IndexedDB for offline use, and the visits
// recorded on the phone, queued there until the server has them. Each queued visit carries an
// idempotency key, so a visit sent twice (a lost answer, a reload mid-send) is stored once.
import { reactive } from 'vue'
import { ApiError, request } from '../api'
import { kvGet, kvPutAll } from './db'

export type Health = 'well' | 'unwell' | 'urgent'

export interface Elder {
  person_id: number
  name: string
  address: string
  phone_masked: string
  interval_days: number
  last_visit_at: number | null
  last_health: string
  due_at: number
  overdue: boolean
  days_overdue: number
}

export interface VisitForm {
  meal: boolean
  medicine: boolean
  health: Health
  need: string
  note: string
}

export interface PendingVisit extends VisitForm {
  key: string
  person_id: number
  name: string
  visited_at: number
  photo: string | null // a data: URL of the photo, kept until sent
  error: string
}

export interface SentVisit {
  key: string
  name: string
  health: Health
  visited_at: number
  case_id: string
}

interface Persisted {
  elders: Elder[]
  fetchedAt: number
  queue: PendingVisit[]
  sent: SentVisit[]
}

export const rider = reactive({
  user: 0,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  loaded: false,
  syncing: false,
  error: '',
  elders: [] as Elder[],
  fetchedAt: 0,
  queue: [] as PendingVisit[],
  sent: [] as SentVisit[],
})

const key = (uid: number) => `citygrid.rider.${uid}`

async function save(): Promise<void> {
  const p: Persisted = { elders: rider.elders, fetchedAt: rider.fetchedAt, queue: rider.queue, sent: rider.sent.slice(0, 30) }
  try {
    await kvPutAll({ [key(rider.user)]: p })
  } catch (e) {
    rider.error = (e as Error).message
  }
}

/** Opens this reporter's cache (elders and queued visits) from the phone's storage. */
export async function openRider(uid: number): Promise<void> {
  if (rider.user === uid && rider.loaded) return
  rider.user = uid
  const p = await kvGet<Persisted>(key(uid)).catch(() => null)
  rider.elders = p?.elders ?? []
  rider.fetchedAt = p?.fetchedAt ?? 0
  rider.queue = p?.queue ?? []
  rider.sent = p?.sent ?? []
  rider.loaded = true
}

/** Sends queued visits, then reloads the list from the server. Offline: does nothing. */
export async function syncRider(): Promise<void> {
  if (!rider.online || rider.syncing || !rider.user) return
  rider.syncing = true
  rider.error = ''
  try {
    for (const v of [...rider.queue]) {
      if (!(await send(v))) break
    }
    const list = await request<{ items: Elder[]; now: number }>('GET', '/welfare/my-elders?limit=500')
    rider.elders = list.items
    rider.fetchedAt = Date.now()
    await save()
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) rider.online = navigator.onLine
    else rider.error = (e as Error).message
  } finally {
    rider.syncing = false
  }
}

// One queued visit to the server: true when it is done with (sent, or refused for good and
// kept with its reason), false when the network failed (try again later).
async function send(v: PendingVisit): Promise<boolean> {
  const form = new FormData()
  form.set('person_id', String(v.person_id))
  form.set('visited_at', String(v.visited_at))
  form.set('meal', String(v.meal))
  form.set('medicine', String(v.medicine))
  form.set('health', v.health)
  form.set('need', v.need)
  form.set('note', v.note)
  form.set('idempotency_key', v.key)
  if (v.photo) form.set('photo', await (await fetch(v.photo)).blob(), 'visit.jpg')
  try {
    const r = await request<{ case_id: string }>('POST', '/welfare/visits', form)
    rider.queue = rider.queue.filter((q) => q.key !== v.key)
    rider.sent.unshift({ key: v.key, name: v.name, health: v.health, visited_at: v.visited_at, case_id: r.case_id })
    await save()
    return true
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) return false
    const q = rider.queue.find((x) => x.key === v.key)
    if (q) q.error = (e as Error).message
    await save()
    return e instanceof ApiError && e.status < 500
  }
}

function newKey(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return 'v' + Date.now().toString(36) + '-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Queues a visit (saved on the phone first) and sends it at once when online. */
export async function recordVisit(elder: Elder, form: VisitForm, photo: string | null): Promise<PendingVisit> {
  const v: PendingVisit = { ...form, key: newKey(), person_id: elder.person_id, name: elder.name, visited_at: Date.now(), photo, error: '' }
  rider.queue.push(v)
  // Shown at once as visited on this phone; the server's due time replaces it on the next sync.
  elder.last_visit_at = v.visited_at
  elder.last_health = v.health
  elder.overdue = false
  elder.days_overdue = 0
  await save()
  void syncRider()
  return v
}

/** Drops a queued visit the server refused (after the reporter has read why). */
export async function dropVisit(k: string): Promise<void> {
  rider.queue = rider.queue.filter((q) => q.key !== k)
  await save()
}

export function watchRiderConnectivity(): void {
  window.addEventListener('online', () => {
    rider.online = true
    void syncRider()
  })
  window.addEventListener('offline', () => {
    rider.online = false
  })
}

/** A photo file shrunk to at most 1280 px on its long side, as a JPEG data: URL. */
export async function shrinkPhoto(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file)
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  return canvas.toDataURL('image/jpeg', 0.85)
}
