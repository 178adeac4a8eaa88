// The analysis, in a Web Worker so that typing never waits on it: the iam-analysis library
// compiled to WebAssembly (server/wasm), behind the versioned protocol of protocol.js.
import { load, parse } from './wasm.js';
import { METHODS, PROTOCOL, REPORT } from './protocol.js';

const API_VERSION = 2; // server/wasm's API_VERSION, which the answers' shapes follow

// The open document. What the text is (a policy, a CloudFormation template, a Terraform
// module: the `hosts` the module lists) is the module's concern: it finds a template's policies,
// analyses each and answers at the template's positions, so one adapter serves every host.
const documentOf = (encoding, host) => {
  call('open', { encoding, host });
  return {
    setText: (text) => parse(call('setText', { text })),
    setKind: (kind) => parse(call('setKind', { kind })),
    setHost: (host) => parse(call('setHost', { host })),
    report: () => ({ report: parse(call('diagnostics')), tokens: new Uint32Array(call('semanticTokens').buffer) }),
    outline: () => parse(call('outline')),
    hover: (line, col) => parse(call('hover', { line, col })),
    completion: (line, col) => parse(call('completions', { line, col })),
    codeActions: (range) => parse(call('codeActions', range)),
    simulate: (question) => parse(call('simulate', question)),
  };
};
let hosts = []; // [{id, title}], from the module

let encoding = 'utf-16';
let doc = null; // the open document's host instance
let seq = 0; // the page's number for the version the worker has

// When the worker started, had the module compiled and the catalog decoded (ms since the page's
// time origin, for measure.mjs: where the load time goes).
const timings = { started: performance.timeOrigin + performance.now() };
let call = null; // the module's `call(method, params)` (wasm.js), once loaded
const ready = load(new URL('iam_analysis.wasm', self.location.href)).then((loaded) => {
  timings.compiled = performance.timeOrigin + performance.now();
  call = loaded;
  const version = parse(call('apiVersion'));
  if (version !== API_VERSION) {
    throw new Error(`the .wasm answers in API version ${version}, this worker reads ${API_VERSION}`);
  }
  hosts = parse(call('hosts'));
});

// `started`: when the request that made this version began, for `elapsed` (measure.mjs reads it).
function report(started) {
  const { report, tokens } = doc.report();
  const elapsed = performance.now() - started;
  self.postMessage({ protocol: PROTOCOL, method: REPORT, params: { seq, report, tokens, elapsed } }, [tokens.buffer]);
}

const handlers = {
  [METHODS.initialize](params) {
    encoding = params.encoding ?? 'utf-16';
    return {
      about: parse(call('about')),
      kinds: parse(call('kinds')),
      tokenTypes: parse(call('tokenTypes')),
      methods: Object.keys(handlers),
      hosts,
      timings,
    };
  },
  // `host` '' means guessed from the text.
  [METHODS.open]({ seq: at, host, text, kind }) {
    const started = performance.now();
    let bad = null; // a shared link's unknown host or kind: guessed or inferred, and said
    try {
      doc = documentOf(encoding, host ?? '');
    } catch (error) {
      bad = error;
      doc = documentOf(encoding, '');
    }
    try {
      doc.setKind(kind ?? '');
    } catch (error) {
      bad ??= error;
    }
    doc.setText(text);
    seq = at;
    report(started);
    if (bad) throw bad;
    return null;
  },
  [METHODS.setHost]({ seq: at, host }) {
    if (!doc) throw new Error('no document is open');
    const started = performance.now();
    doc.setHost(host);
    seq = at;
    report(started);
    return null;
  },
  [METHODS.update]({ seq: at, text }) {
    if (!doc) throw new Error('no document is open');
    const started = performance.now();
    doc.setText(text);
    seq = at;
    report(started);
    return null;
  },
  [METHODS.setKind]({ seq: at, kind }) {
    if (!doc) throw new Error('no document is open');
    const started = performance.now();
    doc.setKind(kind);
    seq = at;
    report(started);
    return null;
  },
  // Position requests are for the version the page had when it asked; the page sends every
  // version before asking, and messages arrive in order, so that is the worker's version.
  [METHODS.hover]: ({ line, col }) => doc?.hover(line, col) ?? null,
  [METHODS.completion]: ({ line, col }) => doc?.completion(line, col) ?? [],
  [METHODS.codeActions]: ({ range }) => doc?.codeActions(range) ?? [],
  [METHODS.outline]: () => doc?.outline() ?? [],
  [METHODS.simulate]: ({ question }) => {
    if (!doc) throw new Error('no document is open');
    return doc.simulate(question);
  },
};

// Requests are handled one at a time, in order (each waits for the module on first use). The
// catalog is decoded first thing, while the page is still parsing its own code and making the
// editor, rather than when the first text arrives.
let queue = ready.then(() => {
  call('warm');
  timings.warmed = performance.timeOrigin + performance.now();
});
self.onmessage = ({ data }) => {
  queue = queue.then(() => {
    const { protocol, id, method, params } = data;
    if (protocol !== PROTOCOL) {
      self.postMessage({ protocol: PROTOCOL, id, error: `protocol ${protocol} asked, this worker speaks ${PROTOCOL}` });
      return;
    }
    const handler = handlers[method];
    if (!handler) {
      self.postMessage({ protocol, id, error: `no method \`${method}\`` });
      return;
    }
    try {
      self.postMessage({ protocol, id, result: handler(params ?? {}) });
    } catch (error) {
      // A trap (a bug in the analysis) leaves the module unusable: the page starts a new worker.
      self.postMessage({ protocol, id, error: String(error?.message ?? error), fatal: error instanceof WebAssembly.RuntimeError });
    }
  }, (error) => {
    self.postMessage({ protocol: PROTOCOL, id: data.id, error: `the analysis did not load: ${error?.message ?? error}`, fatal: true });
  });
};
