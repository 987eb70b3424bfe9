// Vite as a front-end would configure it for fengqiao: the package is excluded from
// dependency pre-bundling (its .wasm and its worker are found beside its modules through
// `new URL(..., import.meta.url)`), and workers are ES modules.
export default {
  optimizeDeps: { exclude: ['fengqiao'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    // Two pages: the Sajin demo and the rule workbench.
    rollupOptions: { input: { main: 'index.html', workbench: 'workbench.html' } },
  },
};
