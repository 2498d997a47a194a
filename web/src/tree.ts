// State of the lazily loaded org tree, shared by the recursive TreeNode
// components through provide/inject.
import { reactive, type InjectionKey } from 'vue'
import { api, type ChildItem } from './api'

export const PAGE_SIZE = 200

export interface NodeState {
  children: ChildItem[] | null
  total: number
  loading: boolean
  error: string
  expanded: boolean
}

export interface TreeStore {
  nodes: Record<string, NodeState>
  selected: string
  select: (code: string) => void
  toggle: (code: string) => void
  expand: (code: string) => Promise<void>
  loadMore: (code: string) => Promise<void>
}

export const TREE_KEY: InjectionKey<TreeStore> = Symbol('tree')

export function createTreeStore(onSelect: (code: string) => void): TreeStore {
  const nodes = reactive<Record<string, NodeState>>({})

  function node(code: string): NodeState {
    if (!nodes[code]) nodes[code] = { children: null, total: 0, loading: false, error: '', expanded: false }
    return nodes[code]
  }

  async function loadPage(code: string): Promise<void> {
    const n = node(code)
    if (n.loading) return
    n.loading = true
    n.error = ''
    try {
      const offset = n.children?.length ?? 0
      const page = await api.children(code, PAGE_SIZE, offset)
      n.children = [...(n.children ?? []), ...page.items]
      n.total = page.total
    } catch (e) {
      n.error = (e as Error).message
    } finally {
      n.loading = false
    }
  }

  const store: TreeStore = reactive({
    nodes,
    selected: '',
    select(code: string) {
      onSelect(code)
    },
    toggle(code: string) {
      const n = node(code)
      if (n.expanded) {
        n.expanded = false
      } else {
        void store.expand(code)
      }
    },
    async expand(code: string) {
      const n = node(code)
      n.expanded = true
      if (n.children === null) await loadPage(code)
    },
    async loadMore(code: string) {
      await loadPage(code)
    },
  })
  return store
}
