// The browser test: serves the demo page as Vite built it on the npm package
// (examples/web/dist, see scripts/wasm-tests.sh) on 127.0.0.1, drives Debian's headless
// Chromium with playwright-core, registers a dispute through the form, checks the decision
// shown, steps the case through its lifecycle, checks that the chart renders, runs the same
// decisions in a Web Worker and on the page, prints the first-load and per-decision times,
// and saves a screenshot to target/web-screenshot.png; then the rule workbench: live
// validation at the line, what-if over a history file, and target/workbench-screenshot.png.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../examples/web/dist/', import.meta.url));
const shot = fileURLToPath(new URL('../../target/web-screenshot.png', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

const server = http.createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) passed++;
  else { failed++; console.error(`FAILED: ${what}`); }
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#status[data-ready="yes"]', { timeout: 60000 });
  check((await page.textContent('#version')).match(/^\d+\.\d+\.\d+$/), 'version shown');
  // Browse: county → street → communities.
  await page.click('#tree span[data-kind="county"]');
  await page.click('#tree span[data-kind="street"]');
  const communities = await page.$$('#tree span[data-kind="community"], #tree span[data-kind="village"]');
  check(communities.length === 5, `5 villages/communities listed (got ${communities.length})`);
  // Register a labour dispute with violence risk from the form.
  await page.selectOption('#category', 'labour');
  await page.check('.flags input[value="violence_risk"]');
  await page.click('#register');
  await page.waitForSelector('#decision-level');
  check((await page.textContent('#decision-level')).includes('村（社区）'), 'handled in the community');
  const team = await page.textContent('#team');
  check(team.includes('mediator') && team.includes('grid_worker'), 'team shown');
  check((await page.textContent('#decision')).includes('police'), 'the police join (violence risk)');
  // Step it: accept, session, resolve.
  for (const op of ['accept', 'record_session', 'resolve']) {
    await page.click(`#actions button[data-op="${op}"]`);
  }
  check((await page.textContent('#case-state')).includes('resolved'), 'case resolved');
  check((await page.$$('#trace tbody tr')).length === 5, 'trace has 5 events');
  // Statistics and the chart.
  await page.click('#simulate');
  const bars = await page.$$('#chart rect.bar');
  check(bars.length >= 5, `chart renders bars (got ${bars.length})`);
  check((await page.$$('#stats tbody tr')).length >= 5, 'statistics table rows');
  // Off the main thread: the world goes to a worker as bytes, 200 decisions there and here.
  await page.click('#worker-run');
  await page.waitForSelector('#worker-result[data-same]', { timeout: 60000 });
  const w = await page.$eval('#worker-result', (el) => ({ ...el.dataset }));
  check(w.same === 'yes' && w.n === '200', `the worker decides as the page does (${JSON.stringify(w)})`);
  const first = await page.$eval('#status', (el) => el.dataset.firstDecisionMs);
  check(Number(first) > 0, 'first decision timed');
  console.log(`first load to first decision: ${first} ms; a decision through the worker ${w.workerUs} µs, on the page ${w.directUs} µs`);
  check(errors.length === 0, `no page errors: ${errors.join('; ')}`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // The rule workbench: live validation at the line, what-if over a dropped history.
  const bench = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const benchErrors = [];
  bench.on('pageerror', (e) => benchErrors.push(e.message));
  await bench.goto(`${url}workbench.html`);
  await bench.waitForSelector('#status[data-ready="yes"]', { timeout: 60000 });
  check((await bench.$eval('#summary', (el) => el.dataset.errors)) === '0', 'the starting rules validate clean');
  const rules = await bench.inputValue('#rules');
  // A misspelt category: one error, listed at its line, marked in the gutter.
  // (the first "labour" that is an element of a category list, not a key)
  const bad = rules.replace(/\n(\s+)"labour",\n/, '\n$1"labor",\n');
  const badLine = bad.slice(0, bad.indexOf('"labor"')).split('\n').length;
  await bench.fill('#rules', bad);
  await bench.waitForFunction(() => document.querySelector('#summary').dataset.errors !== '0');
  const shown = await bench.$eval('#diagnostics li', (el) => ({ line: el.dataset.line, text: el.textContent }));
  check(shown.line === String(badLine) && shown.text.includes('parse') && shown.text.includes('labor'),
    `the error is at line ${badLine} (${JSON.stringify(shown)})`);
  check((await bench.$$(`#gutter .bad[data-line="${badLine}"]`)).length === 1, 'the gutter marks the line');
  await bench.click('#diagnostics li');
  const selected = await bench.$eval('#rules', (el) => el.value.slice(el.selectionStart, el.selectionEnd));
  check(selected === '"labor"', `clicking the diagnostic selects the value (${selected})`);
  await bench.fill('#rules', rules);
  await bench.waitForFunction(() => document.querySelector('#summary').dataset.errors === '0');
  // What-if over the history file, as if dropped: the variant moves labour disputes up.
  await bench.setInputFiles('#history', fileURLToPath(new URL('../../examples/data/history.jsonl', import.meta.url)));
  await bench.waitForSelector('#whatif-status[data-changed]');
  const changed = Number(await bench.$eval('#whatif-status', (el) => el.dataset.changed));
  check(changed > 0, `what-if finds disputes handled differently (${changed})`);
  check((await bench.$$('#whatif tbody tr')).length === 5, 'what-if table');
  check((await bench.$$('#charts svg')).length === 2 && (await bench.$$('#charts rect.after')).length > 2, 'what-if charts');
  check(benchErrors.length === 0, `no workbench page errors: ${benchErrors.join('; ')}`);
  const benchShot = shot.replace('web-screenshot', 'workbench-screenshot');
  await bench.screenshot({ path: benchShot, fullPage: true });
  console.log(`screenshot: ${benchShot}`);
} finally {
  await browser.close();
  server.close();
}
console.log(`browser test: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
