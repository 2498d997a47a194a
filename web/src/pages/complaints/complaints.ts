// Complaint-session API types and calls (docs/complaints.md).
import { request } from '../../api'

export const CATEGORIES = ['environment', 'property', 'parking', 'safety', 'services', 'elderly_care', 'other']

export interface ComplaintCase {
  id?: string
  public_id: string
  state: string
  state_name?: string
  closed: boolean
  due_at: number
  overdue: boolean
  handling_unit_code: string
  handling_unit_name: string
  reply: string
}
export interface Complaint {
  id: number
  text: string
  category: string
  category_name?: string
  channel: 'in_person' | 'online'
  resident_name?: string
  created_at: number
  case: ComplaintCase | null
}
export interface Session {
  id: number
  org_code: string
  area_name: string
  title: string
  place: string
  held_at: number
  opens_at: number
  closes_at: number
  status: 'upcoming' | 'collecting' | 'held' | 'rectifying' | 'closed'
  window_open: boolean
  counts: { total: number; open: number; overdue: number; closed: number }
  complaints?: Complaint[]
  manage?: boolean
}

export const complaintsApi = {
  list: () => request<{ items: Session[]; total: number }>('GET', '/complaint-sessions?limit=100'),
  get: (id: number | string) => request<Session>('GET', `/complaint-sessions/${id}`),
  create: (body: Record<string, unknown>) => request<Session>('POST', '/complaint-sessions', body),
  raise: (id: number, body: Record<string, unknown>) => request<Complaint>('POST', `/complaint-sessions/${id}/complaints`, body),
  publicList: (unit: string) =>
    request<{ items: Session[]; total: number }>('GET', `/public/complaint-sessions?unit=${encodeURIComponent(unit)}&limit=100`),
  publicGet: (id: number | string) => request<Session>('GET', `/public/complaint-sessions/${id}`),
}
