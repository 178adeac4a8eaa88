// The playground page: CodeMirror 6 in front, the analysis in a Web Worker (worker.js). Every
// change sends the text to the worker, which answers with a report (diagnostics, semantic
// tokens, outline) for that version; hover, completion and code actions are requests.
// Positions cross the protocol as {line, col} in UTF-16 code units, CodeMirror's own unit.
import { autocompletion, completionKeymap, snippet } from '@codemirror/autocomplete';
import { defaultKeymap, history as undoHistory, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, foldGutter, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, RangeSetBuilder, StateEffect } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
  ViewPlugin,
} from '@codemirror/view';

import { Analysis } from './analysis.js';
import { drawSelectionBlinking } from './blink.js';
import { diagnosticGutter } from './gutter.js';
import { inline, markdownToHtml } from './markdown.js';
import { panels } from './panels.js';

// Fixtures of the repository, read by build.mjs: [{id, title, path, kind, text}].
const EXAMPLES = __EXAMPLES__;

const $ = (id) => document.getElementById(id);
const status = (text) => ($('status').textContent = text);

// Positions: CodeMirror offsets ↔ {line, col}, through CodeMirror's line tree (no scan).
const toPos = (doc, { line, col }) => {
  if (line + 1 > doc.lines) return doc.length;
  const l = doc.line(line + 1);
  return Math.min(l.from + col, l.to);
};
const toLineCol = (doc, pos) => {
  const l = doc.lineAt(pos);
  return { line: l.number - 1, col: pos - l.from };
};

// The page's version counter: bumped by every change of text or kind. A report or an answer
// for an older version is dropped (a newer one is on its way).
let seq = 0;
let report = null; // {seq, report, ...} last shown
let info = null; // the worker's `initialize` answer
const listeners = []; // (event, detail) => void, for tests and measure.mjs
let firstShown = null; // performance.now() when the first diagnostics were on screen
const mainStarted = performance.now(); // main.js fetched, parsed and running
let editorMade = null;
let infoReceived = null;
let firstReport = null; // when the first report arrived, and the worker's own time for it
let firstReportWorker = null;
const emit = (event, detail) => {
  if (event === 'shown' && firstShown === null) firstShown = detail.at;
  listeners.forEach((l) => l(event, detail));
};
window.playground = {
  on: (listener) => listeners.push(listener),
  get seq() { return seq; },
  get report() { return report; },
  get firstShown() { return firstShown; },
  get panelsSeq() { return panelsSeq; },
  // The worker's milestones and the page's, in ms since the page's time origin (measure.mjs).
  get timings() {
    const worker = Object.fromEntries(Object.entries(info?.timings ?? {}).map(([k, t]) => [k, t - performance.timeOrigin]));
    return { ...worker, mainStarted, editorMade, infoReceived, firstReport, firstReportWorker, firstShown };
  },
};

