// The offline-capture test (issue 36), in Debian's headless Chromium driven by playwright-core:
// the street's system (examples/web/street-server.mjs) runs as its own OS process, serving the
// built capture page; phones are persistent browser profiles (their IndexedDB survives a
// browser restart). A worker's phone goes offline — the server process killed and the
// browser offline — captures five disputes, reloads (the page comes from its service worker),
// restarts the browser: still there. The street, restarted from its journal file, moves one of
// the phone's earlier cases on and loads new rules; a second phone has captured the same
// household's quarrel. Online, one sync: the five arrive once each and verify at the street;
// the three conflicts are shown; a second sync sends nothing and duplicates nothing. A full
// storage quota refuses a capture by name and keeps the form. Then 100 captures are synced and
// timed. Screenshot at phone size: target/capture-screenshot.png.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const web = fileURLToPath(new URL('../../examples/web/', import.meta.url));
const shot = fileURLToPath(new URL('../../target/capture-screenshot.png', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'fengqiao-offline-'));
const state = join(scratch, 'street');
const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) passed++;
  else { failed++; console.error(`FAILED: ${what}`); }
};

/** A free port on loopback: the street restarts on it, so the phones' origin stays the same. */
async function freePort() {
  const s = net.createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Starts the street's system as its own process; resolves when it listens. */
function startStreet(port) {
  const proc = spawn(process.execPath, ['street-server.mjs', '--state', state, '--port', String(port), '--dist', join(web, 'dist')], { cwd: web, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, no) => {
    proc.stdout.once('data', (d) => (String(d).startsWith('street server') ? ok(proc) : no(new Error(String(d)))));
    proc.once('exit', (code) => no(new Error(`street server exited ${code}`)));
  });
}

function kill(proc) {
  return new Promise((ok) => {
    proc.once('exit', ok);
    proc.kill('SIGKILL');
  });
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const street = (path, body) => fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

async function phone(name, worker) {
  const context = await chromium.launchPersistentContext(join(scratch, name), LAUNCH);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/capture.html?worker=${worker}`);
  await page.waitForSelector('body[data-ready]');
  return { context, page, errors };
}

async function setUp(p) {
  await p.page.click('#do-setup');
  await p.page.waitForSelector('body[data-ready="yes"]');
}

/** Fills the form and registers; resolves when the list shows one more case. */
async function capture(page, { category, a, b, risk = 'yellow', text }) {
  const before = await page.$$eval('#cases li', (l) => l.length);
  await page.selectOption('#category', category);
  await page.selectOption('#party-a', a);
  await page.selectOption('#party-b', b);
  await page.selectOption('#risk', risk);
  await page.fill('#description', text);
  await page.click('#register');
  await page.waitForFunction((n) => document.querySelectorAll('#cases li').length === n + 1 || document.querySelector('#form-status.error'), before);
}

async function syncOnce(page) {
  const before = await page.$eval('#sync-status', (e) => e.dataset.done ?? '');
  await page.click('#sync');
  await page.waitForFunction((b) => (document.querySelector('#sync-status').dataset.done ?? '') !== b, before);
  return page.$eval('#sync-status', (e) => ({ ...e.dataset, text: e.textContent }));
}

const sync = (page) => page.$$eval('#cases li', (l) => l.map((li) => ({ case: li.dataset.case, sync: li.dataset.sync, state: li.dataset.state })));

let server = await startStreet(port);
const browserProfiles = [];
try {
  // Phone 1, online: set up, capture one case and sync it (the street holds it from here).
  let one = await phone('phone-1', 'gw-522301001001001');
  browserProfiles.push(one);
  await setUp(one);
  check((await one.page.$eval('#who', (e) => e.dataset.device)) === '1', 'the street issued device 1');
  const again = await one.page.evaluate(() => window.fengqiaoCapture.setup({ server: location.origin, worker: 'gw-522301001001001' }).then(() => 'accepted', (e) => e.code));
  check(again === 'lifecycle', `a second setup is refused: it would start a new journal (${again})`);
  await capture(one.page, { category: 'labour', a: 'p0-1', b: 'p1-1', text: '工资拖欠' });
  const first = (await sync(one.page))[0].case;
  check(/-1000010001$/.test(first), `the phone codes in its block (${first})`);
  const s0 = await syncOnce(one.page);
  check(s0.sent === '1' && Number(s0.added) === 4, `the first capture went (${JSON.stringify(s0)})`);
  check((await sync(one.page))[0].sync === 'street', 'the street side came back');

  // Phone 2 (the household-group head), online: the same household's quarrel, synced first.
  const two = await phone('phone-2', 'hh-52230100100100101');
  await setUp(two);
  await capture(two.page, { category: 'neighbour', a: 'p0-0', b: 'p1-0', text: '楼上漏水' });
  await syncOnce(two.page);
  await two.context.close();

  // Phone 1 goes without signal: the street's process is gone and the browser is offline.
  await kill(server);
  await one.context.setOffline(true);
  // A step on the case the street holds: kept, to go with the next sync.
  await one.page.click(`#cases li[data-case="${first}"] button[data-op="reassess"]`);
  await one.page.waitForSelector(`#cases li[data-case="${first}"] .pending`);
  const five = [
    { category: 'neighbour', a: 'p0-0', b: 'p1-0', text: '楼上漏水，反复协商无果' },
    { category: 'marriage_family', a: 'p0-1', b: 'p0-0', text: '赡养老人分歧' },
    { category: 'housing_homestead', a: 'p1-0', b: 'p1-1', text: '宅基地界址' },
    { category: 'labour', a: 'p1-1', b: 'p0-1', risk: 'orange', text: '工地欠薪' },
    { category: 'property_management', a: 'p0-0', b: 'p1-1', text: '物业费' },
  ];
  for (const d of five) await capture(one.page, d);
  const offline = await sync(one.page);
  const captured = offline.filter((c) => c.sync === 'here').map((c) => c.case);
  check(captured.length === 5, `five captured offline (${JSON.stringify(offline)})`);
  check((await one.page.$$('#cases li[data-sync="here"] .route')).length === 5
    && !(await one.page.$$eval('#cases li[data-sync="here"] .route', (l) => l.some((e) => e.textContent.includes('未分流')))),
  'each routed on the phone');
  const syncFailed = await syncOnce(one.page);
  check(syncFailed.text.includes('无信号'), `sync without signal says so (${syncFailed.text})`);
  check((await one.page.$eval('#net', (e) => e.dataset.online)) === 'no', 'shown offline');

  // Reload without signal: the service worker serves the page, IndexedDB the cases.
  await one.page.reload();
  await one.page.waitForSelector('body[data-ready="yes"]');
  {
    const again = await sync(one.page);
    check(JSON.stringify(again) === JSON.stringify(offline), `still there after a reload offline (${JSON.stringify(again)} vs ${JSON.stringify(offline)})`);
  }
  // A browser restart (the profile stays): still there.
  await one.context.close();
  browserProfiles.length = 0;
  {
    const context = await chromium.launchPersistentContext(join(scratch, 'phone-1'), LAUNCH);
    await context.setOffline(true);
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/capture.html`);
    await page.waitForSelector('body[data-ready="yes"]');
    one = { context, page, errors };
    browserProfiles.push(one);
  }
  check(JSON.stringify(await sync(one.page)) === JSON.stringify(offline), 'still there after a browser restart offline');

  // Meanwhile the street (restarted from its journal) moves the first case on and loads
  // new rules.
  server = await startStreet(port);
  const moved = await street('/api/street/apply', { case: first, operation: { op: 'accept' } });
  check(moved.state === 'accepted', `the street accepted ${first} (${JSON.stringify(moved)})`);
  const rules = await (await fetch(`${base}/rules-labour-to-street.json`)).json();
  const loaded = await street('/api/street/rules', { rules });
  check(loaded.label === `${rules.id}@${rules.version}`, `the street loaded ${loaded.label}`);
  const before = await street('/api/street/cases');

  // The signal returns: one sync.
  await one.context.setOffline(false);
  const s1 = await syncOnce(one.page);
  check(s1.sent === '5', `five sent (${JSON.stringify(s1)})`);
  const after = await street('/api/street/cases');
  check(after.length === before.length + 5, `the street holds five more cases (${before.length} → ${after.length})`);
  for (const code of captured) {
    const at = after.filter((c) => c.case === code);
    check(at.length === 1 && at[0].verified && at[0].events[0] === 'register' && at[0].events.includes('transfer_in'),
      `${code} arrived once, verifies, with the phone's history (${JSON.stringify(at)})`);
  }
  const kinds = await one.page.$$eval('#conflicts li', (l) => l.map((li) => `${li.dataset.kind}:${li.dataset.case}`));
  check(kinds.includes(`changed:${first}`), `the case changed at the street is shown (${kinds})`);
  check(kinds.some((k) => k === `duplicate:${captured[0]}`), `the household's quarrel captured twice is shown (${kinds})`);
  check(captured.every((c) => kinds.includes(`rules:${c}`)), `captures routed under the old rules are shown (${kinds})`);
  check((await sync(one.page)).every((c) => c.sync === 'street'), 'every case shows the street side');
  const conflictsAfterOne = kinds.length;

  // Sync again: nothing is sent twice, nothing arrives twice, no conflict is repeated.
  const s2 = await syncOnce(one.page);
  check(s2.sent === '0' && s2.added === '0', `a second sync sends nothing (${JSON.stringify(s2)})`);
  check((await street('/api/street/cases')).length === after.length, 'nothing duplicated at the street');
  check((await one.page.$$('#conflicts li')).length === conflictsAfterOne, 'no conflict shown twice');
  // A duplicate the worker has dealt with stays dismissed, though the street finds it again.
  await one.page.click(`#conflicts li[data-kind="duplicate"][data-case="${captured[0]}"] button`);
  await one.page.waitForFunction((n) => document.querySelectorAll('#conflicts li').length === n - 1, conflictsAfterOne);
  await syncOnce(one.page);
  check(!(await one.page.$(`#conflicts li[data-kind="duplicate"][data-case="${captured[0]}"]`)), 'a dismissed conflict stays dismissed');

  // A full quota: the capture is refused by name, the form keeps what was typed. (Chromium
  // applies a quota override to the storage it opens after it: the browser is restarted
  // with the override set before the page loads, and again without it.)
  const restart = async (quotaSize) => {
    await one.context.close();
    const context = await chromium.launchPersistentContext(join(scratch, 'phone-1'), LAUNCH);
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin: base } : { origin: base, quotaSize });
    page.on('pageerror', (e) => one.errors.push(e.message));
    await page.goto(`${base}/capture.html`);
    await page.waitForSelector('body[data-ready="yes"]');
    one = { context, page, errors: one.errors };
    browserProfiles[0] = one;
  };
  await restart(1);
  await capture(one.page, { category: 'other', a: 'p0-0', b: 'p0-1', text: '占用通道' });
  const refused = await one.page.$eval('#form-status', (e) => ({ code: e.dataset.code, text: e.textContent }));
  check(refused.code === 'storage_full', `a full quota refuses the capture by name (${JSON.stringify(refused)})`);
  check((await one.page.inputValue('#description')) === '占用通道', 'the form keeps what was typed');
  check((await one.page.$$('#cases li')).length === 6, 'nothing half-saved');
  await restart(undefined);
  check((await one.page.$$('#cases li')).length === 6, 'after the refusal the phone restores what it stored');
  await capture(one.page, { category: 'other', a: 'p0-0', b: 'p0-1', text: '占用通道' });
  check((await one.page.$$('#cases li')).length === 7, 'with room again it registers');

  check(one.errors.length === 0, `no page errors: ${one.errors.join('; ')}`);
  await one.page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // 100 captures offline, then one sync, timed.
  const three = await phone('phone-3', 'gw-522301001002001');
  await setUp(three);
  const timing = await three.page.evaluate(async () => {
    const p = window.fengqiaoCapture;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      await p.capture({
        category: 'neighbour', channel: 'household_visit', parties: [{ person: 'p12-0' }, { person: 'p13-0' }],
        location: '5223010010020010101', urgency: 'low', risk: 'blue', discovered_at: new Date().toISOString(),
        description: `第${i + 1}件`, idempotency_key: crypto.randomUUID(),
      });
    }
    const t1 = performance.now();
    const r = await p.sync();
    return { capture: (t1 - t0) / 100, sync: performance.now() - t1, report: r };
  });
  check(timing.report.sent === 100 && timing.report.received === 100, `100 captures synced (${JSON.stringify(timing.report)})`);
  // Two steps recorded on one of the street's cases before the next sync: the second applies
  // to the case as the first leaves it (a reassessment may bring events of its own), so both
  // apply and neither is taken for a change at the street.
  const steps = await three.page.evaluate(async () => {
    const p = window.fengqiaoCapture;
    const [c] = await p.cases();
    await p.record(c.case, { op: 'reassess', risk: 'orange', reason: '走访发现矛盾升级' });
    await p.record(c.case, { op: 'reassess', risk: 'red', reason: '再次走访，矛盾激化' });
    const r = await p.sync();
    const after = (await p.cases()).find((x) => x.case === c.case);
    const kinds = (await p.conflicts()).map((k) => `${k.kind}:${k.code}:${k.message.slice(0, 80)}`).filter((k) => !k.startsWith('duplicate'));
    return { steps: r.steps, conflicts: r.conflicts, pending: after.pending, events: after.street.events, before: c.street.events, kinds };
  });
  check(steps.steps === 2 && steps.conflicts === 0 && steps.pending === 0 && steps.events >= steps.before + 2,
    `two queued steps on one case both apply, in order (${JSON.stringify(steps)})`);
  console.log(`offline capture: ${timing.capture.toFixed(1)} ms a capture (engine + IndexedDB); sync of 100 captures: ${Math.round(timing.sync)} ms`);
  await three.context.close();
} finally {
  for (const p of browserProfiles) await p.context.close().catch(() => {});
  await kill(server).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`offline capture test: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
