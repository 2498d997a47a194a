// Deliberation API types and calls (docs/deliberation.md).
import { ref } from 'vue'
import { ApiError, request } from '../../api'

export interface TopicOption { id: number; label: string; proposed: boolean; votes: number }
export interface Meeting {
  id: number
  held_at: number
  place: string
  attendees: string
  minutes: string
  decision: string
  case_public_id: string
  project_id: number
}
export interface Comment { id: number; author: string; body: string; created_at: number; hidden?: boolean; hidden_reason?: string }
export interface Topic {
  id: number
  org_code?: string
  area_name?: string
  title: string
  background: string
  mode: 'options' | 'proposals'
  opens_at: number
  closes_at: number
  state: 'upcoming' | 'open' | 'closed'
  votes: number
  options?: TopicOption[]
  meetings?: Meeting[]
  final?: boolean
  standing?: 'anonymous' | 'staff' | 'unverified' | 'outside' | 'eligible' | 'voted'
  my_vote?: number
  manage?: boolean
  comments?: Comment[]
}
export interface Verification { verified: boolean; grid_code?: string; area_name?: string }

export const topicsApi = {
  list: (unit?: string) => request<{ items: Topic[]; total: number }>('GET', `/topics?limit=100${unit ? `&unit=${encodeURIComponent(unit)}` : ''}`),
  get: (id: number | string) => request<Topic>('GET', `/topics/${id}`),
  create: (body: Record<string, unknown>) => request<Topic>('POST', '/topics', body),
  vote: (id: number, option_id: number) => request<{ voted: boolean }>('POST', `/topics/${id}/votes`, { option_id }),
  propose: (id: number, label: string) => request<TopicOption>('POST', `/topics/${id}/proposals`, { label }),
  comments: (id: number) => request<{ items: Comment[]; total: number }>('GET', `/topics/${id}/comments?limit=200`),
  comment: (id: number, body: string) => request<Comment>('POST', `/topics/${id}/comments`, { body }),
  hide: (id: number, cid: number, reason: string) => request<Comment>('POST', `/topics/${id}/comments/${cid}/hide`, { reason }),
  meeting: (id: number, body: Record<string, unknown>) => request<Meeting>('POST', `/topics/${id}/meetings`, body),
  openCase: (id: number, mid: number, category: string) =>
    request<Meeting>('POST', `/topics/${id}/meetings/${mid}/case`, { type: 'snap_report', category }),
  openProject: (id: number, mid: number, body: { category: string; end_date: string }) =>
    request<Meeting>('POST', `/topics/${id}/meetings/${mid}/project`, body),
  verification: () => request<Verification>('GET', '/me/verification'),
  verify: (id_number: string, name: string) => request<Verification>('POST', '/me/verification', { id_number, name }),
  publicList: (unit: string) => request<{ items: Topic[]; total: number }>('GET', `/public/topics?unit=${encodeURIComponent(unit)}&limit=100`),
  publicGet: (id: number | string) => request<Topic>('GET', `/public/topics/${id}`),
}

/** Share of the votes, 0..100, for the bars. */
export function percent(votes: number, total: number): number {
  return total > 0 ? Math.round((votes * 100) / total) : 0
}

/**
 * A page's busy flag, error and confirmation around its actions: `run(fn, done)` clears both,
 * runs `fn`, shows `done` (if any), then `after` (a reload); an error shows its message.
 */
export function useAction(after?: () => Promise<void>) {
  const error = ref('')
  const message = ref('')
  const busy = ref(false)
  const fail = (e: unknown) => {
    error.value = e instanceof ApiError ? e.message : (e as Error).message ?? String(e)
  }
  async function run(fn: () => Promise<unknown>, done = ''): Promise<void> {
    error.value = ''
    message.value = ''
    busy.value = true
    try {
      await fn()
      if (done) message.value = done
      if (after) await after()
    } catch (e) {
      fail(e)
    } finally {
      busy.value = false
    }
  }
  return { error, message, busy, fail, run }
}
