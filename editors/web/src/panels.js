// The panels beside the editor. A panel is {id, title, requires, mount(section, context),
// update(report, context)}: `requires` lists the worker methods it needs (the page shows it only
// when the worker's `initialize` answer has them all), `update` runs when the browser is idle
// after a report (context.request asks the worker, context.seq is the page's version).
import { EditorSelection } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

import { inline } from './markdown.js';

function reveal(context, range) {
  const { view, toPos } = context;
  const from = toPos(view.state.doc, range.start);
  const to = toPos(view.state.doc, range.end);
  view.dispatch({ selection: EditorSelection.single(from, to), effects: EditorView.scrollIntoView(from, { y: 'center' }) });
  view.focus();
}

// What each list element shows now (its item, for its click), and the key it was made for.
const shown = new WeakMap();
const keyOf = new WeakMap();

// Makes `parent`'s children show `items`, keeping the element of an item that was shown before
// with the same key (the same text: what it displays) where it is, and making elements only for
// new keys. A keystroke changes a row or two of a list; a list rewritten whole would be laid out
// again whole (the trace showed ~720 text runs shaped a key, in the frame after the panels').
// `update(element, item)` runs for each (for nested lists); `shown` keeps each one's item.
function patchChildren(parent, items, { key, create, update }) {
  const old = new Map(); // key → elements with it, in order
  for (const child of parent.children) {
    const k = keyOf.get(child);
    if (!old.has(k)) old.set(k, []);
    old.get(k).push(child);
  }
  const wanted = items.map((item) => {
    const k = key(item);
    let element = old.get(k)?.shift();
    if (!element) {
      element = create(item);
      keyOf.set(element, k);
    }
    shown.set(element, item);
    update?.(element, item);
    return element;
  });
  for (const rest of old.values()) for (const element of rest) element.remove();
  // In order, moving (re-inserting) only what is out of place: a row added or removed leaves
  // the others where they are.
  wanted.forEach((element, i) => {
    if (parent.children[i] !== element) parent.insertBefore(element, parent.children[i] ?? null);
  });
}

