// The playground's size and speed, measured in this machine's Chromium (the README's
// "Playground" numbers come from here):
//   node measure.mjs [--site DIR] [--runs N] [--keys N] [--gap MS] [--json]
// - the .wasm, raw and gzipped (level 9), and the whole site gzipped;
// - page load → first diagnostics on screen (navigation start to the frame after the first
//   report was drawn), the median of N fresh pages;
// - a keystroke on server/bench/policies/inline-10k.json → its diagnostics on screen (the key's
//   event time to the frame after the report for that version): median, 90th percentile, worst
//   and how many under a frame (16 ms) of N keys, each typing or deleting one letter of an
//   action name (so the diagnostics change), the next key --gap ms (30) after the last one's
//   frame (100 or more is a fast typist's pace), and
//   the analysis's own share (text in → report out) and where it ran (the page analyses a
//   document itself once the worker has answered it in well under a frame: analysis.js).
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { launch, serve, siteDir } from './test/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const site = siteDir();
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = option('--runs', 5);
const keys = option('--keys', 40);
const gap = option('--gap', 30); // ms from one key's measurement to the next key
const policy = await readFile(path.join(repo, 'server/bench/policies/inline-10k.json'), 'utf8');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// The smallest value at least `q` of them are at or under (nearest rank: 0.9 of 40 keys is the 36th).
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)];
// A frame at 60 Hz: the keystroke target.
const FRAME_MS = 16;
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

const wasm = await readFile(path.join(site, 'iam_analysis.wasm'));
const wasmGzip = gzipSync(wasm, { level: 9 }).length;
let siteGzip = 0;
for (const name of await readdir(site)) {
  if ((await stat(path.join(site, name))).isFile()) siteGzip += gzipSync(await readFile(path.join(site, name)), { level: 9 }).length;
}

const loadBefore = loadavg()[0];
const server = await serve(site);
const browser = await launch();
const waitShown = (page) =>
  page.waitForFunction(() => window.playground.firstShown !== null, null, { timeout: 30_000 });

const loads = [];
const milestones = []; // where each load's time went
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage();
  await page.goto(server.url);
  await waitShown(page);
  loads.push(await page.evaluate(() => window.playground.firstShown));
  milestones.push(await page.evaluate(() => window.playground.timings));
  await page.close();
}

const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
await page.goto(server.url);
await waitShown(page);
const setup = await page.evaluate((text) => {
  const view = window.playground.view;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  // The end of the last action name of the document: typing there changes its diagnostics.
  const open = text.indexOf('"', text.indexOf('[', text.lastIndexOf('"Action"')) + 1);
  const at = text.indexOf('"', open + 1);
  return { at, length: text.length };
}, policy);
await page.waitForFunction(() => window.playground.report?.seq === window.playground.seq);
const diagnosticsIn10k = await page.evaluate(() => window.playground.report.report.diagnostics.length);
await page.evaluate((at) => {
  const view = window.playground.view;
  view.dispatch({ selection: { anchor: at } });
  view.focus();
  // key event time → the frame after the report for the version it made; and, for comparison,
  // → the frame after the typed letter itself (what the browser takes with no analysis at all),
  // and whether the report came before that frame began (its squiggles in the letter's frame).
  // No animation-frame loop to count frames: a page that asks for a frame at every vsync has
  // its keystrokes' frames wait for the next vsync, which the page alone does not
  // (docs/performance.md, "the cursor's blink"). The letter's frame sets `framed` instead.
  window.keyTimes = [];
  let pending = null;
  view.contentDOM.addEventListener('keydown', (e) => (pending = { key: e.timeStamp }), true);
  window.playground.on((event, detail) => {
    if (event === 'change' && pending && pending.changed === undefined) {
      const key = pending;
      key.changed = true;
      requestAnimationFrame(() => {
        key.framed = true;
        setTimeout(() => (key.letter = performance.now()));
      });
    }
    if (event === 'report' && pending && pending.seq === undefined) {
      Object.assign(pending, { seq: detail.seq, worker: detail.elapsed, where: detail.where, sameFrame: !pending.framed });
    }
    if (event === 'shown' && pending?.seq === detail.seq) {
      const done = pending;
      pending = null;
      const push = () => {
        if (done.letter === undefined) return setTimeout(push, 5);
        window.keyTimes.push({ total: detail.at - done.key, letter: done.letter - done.key, worker: done.worker, where: done.where, sameFrame: done.sameFrame });
      };
      push();
    }
  });
}, setup.at);
for (let i = 0; i < keys; i++) {
  const count = await page.evaluate(() => window.keyTimes.length);
  await page.keyboard.press(i % 2 ? 'Backspace' : 'x');
  // Polled by a timer, not by animation frames (which would keep the page drawing frames).
  await page.waitForFunction((n) => window.keyTimes.length > n, count, { timeout: 10_000, polling: 4 });
  await page.waitForTimeout(gap);
}
const times = await page.evaluate(() => window.keyTimes);
const browserVersion = browser.version();
await browser.close();
await server.close();

