import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { setUnauthorizedHandler } from './api'
import { forget } from './session'
import './style.css'

// Session expired mid-use: drop local state and go back to login.
setUnauthorizedHandler(() => {
  forget()
  // Public pages (/p/) stay where they are: they show the error themselves.
  if (router.currentRoute.value.meta.anonymous) return
  if (router.currentRoute.value.name !== 'login') {
    void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
  }
})

createApp(App).use(router).mount('#app')
