import { createRouter, createWebHistory } from 'vue-router'
import { session, ensureSession } from './session'
import LoginPage from './pages/LoginPage.vue'
const MainPage = () => import('./pages/MainPage.vue')
const CasesPage = () => import('./pages/cases/CasesPage.vue')
const CaseDetailPage = () => import('./pages/cases/CaseDetailPage.vue')
const ReportsPage = () => import('./pages/reports/ReportsPage.vue')
const ImportPage = () => import('./pages/ImportPage.vue')
const NoticesPage = () => import('./pages/notices/NoticesPage.vue')
const ProjectsPage = () => import('./pages/projects/ProjectsPage.vue')
// The public site (/p/): no login, except for asking a question (AskPage checks itself).
const PublicLayout = () => import('./pages/public/PublicLayout.vue')

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
    { path: '/', name: 'home', component: MainPage },
    { path: '/org/:code(\\d+)', name: 'org', component: MainPage },
    { path: '/cases', name: 'cases', component: CasesPage },
    { path: '/cases/:id', name: 'case', component: CaseDetailPage },
    { path: '/reports', name: 'reports', component: ReportsPage },
    { path: '/imports', name: 'imports', component: ImportPage },
    { path: '/notices', name: 'notices', component: NoticesPage },
    { path: '/topics', name: 'topics', component: () => import('./pages/topics/TopicsPage.vue') },
    { path: '/complaint-sessions', name: 'complaint-sessions', component: () => import('./pages/complaints/ComplaintsPage.vue') },
    { path: '/projects', name: 'projects', component: ProjectsPage },
    { path: '/volunteers', name: 'volunteers', component: () => import('./pages/volunteers/VolunteersPage.vue') },
    { path: '/mediation', name: 'mediation', component: () => import('./pages/mediation/MediationPage.vue') },
    { path: '/welfare', name: 'welfare', component: () => import('./pages/welfare/WelfarePage.vue') },
    {
      path: '/p',
      component: PublicLayout,
      meta: { public: true, anonymous: true },
      children: [
        { path: '', name: 'p-home', component: () => import('./pages/public/PublicHome.vue') },
        { path: 'report', name: 'p-report', component: () => import('./pages/public/ReportPage.vue') },
        { path: 'track', name: 'p-track', component: () => import('./pages/public/TrackLookup.vue') },
        { path: 'cases/:publicId', name: 'p-case', component: () => import('./pages/public/TrackPage.vue') },
        { path: 'ask', name: 'p-ask', component: () => import('./pages/public/AskPage.vue') },
        { path: 'questions', name: 'p-questions', component: () => import('./pages/public/QuestionsPage.vue') },
        { path: 'notices', name: 'p-notices', component: () => import('./pages/public/NoticesPublicPage.vue') },
        { path: 'topics', name: 'p-topics', component: () => import('./pages/public/TopicsPublicPage.vue') },
        { path: 'topics/:id(\\d+)', name: 'p-topic', component: () => import('./pages/public/TopicPublicPage.vue') },
        { path: 'complaint-sessions', name: 'p-complaint-sessions', component: () => import('./pages/public/ComplaintSessionsPublicPage.vue') },
        { path: 'complaint-sessions/:id(\\d+)', name: 'p-complaint-session', component: () => import('./pages/public/ComplaintSessionPublicPage.vue') },
        { path: 'projects', name: 'p-projects', component: () => import('./pages/public/ProjectsPublicPage.vue') },
        { path: 'volunteer', name: 'p-volunteer', component: () => import('./pages/public/VolunteerPublicPage.vue') },
        { path: ':rest(.*)*', redirect: '/p/' },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  // Public pages need no session (and so make no /me request that would answer 401).
  if (to.meta.anonymous) return true
  try {
    await ensureSession()
  } catch {
    // Server unreachable: the login page will report errors on submit.
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.user?.role === 'reporter') {
      window.location.assign('/m/rider')
      return false
    }
    if (to.name === 'login' && session.user) {
      const next = typeof to.query.next === 'string' && to.query.next.startsWith('/') && !to.query.next.startsWith('//') ? to.query.next : '/'
      return next
    }
    return true
  }
  if (!session.user) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { next: to.fullPath } }
  }
  // A part-time reporter has the phone pages only (/m/rider); the workbench is not theirs.
  if (session.user.role === 'reporter') {
    window.location.assign('/m/rider')
    return false
  }
  return true
})
