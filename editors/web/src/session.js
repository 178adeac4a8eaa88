// One open document of the analysis module and the requests the page makes of it, over the
// module's `call(method, params)` (wasm.js). The worker runs one (worker.js); the page runs a
// second one itself for documents whose analysis fits well inside a frame (analysis.js), so that
// a keystroke's squiggles are drawn in the keystroke's own frame. Both answer the same methods
// (protocol.js) the same way; `post(params)` is how each delivers a report.
import { parse } from './wasm.js';
import { METHODS } from './protocol.js';

export const API_VERSION = 2; // server/wasm's API_VERSION, which the answers' shapes follow

/** Checks the module's API version; resolves to the handlers by method name. */
export function session(call, post) {
  const version = parse(call('apiVersion'));
  if (version !== API_VERSION) {
    throw new Error(`the .wasm answers in API version ${version}, this page reads ${API_VERSION}`);
  }
  const hosts = parse(call('hosts'));

  // The open document. What the text is (a policy, a CloudFormation template, a Terraform
  // module: the `hosts` the module lists) is the module's concern: it finds a template's
  // policies, analyses each and answers at the template's positions, so one adapter serves
  // every host.
  let encoding = 'utf-16';
  let doc = null;
  let seq = 0; // the page's number for the version this session has
  const documentOf = (host) => {
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
  const opened = () => {
    if (!doc) throw new Error('no document is open');
    return doc;
  };
  // `started`: when the request that made this version began, for `elapsed` (the analysis's
  // own time, text in to report out: measure.mjs reads it, analysis.js routes by it).
  const report = (started) => {
    const { report, tokens } = doc.report();
    post({ seq, report, tokens, elapsed: performance.now() - started });
  };

  // A new version of the open document, made by `apply`, and its report.
  const change = (at, apply) => {
    const started = performance.now();
    apply(opened());
    seq = at;
    report(started);
    return null;
  };

  const handlers = {
    [METHODS.initialize](params) {
      encoding = params.encoding ?? 'utf-16';
      return {
        about: parse(call('about')),
        kinds: parse(call('kinds')),
        tokenTypes: parse(call('tokenTypes')),
        methods: Object.keys(handlers),
        hosts,
      };
    },
    // `host` '' means guessed from the text.
    [METHODS.open]({ seq: at, host, text, kind }) {
      const started = performance.now();
      let bad = null; // a shared link's unknown host or kind: guessed or inferred, and said
      try {
        doc = documentOf(host ?? '');
      } catch (error) {
        bad = error;
        doc = documentOf('');
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
    [METHODS.setHost]: ({ seq: at, host }) => change(at, (d) => d.setHost(host)),
    [METHODS.update]: ({ seq: at, text }) => change(at, (d) => d.setText(text)),
    [METHODS.setKind]: ({ seq: at, kind }) => change(at, (d) => d.setKind(kind)),
    // Position requests are for the version the page had when it asked; the page sends every
    // version before asking, and requests are handled in order, so that is this version.
    [METHODS.hover]: ({ line, col }) => doc?.hover(line, col) ?? null,
    [METHODS.completion]: ({ line, col }) => doc?.completion(line, col) ?? [],
    [METHODS.codeActions]: ({ range }) => doc?.codeActions(range) ?? [],
    [METHODS.outline]: () => doc?.outline() ?? [],
    [METHODS.simulate]: ({ question }) => opened().simulate(question),
  };
  return handlers;
}
