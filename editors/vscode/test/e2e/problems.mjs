// The Problems panel against `iam-lsp check`: what both e2e parts (run.mjs on a policy file,
// embedded.mjs on templates) expect to see, and the wait for it.

/** `iam-lsp check --format json` of a file: [{ line, col, code }] (1-based, as Problems shows),
 *  hints left out: VS Code shows a hint in the editor only, never in the Problems panel. */
export function checkFindings(serverBinary, spawnSync, file) {
  const run = spawnSync(serverBinary, ['check', '--format', 'json', file], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(run.stdout)
    .filter((f) => f.severity !== 'hint')
    .map((f) => ({ line: f.range.start.line + 1, col: f.range.start.character + 1, code: f.code }));
}

/** How a Problems row ends for a finding: its source, code and position. */
export const entry = (f) => `iam-lsp ${f.code} [Ln ${f.line}, Col ${f.col}]`;

/** Waits until Problems has as many iam-lsp rows as `expected` (entries, as `entry` writes them),
 *  then checks that it has exactly those; returns the rows. */
export async function expectProblems({ waitFor, iamProblems, check }, expected, timeoutMs) {
  const problems = await waitFor(
    'the Problems entries of iam-lsp',
    async () => {
      const rows = await iamProblems();
      return rows.length >= expected.length ? rows : undefined;
    },
    timeoutMs,
  ).catch(() => iamProblems());
  for (const row of problems) console.log(`  | ${row}`);
  check(problems.length === expected.length, `Problems has as many iam-lsp entries as iam-lsp check finds (${problems.length})`);
  for (const e of expected) check(problems.some((row) => row.endsWith(e)), `Problems lists ${e}`);
  return problems;
}
