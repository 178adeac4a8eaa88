// The playground, end to end in a real Chromium: the built site from a local static server;
// paste the README's chatbot policy, see its diagnostics where the CLI puts them, hover
// bedrock:InvokeModel, apply the quick fix on bedrock:Converse and see that diagnostic go,
// the kind selector, completion, the outline, semantic tokens, the share link, and no network
// request after load; paste the CloudFormation fixture, see a diagnostic at its place in the
// template and apply its quick fix there; simulate a request and see the decision.
//   node test/e2e.mjs [--site DIR] [--out DIR] [--update-screenshot]
// --update-screenshot writes editors/web/playground.png (the README's picture); CI does not.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serve, siteDir } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const site = siteDir();
const outIndex = process.argv.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? process.argv[outIndex + 1] : path.join(repo, 'target/playground/e2e'));
const chatbot = await readFile(path.join(repo, 'tests/fixtures/bedrock/chatbot-agent-policy.json'), 'utf8');
const stack = await readFile(path.join(repo, 'tests/fixtures/cloudformation/bedrock-agent-stack.yaml'), 'utf8');

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
};

await mkdir(out, { recursive: true });
const server = await serve(site);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
page.setDefaultTimeout(15_000);
const requests = [];
page.on('request', (r) => requests.push(r.url()));
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

// The 1-based line:col the problems list shows for a code, in order.
const problems = (code) =>
  page.$$eval(`.problem[data-code="${code}"] .where`, (rows) => rows.map((r) => r.textContent.replace(/^\D+/, '')));
// The page's coordinates of the `nth` occurrence of `needle` in the editor's text (+ `into` chars).
const coordsOf = (needle, into = 1) =>
  page.evaluate(([needle, into]) => {
    const view = window.playground.view;
    const at = view.state.doc.toString().indexOf(needle);
    const box = view.coordsAtPos(at + into);
    return box && { x: box.left + 1, y: (box.top + box.bottom) / 2, at };
  }, [needle, into]);
// Resolves when the page's current version is in the editor and the panels.
const settled = () =>
  page.waitForFunction(() => window.playground?.report?.seq === window.playground.seq && window.playground.panelsSeq === window.playground.seq);

