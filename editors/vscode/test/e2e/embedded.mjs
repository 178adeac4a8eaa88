// Policies embedded in infrastructure code, in the VS Code end-to-end test (run.mjs calls it last,
// in the same code-server): a CloudFormation YAML template and a Terraform module, opened alone,
// get as Problems entries what `iam-lsp check` finds inside their policies, with positions; the
// quick fix applied there through the quick fix menu changes exactly that line (on screen and, once
// saved, on disk), its entry goes, the others stay and none comes, and the host still parses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFindings, entry, expectProblems } from './problems.mjs';

/** The fixtures, where their copies go in the workspace, the finding to fix (its code and the text
 *  it starts at), the fix's title and the line it makes: fixes that reveal no other finding on the
 *  corrected action, so that "none new" is asked exactly. */
export const HOSTS = [
  {
    fixture: 'tests/fixtures/cloudformation/bedrock-agent-stack.yaml',
    copy: 'templates/bedrock-agent-stack.yaml',
    code: 'api-name-as-prefix',
    token: 'bedrock-agent-runtime',
    fix: 'Change the prefix to `bedrock`',
    fixed: '                Action: [bedrock:InvokeAgent, bedrock:GetAgent]',
  },
  {
    // in the heredoc JSON of an aws_iam_role_policy
    fixture: 'tests/fixtures/terraform/bedrock-agent-broken.tf',
    copy: 'terraform/bedrock-agent-broken.tf',
    code: 'unknown-action',
    token: 'GetObjects',
    fix: 'Change to `s3:GetObject`',
    fixed: '          "Action": ["s3:ListBucket", "s3:GetObject"],',
  },
];

/** Copies the fixtures into the workspace (before code-server starts). */
export function copyHosts(repo, workspace) {
  for (const host of HOSTS) {
    const to = path.join(workspace, host.copy);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(repo, host.fixture), to);
  }
}

const lineCode = (f) => `${f.line}:${f.code}`;
const PROBLEM_END = /iam-lsp (\S+) \[Ln (\d+), Col (\d+)\]$/;
const parse = (row) => {
  const m = row.match(PROBLEM_END);
  return { line: Number(m[2]), col: Number(m[3]), code: m[1] };
};

export async function checkEmbedded(t) {
  const { page, workspace, serverBinary, spawnSync, check, step, waitFor, sleep, plain, iamProblems, goTo, editor, outDir } = t;
  const command = async (name) => {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(name, { delay: 20 });
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name.split(': ')[1]}"]`, { timeout: 15_000 });
    await page.keyboard.press('Enter');
  };
  for (const host of HOSTS) {
    const file = path.join(workspace, host.copy);
    const name = path.basename(file);
    step(`a policy inside ${host.copy}`);
    // Alone: closing the other editors clears their entries (the server publishes none on close).
    await command('View: Close All Editors');
    if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel', { state: 'visible', timeout: 15_000 });
    const cleared = await waitFor('Problems to empty', async () => ((await iamProblems()).length === 0 ? true : undefined), 15_000).catch(() => false);
    check(cleared, 'with every editor closed Problems has no iam-lsp entry');
    const original = fs.readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const expected = checkFindings(serverBinary, spawnSync, file);
    const target = expected.find((f) => f.code === host.code && lines[f.line - 1].slice(f.col - 1).startsWith(host.token));
    if (!check(target !== undefined, `iam-lsp check finds ${expected.map(entry).join(', ')}; ${host.code} at ${host.token} among them`)) continue;

    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(name, { delay: 20 });
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15_000 });
    await expectProblems({ waitFor, iamProblems, check }, expected.map(entry), 60_000);

    // On the finding's line (scrolled into view), its squiggle.
    await goTo(`${target.line}:${target.col + 1}`);
    const squiggles = await waitFor(
      'an error squiggle',
      async () => {
        const n = await page.locator('.monaco-editor .squiggly-error').count();
        return n > 0 ? n : undefined;
      },
      15_000,
    ).catch(() => 0);
    check(squiggles > 0, `error squiggles in the editor at line ${target.line}: ${squiggles}`);
    await page.screenshot({ path: path.join(outDir, `embedded-${name}-1-diagnostics.png`) });
    await page.keyboard.press('Control+.');
    const actionRows = page.locator('.action-widget .monaco-list-row');
    const actions = await waitFor(
      'the quick fix menu',
      async () => {
        const texts = (await actionRows.allInnerTexts()).map((a) => plain(a).trim());
        return texts.length > 0 ? texts : undefined;
      },
      20_000,
    ).catch(() => []);
    for (const a of actions) console.log(`  | ${a}`);
    const title = actions.find((a) => a.startsWith(host.fix));
    if (!check(title !== undefined, `the quick fix menu offers "${host.fix}"`)) {
      await page.keyboard.press('Escape');
      continue;
    }
    await page.screenshot({ path: path.join(outDir, `embedded-${name}-2-quick-fix.png`) });
    for (let i = 0; i < actions.length; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label');
      if (plain(focused ?? '').trim() === title) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    const onScreen = await waitFor(
      'the edited line on screen',
      async () => {
        const text = plain(await editor.innerText());
        return text.includes(host.fixed.trim()) ? text : undefined;
      },
      15_000,
    ).catch((error) => String(error));
    check(onScreen.includes(host.fixed.trim()), `the editor shows ${host.fixed.trim()}`);
    await page.keyboard.press('Control+S');
    const saved = await waitFor(
      'the saved file',
      async () => {
        const text = fs.readFileSync(file, 'utf8');
        return text !== original ? text : undefined;
      },
      15_000,
    ).catch(() => original);
    const want = lines.map((l, i) => (i === target.line - 1 ? host.fixed : l)).join('\n');
    check(saved === want, `the saved file differs from the fixture by line ${target.line} alone, now ${host.fixed.trim()}`, saved);

    // The fixed entry goes; the others stay on their lines (the edit may move those after it on
    // the same line); none comes; the host still parses (else a yaml-syntax / hcl-syntax finding).
    const gone = await waitFor(
      'the fixed entry to go',
      async () => ((await iamProblems()).some((row) => row.endsWith(entry(target))) ? undefined : true),
      15_000,
    ).catch(() => false);
    check(gone, `the ${host.code} entry on ${host.token} is gone from Problems`);
    await sleep(1000); // a late diagnostic of the new text would show by now
    const after = (await iamProblems()).map(parse);
    const stays = expected.filter((f) => f !== target).map(lineCode).sort();
    check(
      JSON.stringify(after.map(lineCode).sort()) === JSON.stringify(stays),
      `the other entries stay, none new: ${stays.join(', ')}`,
      after.map(lineCode).sort().join(', '),
    );
    const checked = checkFindings(serverBinary, spawnSync, file);
    check(
      JSON.stringify(after.map(entry).sort()) === JSON.stringify(checked.map(entry).sort()),
      'they are what iam-lsp check finds in the saved file',
      after.map(entry).join('\n'),
    );
    const syntax = checked.filter((f) => f.code.endsWith('-syntax'));
    check(syntax.length === 0, `the saved ${path.extname(name)} file still parses`, syntax.map(entry).join(', '));
    await page.screenshot({ path: path.join(outDir, `embedded-${name}-3-fixed.png`) });
  }
}
