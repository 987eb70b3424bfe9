// Vite as a front-end would configure it for fengqiao: the package is excluded from
// dependency pre-bundling (its .wasm and its worker are found beside its modules through
// `new URL(..., import.meta.url)`), and workers are ES modules.
export default {
  optimizeDeps: { exclude: ['fengqiao'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    // Three pages: the Sajin demo, the rule workbench and the grid worker's offline capture.
    rollupOptions: { input: { main: 'index.html', workbench: 'workbench.html', capture: 'capture.html' } },
  },
};
