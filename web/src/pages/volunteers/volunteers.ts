// Volunteer API types and calls (docs/volunteers.md).
import { request } from '../../api'

export interface Activity {
  id: number
  org_code: string
  unit_name: string
  title: string
  description: string
  place: string
  skills: string[]
  starts_at: number
  ends_at: number
  state: 'upcoming' | 'under_way' | 'ended'
  capacity: number
  confirmed: number
  waiting: number
  places_left: number
  manage?: boolean
  signups?: Signup[]
  my_signup?: Signup | null
}
export interface Signup {
  activity_id: number
  volunteer_id: number
  volunteer_name?: string
  status: 'confirmed' | 'waiting' | 'cancelled'
  position: number
  signed_up_at: number
  checked_in_at: number
  minutes: number
  promoted_volunteer_id?: number
  activity?: { title: string; org_code: string; starts_at: number; ends_at: number }
}
export interface Volunteer {
  id: number
  org_code: string
  unit_name: string
  name: string
  skills: string[]
  verified: boolean
  has_account: boolean
  registered_at: number
  minutes: number
  activities: number
}
export interface UnitHours { org_code: string; name: string; volunteers: number; active: number; minutes: number }

const q = (unit?: string, extra = '') => `?limit=200${unit ? `&unit=${encodeURIComponent(unit)}` : ''}${extra}`

export const volunteersApi = {
  activities: (unit?: string, past = false) =>
    request<{ items: Activity[]; total: number }>('GET', `/volunteer-activities${q(unit, past ? '&past=1' : '')}`),
  activity: (id: number) => request<Activity>('GET', `/volunteer-activities/${id}`),
  publish: (body: Record<string, unknown>) => request<Activity>('POST', '/volunteer-activities', body),
  signUp: (id: number, volunteer_id?: number) =>
    request<Signup>('POST', `/volunteer-activities/${id}/signups`, volunteer_id ? { volunteer_id } : undefined),
  cancel: (id: number, vid: number) => request<Signup>('POST', `/volunteer-activities/${id}/signups/${vid}/cancel`),
  checkIn: (id: number, vid: number) => request<Signup>('POST', `/volunteer-activities/${id}/signups/${vid}/check-in`),
  minutes: (id: number, vid: number, minutes: number) =>
    request<Signup>('POST', `/volunteer-activities/${id}/signups/${vid}/minutes`, { minutes }),
  volunteers: (unit?: string) => request<{ items: Volunteer[]; total: number }>('GET', `/volunteers${q(unit)}`),
  register: (person_id: number, skills: string[]) => request<Volunteer>('POST', '/volunteers', { person_id, skills }),
  hours: (under?: string) =>
    request<{ name: string; items: UnitHours[]; total: { volunteers: number; active: number; minutes: number } }>(
      'GET', `/volunteers/hours${under ? `?under=${encodeURIComponent(under)}` : ''}`),
  certificateUrl: (id: number) => `/api/v1/volunteers/${id}/certificate.pdf`,
  me: () => request<{ volunteer: Volunteer | null; record?: Signup[] }>('GET', '/me/volunteer'),
  join: (org_code: string, skills: string[]) => request<Volunteer>('POST', '/me/volunteer', { org_code, skills }),
  myCertificateUrl: '/api/v1/me/volunteer/certificate.pdf',
  publicActivities: (unit: string) =>
    request<{ items: Activity[]; total: number }>('GET', `/public/volunteer-activities?unit=${encodeURIComponent(unit)}&limit=100`),
}

/** Skills typed as "理发，急救, 维修" → a list. */
export function skillList(text: string): string[] {
  return text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean)
}
