// Cases over the API: staff queue, case detail and transitions, notifications, and the public
// (no login) report, status page, rating, 有问必答 questions and officials. docs/cases.md.
import { request } from './api'

export interface FieldSpec {
  code: string
  name: string
  name_en: string
  type: 'string' | 'text' | 'integer' | 'number' | 'bool' | 'enum' | 'date' | 'org_code' | 'user_id' | 'point' | 'phone' | 'id_number' | 'uscc'
  required: boolean
  max_length?: number
  values?: string[]
  must_be?: string
  required_if?: { field: string; value: string }
}

/** Field types stored sealed (encrypted) and shown masked; showing one is audited. */
export const sealedTypes = new Set(['phone', 'id_number'])

export interface Labelled {
  code: string
  name: string
  name_en: string
}

export interface CaseTypeInfo extends Labelled {
  anonymous: boolean
  initial_state: string
  create_roles: string[]
  categories: Labelled[]
  fields: FieldSpec[]
  states: (Labelled & { terminal: boolean; public_status: 'open' | 'closed' })[]
  transitions: (Labelled & { from: string[]; to: string; inputs: FieldSpec[] })[]
}

export interface Photo {
  id: string | number
  url: string
  thumb_url: string
  original_url?: string
}

export interface TimelineEntry {
  at: number
  actor_user_id: number
  actor_role: string
  event: string
  from_state: string
  to_state: string
  handling_unit_code: string
  note: string
  late: boolean
  /** The transition's inputs as taken (a mediation session's record, a court's ruling). */
  inputs?: Record<string, string>
}

export interface CaseView {
  id: string
  public_id: string
  type: string
  category: string
  state: string
  state_name: string
  state_name_en: string
  grid_code: string
  handling_unit_code: string
  lon: number
  lat: number
  description: string
  fields: Record<string, string>
  opened_at: number
  state_entered_at: number
  due_at: number
  warned: boolean
  breached: boolean
  late: boolean
  escalation_level: number
  version: number
  public_status: 'open' | 'closed'
  terminal: boolean
  reporter_user_id: number | null
  assignee_user_id: number | null
  timeline?: TimelineEntry[]
  actions?: string[]
  photos?: Photo[]
  /** Lists: the first photo's thumbnail, or null (reads of one case carry `photos`). */
  first_photo_thumb_url?: string | null
  possible_duplicates?: string[]
  visible?: boolean
}

export interface CaseList {
  items: CaseView[]
  total: number
  limit: number
  offset: number
}

export interface NotificationItem {
  id: number
  recipient: string
  case_id: string
  event: string
  created_at: number
  read_at: number | null
}

export interface PublicTimelineEntry {
  at: string
  event: string
  state: string
  state_name: string
  state_name_en: string
  note: string
}

export interface PublicCase {
  public_id: string
  type: string
  category: string
  category_name: string
  category_name_en: string
  state: string
  state_name: string
  state_name_en: string
  status: 'open' | 'closed'
  requested_at: string
  description?: string
  timeline?: PublicTimelineEntry[]
  photos?: Photo[]
}

export interface PublicReceipt {
  public_id: string
  status_url: string
  token: string | null
  replayed: boolean
  photos?: Photo[]
}

export interface Official {
  user_id: number
  title: string
  title_en: string
  unit_code: string
  unit_name: string
}

export interface PublicQuestion {
  public_id: string
  category: string
  title: string
  question: string
  answer: string
  official: string
  office: string
  asked_at: string
  answered_at: string
  state: string
}

export interface OfficialStat {
  official: string
  office: string
  questions: number
  answered: number
  answered_late: number
  answer_rate: number
  median_answer_ms: number | null
}

export interface Open311Service {
  service_code: string
  service_name: string
  description: string
  group: string
}

export interface AreaLocate {
  areas: { code: string; name: string; kind: string }[]
}

export interface QueueFilter {
  state?: string
  type?: string
  overdue?: boolean
  limit: number
  offset: number
}

const enc = encodeURIComponent

