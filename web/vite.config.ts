import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// Vant's icon font comes inline (a data: URL) with a fallback on a CDN; the CSP allows neither.
// Serve the same font from our own origin instead: the data: URL becomes an emitted file and the
// CDN fallback is dropped.
function vantIconFontFromOurOrigin(): Plugin {
  const FONT = /url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\),url\(\/\/at\.alicdn\.com[^)]*\) format\("woff"\)/
  return {
    name: 'vant-icon-font-from-our-origin',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/]lib[\\/]index\.css$/.test(id)) return null
      const m = FONT.exec(code)
      if (!m) throw new Error('vant icon font: @font-face not recognised; update vite.config.ts')
      const ref = this.emitFile({ type: 'asset', name: 'vant-icon.woff2', source: Buffer.from(m[1], 'base64') })
      return code.replace(FONT, `url(__VANT_ICON_FONT_${ref}__) format("woff2")`)
    },
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.css') || typeof file.source !== 'string') continue
        file.source = file.source.replace(/__VANT_ICON_FONT_([A-Za-z0-9_$-]+)__/g, (_, ref: string) => `/${this.getFileName(ref)}`)
      }
    },
  }
}

// The C++ server serves dist/ at "/" and falls back to index.html for
// unknown non-API paths, so the base is "/" and API calls are absolute.
// During `npm run dev`, /api is proxied to CITYGRID_API (default :18080).
export default defineConfig({
  base: '/',
  plugins: [vue(), vantIconFontFromOurOrigin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Never inline assets as data: URLs – the maplibre worker must be a
    // same-origin file to satisfy `worker-src 'self' blob:`.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      // Two apps: the workbench (/) and the mobile field app (/m/, dist/m/index.html).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        field: fileURLToPath(new URL('./m/index.html', import.meta.url)),
      },
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
