// The module's API and every JSON shape it takes and returns (see docs/data-model.md).
export * from './web/fengqiao_wasm.js';
export { default } from './web/fengqiao_wasm.js';