try {
  await page.goto(server.url);
  await page.waitForSelector('.problem', { timeout: 30_000 });
  await settled();
  const loaded = requests.length;
  check(
    requests.some((u) => u.endsWith('iam_analysis.wasm')) && requests.every((u) => u.startsWith(server.url)),
    `loaded from the local server only (${loaded} requests: ${requests.map((u) => u.slice(server.url.length) || '/').join(', ')})`,
  );
  check((await page.textContent('#privacy')).includes('Nothing is sent anywhere'), 'the page says nothing is sent anywhere');

  // Paste a text into an emptied editor, as a user would (a real paste event).
  const paste = async (text) => {
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await settled();
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
    await settled();
  };
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await settled();
  check((await page.textContent('.summary')).startsWith('Not an IAM policy'), 'an empty editor is not a policy');
  await paste(chatbot);
  check((await page.evaluate(() => window.playground.view.state.doc.toString())) === chatbot, 'the pasted policy is the editor text');
  // Where `iam-lsp check` puts them (README's demo): 8:19, 14:27, 20:27.
  check(JSON.stringify(await problems('api-name-as-prefix')) === '["8:19"]', `api-name-as-prefix at 8:19 (${await problems('api-name-as-prefix')})`);
  check(JSON.stringify(await problems('unknown-action')) === '["14:27","20:27"]', `unknown-action at 14:27 and 20:27 (${await problems('unknown-action')})`);
  const squiggles = await page.$$eval('.cm-lintRange-error', (els) => els.map((e) => e.textContent));
  check(squiggles.includes('bedrock-agent-runtime') && squiggles.includes('Converse'), `squiggles under the prefix and Converse (${squiggles.join(' | ')})`);
  const link = await page.getAttribute('.problem[data-code="api-name-as-prefix"] a.code', 'href');
  check(link === 'rules.html#api-name-as-prefix', `the code links to its row of the rule table (${link})`);
  check((await page.$$eval('.cm-iam-function', (els) => els.map((e) => e.textContent))).includes('InvokeModel'), 'semantic tokens: InvokeModel is marked an action');
  const outline = await page.$$eval('.outline .symbol.object', (els) => els.map((e) => e.textContent));
  check(outline.some((t) => t.startsWith('ChatWithClaude')), `the outline lists the statements (${outline.join(', ')})`);

  // The gutter marker of the line of bedrock:Converse: its diagnostics, with their fixes, on hover.
  const converseLine = await coordsOf('bedrock:Converse', 11);
  const marker = await page.evaluateHandle((y) => [...document.querySelectorAll('.cm-gutter-lint .cm-lint-marker')].find((m) => {
    const r = m.getBoundingClientRect();
    return r.top <= y && y <= r.bottom;
  }), converseLine.y);
  const markerBox = await marker.asElement()?.boundingBox();
  check(Boolean(markerBox), 'a gutter marker on the line of bedrock:Converse');
  if (markerBox) {
    await page.mouse.move(markerBox.x + markerBox.width / 2, markerBox.y + markerBox.height / 2);
    const gutterTip = await page.waitForSelector('.cm-tooltip-lint');
    const gutterText = await gutterTip.textContent();
    check(gutterText.includes('bedrock:Converse') && gutterText.includes('unknown-action') && (await gutterTip.$('.cm-diagnosticAction')) !== null, `its tooltip lists the line's diagnostics and fixes (${gutterText.slice(0, 80)}…)`);
    await page.mouse.move(5, 5);
    await page.waitForSelector('.cm-tooltip-lint', { state: 'detached' });
  }

  // Hover bedrock:InvokeModel with the mouse.
  const invoke = await coordsOf('bedrock:InvokeModel', 10);
  await page.mouse.move(invoke.x, invoke.y);
  const hover = await page.waitForSelector('.cm-iam-hover');
  const hoverText = await hover.textContent();
  check(hoverText.includes('bedrock:InvokeModel') && hoverText.includes('Read'), `hover on bedrock:InvokeModel: ${hoverText.slice(0, 80)}…`);
  await page.screenshot({ path: path.join(out, 'hover.png') });

  // The quick fix on bedrock:Converse, from the Ctrl+. menu.
  await page.mouse.move(5, 5);
  const converse = await coordsOf('bedrock:Converse', 11);
  await page.mouse.click(converse.x, converse.y);
  // The mouse away, and its hover gone, before the menu is opened over the text.
  await page.mouse.move(5, 5);
  await page.waitForSelector('.cm-tooltip-hover', { state: 'detached' });
  await page.keyboard.press('Control+.');
  const fix = await page.waitForSelector('#actions button:has-text("Remove `bedrock:Converse`")');
  const titles = await page.$$eval('#actions button', (els) => els.map((e) => e.textContent));
  check(titles.some((t) => t.includes('Remove `bedrock:Converse` (`bedrock:InvokeModel` is already listed)')), `the fix is offered (${titles.join(' | ')})`);
  // The rows and outline entries the fix leaves as they were stay the same elements.
  await page.evaluate(() => {
    document.querySelector('.problem[data-code="api-name-as-prefix"]').kept = true;
    document.querySelector('.outline .symbol.object').kept = true;
    document.querySelector('.cm-gutter-lint .cm-lint-marker').kept = true;
  });
  await fix.click();
  await settled();
  const fixed = await page.evaluate(() => window.playground.view.state.doc.toString());
  check(fixed.includes('"Action": ["bedrock:InvokeModel"]'), 'the fix removed bedrock:Converse from the list');
  check(JSON.stringify(await problems('unknown-action')) === '["14:27"]', `the diagnostic on Converse is gone (unknown-action at ${await problems('unknown-action')})`);
  const messages = await page.$$eval('.problem .message', (els) => els.map((e) => e.textContent));
  check(!messages.some((m) => m.includes('bedrock:Converse')), 'no diagnostic names bedrock:Converse');
  const kept = await page.evaluate(() => ['.problem[data-code="api-name-as-prefix"]', '.outline .symbol.object', '.cm-gutter-lint .cm-lint-marker'].map((s) => document.querySelector(s).kept));
  check(kept.every((k) => k === true), `the problems list, the outline and the gutter keep the elements of what did not change, not rebuilt (${kept})`);

  // A policy this small is analysed in the page itself once the worker has answered it well
  // inside a frame (analysis.js): a change's report is then there before the next frame.
  await page.waitForFunction(() => window.playground.analysis.local !== null, null, { timeout: 15_000 });
  const nudge = () => page.evaluate(() => new Promise((resolve) => {
    const view = window.playground.view;
    const end = view.state.doc.length;
    view.dispatch({ changes: { from: end, insert: '\n' } });
    const seq = window.playground.seq;
    requestAnimationFrame(() => {
      const report = window.playground.report;
      view.dispatch({ changes: { from: end, to: end + 1 } });
      resolve({ where: report?.where, sameFrame: report?.seq === seq });
    });
  }));
  let nudged = await nudge();
  for (let i = 0; i < 20 && nudged.where !== 'page'; i++) {
    await settled();
    nudged = await nudge();
  }
  check(nudged.where === 'page' && nudged.sameFrame, `a small policy is analysed in the page, its report before the next frame (${JSON.stringify(nudged)})`);
  await settled();

  // The focused editor's cursor blinks (src/blink.js), shown at once after a keystroke, and
  // nothing on the page animates endlessly: an animation that never ends keeps the browser
  // drawing at every vsync, and a keystroke's frame then waits for the next one.
  const blinking = await page.evaluate(() => new Promise((resolve) => {
    const view = window.playground.view;
    view.focus();
    view.dispatch({ selection: { anchor: 1 } });
    const layer = view.scrollDOM.querySelector('.cm-cursorLayer');
    const cursor = layer.querySelector('.cm-cursor');
    const seen = [];
    const timer = setInterval(() => seen.push(getComputedStyle(layer).opacity), 100);
    setTimeout(() => {
      clearInterval(timer);
      const endless = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime === Infinity);
      resolve({ first: seen[0], hidden: seen.includes('0'), shown: seen.filter((o) => o === '1').length, cursor: Boolean(cursor), endless: endless.map((a) => a.animationName ?? a.id) });
    }, 1500);
  }));
  check(blinking.cursor && blinking.first === '1' && blinking.hidden && blinking.shown > 5, `the focused cursor is shown after a selection change and then blinks (${JSON.stringify(blinking)})`);
  check(blinking.endless.length === 0, `no endless animation on the page (${blinking.endless.join(', ')})`);

  // Completion: type the start of an action, ask, accept.
  const retrieve = await coordsOf('"bedrock:Retrieve"', 1);
  await page.evaluate((at) => {
    const view = window.playground.view;
    view.dispatch({ changes: { from: at + 1, to: at + 17, insert: 'bedrock:RetrieveAnd' }, selection: { anchor: at + 20 } });
    view.focus();
  }, retrieve.at);
  await settled();
  await page.keyboard.press('Control+Space');
  // (RetrieveAndGenerateStream is offered too: pick the one by its exact label.)
  const option = page.locator('.cm-tooltip-autocomplete .cm-completionLabel', { hasText: /^(bedrock:)?RetrieveAndGenerate$/ });
  await option.waitFor();
  check((await option.count()) === 1, 'completion offers bedrock:RetrieveAndGenerate');
  await option.click();
  await settled();
  const completed = await page.evaluate(() => window.playground.view.state.doc.toString());
  check(completed.includes('"bedrock:RetrieveAndGenerate"'), 'accepting it writes the action');

  // The kind selector: as a trust policy the statements need a Principal.
  await page.selectOption('#kind', 'trust');
  await settled();
  check((await problems('principal-missing')).length === 3, 'checked as a trust policy: principal-missing on each statement');
  check((await page.textContent('#kind-reason')).includes('role trust policy'), 'the page says which kind');
  await page.selectOption('#kind', '');
  await settled();
  check((await problems('principal-missing')).length === 0 && (await page.textContent('#kind-reason')).includes('inferred'), 'back to the inferred kind');

  // An example: the SCP, checked as an SCP.
  await page.selectOption('#example', 'scp');
  await settled();
  check((await page.textContent('#kind-reason')).includes('service control policy'), 'the SCP example is checked as an SCP');

  // Nothing went out after load: every request so far was the initial one.
  const after = requests.slice(loaded);
  check(after.length === 0, `no network request after load (${after.length}: ${after.join(', ')})`);

  // The share link opens the same policy and kind in a new page.
  await page.click('#share');
  const shared = await page.inputValue('#share-link');
  check(shared.startsWith(server.url) && shared.includes('#policy=') && shared.includes('kind=scp'), 'the share link carries the policy in its fragment');
  const second = await browser.newPage();
  await second.goto(shared);
  await second.waitForFunction(() => window.playground?.report?.seq === window.playground.seq);
  const same = await second.evaluate(() => [window.playground.view.state.doc.toString(), document.querySelector('#kind').value]);
  const original = await page.evaluate(() => window.playground.view.state.doc.toString());
  check(same[0] === original && same[1] === 'scp', 'the shared link opens the same text and kind');
  await second.close();

  // Non-ASCII text before a finding on its line: the squiggle is exactly under the action name
  // (CodeMirror counts UTF-16 units, the analysis bytes; `é` is 2 bytes, `🫣` 4 bytes, 2 units).
  await page.selectOption('#kind', '');
  await page.evaluate(() => {
    const view = window.playground.view;
    const text = '{"Statement":[{"Effect":"Allow","Resource":"arn:aws:s3:::été-🫣/*","Action":"bedrock:Converse"}]}';
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  });
  await settled();
  const wide = await page.$$eval('.cm-lintRange-error', (els) => els.map((e) => e.textContent));
  // Two squiggles, each exactly under its text: the emoji (a character IAM rejects, two UTF-16
  // units) and Converse after it.
  check(JSON.stringify(wide) === '["🫣","Converse"]', `after é and 🫣 the squiggles are under 🫣 and Converse (${wide.join(' | ')})`);
  check(JSON.stringify(await problems('unknown-action')) === '["1:86"]', `and the problems list says 1:86, in UTF-16 columns (${await problems('unknown-action')})`);

  // A CloudFormation template, pasted: its host is found in the text, and the diagnostics are at
  // their places in the template, as `iam-lsp check` puts them (the fixture's snapshot: 62:26).
  await paste(stack);
  const read = await page.evaluate(() => [window.playground.report.report.host, document.querySelector('#host').selectedOptions[0].textContent]);
  check(read[0] === 'cloudformation' && read[1].startsWith('detected: CloudFormation'), `the template is detected as CloudFormation (${read.join(', ')})`);
  check(JSON.stringify(await problems('api-name-as-prefix')) === '["62:26"]', `api-name-as-prefix at 62:26 in the template (${await problems('api-name-as-prefix')})`);
  check(JSON.stringify(await problems('unknown-action')) === '["103:30"]', `unknown-action at 103:30 in the template (${await problems('unknown-action')})`);
  check((await page.textContent('#kind-reason')).includes('CloudFormation template (YAML) with'), 'the page says it read a template and its policies');
  // Scrolled into view (the paste left the editor at the end of the template), then clicked.
  await page.evaluate((needle) => {
    const view = window.playground.view;
    const at = view.state.doc.toString().indexOf(needle);
    view.dispatch({ effects: view.constructor.scrollIntoView(at, { y: 'center' }) });
  }, 'bedrock-agent-runtime:InvokeAgent');
  await page.waitForTimeout(100);
  const runtime = await coordsOf('bedrock-agent-runtime:InvokeAgent', 4);
  await page.mouse.click(runtime.x, runtime.y);
  await page.mouse.move(5, 5);
  await page.waitForSelector('.cm-tooltip-hover', { state: 'detached' });
  await page.keyboard.press('Control+.');
  const prefixFix = await page.waitForSelector('#actions button:has-text("Change the prefix to `bedrock`")');
  await prefixFix.click();
  await settled();
  const fixedStack = await page.evaluate(() => window.playground.view.state.doc.toString());
  check(fixedStack.includes('Action: [bedrock:InvokeAgent, bedrock:GetAgent]'), 'the fix rewrote the action in the template’s YAML');
  check((await problems('api-name-as-prefix')).length === 0, 'and its diagnostic is gone');
  const yamlTokens = await page.$$eval('.cm-iam-function', (els) => els.map((e) => e.textContent));
  check(yamlTokens.includes('InvokeModel'), 'semantic tokens inside the template');

  // Chosen as a host, and carried by the share link.
  await page.selectOption('#host', 'cloudformation');
  await settled();
  await page.click('#share');
  const sharedStack = await page.inputValue('#share-link');
  check(sharedStack.includes('host=cloudformation'), 'the share link carries the host');
  const third = await browser.newPage();
  await third.goto(sharedStack);
  await third.waitForFunction(() => window.playground?.report?.seq === window.playground.seq);
  const opened = await third.evaluate(() => [document.querySelector('#host').value, window.playground.report.report.host, window.playground.view.state.doc.toString()]);
  check(opened[0] === 'cloudformation' && opened[1] === 'cloudformation' && opened[2] === fixedStack, 'the link opens the template, read as CloudFormation');
  await third.close();
  await page.selectOption('#host', '');

  // A Terraform module (the example): read as Terraform, the diagnostics where `iam-lsp check`
  // puts them in the .tf file (its snapshot), and the prefix fix written in HCL.
  await page.selectOption('#example', 'terraform');
  await settled();
  check((await page.evaluate(() => window.playground.report.report.host)) === 'terraform', 'the Terraform example is read as a Terraform module');
  check(JSON.stringify(await problems('api-name-as-prefix')) === '["79:19"]', `api-name-as-prefix at 79:19 in the module (${await problems('api-name-as-prefix')})`);
  check(JSON.stringify(await problems('unknown-action')) === '["63:30","109:43"]', `unknown-action at 63:30 and 109:43 in the module (${await problems('unknown-action')})`);
  const hclFix = await page.evaluate((needle) => {
    const view = window.playground.view;
    const at = view.state.doc.toString().indexOf(needle) + 2;
    view.dispatch({ selection: { anchor: at }, effects: view.constructor.scrollIntoView(at, { y: 'center' }) });
    view.focus();
    return at;
  }, 'bedrock-agent-runtime:InvokeAgent');
  check(hclFix > 1, 'the module has the runtime prefix');
  await page.keyboard.press('Control+.');
  await (await page.waitForSelector('#actions button:has-text("Change the prefix to `bedrock`")')).click();
  await settled();
  const fixedModule = await page.evaluate(() => window.playground.view.state.doc.toString());
  check(fixedModule.includes('"bedrock:InvokeAgent"') && !fixedModule.includes('bedrock-agent-runtime:InvokeAgent'), 'the fix rewrote the action in the module’s HCL');
  check((await problems('api-name-as-prefix')).length === 0, 'and its diagnostic is gone from the module');

  // Simulate: the chatbot policy as the identity policy, one allowed request and one denied.
  await page.selectOption('#example', 'chatbot');
  await settled();
  await page.fill('#sim-action', 'bedrock:InvokeModel');
  await page.fill('#sim-resource', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0');
  await page.click('#sim-run');
  await page.waitForSelector('#sim-answer .decision');
  const decision = await page.textContent('#sim-answer .decision');
  check(decision.startsWith('Allowed'), `the simulation allows bedrock:InvokeModel on the model (${decision})`);
  const applies = await page.$$eval('#sim-answer tr.applies .where', (els) => els.map((e) => e.textContent));
  check(JSON.stringify(applies) === '["ChatWithClaude"]', `the statement that allows it is ChatWithClaude (${applies})`);
  check((await page.textContent('#sim-answer .sim-text')).includes('allowed by statement `ChatWithClaude`'), 'the answer reads as the CLI’s');
  await page.fill('#sim-action', 's3:GetObject');
  await page.click('#sim-run');
  await page.waitForFunction(() => document.querySelector('#sim-answer .decision')?.textContent.startsWith('ImplicitlyDenied'));
  check((await page.textContent('#sim-answer .decision')).includes('blocked by identity'), 'a request the policy does not allow: denied, blocked by the identity policy');

  // The picture for the README: a fresh page (the chatbot policy), its problems and a hover.
  await page.goto(server.url);
  await settled();
  const again = await coordsOf('bedrock:InvokeModel', 10);
  await page.mouse.move(again.x, again.y);
  await page.waitForSelector('.cm-iam-hover');
  await page.screenshot({ path: path.join(out, 'playground.png') });
  if (process.argv.includes('--update-screenshot')) {
    await copyFile(path.join(out, 'playground.png'), path.join(repo, 'editors/web/playground.png'));
  }
  check(errors.length === 0, `no error in the page (${errors.join(' | ')})`);
} catch (error) {
  failures += 1;
  console.log(`FAIL ${error.stack ?? error}`);
  await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => {});
} finally {
  await browser.close();
  await server.close();
}
console.log(failures ? `playground e2e: ${failures} FAILED (screenshots in ${out})` : `playground e2e: all passed (screenshots in ${out})`);
process.exit(failures ? 1 : 0);
