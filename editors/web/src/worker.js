// The analysis, in a Web Worker so that typing never waits on it: the iam-analysis library
// compiled to WebAssembly (server/wasm), behind the versioned protocol of protocol.js.
import init, { Playground } from 'iam-wasm';
import { METHODS, PROTOCOL, REPORT } from './protocol.js';

const API_VERSION = 1; // server/wasm's API_VERSION, which the answers' shapes follow

// What a text is and how to analyse it. One host today: the text is one IAM policy document.
// A template host (CloudFormation, Terraform) would find the policies in the template, analyse
// each with a Playground and map positions back: the same interface, a new entry here.
const hosts = {
  'iam-json': {
    create: (encoding) => {
      const playground = new Playground(encoding);
      return {
        setText: (text) => playground.setText(text),
        setKind: (kind) => playground.setKind(kind),
        report: () => ({ report: JSON.parse(playground.diagnostics()), tokens: playground.semanticTokens() }),
        outline: () => JSON.parse(playground.outline()),
        hover: (line, col) => JSON.parse(playground.hover(line, col)),
        completion: (line, col) => JSON.parse(playground.completions(line, col)),
        codeActions: (r) => JSON.parse(playground.codeActions(r.start.line, r.start.col, r.end.line, r.end.col)),
      };
    },
  },
};

let encoding = 'utf-16';
let doc = null; // the open document's host instance
let seq = 0; // the page's number for the version the worker has

const ready = init({ module_or_path: new URL('iam_wasm_bg.wasm', self.location.href) }).then(() => {
  if (Playground.apiVersion() !== API_VERSION) {
    throw new Error(`the .wasm answers in API version ${Playground.apiVersion()}, this worker reads ${API_VERSION}`);
  }
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
      about: Playground.about(),
      kinds: JSON.parse(Playground.kinds()),
      tokenTypes: JSON.parse(Playground.tokenTypes()),
      methods: Object.keys(handlers),
      hosts: Object.keys(hosts),
    };
  },
  [METHODS.open]({ seq: at, host, text, kind }) {
    const make = hosts[host];
    if (!make) throw new Error(`no host \`${host}\`: this worker has ${Object.keys(hosts).join(', ')}`);
    const started = performance.now();
    doc = make.create(encoding);
    let badKind = null; // a shared link's unknown kind: checked as inferred, and said
    try {
      doc.setKind(kind ?? '');
    } catch (error) {
      badKind = error;
    }
    doc.setText(text);
    seq = at;
    report(started);
    if (badKind) throw badKind;
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
};

// Requests are handled one at a time, in order (each waits for the module on first use).
let queue = ready;
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