// Semantic tokens as decorations, built for the visible lines only (a large policy has
// thousands of tokens; a keystroke should not rebuild and compare them all), rebuilt when a
// report brings new tokens or the view scrolls, and mapped through edits in between.
const setTokens = StateEffect.define();
const tokenMarks = new Map();
const mark = (type) => {
  if (!tokenMarks.has(type)) tokenMarks.set(type, Decoration.mark({ class: `cm-iam-${type}` }));
  return tokenMarks.get(type);
};
function visibleTokens(view, tokens) {
  const builder = new RangeSetBuilder();
  const doc = view.state.doc;
  let next = 0; // tokens are in document order: each visible range continues from the last
  for (const { from, to } of view.visibleRanges) {
    const first = doc.lineAt(from).number - 1;
    const last = doc.lineAt(to).number - 1;
    let lo = next;
    let hi = tokens.length / 4;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid * 4] < first) lo = mid + 1;
      else hi = mid;
    }
    for (next = lo; next * 4 < tokens.length && tokens[next * 4] <= last; next++) {
      const i = next * 4;
      const start = toPos(doc, { line: tokens[i], col: tokens[i + 1] });
      const end = toPos(doc, { line: tokens[i], col: tokens[i + 2] });
      if (start < end) builder.add(start, end, mark(info.tokenTypes[tokens[i + 3]] ?? 'unknown'));
    }
  }
  return builder.finish();
}
const tokenPlugin = ViewPlugin.fromClass(
  class {
    constructor() {
      this.tokens = new Uint32Array(0);
      this.decorations = Decoration.none;
    }
    update(update) {
      let fresh = false;
      for (const tr of update.transactions) {
        for (const effect of tr.effects) {
          if (effect.is(setTokens)) {
            this.tokens = effect.value;
            fresh = true;
          }
        }
      }
      if (fresh) this.decorations = visibleTokens(update.view, this.tokens);
      else if (update.docChanged) this.decorations = this.decorations.map(update.changes);
      else if (update.viewportChanged) this.decorations = visibleTokens(update.view, this.tokens);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

// The editor's own highlighting follows what the text is read as (the analysis says, in each
// report): JSON, YAML, or none for Terraform (its policies still get semantic tokens).
const language = new Compartment();
let languageShown = 'json';
function followLanguage(view, host) {
  const text = view.state.doc;
  const first = text.length ? text.sliceString(0, Math.min(text.length, 200)).trimStart()[0] : '{';
  const wanted = host === 'terraform' ? 'none' : host === 'cloudformation' && first !== '{' && first !== '[' ? 'yaml' : 'json';
  if (wanted === languageShown) return;
  languageShown = wanted;
  view.dispatch({ effects: language.reconfigure(wanted === 'json' ? json() : wanted === 'yaml' ? yaml() : []) });
}

// What the kind line says of a report.
function kindLine(report) {
  const kind = report.kind;
  if (report.template) {
    const n = report.template.policies.length;
    return n
      ? `${report.template.format} with ${n} IAM ${n > 1 ? 'policies' : 'policy'}, each checked as the kind its place in it gives it (the kind selector is for policy documents).`
      : `${report.template.format}: no IAM policy found in it.`;
  }
  if (kind) return `Checked as ${/^[aeiou]/.test(kind.description) ? 'an' : 'a'} ${kind.description} (${kind.reason}).`;
  return report.host === 'iam-json' ? 'Not an IAM policy: no diagnostics.' : 'No template with IAM policies found: no diagnostics.';
}

// Edits from the analysis (line/col at version `at`) applied as one transaction.
function applyEdits(view, at, edits) {
  if (at !== seq) {
    status('the policy changed since this action was computed: try again');
    return false;
  }
  const doc = view.state.doc;
  const changes = edits.map((e) => ({ from: toPos(doc, e.range.start), to: toPos(doc, e.range.end), insert: e.text }));
  view.dispatch({ changes, userEvent: 'input.fix' });
  view.focus();
  return true;
}

let kindLineShown = null;
const severities = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };
// A report as a transaction's effects on `state` (the state of the report's version): its
// diagnostics (with their fixes) and its semantic tokens.
function reportSpec(state, params) {
  const doc = state.doc;
  const diagnostics = params.report.diagnostics.map((d) => ({
    from: toPos(doc, d.range.start),
    to: toPos(doc, d.range.end),
    severity: severities[d.severity] ?? 'info',
    source: d.code,
    message: d.message,
    actions: d.fixes.map((fix) => ({ name: fix.title, apply: (v) => applyEdits(v, params.seq, fix.edits) })),
  }));
  return { effects: [...setDiagnostics(state, diagnostics).effects, setTokens.of(params.tokens)] };
}

// A report that came after its version was drawn (from the worker, or for a change of kind).
function showReport(view, params) {
  if (params.seq !== seq) return; // a newer version is on its way
  view.dispatch(reportSpec(view.state, params));
  reported(view, params);
}

// What follows a report once the editor shows it: the page around the editor, the panels.
function reported(view, params) {
  if (firstReport === null) [firstReport, firstReportWorker] = [performance.now(), params.elapsed];
  report = params;
  followLanguage(view, params.report.host);
  // Written only when changed: a keystroke's frame should not lay out the toolbar again.
  const line = inline(kindLine(params.report));
  if (line !== kindLineShown) $('kind-reason').innerHTML = kindLineShown = line;
  $('kind').disabled = Boolean(params.report.template);
  const detected = params.report.host_detected && info?.hosts.find((h) => h.id === params.report.host);
  const label = detected && `detected: ${detected.title}`;
  if (label && $('host').options[0].textContent !== label) $('host').options[0].textContent = label;
  schedulePanels(params);
  // Shown: the frame after this one starts once the browser has painted it.
  requestAnimationFrame(() => setTimeout(() => emit('shown', { seq: params.seq, at: performance.now() })));
  emit('report', params);
}

const analysis = new Analysis((params) => showReport(view, params), status);

// The panels follow the editor when the browser is idle (only the last report of a burst of
// keys), so that a keystroke's squiggles never wait on them.
let panelsDue = null;
let panelsSeq = 0; // the version the panels show
function schedulePanels(params) {
  const first = panelsDue === null;
  panelsDue = params;
  if (!first) return;
  requestIdleCallback(() => {
    const due = panelsDue;
    panelsDue = null;
    if (due.seq !== seq) return;
    Promise.all(activePanels.map((panel) => panel.update(due, context))).then(() => {
      panelsSeq = due.seq;
      emit('panels', due.seq);
    });
  }, { timeout: 150 });
}

// Hover: the analysis's markdown, under the mouse.
const hover = hoverTooltip(async (view, pos) => {
  const at = seq;
  const answer = await analysis.request('hover', { seq: at, ...toLineCol(view.state.doc, pos) }).catch(() => null);
  if (!answer || at !== seq) return null;
  const doc = view.state.doc;
  return {
    pos: toPos(doc, answer.range.start),
    end: toPos(doc, answer.range.end),
    create() {
      const dom = document.createElement('div');
      dom.className = 'cm-iam-hover';
      dom.innerHTML = markdownToHtml(answer.markdown);
      emit('hover', answer);
      return { dom };
    },
  };
}, { hoverTime: 250 });

// Completion: the analysis's items; CodeMirror filters them by what is typed.
const completionTypes = { property: 'property', value: 'constant', module: 'namespace', function: 'function', snippet: 'text', operator: 'keyword', variable: 'variable' };
async function completionSource(context) {
  const at = seq;
  const items = await analysis.request('completion', { seq: at, ...toLineCol(context.state.doc, context.pos) }).catch(() => []);
  if (!items.length || at !== seq || context.aborted) return null;
  const doc = context.state.doc;
  const from = Math.min(...items.map((i) => toPos(doc, i.range.start)));
  return {
    from,
    options: items.map((item) => ({
      label: item.filter_text ?? item.label,
      displayLabel: item.label,
      detail: item.detail ?? undefined,
      info: item.documentation ? () => {
        const dom = document.createElement('div');
        dom.className = 'cm-iam-hover';
        dom.innerHTML = markdownToHtml(item.documentation);
        return dom;
      } : undefined,
      type: completionTypes[item.kind],
      apply: (view, completion, _from, to) => {
        const start = toPos(view.state.doc, item.range.start);
        const end = Math.max(to, toPos(view.state.doc, item.range.end));
        if (item.snippet) snippet(item.snippet)(view, completion, start, end);
        else view.dispatch({ changes: { from: start, to: end, insert: item.text }, selection: { anchor: start + item.text.length }, userEvent: 'input.complete' });
      },
    })),
  };
}

// Code actions (quick fixes, then refactors) at the selection: Ctrl+. or the toolbar button.
async function showActions(view) {
  const at = seq;
  const { from, to } = view.state.selection.main;
  const range = { start: toLineCol(view.state.doc, from), end: toLineCol(view.state.doc, to) };
  const actions = await analysis.request('codeActions', { seq: at, range }).catch(() => []);
  const menu = $('actions');
  menu.replaceChildren();
  if (at !== seq) return true;
  if (!actions.length) {
    const none = document.createElement('li');
    none.textContent = 'No fix or refactor here';
    none.className = 'none';
    menu.append(none);
  }
  for (const action of actions) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.textContent = action.title;
    button.dataset.kind = action.kind;
    button.title = action.code ? `Fixes ${action.code}` : 'Refactor';
    button.onclick = () => {
      closeActions();
      applyEdits(view, at, action.edits);
    };
    item.append(button);
    menu.append(item);
  }
  const coords = view.coordsAtPos(from) ?? view.dom.getBoundingClientRect();
  menu.style.left = `${coords.left + window.scrollX}px`;
  menu.style.top = `${coords.bottom + window.scrollY + 2}px`;
  menu.hidden = false;
  menu.querySelector('button')?.focus();
  emit('actions', actions);
  return true;
}
const closeActions = () => ($('actions').hidden = true);
document.addEventListener('keydown', (e) => e.key === 'Escape' && closeActions());
document.addEventListener('mousedown', (e) => !$('actions').contains(e.target) && closeActions());

// Every change: a new version to the analysis. When the page analyses the document itself
// (analysis.js), the report is there at once and goes into the same view update as the change:
// one update (one redraw of the edited line, one sync of the DOM selection, one measure) for the
// keystroke and its squiggles, instead of a second update for the report right after it.
function dispatchTransactions(transactions, view) {
  if (!transactions.some((tr) => tr.docChanged)) return view.update(transactions);
  const state = transactions.at(-1).state;
  seq += 1;
  const now = analysis.updateNow(seq, state.doc.toString());
  view.update(now ? [...transactions, state.update(reportSpec(state, now))] : transactions);
  emit('change', seq);
  if (now) reported(view, now);
}

const tokenTheme = EditorView.baseTheme({
  '.cm-iam-namespace': { color: '#0b6e99' },
  '.cm-iam-function': { color: '#7c3aed', fontWeight: '600' },
  '.cm-iam-operator': { color: '#b45309' },
  '.cm-iam-variable': { color: '#047857' },
  '.cm-iam-property': { color: '#1d4ed8' },
  '.cm-iam-keyword': { color: '#9f1239' },
  '.cm-iam-enumMember': { color: '#0e7490' },
  '.cm-iam-number': { color: '#a16207' },
});

// The policy to start with: the share link's, else the first example.
function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const encoded = params.get('policy');
  if (encoded === null) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return { text, kind: params.get('kind') ?? '', host: params.get('host') ?? '' };
  } catch {
    status('the link does not carry a readable policy (the part after #)');
    return null;
  }
}
function shareLink(text, kind, host) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const params = new URLSearchParams({ policy: btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') });
  if (kind) params.set('kind', kind);
  if (host) params.set('host', host);
  return `${location.origin}${location.pathname}#${params}`;
}

const initial = fromFragment() ?? { text: EXAMPLES[0].text, kind: EXAMPLES[0].kind ?? '', host: '' };
// The text goes to the worker before the editor is made (which takes the main thread a while),
// so that the analysis runs meanwhile; its report arrives once the editor is there.
seq += 1;
analysis.open(seq, initial.host, initial.text, initial.kind);
const view = new EditorView({
  parent: $('editor'),
  state: EditorState.create({
    doc: initial.text,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      foldGutter(),
      diagnosticGutter(),
      undoHistory(),
      drawSelectionBlinking(), // drawSelection() with a timer's blink: no endless animation (blink.js)
      highlightActiveLine(),
      bracketMatching(),
      highlightSelectionMatches(),
      language.of(json()),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      tokenPlugin,
      tokenTheme,
      hover,
      autocompletion({ override: [completionSource], activateOnTyping: true }),
      keymap.of([
        { key: 'Mod-.', run: showActions, preventDefault: true },
        ...completionKeymap,
        ...lintKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...defaultKeymap,
        indentWithTab,
      ]),
    ],
  }),
  dispatchTransactions,
});
editorMade = performance.now();
window.playground.view = view;
window.playground.analysis = analysis;

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// Panels (panels.js): each shown when the worker has what it needs.
const context = { view, toPos, toLineCol, applyEdits, request: (method, params) => analysis.request(method, params), get seq() { return seq; } };
let activePanels = [];

