// wasm.mjs -- the counting page (make wasm, web/index.html) in Debian's
// chromium, opened from disk (file://), offline: every request but the
// page's own is blocked and recorded. In one visit it counts a Scottish
// ward (STV) and then a one-seat file, each report equal to what
// `teller count` prints, line for line; a bad file shows the command's
// NAME:LINE:COL: message; the page names what it does not offer; and no
// request leaves the page.
// usage: node wasm.mjs PAGE TELLER STV-FILE ONE-SEAT-FILE BAD-FILE
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [page, teller, stv, one, bad] = process.argv.slice(2);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--no-first-run', '--disable-sync', '--disable-background-networking',
  '--disable-component-update', '--disable-quic'];

let passed = 0, failed = 0;
function ok(cond, what) {
  if (cond) { passed++; return; }
  failed++;
  console.log('FAIL: wasm: ' + what);
}

// the command's report for FILE counted with ARGS, run in FILE's folder
// with its base name (the page knows files by name only)
function cli(file, args) {
  return execFileSync(teller, ['count', ...args, path.basename(file)],
    { cwd: path.dirname(file), encoding: 'utf8' });
}

function sameLines(got, want, what) {
  const g = got.split('\n'), w = want.split('\n');
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  ok(g.length === w.length && i === w.length, `${what}: line ${i + 1} ` +
    `differs:\n  page: ${JSON.stringify(g[i])}\n  cli:  ` +
    JSON.stringify(w[i]));
  ok(w.length > 5, `${what}: the command's report is ${w.length} lines`);
}

const url = pathToFileURL(path.resolve(page)).href;
const browser = await chromium.launch({ headless: true, args: ARGS,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
try {
  const ctx = await browser.newContext({ offline: true });
  const leaks = [];
  await ctx.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    leaks.push(route.request().url());
    return route.abort();
  });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) leaks.push(r.url());
  });
  await p.goto(url);
  await p.waitForFunction(() =>
    !document.getElementById('count').disabled, null, { timeout: 30000 });
  ok(true, 'loaded');
  const methods = await p.$$eval('#method option', (o) =>
    o.map((x) => x.value));
  ok(methods.includes('stv-scottish') && methods.includes('sv'),
    'the method list lacks stv-scottish or sv');
  const note = await p.textContent('main');
  ok(/RCTab/.test(note) && /jansson, expat and libzip/.test(note),
    'the page does not say why vendor formats are not offered');

  async function count(file, method) {
    await p.setInputFiles('#files', file);
    await p.selectOption('#method', method);
    await p.fill('#seats', '');
    await p.evaluate(() => {
      document.getElementById('status').textContent = '';
    });
    await p.click('#count');
    await p.waitForFunction(() => /Counted|stopped|Not counted/.test(
      document.getElementById('status').textContent), null,
    { timeout: 60000 });
    return {
      report: await p.$eval('#report', (n) => n.textContent),
      error: await p.$eval('#error', (n) => n.textContent),
    };
  }

  let r = await count(stv, 'stv-scottish');
  ok(r.error === '', 'STV: error ' + r.error);
  sameLines(r.report, cli(stv, ['-m', 'stv-scottish']),
    'STV ' + path.basename(stv));
  r = await count(one, 'sv');
  ok(r.error === '', 'one seat: error ' + r.error);
  sameLines(r.report, cli(one, ['-m', 'sv']), 'one seat ' +
    path.basename(one));
  ok(await p.isVisible('#html-link'), 'no HTML report link');

  r = await count(bad, '');
  const res = spawnSync(teller, ['count', path.basename(bad)],
    { cwd: path.dirname(bad), encoding: 'utf8' });
  const want = res.stderr.replace(/^teller: /, '').trim();
  ok(res.status === 1 && /^[^:]+:\d+:\d+: ./.test(want),
    'the bad file is not an error with a position: ' + res.stderr);
  ok(r.error === want, `bad file: the page shows ${JSON.stringify(r.error)}` +
    `, the command ${JSON.stringify(want)}`);
  ok(r.report === '', 'bad file: a report is shown');

  ok(errors.length === 0, 'console errors: ' + errors.join('; '));
  ok(leaks.length === 0, 'requests left the page: ' + leaks.join(', '));
} finally {
  await browser.close();
}
console.log(`wasm: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
