import { createRouter, createWebHistory } from 'vue-router'
import { session, ensureSession } from './session'
import LoginPage from './pages/LoginPage.vue'
const MainPage = () => import('./pages/MainPage.vue')

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
    { path: '/', name: 'home', component: MainPage },
    { path: '/org/:code(\\d+)', name: 'org', component: MainPage },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  try {
    await ensureSession()
  } catch {
    // Server unreachable: the login page will report errors on submit.
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.user) {
      const next = typeof to.query.next === 'string' && to.query.next.startsWith('/') && !to.query.next.startsWith('//') ? to.query.next : '/'
      return next
    }
    return true
  }
  if (!session.user) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { next: to.fullPath } }
  }
  return true
})
