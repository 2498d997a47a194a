// The org units a staff member may address: their own unit and its direct children (a grid has
// none). Used by the forms that publish to an area (notices, deliberation topics).
import { api, type ChildItem } from './api'
import { session } from './session'

export async function scopeTargets(): Promise<{ code: string; name: string }[]> {
  const scope = session.user?.scope
  if (!scope) return []
  const list: { code: string; name: string }[] = [{ code: scope.code, name: scope.name }]
  try {
    const kids = await api.children(scope.code, 200)
    list.push(...kids.items.map((c: ChildItem) => ({ code: c.code, name: c.name })))
  } catch {
    // A grid has no children: only its own code is offered.
  }
  return list
}
