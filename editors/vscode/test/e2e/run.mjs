// End-to-end test of the extension in real VS Code: code-server with the built .vsix installed,
// driven by Playwright (playwright-core) in Debian's Chromium.
//
//   node test/e2e/run.mjs --vsix dist/iam-lsp-linux-x64-0.1.0.vsix --code-server test/e2e/node_modules/.bin/code-server \
//        --out ../../target/editors/vscode-e2e
//
// It opens tests/fixtures/bedrock/chatbot-agent-policy.json (a copy) and checks: the iam-lsp
// diagnostics appear as squiggles and in the Problems panel, the same ones `iam-lsp check` finds;
// a hover on an action shows its description; the quick fix on `bedrock:Converse` changes the
// text (checked on screen and on disk after saving), leaves no duplicate action and brings no new
// diagnostic; the catalog-version command shows the server's version; the settings reach the
// server (initializationOptions and didChangeConfiguration, read from the protocol trace); then
// (embedded.mjs) a quick fix inside the policies of a CloudFormation template and a Terraform module.
// Screenshots go to --out. Every wait is bounded; code-server's process group is always killed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { checkEmbedded, copyHosts } from './embedded.mjs';
import { checkFindings, entry, expectProblems } from './problems.mjs';

const here = import.meta.dirname;
const repo = path.resolve(here, '../../../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const vsix = path.resolve(option('--vsix', ''));
const codeServer = path.resolve(option('--code-server', path.join(here, 'node_modules/.bin/code-server')));
const outDir = path.resolve(option('--out', path.join(repo, 'target/editors/vscode-e2e')));
const chromiumPath = option('--chromium', '/usr/bin/chromium');
const serverBinary = path.resolve(option('--server', path.join(repo, 'target/release/iam-lsp')));
const TOTAL_TIMEOUT_MS = 300_000;

const FIXTURE = 'chatbot-agent-policy.json';
const CONVERSE_LINE = '      "Action": ["bedrock:Converse", "bedrock:InvokeModel"],';
// `bedrock:Converse` is authorised by `bedrock:InvokeModel`, which the list already has: the fix
// removes it rather than renaming it to a duplicate. (Its title goes on to say why.)
const CONVERSE_FIX = 'Remove `bedrock:Converse`';
const FIXED_LINE = '      "Action": ["bedrock:InvokeModel"],';

let failures = 0;
let checks = 0;
function check(ok, what, detail = '') {
  checks++;
  if (ok) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}${detail ? `\n       ${detail.replaceAll('\n', '\n       ')}` : ''}`);
  }
  return ok;
}
const step = (what) => console.log(`\n== ${what}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Monaco renders spaces as U+00A0; compare text with plain spaces. */
const plain = (s) => s.replaceAll('\u00a0', ' ');

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(250);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// --- setup ------------------------------------------------------------------------------------

for (const [what, file] of [['--vsix', vsix], ['--code-server', codeServer], ['--chromium', chromiumPath], ['--server', serverBinary]]) {
  if (!fs.existsSync(file)) {
    console.error(`vscode-e2e: ${what} ${file} does not exist`);
    process.exit(2);
  }
}
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-lsp-vscode-e2e-'));
const userData = path.join(work, 'user-data');
const extensions = path.join(work, 'extensions');
const workspace = path.join(work, 'workspace');
const config = path.join(work, 'config.yaml');
const settingsFile = path.join(userData, 'User', 'settings.json');
// code-server (heartbeat, logs) and Chromium (crash reports) write under these: keep them here.
for (const [name, dir] of [['XDG_CONFIG_HOME', 'config'], ['XDG_DATA_HOME', 'data'], ['XDG_CACHE_HOME', 'cache'], ['XDG_STATE_HOME', 'state']]) {
  process.env[name] = path.join(work, 'xdg', dir);
  fs.mkdirSync(process.env[name], { recursive: true });
}
fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
fs.mkdirSync(workspace);
fs.copyFileSync(path.join(repo, 'tests/fixtures/bedrock', FIXTURE), path.join(workspace, FIXTURE));
const original = fs.readFileSync(path.join(workspace, FIXTURE), 'utf8');
copyHosts(repo, workspace); // a CloudFormation template and a Terraform module (embedded.mjs)

/** What `iam-lsp check` finds in the fixture, as the Problems panel ends its rows: the entries to expect. */
const cliProblems = (file) => checkFindings(serverBinary, spawnSync, file).map(entry);

const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Only iam-lsp's diagnostics: VS Code's own JSON validation would also underline the comment.
  'json.validate.enable': false,
  'editor.stickyScroll.enabled': false,
  'editor.minimap.enabled': false,
  'iamLsp.trace.server': 'verbose',
  'iamLsp.rules.severity': { 'legacy-action': 'hint' },
  'iamLsp.kinds': { '**/trust/*.json': 'trust' },
};
fs.writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2));

