// The page's side of the worker protocol (protocol.js): requests with promises, reports to a
// listener, and a fresh worker (with the text replayed) if the analysis ever traps.
//
// Where the analysis runs: in the worker, so that typing never waits on it, except for a
// document whose analysis takes well under a frame. A worker's answer cannot be drawn in the
// keystroke's own frame (the browser paints the typed letter first, then runs the worker's
// message), so a small document costs a second frame before its squiggles show. Once the worker
// has answered a version in under LOCAL_BUDGET_MS, the page analyses the document itself, with
// its own instance of the worker's compiled module, and the squiggles land in the keystroke's
// frame; a version that takes the page more than LEAVE_BUDGET_MS goes back to the worker.
import { instantiate } from './wasm.js';
import { METHODS, PROTOCOL, REPORT } from './protocol.js';
import { session } from './session.js';

const LOCAL_BUDGET_MS = 4; // a quarter of a 60 Hz frame
const LEAVE_BUDGET_MS = 8; // half a frame: above it, typing would wait on the analysis

export class Analysis {
  constructor(onReport, onStatus) {
    this.onReport = onReport;
    this.onStatus = onStatus;
    this.pending = new Map();
    this.nextId = 1;
    this.last = null; // the last open/update/setKind, to replay in a new worker
    this.local = null; // the page's own session (session.js), once its module is warm
    this.localActive = false; // whether requests go to it
    this.start();
    this.startLocal();
  }

  // The page's own instance: the worker's compiled module (no second download or compile),
  // warmed when the browser is idle after the first diagnostics are shown.
  async startLocal() {
    try {
      await this.info;
      const module = await this.request(METHODS.module, {});
      const call = await instantiate(module);
      await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 }));
      call('warm');
      // A report is delivered after the current task, unless updateNow takes it first.
      this.local = session(call, (params) => {
        this.posted = params;
        queueMicrotask(() => {
          if (this.posted !== params) return;
          this.posted = null;
          this.localReport(params);
        });
      });
      this.local.initialize({ encoding: 'utf-16' });
    } catch {
      this.local = null; // the worker does it all
    }
  }

  // A report made in the page: delivered after the current task (an editor update may not
  // dispatch another), which is still before the frame is drawn.
  localReport(params) {
    this.onReport(this.fromPage(params));
  }

  fromPage(params) {
    if (params.elapsed > LEAVE_BUDGET_MS && this.localActive) this.toWorker();
    return { ...params, where: 'page' };
  }

  toLocal() {
    this.localActive = true;
    if (!this.ask(this.local, METHODS.open, this.last)) this.toWorker();
  }

  toWorker() {
    this.localActive = false;
    if (this.last) this.request(METHODS.open, this.last);
  }

  // A request to the page's session; false when it failed in a way that leaves it unusable.
  ask(handlers, method, params) {
    try {
      return { result: handlers[method](params ?? {}) };
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        this.local = null;
        this.localActive = false;
        return false;
      }
      return { error };
    }
  }

  start() {
    // The first worker is boot.js's, already loading; a restart makes a new one.
    this.worker = window.analysisWorker ?? new Worker('worker.js', { type: 'module' });
    window.analysisWorker = null;
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.onStatus(`the analysis worker failed: ${event.message}`);
    this.info = this.request(METHODS.initialize, { encoding: 'utf-16' });
  }

  receive(data) {
    if (data.protocol !== PROTOCOL) {
      this.onStatus(`the worker speaks protocol ${data.protocol}, the page ${PROTOCOL}`);
      return;
    }
    if (data.method === REPORT) {
      if (this.localActive) return; // the page's own session has this document now
      this.onReport({ ...data.params, where: 'worker' });
      if (this.local && data.params.elapsed < LOCAL_BUDGET_MS && this.last) this.toLocal();
      return;
    }
    const waiting = this.pending.get(data.id);
    this.pending.delete(data.id);
    if (data.error !== undefined) {
      this.onStatus(`analysis error: ${data.error}`);
      waiting?.reject(new Error(data.error));
      if (data.fatal) this.restart();
    } else {
      waiting?.resolve(data.result);
    }
  }

  restart() {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error('the analysis restarted'));
    this.pending.clear();
    this.start();
    if (this.last) this.request(METHODS.open, this.last);
  }

  request(method, params) {
    if (this.localActive && method !== METHODS.module) {
      const answer = this.ask(this.local, method, params);
      if (answer?.error) {
        this.onStatus(`analysis error: ${answer.error.message ?? answer.error}`); // as the worker's are
        return Promise.reject(answer.error);
      }
      if (answer) return Promise.resolve(answer.result);
      this.toWorker(); // the page's instance trapped: the worker takes the document back
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ protocol: PROTOCOL, id, method, params });
    });
  }

  /** Opens a document: `host` says what the text is (see the worker's hosts; '' guessed). */
  open(seq, host, text, kind) {
    this.last = { seq, host, text, kind };
    return this.request(METHODS.open, this.last);
  }

  update(seq, text) {
    this.last = { ...this.last, seq, text };
    return this.request(METHODS.update, { seq, text });
  }

  /**
   * `update`, and its report at once when the page analyses the document itself (the caller
   * draws it with the change itself); null when the report is to come through `onReport`.
   */
  updateNow(seq, text) {
    this.update(seq, text).catch(() => {}); // a failure is said through onStatus
    const params = this.posted;
    if (params?.seq !== seq) return null;
    this.posted = null;
    return this.fromPage(params);
  }

  setHost(seq, host) {
    this.last = { ...this.last, seq, host };
    return this.request(METHODS.setHost, { seq, host });
  }

  setKind(seq, kind) {
    this.last = { ...this.last, seq, kind };
    return this.request(METHODS.setKind, { seq, kind });
  }
}
