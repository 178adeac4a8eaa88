// Packages the extension into dist/*.vsix with @vscode/vsce.
//
//   node scripts/package.mjs                      per-platform .vsix for this machine, shipping
//                                                 ../../target/release/iam-lsp as server/iam-lsp
//   node scripts/package.mjs --target linux-arm64 --binary PATH   another platform's binary
//   node scripts/package.mjs --universal          no binary inside: uses the setting or PATH
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const universal = args.includes('--universal');
const hostTarget = `${process.platform}-${process.arch}`;
const target = option('--target') ?? hostTarget;
const windows = target.startsWith('win32');
const binary = option('--binary') ?? path.resolve(root, '../../target/release', windows ? 'iam-lsp.exe' : 'iam-lsp');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

const serverDir = path.join(root, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });

const vsceArgs = ['package', '--no-dependencies', '--allow-missing-repository'];
let out;
if (universal) {
  out = path.join(root, 'dist', `iam-lsp-${version}.vsix`);
} else {
  if (!fs.existsSync(binary)) {
    console.error(`package: no server binary at ${binary}; run \`cargo build --release\` first or pass --binary`);
    process.exit(1);
  }
  fs.mkdirSync(serverDir);
  const shipped = path.join(serverDir, windows ? 'iam-lsp.exe' : 'iam-lsp');
  fs.copyFileSync(binary, shipped);
  fs.chmodSync(shipped, 0o755);
  out = path.join(root, 'dist', `iam-lsp-${target}-${version}.vsix`);
  vsceArgs.push('--target', target);
}
vsceArgs.push('--out', out);

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const result = spawnSync(process.execPath, [vsce, ...vsceArgs], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`package: wrote ${path.relative(process.cwd(), out)}`);
