import { createRouter, createWebHistory } from 'vue-router'
import { session, ensureSession } from '../session'
import { field, openFor, syncNow } from './sync'
import LoginPage from './pages/LoginPage.vue'
import GridPage from './pages/GridPage.vue'
import HouseholdPage from './pages/HouseholdPage.vue'
import PersonPage from './pages/PersonPage.vue'
import VisitPage from './pages/VisitPage.vue'
import HouseholdEditPage from './pages/HouseholdEditPage.vue'
import HouseholdNewPage from './pages/HouseholdNewPage.vue'
import ConflictsPage from './pages/ConflictsPage.vue'
import NoticesPage from './pages/NoticesPage.vue'
import RiderPage from './pages/RiderPage.vue'
import RiderVisitPage from './pages/RiderVisitPage.vue'
import { openRider, rider } from './rider'

export const fieldRouter = createRouter({
  history: createWebHistory('/m/'),
  routes: [
    { path: '/login', name: 'm-login', component: LoginPage, meta: { public: true } },
    { path: '/', name: 'm-grid', component: GridPage },
    // Negative ids: records created on this phone, not yet sent (sync.ts).
    { path: '/household/new', name: 'm-household-new', component: HouseholdNewPage },
    { path: '/household/:id(-?\\d+)', name: 'm-household', component: HouseholdPage },
    { path: '/household/:id(-?\\d+)/visit', name: 'm-visit', component: VisitPage },
    { path: '/household/:id(-?\\d+)/edit', name: 'm-household-edit', component: HouseholdEditPage },
    { path: '/person/:id(-?\\d+|new)', name: 'm-person', component: PersonPage },
    { path: '/conflicts', name: 'm-conflicts', component: ConflictsPage },
    { path: '/notices', name: 'm-notices', component: NoticesPage },
    // A part-time reporter's pages (rider.ts): their assigned people and visits, nothing else.
    { path: '/rider', name: 'm-rider', component: RiderPage, meta: { rider: true } },
    { path: '/rider/:id(\\d+)', name: 'm-rider-visit', component: RiderVisitPage, meta: { rider: true } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

fieldRouter.beforeEach(async (to) => {
  try {
    await ensureSession()
  } catch {
    // Offline: the cached grid is still readable if this phone was signed in before.
  }
  if (to.meta.public) return true
  if (!session.user) {
    // Offline with a cache: keep working on the last user's grid; the server decides on sync.
    const last = localStorage.getItem('citygrid.field.lastUser')
    if (!field.online && last) {
      const { id, grid, role } = JSON.parse(last) as { id: number; grid: string; role?: string }
      if (role === 'reporter') {
        await openRider(id)
        return to.meta.rider ? true : { name: 'm-rider' }
      }
      if (!field.user) await openFor(id, grid)
      return true
    }
    return { name: 'm-login' }
  }
  // A reporter has the rider pages only; grid workers never see them.
  if (session.user.role === 'reporter') {
    const id = Number(session.user.id)
    if (rider.user !== id) {
      await openRider(id)
      localStorage.setItem('citygrid.field.lastUser', JSON.stringify({ id, grid: session.user.scope.code, role: 'reporter' }))
    }
    // The list page syncs when it opens (RiderPage.vue); the router does not sync again.
    return to.meta.rider ? true : { name: 'm-rider' }
  }
  if (to.meta.rider) return { name: 'm-grid' }
  if (field.user !== Number(session.user.id)) {
    await openFor(Number(session.user.id), session.user.scope.code)
    localStorage.setItem('citygrid.field.lastUser', JSON.stringify({ id: Number(session.user.id), grid: session.user.scope.code }))
    void syncNow()
  }
  return true
})
