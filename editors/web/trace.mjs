// Where a keystroke's frame goes on the 10 KB policy: a Chromium trace (CDP Tracing,
// devtools.timeline) over N typed/deleted letters, summed per key by top-level task type; then
// what the layouts did a key (objects laid out, text runs shaped), in the key's own frame (the
// keydown's task to the end of the first frame painted after it) and in all, and that frame's
// length and main-thread CPU time (the trace's thread time: less sensitive to a busy machine).
//   node trace.mjs [--site DIR] [--keys N]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serve, siteDir } from './test/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const policy = await readFile(path.resolve(here, '../../server/bench/policies/inline-10k.json'), 'utf8');
const i = process.argv.indexOf('--keys');
const keys = i >= 0 ? Number(process.argv[i + 1]) : 20;
const server = await serve(siteDir());
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
await page.goto(server.url);
await page.waitForFunction(() => window.playground.firstShown !== null, null, { timeout: 30_000 });
const at = await page.evaluate((text) => {
  const view = window.playground.view;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  const open = text.indexOf('"', text.indexOf('[', text.lastIndexOf('"Action"')) + 1);
  return text.indexOf('"', open + 1);
}, policy);
await page.waitForFunction(() => window.playground.report?.seq === window.playground.seq);
await page.evaluate((at) => { const v = window.playground.view; v.dispatch({ selection: { anchor: at } }); v.focus(); }, at);
await page.waitForTimeout(300);
const cdp = await page.context().newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline.stack,devtools.timeline,disabled-by-default-devtools.timeline,blink,v8.execute', transferMode: 'ReportEvents' });
for (let k = 0; k < keys; k++) {
  const seq = await page.evaluate(() => window.playground.seq);
  await page.keyboard.press(k % 2 ? 'Backspace' : 'x');
  await page.waitForFunction((s) => window.playground.report?.seq > s, seq);
  await page.waitForTimeout(100);
}
await cdp.send('Tracing.end');
await done;
await browser.close();
await server.close();
// The renderer main thread: the thread running the most EventDispatch/FunctionCall.
const byThread = new Map();
for (const e of events) if (e.ph === 'X' && (e.name === 'FunctionCall' || e.name === 'EventDispatch')) byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
const main = [...byThread].sort((a, b) => b[1] - a[1])[0][0];
const on = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined);
const names = {};
// Self time per event name (durations minus nested children), ms per key.
on.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const stack = [];
for (const e of on) {
  while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
  if (stack.length) names[stack.at(-1).name].self -= e.dur;
  names[e.name] ??= { total: 0, self: 0, count: 0 };
  if (!stack.some((s) => s.name === e.name)) names[e.name].total += e.dur;
  names[e.name].self += e.dur;
  names[e.name].count += 1;
  stack.push(e);
}
const rows = Object.entries(names).sort((a, b) => b[1].total - a[1].total).slice(0, 30);
console.log('| event (renderer main thread) | total ms/key | self ms/key | count/key |\n|---|---|---|---|');
for (const [n, v] of rows) console.log(`| ${n} | ${(v.total / 1000 / keys).toFixed(2)} | ${(v.self / 1000 / keys).toFixed(2)} | ${(v.count / keys).toFixed(1)} |`);
// JS by function: the profiler's samples are not in this trace; FunctionCall carries the script.
const fn = {};
for (const e of on) if (e.name === 'FunctionCall' || e.name === 'TimerFire' || e.name === 'FireAnimationFrame' || e.name === 'EventDispatch') {
  const d = e.args?.data ?? {};
  const key = `${e.name} ${d.type ?? ''} ${d.functionName ?? ''}`;
  fn[key] = (fn[key] ?? 0) + e.dur;
}
console.log('\n| task | ms/key |\n|---|---|');
for (const [n, v] of Object.entries(fn).sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${n} | ${(v / 1000 / keys).toFixed(2)} |`);
// Layouts that JavaScript forced (they carry the stack that asked for them), by the code asking.
const forced = {};
for (const e of on) {
  const st = (e.name === 'Layout' || e.name === 'UpdateLayoutTree') && (e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace);
  if (!st?.length) continue;
  const key = `${e.name} <- ${st.slice(0, 3).map((f) => `${f.functionName || '?'}`).join(' < ')}`;
  forced[key] ??= { count: 0, dur: 0 };
  forced[key].count += 1;
  forced[key].dur += e.dur;
}
console.log('\n| forced by JavaScript | ms/key | count/key |\n|---|---|---|');
for (const [n, v] of Object.entries(forced).sort((a, b) => b[1].dur - a[1].dur).slice(0, 10)) console.log(`| ${n} | ${(v.dur / 1000 / keys).toFixed(2)} | ${(v.count / keys).toFixed(1)} |`);

// The key's own frame: from the task that dispatched the keydown to the end of the first task
// after it that painted and committed a frame.
const tasks = on.filter((e) => e.name === 'RunTask');
const within = new Map(tasks.map((t) => [t, []]));
{
  let t = 0;
  for (const e of on) {
    if (e.name === 'RunTask') continue;
    while (t < tasks.length && tasks[t].ts + tasks[t].dur < e.ts) t++;
    if (t < tasks.length && e.ts >= tasks[t].ts) within.get(tasks[t]).push(e);
  }
}
const has = (task, name, type) => within.get(task).some((e) => e.name === name && (!type || e.args?.data?.type === type));
const layoutWork = (list) => {
  const layouts = list.filter((e) => e.name === 'Layout');
  return {
    objects: layouts.reduce((n, e) => n + (e.args?.beginData?.dirtyObjects ?? 0), 0),
    shaped: list.filter((e) => e.name === 'InlineNode::ShapeTextIncludingFirstLine').length,
    layoutMs: layouts.reduce((n, e) => n + e.dur, 0) / 1000,
  };
};
const frames = [];
for (let i = 0; i < tasks.length; i++) {
  if (!has(tasks[i], 'EventDispatch', 'keydown')) continue;
  let j = i;
  while (j < tasks.length && !(has(tasks[j], 'WebFrameWidgetImpl::UpdateLifecycle') && has(tasks[j], 'Commit'))) j++;
  if (j === tasks.length) break;
  const span = tasks.slice(i, j + 1);
  frames.push({
    ms: (tasks[j].ts + tasks[j].dur - tasks[i].ts) / 1000,
    cpuMs: span.reduce((n, t) => n + (t.tdur ?? t.dur), 0) / 1000,
    ...layoutWork(span.flatMap((t) => within.get(t))),
  });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const all = layoutWork(on);
console.log('\n| layout work a key | in the key\'s own frame (median) | in all tasks (mean) |\n|---|---|---|');
console.log(`| layout objects laid out | ${med(frames.map((f) => f.objects))} | ${(all.objects / keys).toFixed(0)} |`);
console.log(`| text runs shaped | ${med(frames.map((f) => f.shaped))} | ${(all.shaped / keys).toFixed(0)} |`);
console.log(`| layout ms | ${med(frames.map((f) => f.layoutMs)).toFixed(2)} | ${(all.layoutMs / keys).toFixed(2)} |`);
console.log(`\nThe key's own frame (keydown to its frame committed), median of ${frames.length} keys: ${med(frames.map((f) => f.ms)).toFixed(1)} ms long, ${med(frames.map((f) => f.cpuMs)).toFixed(1)} ms of main-thread CPU (under tracing).`);
