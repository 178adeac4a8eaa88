// The page's side of the worker protocol (protocol.js): requests with promises, reports to a
// listener, and a fresh worker (with the text replayed) if the analysis ever traps.
import { METHODS, PROTOCOL, REPORT } from './protocol.js';

export class Analysis {
  constructor(onReport, onStatus) {
    this.onReport = onReport;
    this.onStatus = onStatus;
    this.pending = new Map();
    this.nextId = 1;
    this.last = null; // the last open/update/setKind, to replay in a new worker
    this.start();
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
      this.onReport(data.params);
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

  setHost(seq, host) {
    this.last = { ...this.last, seq, host };
    return this.request(METHODS.setHost, { seq, host });
  }

  setKind(seq, kind) {
    this.last = { ...this.last, seq, kind };
    return this.request(METHODS.setKind, { seq, kind });
  }
}
