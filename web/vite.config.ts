import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The C++ server serves dist/ at "/" and falls back to index.html for
// unknown non-API paths, so the base is "/" and API calls are absolute.
// During `npm run dev`, /api is proxied to CITYGRID_API (default :18080).
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Never inline assets as data: URLs – the maplibre worker must be a
    // same-origin file to satisfy `worker-src 'self' blob:`.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // MapLibre changes far less often than our code: keep it in its own
        // long-cacheable chunk (loaded only after login, with the main page).
        codeSplitting: {
          groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.CITYGRID_API ?? 'http://127.0.0.1:18080',
    },
  },
})
