// The analysis, in a Web Worker so that typing never waits on it: the iam-analysis library
// compiled to WebAssembly (server/wasm), behind the versioned protocol of protocol.js. The
// requests are session.js's; this file is the message adapter, and it hands the compiled module
// to the page (`module`), which instantiates its own copy for small documents (analysis.js).
import { compile, instantiate } from './wasm.js';
import { PROTOCOL, REPORT } from './protocol.js';
import { session } from './session.js';

// When the worker started, had the module compiled and the catalog decoded (ms since the page's
// time origin, for measure.mjs: where the load time goes).
const timings = { started: performance.timeOrigin + performance.now() };
let module = null; // the compiled WebAssembly.Module, for the page's own instance
let handlers = null;
const ready = compile(new URL('iam_analysis.wasm', self.location.href)).then(async (compiled) => {
  module = compiled;
  const call = await instantiate(module);
  timings.compiled = performance.timeOrigin + performance.now();
  handlers = session(call, (params) => self.postMessage({ protocol: PROTOCOL, method: REPORT, params }, [params.tokens.buffer]));
  handlers.initialize = ((initialize) => (params) => ({ ...initialize(params), timings }))(handlers.initialize);
  handlers.module = () => module;
  // The catalog is decoded first thing, while the page is still parsing its own code and
  // making the editor, rather than when the first text arrives.
  call('warm');
  timings.warmed = performance.timeOrigin + performance.now();
});

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
