// A public list page of one area (a community, street or district chosen with AreaChooser and
// kept in ?unit=): the chosen unit, its items loaded whenever it changes, and the error.
import { ref, watch, type Ref } from 'vue'
import { useRoute } from 'vue-router'

export function useAreaList<T>(fetchItems: (unit: string) => Promise<{ items: T[] }>) {
  const route = useRoute()
  const unit = ref(typeof route.query.unit === 'string' ? route.query.unit : '')
  const items = ref([]) as Ref<T[]>
  const error = ref('')
  async function load(): Promise<void> {
    error.value = ''
    items.value = []
    if (!unit.value) return
    try {
      items.value = (await fetchItems(unit.value)).items
    } catch (e) {
      error.value = (e as Error).message
    }
  }
  watch(unit, () => void load(), { immediate: true })
  return { unit, items, error, load }
}
