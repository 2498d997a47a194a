// The field app's offline storage: one IndexedDB database ("citygrid-field") with a key–value
// store, through the `idb` wrapper. IndexedDB, not localStorage: a district's or city's cache
// is tens of megabytes, far past localStorage's ~5 MB quota (docs/field-app.md, "Storage").
// Values are JSON texts, so Vue's reactive proxies never reach the structured clone.
import { openDB, type IDBPDatabase } from 'idb'

const DB = 'citygrid-field'
const STORE = 'kv'
let db: Promise<IDBPDatabase> | null = null

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })
  return db
}

/** The value stored under `key`, or null (also for an unreadable one). */
export async function kvGet<T>(key: string): Promise<T | null> {
  const text = (await (await open()).get(STORE, key)) as string | undefined
  if (text === undefined) return null
  try {
    return JSON.parse(text) as T
  } catch {
    return null
  }
}

/** Writes every entry in one transaction: all of them land, or none does. */
export async function kvPutAll(entries: Record<string, unknown>): Promise<void> {
  const tx = (await open()).transaction(STORE, 'readwrite')
  for (const [k, v] of Object.entries(entries)) void tx.store.put(JSON.stringify(v), k)
  await tx.done
}

export async function kvDelete(...keys: string[]): Promise<void> {
  const tx = (await open()).transaction(STORE, 'readwrite')
  for (const k of keys) void tx.store.delete(k)
  await tx.done
}