async function main() {
  info = await analysis.info;
  infoReceived = performance.now();
  $('about').textContent = info.about;
  const kindSelect = $('kind');
  for (const kind of info.kinds) kindSelect.append(new Option(`${kind.name}: ${kind.description}`, kind.name));
  kindSelect.value = initial.kind;
  if (kindSelect.selectedIndex < 0) kindSelect.value = ''; // a link's unknown kind: the worker says so
  kindSelect.onchange = () => {
    seq += 1;
    analysis.setKind(seq, kindSelect.value);
  };
  const hostSelect = $('host');
  for (const host of info.hosts) hostSelect.append(new Option(host.title, host.id));
  hostSelect.value = initial.host;
  if (hostSelect.selectedIndex < 0) hostSelect.value = ''; // a link's unknown host: the worker says so
  hostSelect.onchange = () => {
    seq += 1;
    analysis.setHost(seq, hostSelect.value);
  };
  const exampleSelect = $('example');
  for (const example of EXAMPLES) exampleSelect.append(new Option(example.title, example.id));
  exampleSelect.onchange = () => {
    const example = EXAMPLES.find((e) => e.id === exampleSelect.value);
    if (!example) return;
    kindSelect.value = example.kind ?? '';
    hostSelect.value = ''; // the example's host is found in its text
    seq += 1;
    analysis.setHost(seq, '');
    seq += 1;
    analysis.setKind(seq, kindSelect.value);
    setText(example.text);
    exampleSelect.value = '';
  };
  $('share').onclick = async () => {
    const link = shareLink(view.state.doc.toString(), kindSelect.value, hostSelect.value);
    window.history.replaceState(null, '', link);
    $('share-link').value = link;
    $('share-link').hidden = false;
    $('share-link').select();
    try {
      await navigator.clipboard.writeText(link);
      status('share link copied (the policy is in the part after #, which is never sent to a server)');
    } catch {
      status('share link in the field beside the button (the policy is in the part after #)');
    }
  };
  $('actions-button').onclick = () => showActions(view);
  window.addEventListener('hashchange', () => {
    const shared = fromFragment();
    if (!shared || shared.text === view.state.doc.toString()) return;
    kindSelect.value = shared.kind;
    hostSelect.value = shared.host;
    seq += 1;
    analysis.setHost(seq, shared.host);
    seq += 1;
    analysis.setKind(seq, shared.kind);
    setText(shared.text);
  });

  const tabs = $('panel-tabs');
  activePanels = panels.filter((p) => !p.requires || p.requires.every((m) => info.methods.includes(m)));
  for (const panel of activePanels) {
    const section = document.createElement('section');
    section.id = `panel-${panel.id}`;
    section.className = 'panel';
    const heading = document.createElement('h2');
    heading.textContent = panel.title;
    section.append(heading);
    tabs.append(section);
    panel.mount(section, context);
  }
}
main().catch((error) => status(`the analysis did not start: ${error.message}`));
