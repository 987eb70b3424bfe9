// fengqiao for Node (ES module, Node 18+): the same glue as the browser entry, instantiated
// synchronously from the .wasm beside it, so `Engine` is usable as soon as the import
// resolves. `init` is exported too and does nothing more when called.
import { readFileSync } from 'node:fs';
import { initSync } from './web/fengqiao_wasm.js';

initSync({ module: readFileSync(new URL('./web/fengqiao_wasm_bg.wasm', import.meta.url)) });

export * from './web/fengqiao_wasm.js';
export { default } from './web/fengqiao_wasm.js';
