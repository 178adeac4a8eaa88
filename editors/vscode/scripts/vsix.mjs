// Checks built .vsix files: the platform a per-platform package is for (its manifest's
// TargetPlatform) is the platform of the server binary inside it, and a universal package
// has no binary (it uses the setting or PATH).
//
//   node scripts/vsix.mjs dist/iam-lsp-linux-x64-0.1.0.vsix [--expect linux-x64] [--binary PATH]
//
// --expect: the platform the package must be for; --binary: the file the server inside must
// be byte for byte. A .vsix is a zip: read here with node's zlib, so the check needs no package.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/** The entries of a zip archive, by name: `read()` gives the bytes, `mode` the Unix mode (0 if none). */
export function readZip(zip) {
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`broken central directory at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    // Zips made on Unix keep the file's mode in the high half of the external attributes.
    const mode = zip.readUInt16LE(at + 4) >> 8 === 3 ? zip.readUInt32LE(at + 38) >>> 16 : 0;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const read = () => {
      if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: broken local header`);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      if (method === 0) return data;
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`${name}: compression method ${method} is neither stored nor deflate`);
    };
    entries.set(name, { read, mode });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The VS Code platforms (os-arch, as in `vsce --target`) an executable's header says it runs on. */
export function binaryPlatforms(bytes) {
  const u16 = (at) => (at + 2 <= bytes.length ? bytes.readUInt16LE(at) : -1);
  const u32 = (at) => (at + 4 <= bytes.length ? bytes.readUInt32LE(at) : -1);
  // ELF, 64-bit little-endian: e_machine at 18.
  if (u32(0) === 0x464c457f && bytes[4] === 2 && bytes[5] === 1) {
    const arch = { 0x3e: 'x64', 0xb7: 'arm64' }[u16(18)];
    return arch ? [`linux-${arch}`, `alpine-${arch}`] : [];
  }
  // PE: "MZ", the PE header's offset at 0x3c, then "PE\0\0" and the machine.
  if (u16(0) === 0x5a4d) {
    const pe = u32(0x3c);
    if (u32(pe) !== 0x00004550) return [];
    const arch = { 0x8664: 'x64', 0xaa64: 'arm64' }[u16(pe + 4)];
    return arch ? [`win32-${arch}`] : [];
  }
  // Mach-O, 64-bit: the CPU type after the magic.
  if (u32(0) === 0xfeedfacf) {
    const arch = { 0x01000007: 'x64', 0x0100000c: 'arm64' }[u32(4)];
    return arch ? [`darwin-${arch}`] : [];
  }
  return [];
}

/** What is wrong with a .vsix (an empty list when nothing is), and the platform it is for. */
export function checkVsix(zip, { expect, binary } = {}) {
  const entries = readZip(zip);
  const manifest = entries.get('extension.vsixmanifest');
  if (!manifest) return { platform: undefined, problems: ['no extension.vsixmanifest'] };
  const identity = /<Identity\b[^>]*>/.exec(manifest.read().toString('utf8'))?.[0] ?? '';
  const platform = /\bTargetPlatform="([^"]+)"/.exec(identity)?.[1];
  const problems = [];
  if (!entries.has('extension/package.json')) problems.push('no extension/package.json');
  if (!entries.has('extension/out/extension.js')) problems.push('no extension/out/extension.js (the bundle)');
  const servers = [...entries.keys()].filter((name) => /^extension\/server\/iam-lsp(\.exe)?$/.test(name));
  if (expect !== undefined && (platform ?? 'universal') !== expect) {
    problems.push(`the package is for ${platform ?? 'every platform (universal)'}, expected ${expect}`);
  }
  if (platform === undefined) {
    if (servers.length > 0) problems.push(`a universal package ships no server binary, but it has ${servers.join(', ')}`);
    return { platform: 'universal', problems };
  }
  const name = platform.startsWith('win32') ? 'extension/server/iam-lsp.exe' : 'extension/server/iam-lsp';
  if (!entries.has(name)) {
    problems.push(`no server binary ${name} (it has ${servers.join(', ') || 'none'})`);
    return { platform, problems };
  }
  const shipped = entries.get(name).read();
  const runsOn = binaryPlatforms(shipped);
  if (!runsOn.includes(platform)) {
    problems.push(`${name} is an executable for ${runsOn.join(' or ') || 'no known platform'}, not ${platform}`);
  }
  // VS Code extracts the mode with the file; the client refuses a server it cannot execute.
  if (!platform.startsWith('win32') && (entries.get(name).mode & 0o111) === 0) {
    problems.push(`${name} is not executable (mode ${entries.get(name).mode.toString(8)})`);
  }
  if (binary !== undefined && !shipped.equals(binary)) problems.push(`${name} is not the given binary`);
  return { platform, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const expect = option('--expect');
  const binaryPath = option('--binary');
  const binary = binaryPath === undefined ? undefined : fs.readFileSync(binaryPath);
  if (args.length === 0) {
    console.error('usage: node scripts/vsix.mjs FILE.vsix... [--expect PLATFORM] [--binary PATH]');
    process.exit(2);
  }
  let failed = false;
  for (const file of args) {
    const { platform, problems } = checkVsix(fs.readFileSync(file), { expect, binary });
    for (const problem of problems) console.error(`${file}: ${problem}`);
    if (problems.length > 0) failed = true;
    else console.log(`${file}: ${platform}, with ${platform === 'universal' ? 'no server binary' : `its ${platform} server`}`);
  }
  process.exit(failed ? 1 : 0);
}