const total = times.map((t) => t.total);
const worker = times.map((t) => t.worker);
// Timings are only as good as the machine is idle: say how busy it was.
const machine = `${cpus().length} cores, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after`;
const result = {
  machine,
  wasm: { raw: wasm.length, gzip: wasmGzip },
  siteGzip,
  loadToFirstDiagnosticsMs: { median: median(loads), runs: loads },
  // Medians, ms from navigation start: the worker started, its module compiled, the catalog
  // decoded; main.js running, the editor made; the first diagnostics shown.
  loadMilestonesMs: Object.fromEntries(
    ['started', 'compiled', 'warmed', 'mainStarted', 'editorMade', 'infoReceived', 'firstReport', 'firstReportWorker', 'firstShown'].map((k) => [k, median(milestones.map((m) => m[k] ?? NaN))]),
  ),
  keystroke10k: {
    policyBytes: setup.length,
    diagnostics: diagnosticsIn10k,
    medianMs: median(total),
    p90Ms: quantile(total, 0.9),
    worstMs: Math.max(...total),
    keysUnderAFrame: total.filter((ms) => ms < FRAME_MS).length,
    letterMedianMs: median(times.map((t) => t.letter)),
    keysInLettersFrame: times.filter((t) => t.sameFrame).length,
    analysisMedianMs: median(worker),
    keysAnalysedInPage: times.filter((t) => t.where === 'page').length,
    keys: total.length,
  },
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (ms) => `${ms.toFixed(1)} ms`;
  console.log('| what | measured | target |');
  console.log('|---|---|---|');
  console.log(`| \`.wasm\` (analysis + whole catalog) | ${mb(wasm.length)} raw, ${mb(wasmGzip)} gzipped | ≤ 2 MB gzipped |`);
  console.log(`| whole site (page, worker, .wasm, code table) | ${mb(siteGzip)} gzipped | |`);
  console.log(`| page load → first diagnostics on screen | ${f(median(loads))} (median of ${runs}) | < 1 s |`);
  console.log(
    `| keystroke → diagnostics on screen, ${kb(setup.length)} policy (${diagnosticsIn10k} diagnostics) | ${f(median(total))} median, ${f(result.keystroke10k.p90Ms)} 90th percentile, ${f(Math.max(...total))} worst of ${total.length} keys (${result.keystroke10k.keysUnderAFrame} under ${FRAME_MS} ms); analysis ${f(median(worker))}, in the page for ${result.keystroke10k.keysAnalysedInPage} of them | < 16 ms |`,
  );
  console.log(
    `| the typed letter alone → on screen (no analysis: the browser's own frame) | ${f(result.keystroke10k.letterMedianMs)} median; the squiggles drawn in the letter's own frame for ${result.keystroke10k.keysInLettersFrame} of ${total.length} keys | |`,
  );
  const m = result.loadMilestonesMs;
  console.log(
    `\nLoad milestones (medians, ms from navigation start): worker started ${m.started.toFixed(0)}, .wasm compiled ${m.compiled.toFixed(0)}, catalog decoded ${m.warmed.toFixed(0)}; main.js running ${m.mainStarted.toFixed(0)}, editor made ${m.editorMade.toFixed(0)}, worker ready ${m.infoReceived.toFixed(0)}, first report ${m.firstReport.toFixed(0)} (the worker's share ${m.firstReportWorker.toFixed(0)}); first diagnostics shown ${m.firstShown.toFixed(0)}.`,
  );
  console.log(`\nChromium ${browserVersion}, ${machine}.`);
}
