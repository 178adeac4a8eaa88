// The messages between the page and the analysis worker.
//
// page → worker, a request:   {protocol, id, method, params}
// worker → page, its answer:  {protocol, id, result} or {protocol, id, error}
// worker → page, unasked:     {protocol, method: 'report', params}  (after every new version)
//
// Versioned: a page and a worker from different builds refuse each other instead of misreading
// each other. New features are new methods: `initialize` answers which methods and which hosts
// the worker has, and the page shows a panel only when the worker answers what it needs (the
// "simulate" panel needs the `simulate` method).
export const PROTOCOL = 2;

/** The requests the page may send, with their params. */
export const METHODS = {
  // {encoding: 'utf-16'} → {about, kinds: [{name, description}], tokenTypes, methods, hosts: [{id, title}]}
  initialize: 'initialize',
  // {seq, host, text, kind} → null; a report follows. `kind` '' means inferred, `host` '' guessed
  // from the text.
  open: 'open',
  // {seq, host} → null; a report follows.
  setHost: 'setHost',
  // {seq, text} → null; a report follows.
  update: 'update',
  // {seq, kind} → null; a report follows.
  setKind: 'setKind',
  // {seq, line, col} → {range, markdown} or null
  hover: 'hover',
  // {seq, line, col} → [{label, kind, detail, documentation, range, text, snippet, filter_text}]
  completion: 'completion',
  // {seq, range: {start, end}} → [{title, kind: 'quickfix'|'refactor', code, preferred, edits}]
  codeActions: 'codeActions',
  // {seq} → [{name, detail, kind, range, selection, children}] (asked by the outline panel when idle)
  outline: 'outline',
  // {seq, question: {principal, action, resource, context, policy, at, as, allowIdentity}}
  //   → {policy, policyType, evaluation, statementRanges, text} (server/wasm/src/simulate.rs)
  simulate: 'simulate',
  // {} → the worker's compiled WebAssembly.Module, which the page instantiates for small
  // documents (analysis.js says when)
  module: 'module',
};

/** The report that follows every new version: {seq, report, tokens: Uint32Array, elapsed}
 *  (analysis.js adds `where`: 'worker' or 'page'). */
export const REPORT = 'report';
