import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

// Tauri serves ui/dist at the root of its custom protocol, so the default base "/" is right.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.4x (Linux webview) understands ES2021 / Safari 15 level syntax.
    target: ["es2021", "safari15"],
    cssTarget: ["safari15"],
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/tests/setup.ts"],
    restoreMocks: true,
  },
});
