import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Relative base: the same build runs under our API at /miniapp/ and on Zalo's Mini App hosting.
// VITE_API_BASE (e.g. https://dvc.example.gov.vn) is the API origin when not served by our API.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
