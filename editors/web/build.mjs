// Bundles the playground into one static folder (build.sh runs this after building the .wasm):
//   node build.mjs --wasm FILE --out DIR
// FILE is server/wasm's build for wasm32-unknown-unknown (iam_wasm.wasm). The examples are the
// repository's fixtures and the code table is README.md's, both read here, at build time.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`usage: node build.mjs --wasm FILE --out DIR (missing ${name})`);
  return path.resolve(process.argv[i + 1]);
};
const wasm = arg('--wasm');
const out = arg('--out');

// The examples the page offers, first the one it opens with. `kind` where it cannot be inferred;
// the host (policy, template, module) the page finds in each text.
const EXAMPLES = [
  { id: 'chatbot', title: 'Bedrock chatbot policy (the README’s demo)', path: 'tests/fixtures/bedrock/chatbot-agent-policy.json' },
  { id: 'trust', title: 'Bedrock agent trust policy, without source conditions', path: 'tests/fixtures/bedrock/agent-trust-broken.json' },
  { id: 'scp', title: 'SCP: deny outside two EU Regions', path: 'tests/fixtures/kinds/scp/region-guardrail.json', kind: 'scp' },
  { id: 'cloudformation', title: 'CloudFormation: a Bedrock agent stack (YAML)', path: 'tests/fixtures/cloudformation/bedrock-agent-stack.yaml' },
  { id: 'terraform', title: 'Terraform: a Bedrock agent module', path: 'tests/fixtures/terraform/bedrock-agent-broken.tf' },
];
const examples = await Promise.all(
  EXAMPLES.map(async (e) => ({ ...e, text: await readFile(path.join(repo, e.path), 'utf8') })),
);

// README.md's rule table, one row per code, each with its anchor (`rules.html#resource-star`).
async function rulesPage() {
  const readme = await readFile(path.join(repo, 'README.md'), 'utf8');
  const section = readme.split(/^## Diagnostics$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Diagnostics" section');
  const escape = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cell = (s) => escape(s.trim()).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const rows = section
    .split('\n')
    .filter((l) => /^\| `[a-z0-9-]+` \|/.test(l))
    .map((l) => l.slice(1, -1).split(' | '));
  if (rows.length < 10) throw new Error(`README.md's rule table: only ${rows.length} rows read`);
  const body = rows
    .map(([code, ...rest]) => {
      const id = code.trim().replace(/`/g, '');
      return `<tr id="${id}"><td><a href="#${id}">${cell(code)}</a></td>${rest.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>iam-lsp diagnostic codes</title>
<link rel="stylesheet" href="style.css"></head><body><h1>iam-lsp diagnostic codes</h1>
<p>The rule table of the README (section “Diagnostics”), as built into this page. <a href="index.html">Back to the playground</a>.</p>
<table class="rules"><thead><tr><th>Code</th><th>Severity</th><th>What it checks</th><th>Access Analyzer</th></tr></thead><tbody>
${body}
</tbody></table></body></html>\n`;
}

await mkdir(out, { recursive: true });
const common = {
  bundle: true,
  format: 'esm',
  target: 'chrome120',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};
await esbuild.build({
  ...common,
  entryPoints: [path.join(here, 'src/main.js')],
  outfile: path.join(out, 'main.js'),
  define: { __EXAMPLES__: JSON.stringify(examples) },
});
await esbuild.build({
  ...common,
  entryPoints: [path.join(here, 'src/worker.js')],
  outfile: path.join(out, 'worker.js'),
});
await copyFile(wasm, path.join(out, 'iam_analysis.wasm'));
for (const file of ['index.html', 'style.css', 'boot.js']) await copyFile(path.join(here, 'src', file), path.join(out, file));
await writeFile(path.join(out, 'rules.html'), await rulesPage());
console.log(`playground: ${out}`);
