// Starts the analysis worker first thing (in the page's <head>), so that the .wasm downloads and
// compiles while the browser is still reading the editor's code (main.js); main.js takes it.
window.analysisWorker = new Worker('worker.js', { type: 'module' });
