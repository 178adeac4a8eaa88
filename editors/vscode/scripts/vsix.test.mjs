// The .vsix check (vsix.mjs) on small zips made here: it accepts a package whose server is for
// its platform and names what is wrong otherwise.
import { Buffer } from 'node:buffer';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { binaryPlatforms, checkVsix, readZip } from './vsix.mjs';

/** A zip of `files` (name → bytes), deflated as vsce does, made "on Unix" with `mode` (or
 * 0o755 for names under server/); the reader does not check CRCs. */
function zip(files, modes = {}) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, bytes] of Object.entries(files)) {
    const data = zlib.deflateRawSync(bytes);
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(((modes[name] ?? (name.includes('/server/') ? 0o100755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(bytes.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function elf(machine) {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(0x464c457f, 0);
  b[4] = 2;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}

function pe(machine) {
  const b = Buffer.alloc(0x100);
  b.writeUInt16LE(0x5a4d, 0);
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32LE(0x00004550, 0x80);
  b.writeUInt16LE(machine, 0x84);
  return b;
}

function macho(cpu) {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}

function vsix(platform, server, modes) {
  const target = platform ? ` TargetPlatform="${platform}"` : '';
  const files = {
    'extension.vsixmanifest': Buffer.from(`<PackageManifest><Metadata><Identity Language="en-US" Id="iam-lsp" Version="0.1.0" Publisher="iam-lsp"${target}/></Metadata></PackageManifest>`),
    'extension/package.json': Buffer.from('{}'),
    'extension/out/extension.js': Buffer.from(''),
  };
  return zip(server ? { ...files, ...server } : files, modes);
}

test('reads the entries of a zip back', () => {
  const entries = readZip(zip({ 'a.txt': Buffer.from('first'), 'dir/b.bin': Buffer.alloc(1000, 7) }));
  assert.deepEqual([...entries.keys()], ['a.txt', 'dir/b.bin']);
  assert.equal(entries.get('a.txt').read().toString(), 'first');
  assert.equal(entries.get('a.txt').mode, 0o100644);
  assert.deepEqual(entries.get('dir/b.bin').read(), Buffer.alloc(1000, 7));
  assert.throws(() => readZip(Buffer.from('not a zip at all, just some text')), /not a zip/);
});

test('tells the platform from an executable header', () => {
  assert.deepEqual(binaryPlatforms(elf(0x3e)), ['linux-x64', 'alpine-x64']);
  assert.deepEqual(binaryPlatforms(elf(0xb7)), ['linux-arm64', 'alpine-arm64']);
  assert.deepEqual(binaryPlatforms(pe(0x8664)), ['win32-x64']);
  assert.deepEqual(binaryPlatforms(macho(0x0100000c)), ['darwin-arm64']);
  assert.deepEqual(binaryPlatforms(macho(0x01000007)), ['darwin-x64']);
  assert.deepEqual(binaryPlatforms(Buffer.from('#!/bin/sh\n')), []);
  assert.deepEqual(binaryPlatforms(Buffer.alloc(3)), []);
  // A real one: the node running this test.
  const host = `${process.platform}-${process.arch}`;
  if (['linux-x64', 'linux-arm64', 'win32-x64', 'darwin-x64', 'darwin-arm64'].includes(host)) {
    assert.ok(binaryPlatforms(fs.readFileSync(process.execPath)).includes(host));
  }
});

test('accepts a package whose server is for its platform', () => {
  const server = elf(0xb7);
  const good = vsix('linux-arm64', { 'extension/server/iam-lsp': server });
  assert.deepEqual(checkVsix(good, { expect: 'linux-arm64', binary: server }), { platform: 'linux-arm64', problems: [] });
  assert.deepEqual(checkVsix(vsix('win32-x64', { 'extension/server/iam-lsp.exe': pe(0x8664) })).problems, []);
  assert.deepEqual(checkVsix(vsix(undefined), { expect: 'universal' }), { platform: 'universal', problems: [] });
});

test('names what is wrong with a package', () => {
  const problems = (bytes, options) => checkVsix(bytes, options).problems;
  assert.deepEqual(problems(vsix('linux-arm64', { 'extension/server/iam-lsp': elf(0x3e) })), [
    'extension/server/iam-lsp is an executable for linux-x64 or alpine-x64, not linux-arm64',
  ]);
  assert.deepEqual(problems(vsix('win32-x64', { 'extension/server/iam-lsp.exe': elf(0x3e) })), [
    'extension/server/iam-lsp.exe is an executable for linux-x64 or alpine-x64, not win32-x64',
  ]);
  assert.deepEqual(problems(vsix('win32-x64', { 'extension/server/iam-lsp': pe(0x8664) })), [
    'no server binary extension/server/iam-lsp.exe (it has extension/server/iam-lsp)',
  ]);
  assert.deepEqual(problems(vsix('linux-x64', { 'extension/server/iam-lsp': elf(0x3e) }, { 'extension/server/iam-lsp': 0o100644 })), [
    'extension/server/iam-lsp is not executable (mode 100644)',
  ]);
  assert.deepEqual(problems(vsix('linux-x64')), ['no server binary extension/server/iam-lsp (it has none)']);
  assert.deepEqual(problems(vsix(undefined, { 'extension/server/iam-lsp': elf(0x3e) })), [
    'a universal package ships no server binary, but it has extension/server/iam-lsp',
  ]);
  assert.deepEqual(problems(vsix('linux-x64', { 'extension/server/iam-lsp': elf(0x3e) }), { expect: 'linux-arm64' }), [
    'the package is for linux-x64, expected linux-arm64',
  ]);
  assert.deepEqual(problems(vsix('linux-x64', { 'extension/server/iam-lsp': elf(0x3e) }), { binary: elf(0xb7) }), [
    'extension/server/iam-lsp is not the given binary',
  ]);
});
