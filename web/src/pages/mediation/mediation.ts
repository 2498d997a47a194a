// The mediation registry over the API (docs/mediation.md).
import { request } from '../../api'

export interface MediationOrg {
  id: number
  unit_code: string
  unit_name: string
  kind: string
  kind_name: string
  name: string
  field: string
  address: string
  phone: string
  mediators: number
  rooms: number
}

export interface MediationRoom {
  id: number
  org_id: number
  org_name: string
  unit_code: string
  unit_name: string
  kind: 'brand' | 'police' | 'table'
  kind_name: string
  name: string
  station: string
  address: string
}

export interface Mediator {
  id: number
  org_id: number
  org_name: string
  unit_code: string
  name: string
  specialities: string[]
  user_id: number | null
  active: boolean
}

export interface Slice<T> {
  items: T[]
  total: number
}

export interface RegistryQuery {
  under?: string
  kind?: string
  org?: number
  active?: boolean
  exact?: boolean
  limit?: number
  offset?: number
}

function qs(q: RegistryQuery): string {
  const p = new URLSearchParams()
  if (q.under) p.set('under', q.under)
  if (q.kind) p.set('kind', q.kind)
  if (q.org) p.set('org', String(q.org))
  if (q.active) p.set('active', 'true')
  if (q.exact) p.set('exact', 'true')
  p.set('limit', String(q.limit ?? 20))
  p.set('offset', String(q.offset ?? 0))
  return p.toString()
}

export const mediationApi = {
  orgs: (q: RegistryQuery) => request<Slice<MediationOrg>>('GET', `/mediation/organizations?${qs(q)}`),
  rooms: (q: RegistryQuery) => request<Slice<MediationRoom>>('GET', `/mediation/rooms?${qs(q)}`),
  mediators: (q: RegistryQuery) => request<Slice<Mediator>>('GET', `/mediation/mediators?${qs(q)}`),
  mine: () => request<{ items: Mediator[] }>('GET', '/mediation/me'),
  agreementUrl: (caseId: string) => `/api/v1/cases/${encodeURIComponent(caseId)}/agreement.pdf`,
}
