// check.mjs -- the HTML report in a real browser (docs/reports.md 13):
// Debian's chromium driven by playwright-core, offline, every request
// but the page's own file blocked and recorded. For each case (a page
// and the result JSON of the same count): no request leaves the page,
// no console error, the section 11 contract read from the live DOM
// (numbers equal the JSON's, a chart and a narrative per stage, bar
// widths from getBBox, the flow bands add up to the transfers, the SV
// cross-table to the stage-2 gains; M1-M6 of lib/rep_html_matrix.c: the
// pairwise and college tables), axe-core with no serious or
// critical violation, the print view and page 1 of the PDF naming the
// winners, screenshots at 1280 and 390 px, and the ARIA snapshot of
// <main> against a golden YAML per case (tests/browser/aria/).
// usage: node check.mjs OUTDIR NAME=PAGE.html,RESULT.json ...
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'),
  'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--no-first-run', '--disable-sync', '--disable-background-networking',
  '--disable-component-update', '--disable-quic'];

let passed = 0, failed = 0;
function ok(cond, what) {
  if (cond) { passed++; return; }
  failed++;
  console.log('FAIL: ' + what);
}

// The section 11 contract in the page; returns a list of breaches.
function contract(res) {
  const errs = [];
  const e = (m) => errs.push(m);
  const txt = (n) => (n ? n.textContent.replace(/\s+/g, ' ').trim() : '');
  const shows = (t, s) => t.replace(/,/g, '').includes(s);
  const q = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const css = (s) => CSS.escape(s);
  if (!document.documentElement.lang) e('1: no lang');
  const meta = q('meta[http-equiv="Content-Security-Policy"]');
  if (meta.length !== 1 || !meta[0].content.includes("default-src 'none'"))
    e('2: CSP');
  if (q('script,link,base,iframe,object,embed').length) e('2: banned element');
  const h1 = q('h1');
  if (h1.length !== 1 || !txt(h1[0]).includes(res.title)) e('3: h1');
  if (q('main').length !== 1) e('3: main');
  const ids = q('[id]').map((n) => n.id);
  if (new Set(ids).size !== ids.length) e('4: ids not unique');
  const first = q('main section')[0];
  if (!first || first.id !== 'declaration') e('5: declaration not first');
  else for (const n of res.elected)
    if (!txt(first).includes(n)) e('5: declaration lacks ' + n);
  for (const [k, v] of Object.entries(res.rejected)) {
    const m = q(`#rejected [data-reason="${css(k)}"][data-votes="${v}"]`);
    if (m.length !== 1 || !shows(txt(m[0]), v)) e('6: rejected ' + k);
  }
  const table = document.getElementById('stages');
  for (const c of res.candidates) {
    const rows = q(`tbody tr[data-candidate="${css(c.name)}"]`, table);
    if (rows.length !== 1) { e('8: row of ' + c.name); continue; }
    for (const s of res.stages) {
      const td = q(`td[data-stage="${s.number}"]`, rows[0]);
      const v = s.votes[c.name];
      if (td.length !== 1 || td[0].dataset.votes !== v)
        e(`9: ${c.name} stage ${s.number}`);
    }
  }
  let prev = null;
  for (const s of res.stages) {
    const sec = document.getElementById('stage-' + s.number);
    if (!sec) { e('11: no stage ' + s.number); continue; }
    const svg = q('svg.stage-chart', sec);
    if (svg.length !== 1 || svg[0].getAttribute('role') !== 'img')
      e('11: chart of stage ' + s.number);
    const need = (s.subject ? [s.subject] : []).concat(s.elected,
      s.excluded);
    if (!q('p.narrative', sec).some((p) => need.every((n) =>
      txt(p).includes(n)))) e('12: narrative of stage ' + s.number);
    let ratio = null;
    const bars = [];
    for (const [n, v] of Object.entries(s.votes)) {
      if (Number(v) === 0) continue;
      const b = svg.length ? q(`[data-candidate="${css(n)}"]`, svg[0]) : [];
      if (b.length !== 1 || b[0].dataset.votes !== v) {
        e(`13: bar of ${n} stage ${s.number}`);
        continue;
      }
      bars.push([Number(v), b[0].getBBox().width]);
    }
    const big = bars.reduce((a, b) => (b[1] > a[1] ? b : a), [1, 0]);
    ratio = big[1] / big[0];
    for (const [v, w] of bars)
      if (Math.abs(v * ratio - w) > 1.5)
        e(`13: stage ${s.number} bar ${v} is ${w} wide`);
    if (prev) {
      // decimals as scaled integers: exact sums
      const dp = res.decimal_places, sc = (x) => BigInt(x.replace('.', ''));
      let want = 0n;
      for (const n of Object.keys(s.votes)) {
        const d = sc(s.votes[n]) - sc(prev.votes[n]);
        if (d > 0n) want += d;
      }
      want += sc(s.non_transferable) - sc(prev.non_transferable);
      want += sc(s.loss_by_fractions) - sc(prev.loss_by_fractions);
      let got = 0n;
      for (const b of q(`#flow [data-stage="${s.number}"]`)) {
        if (b.dataset.from === b.dataset.to) continue;
        got += sc(b.dataset.votes);
      }
      if (got !== want) e(`14: stage ${s.number} bands ${got} != ${want} (dp ${dp})`);
    }
    prev = s;
  }
  // M1-M6 (lib/rep_html_matrix.c): the pairwise and college tables
  for (const key of ['pairwise', 'paths']) {
    if (!res[key]) continue;
    const t = document.getElementById(key);
    if (!t || !txt(t.querySelector('caption'))) { e(`M1: table#${key}`); continue; }
    for (const [x, row] of Object.entries(res[key])) {
      const tr = q(`tr[data-for="${css(x)}"]`, t);
      if (tr.length !== 1) { e(`M1: ${key} row ${x}`); continue; }
      for (const [y, v] of Object.entries(row)) {
        const td = q(`td[data-against="${css(y)}"]`, tr[0]);
        if (td.length !== 1 || (v === null ? 'value' in td[0].dataset :
          td[0].dataset.value !== v || !shows(txt(td[0]), v)))
          e(`M1: ${key}[${x}][${y}]`);
      }
    }
  }
  for (const key of ['smith', 'schwartz']) {
    if (!res[key]) continue;
    const got = q(`#${key} [data-member]`).map((n) => n.dataset.member);
    if (got.join('\n') !== res[key].join('\n')) e(`M2: #${key}`);
  }
  if (res.locked) {
    const got = q('#locked tr[data-winner]').map((r) => [r.dataset.winner,
      r.dataset.loser, r.dataset.value, r.dataset.locked].join('|'));
    const want = res.locked.map((l) => [l.winner, l.loser, l.margin,
      String(l.locked)].join('|'));
    if (got.join('\n') !== want.join('\n')) e('M4: #locked');
  }
  for (const sd of res.sections || []) {
    const td = q(`#sections tr[data-section="${css(sd.id)}"] ` +
      'td[data-col="valid"]');
    if (td.length !== 1 || td[0].dataset.value !== sd.valid)
      e('M6: section ' + sd.id);
  }
  for (const s of res.stages) {
    for (const sd of s.sections || []) {
      const t = q(`#stage-${s.number} table.college` +
        `[data-section="${css(sd.id)}"]`);
      if (t.length !== 1 || !txt(t[0].querySelector('caption'))
        .includes(sd.name)) { e(`M5: stage ${s.number} ${sd.id}`); continue; }
      for (const [n, v] of Object.entries(sd.votes)) {
        const tr = q(`tr[data-for="${css(n)}"]`, t[0]);
        const val = (c) => (tr.length === 1 ? (q(`td[data-col="${c}"]`,
          tr[0])[0] || {}).dataset?.value : undefined);
        if (val('votes') !== v || val('percent') !== sd.percent[n] ||
          val('points') !== sd.points[n])
          e(`M5: stage ${s.number} ${sd.id} ${n}`);
      }
    }
  }
  if (res.method === 'sv' && res.stages.length > 1) {
    const s1 = res.stages[0], s2 = res.stages[1];
    for (const x of Object.keys(s2.votes)) {
      if (s2.excluded.includes(x) || Number(s2.votes[x]) === 0) continue;
      let got = 0;
      for (const f of s2.excluded) {
        const td = q(`#crosstab tr[data-first="${css(f)}"] ` +
          `td[data-second="${css(x)}"]`);
        got += td.length ? Number(td[0].dataset.votes) : 0;
      }
      if (got !== Number(s2.votes[x]) - Number(s1.votes[x]))
        e('15: cross-table for ' + x);
    }
  }
  return errs;
}

