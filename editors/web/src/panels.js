// The panels beside the editor. A panel is {id, title, requires, mount(section, context),
// update(report, context)}: `requires` lists the worker methods it needs (the page shows it only
// when the worker's `initialize` answer has them all), `update` runs when the browser is idle
// after a report (context.request asks the worker, context.seq is the page's version). A
// "simulate" panel (once the evaluator lands) is one more entry, requiring a `simulate` method.
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
    this.summary.textContent = report.failed
      ? 'The checks failed on this text (a bug in iam-lsp).'
      : !report.is_policy
        ? 'Not an IAM policy (no `Statement`, no policy `Version`).'
        : parts.length ? parts.join(', ') : 'No problems found.';
    this.list.replaceChildren(
      ...report.diagnostics.map((d) => {
        const row = document.createElement('li');
        row.className = `problem ${d.severity}`;
        row.dataset.code = d.code;
        const where = document.createElement('button');
        where.className = 'where';
        where.textContent = `${d.range.start.line + 1}:${d.range.start.col + 1}`;
        where.title = 'Show in the editor';
        where.onclick = () => reveal(context, d.range);
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
      }),
    );
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
    const render = (item) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.className = `symbol ${item.kind}`;
      button.textContent = item.detail ? `${item.name} — ${item.detail}` : item.name;
      button.onclick = () => reveal(context, item.selection);
      li.append(button);
      if (item.children.length) {
        const ul = document.createElement('ul');
        ul.append(...item.children.map(render));
        li.append(ul);
      }
      return li;
    };
    this.tree.replaceChildren(...items.map(render));
  },
};

export const panels = [problems, outline];
