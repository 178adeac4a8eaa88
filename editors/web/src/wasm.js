// The analysis's WebAssembly module (server/wasm), loaded without wasm-bindgen: its exports
// (server/wasm/src/abi.rs) take a method name and JSON parameters as UTF-8 bytes in buffers the
// module allocates, and leave the answer in a buffer of its own until the next call.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Compiles the module at `url` (streaming: compiled while downloading, where the server says
 *  application/wasm). A compiled module can be posted to the page, which instantiates its own. */
export async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

// Resolves to `call(method, params)`: the answer's bytes (a copy), or throws the module's error.
export async function instantiate(module) {
  const x = (await WebAssembly.instantiate(module, {})).exports;
  const put = (text) => {
    const bytes = encoder.encode(text);
    const ptr = x.iam_alloc(bytes.length);
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  };
  return (method, params = null) => {
    const [methodPtr, methodLen] = put(method);
    const [paramsPtr, paramsLen] = put(JSON.stringify(params));
    // A trap (a panic) throws a WebAssembly.RuntimeError out of here: the instance is then
    // unusable and the worker is replaced, so its buffers need no freeing.
    const status = x.iam_call(methodPtr, methodLen, paramsPtr, paramsLen);
    x.iam_free(methodPtr, methodLen);
    x.iam_free(paramsPtr, paramsLen);
    // Views are made after the call: memory may have grown, which detaches earlier ones.
    const answer = new Uint8Array(x.memory.buffer, x.iam_answer_ptr(), x.iam_answer_len()).slice();
    if (status !== 0) throw new Error(decoder.decode(answer));
    return answer;
  };
}

// A JSON answer, parsed.
export const parse = (bytes) => JSON.parse(decoder.decode(bytes));
