// Welfare checks over the API (docs/welfare.md): the community's roster of people it looks in
// on, the overdue list, visits and the reporter accounts it may assign.
import { request } from '../../api'

export interface Subject {
  person_id: number
  name: string
  grid_code: string
  interval_days: number
  reporter_user_id: number | null
  reporter_name: string
  active: boolean
  enrolled_at: number
  last_visit_at: number | null
  last_health: string
  due_at: number
  overdue: boolean
  days_overdue: number
  overdue_case_id: string
}

export interface Visit {
  id: number
  person_id: number
  person_name: string
  grid_code: string
  visitor_name: string
  visitor_role: string
  visited_at: number
  meal: boolean
  medicine: boolean
  health: 'well' | 'unwell' | 'urgent'
  health_name: string
  need: string
  note: string
  case_id: string
  thumb_url: string | null
  photo_url: string | null
}

export interface Reporter {
  user_id: number
  username: string
  display_name: string
  scope_code: string
  subjects: number
}

export interface PersonHit {
  id: number
  grid_code: string
  fields: Record<string, string>
  attributes: Record<string, string>
}

interface List<T> {
  items: T[]
  total: number
}

const qs = (p: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') q.set(k, String(v))
  return q.toString()
}

export const welfareApi = {
  overdue: (under: string, limit: number, offset: number) =>
    request<List<Subject> & { now: number }>('GET', `/welfare/overdue?${qs({ under, limit, offset })}`),
  subjects: (under: string, limit: number, offset: number, reporter?: number) =>
    request<List<Subject> & { now: number }>('GET', `/welfare/subjects?${qs({ under, limit, offset, reporter })}`),
  visits: (under: string, limit: number, offset: number, person_id?: number) =>
    request<List<Visit>>('GET', `/welfare/visits?${qs({ under, limit, offset, person_id })}`),
  reporters: () => request<List<Reporter>>('GET', '/welfare/reporters'),
  enrol: (person_id: number, interval_days: number, reporter_user_id: number | null) =>
    request<Subject>('POST', '/welfare/subjects', { person_id, interval_days, reporter_user_id }),
  update: (person_id: number, change: { interval_days?: number; reporter_user_id?: number | null; active?: boolean }) =>
    request<Subject>('PATCH', `/welfare/subjects/${person_id}`, change),
  findPersons: (q: string) => request<List<PersonHit>>('GET', `/persons?${qs({ q, limit: 10 })}`),
}