// The accessibility tree of <main> against tests/browser/aria/NAME.yaml
// (reports.md 13); ARIA_REGEN=1 rewrites the golden for review.
const ARIA_DIR = process.env.ARIA_DIR || 'tests/browser/aria';
// An input's path on the page is relative to where the page was written,
// so it names the checkout; the golden keeps only its last part.
function ariaPaths(snap) {
  return snap.replace(/^(\s*- text: )\S*\/([^/\s]+, SHA-256)/mg,
    '$1.../$2');
}
async function aria(p, name) {
  const snap = ariaPaths(await p.locator('main').ariaSnapshot()) + '\n';
  const golden = path.join(ARIA_DIR, `${name}.yaml`);
  if (process.env.ARIA_REGEN) {
    mkdirSync(ARIA_DIR, { recursive: true });
    writeFileSync(golden, snap);
    console.log('regenerated ' + golden);
    return;
  }
  let want = null;
  try { want = readFileSync(golden, 'utf8'); } catch { /* none */ }
  if (want === snap) { ok(true, ''); return; }
  const a = (want || '').split('\n'), b = snap.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  ok(false, want === null ? `${name}: no ARIA golden ${golden} ` +
    '(ARIA_REGEN=1 make check-browser)' : `${name}: ARIA snapshot ` +
    `differs from ${golden} at line ${i + 1}: ${JSON.stringify(b[i])} ` +
    `(want ${JSON.stringify(a[i])})`);
  writeFileSync(path.join(process.argv[2], `${name}.aria.yaml`), snap);
}

