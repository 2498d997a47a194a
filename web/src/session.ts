// Session state: the current user and CSRF token live only in memory; on
// page load they are refetched from GET /api/v1/me (the cookie is HttpOnly).
import { reactive } from 'vue'
import { api, ApiError, setCsrfToken, type SessionInfo, type User } from './api'

export const session = reactive({
  user: null as User | null,
  checked: false,
})

function adopt(info: SessionInfo): void {
  session.user = info.user
  setCsrfToken(info.csrf_token)
}

function clear(): void {
  session.user = null
  setCsrfToken(null)
}

let pending: Promise<void> | null = null

/** Ask the server who we are (once per page load unless forced). */
export function ensureSession(force = false): Promise<void> {
  if (session.checked && !force) return Promise.resolve()
  if (pending) return pending
  pending = api
    .me()
    .then(adopt)
    .catch((e) => {
      if (e instanceof ApiError && e.status === 401) clear()
      else throw e
    })
    .finally(() => {
      session.checked = true
      pending = null
    })
  return pending
}

export async function login(username: string, password: string): Promise<void> {
  adopt(await api.login(username, password))
  session.checked = true
}

export async function logout(): Promise<void> {
  try {
    await api.logout()
  } finally {
    clear()
  }
}

export function forget(): void {
  clear()
}
