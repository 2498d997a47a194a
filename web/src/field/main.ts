// The mobile field app (/m/): Vue 3 + Vant, offline-first (sync.ts).
import { createApp } from 'vue'
import {
  Button, Cell, CellGroup, Checkbox, Empty, Field, Form, NavBar,
  Pagination, Search, Tab, Tabs, Tag,
} from 'vant'
import 'vant/lib/index.css'
import FieldApp from './FieldApp.vue'
import { fieldRouter } from './router'
import { setUnauthorizedHandler } from '../api'
import { forget } from '../session'
import { watchConnectivity } from './sync'
import { watchRiderConnectivity } from './rider'
import './field.css'

setUnauthorizedHandler(() => {
  forget()
  if (fieldRouter.currentRoute.value.name !== 'm-login') void fieldRouter.push({ name: 'm-login' })
})
watchConnectivity()
watchRiderConnectivity()

const app = createApp(FieldApp).use(fieldRouter)
for (const c of [Button, Cell, CellGroup, Checkbox, Empty, Field, Form, NavBar, Pagination, Search, Tab, Tabs, Tag]) app.use(c)
app.mount('#app')

// The app shell offline (public/m/sw.js); the data cache and queue work without it.
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined)