async function runCase(browser, outdir, name, page, json) {
  const res = JSON.parse(readFileSync(json, 'utf8'));
  const url = pathToFileURL(path.resolve(page)).href;
  const ctx = await browser.newContext({ offline: true,
    viewport: { width: 1024, height: 768 }, locale: 'en-GB',
    timezoneId: 'UTC', colorScheme: 'light' });
  const leaks = [], errors = [];
  await ctx.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    leaks.push(route.request().url());
    return route.abort();
  });
  const p = await ctx.newPage();
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', (err) => errors.push(String(err)));
  await p.goto(url);
  const breaches = await p.evaluate(contract, res);
  ok(breaches.length === 0, `${name}: contract: ${breaches.slice(0, 5)}`);
  await aria(p, name);
  await p.evaluate(axeSource);
  const axe = await p.evaluate(() => window.axe.run(document,
    { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
  const bad = axe.violations.filter((v) => v.impact === 'serious' ||
    v.impact === 'critical');
  ok(bad.length === 0, `${name}: axe: ${bad.map((v) => v.id)}`);
  for (const v of axe.violations)
    if (!bad.includes(v)) console.log(`note: ${name}: axe ${v.impact} ${v.id}`);
  for (const w of [1280, 390]) {
    await p.setViewportSize({ width: w, height: w > 500 ? 900 : 844 });
    const png = await p.screenshot({ path: path.join(outdir,
      `${name}-${w}.png`) });
    ok(png.length > 5000, `${name}: screenshot at ${w} px is blank`);
  }
  if (res.stages.length > 1) {
    await p.setViewportSize({ width: 1280, height: 900 });
    await p.locator('#stage-2').screenshot({ path: path.join(outdir,
      `${name}-stage-2.png`) });
    await p.locator('#flows').screenshot({ path: path.join(outdir,
      `${name}-flow.png`) });
  }
  await p.emulateMedia({ media: 'print' });
  const skip = await p.evaluate(() => getComputedStyle(
    document.querySelector('.skip')).display);
  ok(skip === 'none', `${name}: skip link shown in print`);
  const pdf = path.join(outdir, `${name}.pdf`);
  await p.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
  const page1 = execFileSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-'],
    { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const missing = res.elected.filter((n) => !page1.includes(n));
  ok(missing.length === 0 && /Declaration|Result/.test(page1),
    `${name}: PDF page 1 lacks ${missing}`);
  ok(leaks.length === 0, `${name}: requests left the page: ${leaks}`);
  ok(errors.length === 0, `${name}: console errors: ${errors}`);
  await ctx.close();
}

// Negative control: axe must see a page without lang.
async function control(browser, page) {
  const ctx = await browser.newContext({ offline: true });
  const p = await ctx.newPage();
  const html = readFileSync(page, 'utf8').replace(/<html lang="[^"]*">/,
    '<html>');
  await p.setContent(html);
  await p.evaluate(axeSource);
  const axe = await p.evaluate(() => window.axe.run(document,
    { runOnly: ['wcag2a'] }));
  ok(axe.violations.some((v) => v.id === 'html-has-lang'),
    'control: axe did not see a missing lang');
  await ctx.close();
}

const [outdir, ...cases] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const browser = await chromium.launch({ headless: true, args: ARGS,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
try {
  for (const c of cases) {
    const [name, files] = c.split('=');
    const [page, json] = files.split(',');
    await runCase(browser, outdir, name, page, json);
  }
  if (cases.length) await control(browser, cases[0].split('=')[1].split(',')[0]);
} finally {
  await browser.close();
}
writeFileSync(path.join(outdir, 'result.txt'), `${passed} ${failed}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
