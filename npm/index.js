// fengqiao for browsers and bundlers: the WebAssembly module with its JavaScript glue.
// Call the default export (`init`) once, then use `Engine`. The .wasm is fetched from
// next to this file (`new URL(..., import.meta.url)`), which Vite, webpack 5, Rollup and
// plain browsers resolve.
export * from './web/fengqiao_wasm.js';
export { default } from './web/fengqiao_wasm.js';
