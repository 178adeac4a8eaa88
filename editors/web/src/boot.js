// Starts the analysis worker first thing, so that the .wasm downloads and compiles while the
// browser is still reading the editor's code (main.js, ten times bigger); main.js takes it.
window.analysisWorker = new Worker('worker.js', { type: 'module' });