/** A random key so that a retried submission does not open a second case. */
export function newIdempotencyKey(): string {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export const casesApi = {
  types: () => request<{ items: CaseTypeInfo[] }>('GET', '/case-types'),
  /** The clear value of a sealed (phone) field; audited with `reason` (4–500 characters). */
  unmask: (id: string, field: string, reason: string) =>
    request<{ value: string }>('POST', `/cases/${id}/unmask`, { field, reason }),
  queue: (f: QueueFilter) => {
    const q = new URLSearchParams({ limit: String(f.limit), offset: String(f.offset) })
    if (f.state) q.set('state', f.state)
    if (f.type) q.set('type', f.type)
    if (f.overdue) q.set('overdue', 'true')
    return request<CaseList>('GET', `/cases?${q.toString()}`)
  },
  get: (id: string) => request<CaseView>('GET', `/cases/${enc(id)}`),
  create: (body: Record<string, unknown> | FormData, key: string) =>
    request<CaseView>('POST', '/cases', body, undefined, { 'Idempotency-Key': key }),
  transition: (id: string, name: string, version: number, input: Record<string, string>, note: string) =>
    request<CaseView>('POST', `/cases/${enc(id)}/transitions/${enc(name)}`, { input, note, version }),
  notifications: (limit = 20) =>
    request<{ items: NotificationItem[]; total: number; unread: number }>('GET', `/notifications?limit=${limit}`),
  markRead: (id: number) => request<{ id: number; read: boolean }>('POST', `/notifications/${id}/read`),
}

export const publicApi = {
  services: async (): Promise<Open311Service[]> => {
    const res = await fetch('/open311/v2/services.json', { headers: { Accept: 'application/json' }, cache: 'no-store' })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    return (await res.json()) as Open311Service[]
  },
  report: (body: Record<string, unknown> | FormData, key: string) =>
    request<PublicReceipt>('POST', '/public/cases', body, undefined, { 'Idempotency-Key': key }),
  get: (publicId: string) => request<PublicCase>('GET', `/public/cases/${enc(publicId)}`),
  rate: (publicId: string, token: string, rating: string, comment: string) =>
    request<{ public_id: string; state: string; rated: boolean }>('POST', `/public/cases/${enc(publicId)}/rating`, { token, rating, comment }),
  nearby: (category: string, lon: number, lat: number) =>
    request<{ items: PublicCase[] }>('GET', `/public/nearby-cases?category=${enc(category)}&lon=${lon}&lat=${lat}`),
  locate: (lon: number, lat: number) => request<AreaLocate>('GET', `/public/locate?lon=${lon}&lat=${lat}`),
  areasUrl: (parent?: string) => `/api/v1/public/areas.geojson${parent ? `?parent=${enc(parent)}` : ''}`,
  officials: () => request<{ items: Official[] }>('GET', '/public/officials'),
  questions: (limit = 50, offset = 0) =>
    request<{ items: PublicQuestion[]; total: number }>('GET', `/public/questions?limit=${limit}&offset=${offset}`),
  stats: () => request<{ items: OfficialStat[] }>('GET', '/public/officials/stats'),
}

// The reports this browser submitted, with their rating tokens (shown once by the server).
const REPORTS_KEY = 'citygrid.reports'

export interface SavedReport {
  public_id: string
  token: string
  at: number
}

export function savedReports(): SavedReport[] {
  try {
    const v = JSON.parse(localStorage.getItem(REPORTS_KEY) || '[]') as unknown
    return Array.isArray(v) ? (v as SavedReport[]).filter((r) => typeof r?.public_id === 'string' && typeof r?.token === 'string') : []
  } catch {
    return []
  }
}

export function saveReport(r: SavedReport): void {
  const list = savedReports().filter((x) => x.public_id !== r.public_id)
  list.unshift(r)
  try {
    localStorage.setItem(REPORTS_KEY, JSON.stringify(list.slice(0, 50)))
  } catch {
    /* storage unavailable: the page shows the token to note down */
  }
}

export function tokenFor(publicId: string): string | null {
  return savedReports().find((r) => r.public_id === publicId)?.token ?? null
}

/** "2 天 3 小时" / "2 d 3 h" style duration for answer times. */
export function formatDuration(ms: number, en: boolean): string {
  const min = Math.max(0, Math.round(ms / 60000))
  const d = Math.floor(min / 1440)
  const h = Math.floor((min % 1440) / 60)
  const m = min % 60
  const parts: string[] = []
  if (d) parts.push(en ? `${d} d` : `${d} 天`)
  if (h) parts.push(en ? `${h} h` : `${h} 小时`)
  if (m || !parts.length) parts.push(en ? `${m} min` : `${m} 分钟`)
  return parts.join(' ')
}

/** Local date and time, "2026-11-24 17:05". */
export function formatTime(t: number | string): string {
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return ''
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** A timeline or notification event's label: transitions and system events, else the code. */
export function eventLabel(code: string, translate: (k: string) => string): string {
  const k = `event.${code}`
  const s = translate(k)
  return s === k ? code : s
}

let typesCache: Promise<CaseTypeInfo[]> | null = null
/** The case types (loaded once per page load; they change only with a server restart). */
export function loadCaseTypes(): Promise<CaseTypeInfo[]> {
  typesCache ??= casesApi.types().then(
    (r) => r.items,
    (e) => {
      typesCache = null
      throw e
    },
  )
  return typesCache
}
