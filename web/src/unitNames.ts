// Names of the org units that tables show as codes (the case queue): each looked up once through
// GET /org-units/{code}, which also names its ancestors, and only inside the caller's scope (the
// API answers 404 elsewhere). Until a name is known, or outside the scope, the code is shown.
import { reactive } from 'vue'
import { api } from './api'
import { session } from './session'

const names = reactive(new Map<string, string>())
let namesScope = ''

/** The unit's name if known, else its code. */
export function unitLabel(code: string): string {
  return names.get(code) ?? code
}

/** Looks up the names of `codes` not known yet, in order: pass grids first, their ancestors
 *  (usually the handling units) then need no request of their own. */
export async function lookUpUnits(codes: string[]): Promise<void> {
  const scope = session.user?.scope.code ?? ''
  if (scope !== namesScope) {
    names.clear()
    namesScope = scope
  }
  for (const code of new Set(codes)) {
    if (!code || !scope || !code.startsWith(scope) || names.has(code)) continue
    try {
      const u = await api.orgUnit(code)
      names.set(u.code, u.name)
      for (const a of u.ancestors) names.set(a.code, a.name)
    } catch {
      names.set(code, code) // not asked again on this page
    }
  }
}