const problems = {
  id: 'problems',
  title: 'Problems',
  requires: [],
  mount(section) {
    this.summary = document.createElement('p');
    this.summary.className = 'summary';
    this.list = document.createElement('ol');
    this.list.className = 'problems';
    section.append(this.summary, this.list);
  },
  update({ report }, context) {
    const key = JSON.stringify(report.diagnostics);
    if (key === this.shown) return;
    this.shown = key;
    const counts = {};
    for (const d of report.diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
    const parts = Object.entries(counts).map(([severity, n]) => `${n} ${severity}${n > 1 ? 's' : ''}`);
    const summary = report.failed
      ? 'The checks failed on this text (a bug in iam-lsp).'
      : !report.is_policy
        ? report.host === 'iam-json'
          ? 'Not an IAM policy (no `Statement`, no policy `Version`).'
          : 'No IAM policy found (not a template or module with policies in it).'
        : parts.length ? parts.join(', ') : 'No problems found.';
    if (this.summary.textContent !== summary) this.summary.textContent = summary;
    patchChildren(this.list, report.diagnostics, {
      key: (d) => `${d.severity}\u0000${d.range.start.line}:${d.range.start.col}\u0000${d.code}\u0000${d.message}`,
      create: (d) => {
        const row = document.createElement('li');
        row.className = `problem ${d.severity}`;
        row.dataset.code = d.code;
        const where = document.createElement('button');
        where.className = 'where';
        where.textContent = `${d.range.start.line + 1}:${d.range.start.col + 1}`;
        where.title = 'Show in the editor';
        where.onclick = () => reveal(context, shown.get(row).range);
        const code = document.createElement('a');
        code.className = 'code';
        code.href = `rules.html#${d.code}`;
        code.target = '_blank';
        code.textContent = d.code;
        code.title = 'The rule in the README’s table';
        const message = document.createElement('span');
        message.className = 'message';
        message.innerHTML = inline(d.message);
        const severity = document.createElement('span');
        severity.className = 'severity';
        severity.textContent = d.severity;
        row.append(severity, where, code, message);
        return row;
      },
    });
  },
};

const outline = {
  id: 'outline',
  title: 'Outline',
  requires: ['outline'],
  mount(section) {
    this.tree = document.createElement('ul');
    this.tree.className = 'outline';
    section.append(this.tree);
  },
  async update({ seq }, context) {
    const items = await context.request('outline', { seq }).catch(() => null);
    if (!items || seq !== context.seq) return; // a newer version is on its way
    const key = JSON.stringify(items);
    if (key === this.shown) return; // most keystrokes leave the outline as it was
    this.shown = key;
    const tree = (ul, items) =>
      patchChildren(ul, items, {
        key: (item) => `${item.kind}\u0000${item.name}\u0000${item.detail ?? ''}`,
        create: (item) => {
          const li = document.createElement('li');
          const button = document.createElement('button');
          button.className = `symbol ${item.kind}`;
          button.textContent = item.detail ? `${item.name} — ${item.detail}` : item.name;
          button.onclick = () => reveal(context, shown.get(li).selection);
          li.append(button);
          return li;
        },
        update: (li, item) => {
          let children = li.querySelector(':scope > ul');
          if (item.children.length && !children) li.append((children = document.createElement('ul')));
          if (children && !item.children.length) children.remove();
          else if (children) tree(children, item.children);
        },
      });
    tree(this.tree, items);
  },
};

// The evaluator on the editor's policy (for a template: the one under the cursor, or chosen):
// a request in, the decision out, with what blocks it and each statement's match report.
const POLICY_TYPES = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp', 'vpcEndpoint'];
const element = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};
const simulate = {
  id: 'simulate',
  title: 'Simulate a request',
  requires: ['simulate'],
  mount(section, context) {
    const field = (label, input) => element('label', { className: 'field' }, element('span', {}, label), input);
    this.policy = element('select', { id: 'sim-policy' });
    this.as = element('select', { id: 'sim-as' }, new Option('as its kind', ''), ...POLICY_TYPES.map((t) => new Option(`as ${t}`, t)));
    this.assume = element('input', { type: 'checkbox', id: 'sim-assume' });
    this.principal = element('input', { id: 'sim-principal', value: 'arn:aws:iam::111122223333:role/example', spellcheck: false });
    this.action = element('input', { id: 'sim-action', placeholder: 'service:Action', spellcheck: false });
    this.resource = element('input', { id: 'sim-resource', placeholder: '* (any)', spellcheck: false });
    this.context = element('textarea', { id: 'sim-context', rows: 2, placeholder: 'aws:RequestedRegion=eu-west-1', spellcheck: false });
    this.run = element('button', { id: 'sim-run', textContent: 'Simulate' });
    this.answer = element('div', { id: 'sim-answer', className: 'sim-answer' });
    const form = element(
      'form',
      { className: 'simulate' },
      field('Policy', this.policy),
      field('Evaluated', this.as),
      element('label', { className: 'check' }, this.assume, ' with an identity-based policy that allows everything (a boundary, SCP or session policy alone allows nothing)'),
      field('Principal', this.principal),
      field('Action', this.action),
      field('Resource', this.resource),
      field('Context (KEY=VALUE lines)', this.context),
      this.run,
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      this.asked = true;
      this.simulate(context);
    };
    section.append(form, this.answer);
  },
  update({ report }, context) {
    // The policy choice: the editor's policy, or a template's (under the cursor, or one of them).
    const template = report.template;
    const key = JSON.stringify(template?.policies.map((p) => p.origin) ?? report.kind?.name ?? null);
    if (key !== this.policies) {
      this.policies = key;
      const chosen = this.policy.value;
      const options = template
        ? [new Option('the policy under the cursor', ''), ...template.policies.map((p, i) => new Option(p.origin, String(i)))]
        : [new Option(report.kind ? `the editor's policy (${report.kind.name})` : 'the editor’s text', '')];
      this.policy.replaceChildren(...options);
      this.policy.value = chosen;
      if (this.policy.selectedIndex < 0) this.policy.value = '';
    }
    // A shown answer follows the policy as it is edited.
    return this.asked ? this.simulate(context) : undefined;
  },
  async simulate(context) {
    const at = context.seq;
    const { view } = context;
    const question = {
      principal: this.principal.value,
      action: this.action.value,
      resource: this.resource.value,
      context: this.context.value,
      policy: this.policy.value === '' ? null : Number(this.policy.value),
      at: context.toLineCol(view.state.doc, view.state.selection.main.head),
      as: this.as.value || null,
      allowIdentity: this.assume.checked,
    };
    let answer;
    try {
      answer = await context.request('simulate', { seq: at, question });
    } catch (error) {
      if (at === context.seq) this.answer.replaceChildren(element('p', { className: 'sim-error', textContent: error.message }));
      return;
    }
    if (at !== context.seq) return; // a newer version is on its way
    this.show(answer, context);
  },
  show(answer, context) {
    const e = answer.evaluation;
    const mark = (check) => (check === undefined ? '—' : check.matched ? '✓' : `✗ ${check.reason ?? ''}`);
    const decision = element('p', { className: `decision ${e.decision === 'Allowed' ? 'allowed' : 'denied'}` }, element('strong', { textContent: e.decision }));
    if (e.blockedBy.length) decision.append(` — blocked by ${e.blockedBy.join(', ')}`);
    const head = element('tr', {}, ...['Statement', 'Effect', 'Applies', 'Action', 'Resource', 'Principal', 'Condition'].map((h) => element('th', { textContent: h })));
    const rows = e.statements.map((s, i) => {
      const name = s.sid ? s.sid : `#${s.index + 1}`;
      const range = answer.statementRanges[i];
      const where = range
        ? element('button', { className: 'where', textContent: name, title: 'Show in the editor', onclick: () => reveal(context, range) })
        : element('span', { textContent: `${name} (${s.policy})` });
      return element(
        'tr',
        { className: s.applies ? 'applies' : '' },
        element('td', {}, where),
        element('td', { textContent: s.effect ?? '?' }),
        element('td', { textContent: s.applies ? 'yes' : 'no' }),
        ...[s.action, s.resource, s.principal, s.condition].map((c) => element('td', { textContent: mark(c) })),
      );
    });
    this.answer.replaceChildren(
      decision,
      element('p', { className: 'sim-policy', textContent: `${answer.policy}, evaluated as ${answer.policyType}` }),
      element('table', { className: 'statements' }, element('thead', {}, head), element('tbody', {}, ...rows)),
      element('pre', { className: 'sim-text', textContent: answer.text }),
    );
  },
};

export const panels = [problems, outline, simulate];
