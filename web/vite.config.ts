import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Served by decnet's API from web/dist on the same origin (no proxy, no CORS).
// `npm run dev` proxies /api to a local `decnet up` (DECNET_API, default :8000).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2020",
    // Inline nothing: the Content-Security-Policy allows only same-origin scripts and styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": process.env.DECNET_API ?? "http://127.0.0.1:8000" },
  },
});