const port = await freePort();
fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const csArgs = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

let codeServerProcess;
let browser;
function killCodeServer() {
  if (codeServerProcess && codeServerProcess.exitCode === null) {
    try {
      process.kill(-codeServerProcess.pid, 'SIGKILL'); // the whole process group: server, extension host, iam-lsp
    } catch {
      // already gone
    }
  }
}
process.on('exit', killCodeServer);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killCodeServer();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`vscode-e2e: the whole test took longer than ${TOTAL_TIMEOUT_MS / 1000}s`);
  killCodeServer();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

let page;
try {
  step(`install ${path.relative(process.cwd(), vsix)} into code-server`);
  const installed = execFileSync(codeServer, [...csArgs, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  console.log(installed.trim().split('\n').slice(-1)[0]);
  const listed = execFileSync(codeServer, [...csArgs, '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60_000 });
  check(/^iam-lsp\.iam-lsp@/m.test(listed), 'code-server lists the extension iam-lsp.iam-lsp', listed);

  step(`start code-server on 127.0.0.1:${port}`);
  const log = fs.openSync(path.join(outDir, 'code-server.log'), 'w');
  codeServerProcess = spawn(
    codeServer,
    [
      ...csArgs,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor('code-server /healthz', async () => (await fetch(`${base}/healthz`)).ok, 60_000);
  console.log('code-server is up');

  step('open the policy in Chromium');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await sleep(1500);
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(FIXTURE, { delay: 20 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FIXTURE}"]`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15_000 });
  check(true, `opened ${FIXTURE}`);
  await page.keyboard.press('Control+B'); // hide the side bar: a wider editor and Problems panel

  step('diagnostics: squiggles and Problems entries');
  const squiggles = await waitFor(
    'an error squiggle',
    async () => {
      const n = await page.locator('.monaco-editor .squiggly-error').count();
      return n > 0 ? n : undefined;
    },
    60_000,
  );
  check(squiggles > 0, `error squiggles in the editor: ${squiggles}`);
  await sleep(500);
  await page.screenshot({ path: path.join(outDir, '1-diagnostics.png') });

  await page.keyboard.press('Control+Shift+M');
  const problemRows = page.locator('.markers-panel .monaco-list-row');
  // An entry ends with its source, code and position (a file's row may name a path with "iam-lsp" in it).
  const PROBLEM_END = / (iam-lsp \S+ \[Ln \d+, Col \d+\])$/;
  /** The Problems rows of iam-lsp, one line each ("MESSAGE iam-lsp CODE [Ln L, Col C]"), sorted. */
  const iamProblems = async () =>
    (await problemRows.allInnerTexts())
      .map((t) => plain(t).replace(/\s+/g, ' ').trim())
      .filter((t) => PROBLEM_END.test(t))
      .sort();
  const expected = cliProblems(path.join(workspace, FIXTURE));
  console.log(`  iam-lsp check finds ${expected.length}: ${expected.join(', ')}`);
  const problems = await expectProblems({ waitFor, iamProblems, check }, expected, 30_000);
  check(
    problems.some((row) => row.includes('`bedrock:Converse` is not an IAM action')),
    'Problems shows the message "`bedrock:Converse` is not an IAM action"',
  );
  await page.screenshot({ path: path.join(outDir, '2-problems.png') });

  const editor = page.locator('.monaco-editor .view-lines').first();
  async function goTo(lineCol) {
    await editor.click();
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(lineCol, { delay: 20 });
    await page.keyboard.press('Enter');
    await sleep(300);
  }

  step('hover on bedrock:InvokeModel (line 20)');
  await page.keyboard.press('Control+J'); // hide the panel: room for the hover
  await goTo('20:51'); // on `InvokeModel` (the prefix part hovers the service)
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = await waitFor(
    'the hover',
    async () => {
      const texts = await page.locator('.monaco-hover-content').allInnerTexts();
      const text = plain(texts.join('\n'));
      return text.includes('InvokeModel') ? text : undefined;
    },
    20_000,
  );
  console.log(`  | ${hover.split('\n').slice(0, 3).join('\n  | ')}`);
  check(/bedrock:InvokeModel\s*·\s*Read\s*·\s*Amazon Bedrock/.test(hover), 'the hover starts with "bedrock:InvokeModel · Read · Amazon Bedrock"');
  check(hover.includes('Grants permission to invoke'), 'the hover shows the description "Grants permission to invoke ..."');
  await sleep(700); // the hover fades in
  await page.screenshot({ path: path.join(outDir, '3-hover.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');

  step('quick fix on bedrock:Converse (line 20)');
  await goTo('20:25');
  await page.keyboard.press('Control+.');
  const actionRows = page.locator('.action-widget .monaco-list-row');
  const actions = await waitFor(
    'the quick fix menu',
    async () => {
      const texts = (await actionRows.allInnerTexts()).map((t) => plain(t).trim());
      return texts.length > 0 ? texts : undefined;
    },
    20_000,
  );
  for (const a of actions) console.log(`  | ${a}`);
  const title = actions.find((a) => a.startsWith(CONVERSE_FIX)) ?? CONVERSE_FIX;
  check(actions.some((a) => a.startsWith(CONVERSE_FIX)), `the quick fix menu offers "${title}"`);
  await page.screenshot({ path: path.join(outDir, '4-quick-fix.png') });
  // The menu is keyboard-driven (a pointer block covers it): move the focus to the fix, Enter.
  for (let i = 0; i < actions.length; i++) {
    const focused = await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label');
    if (plain(focused ?? '').trim() === title) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  const fixedOnScreen = await waitFor(
    'the edited line on screen',
    async () => {
      const text = plain(await editor.innerText());
      return text.includes(FIXED_LINE.trim()) ? text : undefined;
    },
    15_000,
  ).catch((error) => String(error));
  check(fixedOnScreen.includes(FIXED_LINE.trim()), `the editor shows ${FIXED_LINE.trim()}`);
  await page.keyboard.press('Control+S');
  const saved = await waitFor(
    'the saved file',
    async () => {
      const text = fs.readFileSync(path.join(workspace, FIXTURE), 'utf8');
      return text !== original ? text : undefined;
    },
    15_000,
  ).catch(() => original);
  check(saved === original.replace(CONVERSE_LINE, FIXED_LINE), 'the saved file differs from the fixture by exactly that edit', saved);
  const savedLine = saved.split('\n').find((line) => line.includes('"Action"') && line.includes('bedrock:InvokeModel')) ?? '';
  const invokeModels = savedLine.split('"bedrock:InvokeModel"').length - 1;
  check(invokeModels === 1, `the fixed list names bedrock:InvokeModel once, no duplicate: ${savedLine.trim()}`);
  // Every entry but the fixed one stays (the other lines did not move), and no new one comes.
  const converseRow = problems.find((row) => row.includes('`bedrock:Converse` is not an IAM action'));
  const stays = problems.filter((row) => row !== converseRow);
  const remaining = await waitFor(
    'the Converse diagnostic to go',
    async () => {
      const rows = await iamProblems();
      return rows.some((t) => t.includes('bedrock:Converse')) ? undefined : rows;
    },
    15_000,
  ).catch(() => undefined);
  check(remaining !== undefined, 'the unknown-action diagnostic on bedrock:Converse is gone from Problems');
  await sleep(1000); // a late diagnostic of the new text would show by now
  const after = await iamProblems();
  const added = after.filter((row) => !stays.includes(row));
  const lost = stays.filter((row) => !after.includes(row));
  check(added.length === 0, 'the fix brings no new diagnostic', added.join('\n'));
  check(lost.length === 0, 'the other diagnostics stay', lost.join('\n'));
  check(
    JSON.stringify(after.map((row) => row.match(PROBLEM_END)[1]).sort()) ===
      JSON.stringify(cliProblems(path.join(workspace, FIXTURE)).sort()),
    'they are what iam-lsp check finds in the saved file',
    after.join('\n'),
  );
  await page.screenshot({ path: path.join(outDir, '5-fixed.png') });

  step('command "IAM: Show Catalog Version"');
  const version = execFileSync(serverBinary, ['--version'], { encoding: 'utf8' }).trim(); // "iam-lsp 0.1.0 (catalog ...)"
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('IAM: Show Catalog Version', { delay: 20 });
  await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Show Catalog Version"]', { timeout: 15_000 });
  await page.keyboard.press('Enter');
  const toast = await waitFor(
    'the notification',
    async () => {
      const texts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
      return texts.find((t) => t.includes('catalog'));
    },
    15_000,
  ).catch(() => '');
  console.log(`  | ${toast}`);
  check(toast.trim() === version, `the notification says "${version}" (iam-lsp --version)`);

  step('settings reach the server (protocol trace in the output channel)');
  // Turn inlay hints off in the Settings editor, as a person would.
  await page.keyboard.press('Control+,');
  await page.waitForSelector('.settings-editor .suggest-input-container textarea, .settings-editor .settings-header input', {
    state: 'visible',
    timeout: 20_000,
  });
  await page.keyboard.type('iamLsp.inlayHints.enabled', { delay: 10 });
  const checkbox = page.locator('.settings-editor .setting-item-bool .setting-value-checkbox').first();
  await checkbox.waitFor({ state: 'visible', timeout: 20_000 });
  const label = plain(await page.locator('.settings-editor .setting-item-bool').first().innerText()).replace(/\s+/g, ' ');
  console.log(`  | ${label}`);
  check(label.includes("Show iam-lsp's inlay hints."), 'the Settings editor shows iamLsp.inlayHints.enabled');
  await checkbox.click();
  await page.screenshot({ path: path.join(outDir, '6-settings.png') });
  const traceFile = () => {
    const found = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.includes('IAM Policy')) found.push(full);
      }
    };
    walk(path.join(userData, 'logs'));
    return found[0];
  };
  const trace = await waitFor(
    'didChangeConfiguration in the trace',
    async () => {
      const file = traceFile();
      const text = file ? fs.readFileSync(file, 'utf8') : '';
      return text.includes("'workspace/didChangeConfiguration'") ? text : undefined;
    },
    20_000,
  ).catch(() => {
    const file = traceFile();
    return file ? fs.readFileSync(file, 'utf8') : '';
  });
  fs.writeFileSync(path.join(outDir, 'output-channel.log'), trace);
  const squash = trace.replace(/\s+/g, '');
  const initOptions =
    '"initializationOptions":{"iamLsp":{"kinds":{"**/trust/*.json":"trust"},"rules":{"disabled":[],"severity":{"legacy-action":"hint"}},"inlayHints":{"enabled":true,"accessLevels":false}}}';
  check(squash.includes(initOptions), `initialize sent ${initOptions}`);
  const changed =
    '{"settings":{"iamLsp":{"kinds":{"**/trust/*.json":"trust"},"rules":{"disabled":[],"severity":{"legacy-action":"hint"}},"inlayHints":{"enabled":false,"accessLevels":false}}}}';
  check(
    squash.includes("'workspace/didChangeConfiguration'") && squash.includes(changed),
    `a settings change sent workspace/didChangeConfiguration ${changed}`,
  );

  step('a wrong iamLsp.server.path: an error that says how to fix it; clearing the setting restarts the server');
  await page.locator('.settings-editor .settings-header .suggest-input-container').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('iamLsp.server.path', { delay: 10 });
  // A machine-overridable setting: code-server shows it under Remote, not User.
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
  const pathInput = page.locator('.settings-editor .settings-body .setting-item-contents .monaco-inputbox input').first();
  await pathInput.waitFor({ state: 'visible', timeout: 20_000 });
  await pathInput.fill('/nonexistent/iam-lsp');
  const iamRows = async () => (await iamProblems()).length;
  const notFound = await waitFor(
    'the error notification',
    async () => {
      const texts = await page.locator('.notifications-toasts .notification-list-item').allInnerTexts();
      return texts.map(plain).find((t) => t.includes('iamLsp.server.path'));
    },
    20_000,
  ).catch(() => '');
  console.log(`  | ${notFound.replace(/\s+/g, ' ')}`);
  check(notFound.includes('"/nonexistent/iam-lsp", but no executable is there'), 'an error notification names the wrong path');
  check(notFound.includes('Open Settings'), 'it offers "Open Settings"');
  await page.screenshot({ path: path.join(outDir, '7-server-not-found.png') });
  const gone = await waitFor('the diagnostics to go with the server', async () => ((await iamRows()) === 0 ? true : undefined), 15_000).catch(() => false);
  check(gone, 'the stopped server\'s diagnostics are gone from Problems');
  await pathInput.fill('');
  const savedEntries = cliProblems(path.join(workspace, FIXTURE)).length; // what the saved file has
  const back = await waitFor('the diagnostics to come back', async () => {
    const n = await iamRows();
    return n >= savedEntries ? n : undefined;
  }, 30_000).catch(() => 0);
  check(back === savedEntries, `with the setting cleared the bundled server restarts: ${back} iam-lsp entries in Problems (iam-lsp check: ${savedEntries})`);

  // Policies inside a CloudFormation template and a Terraform module (embedded.mjs).
  await checkEmbedded({ page, workspace, serverBinary, spawnSync, check, step, waitFor, sleep, plain, iamProblems, goTo, editor, outDir });
} catch (error) {
  check(false, 'the test ran to the end', String(error?.stack ?? error));
  if (page) await page.screenshot({ path: path.join(outDir, 'failure.png') }).catch(() => {});
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
  killCodeServer();
  if (process.env.KEEP_E2E_WORK !== '1') fs.rmSync(work, { recursive: true, force: true });
}

console.log(`\nscreenshots and logs in ${path.relative(process.cwd(), outDir) || '.'}`);
console.log(`vscode-e2e: ${checks - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
