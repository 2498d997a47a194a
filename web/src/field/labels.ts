// How cached records read on a small screen.
import { field, type Rec } from './sync'

/** Relations to the head of household (GB/T 4761 group codes); the head itself is "02". */
export const RELATIONS = ['10', '20', '30', '40', '50', '60', '70', '80', '99']
export const HEAD = '02'

export function addressText(a: Rec | undefined): string {
  if (!a) return ''
  const f = a.fields
  return [f.road, f.number, f.compound, f.building && `${f.building}栋`, f.unit && `${f.unit}单元`, f.room && `${f.room}室`]
    .filter(Boolean)
    .join('')
}

export function personOf(id: string | number | undefined): Rec | undefined {
  return id === undefined || id === '' ? undefined : field.records.persons[String(id)]
}

export function householdAddress(h: Rec): string {
  if (h.fields.address_id) return addressText(field.records.addresses[h.fields.address_id])
  return ''
}

export function householdTitle(h: Rec): string {
  const head = personOf(h.fields.head_person_id)
  return `${head?.fields.name ?? '#' + h.id}户`
}

/** The household a person belongs to (as a member), if cached. */
export function householdOfPerson(personId: number): Rec | undefined {
  return Object.values(field.records.households).find((h) =>
    (h.members ?? []).some((m) => m.person_id === personId),
  )
}
