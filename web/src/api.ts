// Thin client for the citygrid JSON API (/api/v1). Every non-GET request
// carries the CSRF token obtained from POST /session or GET /me.
import type { FeatureCollection, Geometry } from 'geojson'

export type Kind = 'city' | 'district' | 'street' | 'town' | 'community' | 'village' | 'grid'
export type Role = 'admin' | 'staff' | 'grid_worker' | 'analyst' | 'resident' | 'reporter'

export interface UnitRef {
  code: string
  name: string
  kind: Kind
}

export interface User {
  id: number | string
  username: string
  display_name: string
  role: Role
  scope: UnitRef
}

export interface SessionInfo {
  user: User
  csrf_token: string
}

export interface OrgUnit extends UnitRef {
  parent_code: string | null
  level: number
  center: [number, number] | null
  bbox: [number, number, number, number] | null
  child_count: number
  ancestors: UnitRef[]
}

export interface ChildItem extends UnitRef {
  child_count: number
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export interface GridProps {
  code: string
  name: string
  kind: 'grid'
  community_code: string
  community_name: string
  street_code: string
  street_name: string
}

export type UnitProps = UnitRef

export type GridCollection = FeatureCollection<Geometry, GridProps>
export type UnitCollection = FeatureCollection<Geometry, UnitProps>

export interface LocateResult {
  grid: UnitRef
  ancestors: UnitRef[]
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** The whole error body (e.g. a 409's current record and history). */
  readonly body: unknown
  constructor(status: number, code: string, message: string, body?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.body = body
  }
}

let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when any request answers 401, so the app can return to login. */
let onUnauthorized: (() => void) | null = null
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn
}

const BASE = '/api/v1'

/** One API call. A FormData body goes as multipart/form-data (the browser sets the boundary),
 *  anything else as JSON. `extraHeaders` e.g. Idempotency-Key or If-Match. */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders?: Record<string, string>,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders }
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData
  if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res: Response
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', (e as Error).message || 'network error')
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error
    const apiErr = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText ?? `HTTP ${res.status}`, data)
    if (res.status === 401 && path !== '/session' && path !== '/me' && onUnauthorized) onUnauthorized()
    throw apiErr
  }
  return data as T
}

const enc = encodeURIComponent

export const api = {
  login: (username: string, password: string) => request<SessionInfo>('POST', '/session', { username, password }),
  me: () => request<SessionInfo>('GET', '/me'),
  logout: () => request<void>('DELETE', '/session'),
  orgUnit: (code: string, signal?: AbortSignal) => request<OrgUnit>('GET', `/org-units/${enc(code)}`, undefined, signal),
  children: (code: string, limit = 200, offset = 0, signal?: AbortSignal) =>
    request<Page<ChildItem>>('GET', `/org-units/${enc(code)}/children?limit=${limit}&offset=${offset}`, undefined, signal),
  childrenGeojson: (code: string, signal?: AbortSignal) =>
    request<UnitCollection>('GET', `/org-units/${enc(code)}/children.geojson`, undefined, signal),
  gridsGeojson: (code: string, signal?: AbortSignal) =>
    request<GridCollection>('GET', `/org-units/${enc(code)}/grids.geojson`, undefined, signal),
  locate: (lon: number, lat: number) => request<LocateResult>('GET', `/grids/locate?lon=${lon}&lat=${lat}`),
}
