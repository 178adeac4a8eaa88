"""parliament over every *.json file in a directory, in one process, the way its own
`parliament --directory DIR --include_policy_extension json` does (same functions, same default
severity filter, findings printed in its minimal format), except that a file on which parliament
raises an exception is counted and skipped instead of ending the whole run: parliament 1.6 raises
on condition key types it does not know (`ArrayOfARN`), which some AWS managed policies use.

usage: python parliament_dir.py DIR   (findings on stdout, a one-line summary on stderr)
"""

import sys

from parliament import analyze_policy_string, enhance_finding
from parliament.cli import find_files, is_finding_filtered, print_finding


def main(directory):
    files = sorted(find_files(directory=directory, policy_extension=".json"))
    shown = 0
    crashed = 0
    for path in files:
        with open(path) as f:
            contents = f.read()
        try:
            policy = analyze_policy_string(contents, path)
        except Exception:  # a parliament bug on this file: count it and go on
            crashed += 1
            continue
        for finding in policy.findings:
            finding = enhance_finding(finding)
            if not is_finding_filtered(finding, "LOW"):
                print_finding(finding, True, False)
                shown += 1
    print(f"parliament: {len(files)} files, {shown} findings, {crashed} files raised an exception", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
