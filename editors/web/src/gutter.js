// The lint gutter: a marker on each line with diagnostics, and the line's diagnostics (with their
// fixes) in a tooltip when the marker is hovered, as @codemirror/lint's lintGutter() shows them.
//
// Why not lintGutter() itself: it makes new markers for every set of diagnostics, and its
// markers never compare equal (each carries its diagnostics, for its tooltip), so every report
// made CodeMirror rebuild the DOM of every marked gutter line: on each keystroke, in its frame
// (a style recalc, a layout and a repaint of the gutter). Here a marker is its severity alone,
// one object per severity, equal from one report to the next; the tooltip finds the line's
// diagnostics when it opens.
import { forEachDiagnostic, setDiagnosticsEffect } from '@codemirror/lint';
import { RangeSet, StateEffect, StateField } from '@codemirror/state';
import { EditorView, GutterMarker, gutter, showTooltip } from '@codemirror/view';

const HOVER_MS = 300; // lintGutter's default hover time
const weight = { hint: 0, info: 1, warning: 2, error: 3 };

class SeverityMarker extends GutterMarker {
  constructor(severity) {
    super();
    this.severity = severity;
  }
  eq(other) {
    return other.severity === this.severity;
  }
  toDOM(view) {
    const dom = document.createElement('div');
    dom.className = `cm-lint-marker cm-lint-marker-${this.severity}`;
    dom.onmouseenter = () => hoverMarker(view, dom);
    return dom;
  }
}
const markerOf = Object.fromEntries(Object.keys(weight).map((s) => [s, new SeverityMarker(s)]));

// Each line's marker, made from the diagnostics when they are set, mapped through edits between.
const markers = StateField.define({
  create: () => RangeSet.empty,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setDiagnosticsEffect)) continue;
      const byLine = new Map();
      for (const d of effect.value) {
        const line = tr.state.doc.lineAt(Math.min(d.from, tr.state.doc.length)).from;
        const shown = byLine.get(line);
        if (!shown || weight[d.severity] > weight[shown]) byLine.set(line, d.severity);
      }
      value = RangeSet.of([...byLine].map(([line, severity]) => markerOf[severity].range(line)), true);
    }
    return value;
  },
});

// The tooltip of a hovered marker: the diagnostics of its line, read from the editor's state.
const setTooltip = StateEffect.define();
const tooltip = StateField.define({
  create: () => null,
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(setTooltip) ? e.value : v), tr.docChanged ? null : value),
  provide: (field) => showTooltip.from(field),
});

function lineDiagnostics(state, line) {
  const found = [];
  forEachDiagnostic(state, (d, from, to) => {
    if (from >= line.from && from <= line.to) found.push({ d, from, to });
  });
  return found;
}

function render(view, found) {
  const list = document.createElement('ul');
  list.className = 'cm-tooltip-lint';
  for (const { d, from, to } of found) {
    const item = document.createElement('li');
    item.className = `cm-diagnostic cm-diagnostic-${d.severity}`;
    const text = document.createElement('span');
    text.className = 'cm-diagnosticText';
    text.textContent = d.message;
    item.append(text);
    for (const action of d.actions ?? []) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'cm-diagnosticAction';
      button.textContent = action.name;
      button.onmousedown = (e) => {
        e.preventDefault();
        view.dispatch({ effects: setTooltip.of(null) });
        action.apply(view, from, to);
      };
      item.append(button);
    }
    if (d.source) {
      const source = document.createElement('div');
      source.className = 'cm-diagnosticSource';
      source.textContent = d.source;
      item.append(source);
    }
    list.append(item);
  }
  return list;
}

// As lintGutter: shown after the pointer rests on the marker, hidden once it leaves the marker
// (with a margin) for anything but the tooltip.
function hoverMarker(view, marker) {
  const timer = setTimeout(() => {
    marker.onmouseleave = null;
    const line = view.lineBlockAtHeight(marker.getBoundingClientRect().top + 5 - view.documentTop);
    const found = lineDiagnostics(view.state, view.state.doc.lineAt(line.from));
    if (!found.length) return;
    view.dispatch({
      effects: setTooltip.of({
        pos: line.from,
        above: false,
        clip: false,
        create: () => ({ dom: render(view, found), getCoords: () => marker.getBoundingClientRect() }),
      }),
    });
    const away = (event) => {
      const r = marker.getBoundingClientRect();
      if (event.clientX > r.left - 10 && event.clientX < r.right + 10 && event.clientY > r.top - 10 && event.clientY < r.bottom + 10) return;
      if (event.target.closest?.('.cm-tooltip-lint')) return;
      window.removeEventListener('mousemove', away);
      if (view.state.field(tooltip)) view.dispatch({ effects: setTooltip.of(null) });
    };
    window.addEventListener('mousemove', away);
  }, HOVER_MS);
  marker.onmouseleave = () => {
    clearTimeout(timer);
    marker.onmouseleave = null;
  };
}

// lintGutter's look (its theme's rules for the gutter and the markers).
const svg = (content) => `url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">${encodeURIComponent(content)}</svg>')`;
const theme = EditorView.baseTheme({
  '.cm-gutter-lint': { width: '1.4em', '& .cm-gutterElement': { padding: '.2em' } },
  '.cm-lint-marker': { width: '1em', height: '1em' },
  '.cm-lint-marker-info': { content: svg('<path fill="#aaf" stroke="#77e" stroke-width="6" stroke-linejoin="round" d="M5 5L35 5L35 35L5 35Z"/>') },
  '.cm-lint-marker-warning': { content: svg('<path fill="#fe8" stroke="#fd7" stroke-width="6" stroke-linejoin="round" d="M20 6L37 35L3 35Z"/>') },
  '.cm-lint-marker-error': { content: svg('<circle cx="20" cy="20" r="15" fill="#f87" stroke="#f43" stroke-width="6"/>') },
});

/** The gutter, its markers' field, its tooltip and its theme. */
export function diagnosticGutter() {
  return [markers, tooltip, gutter({ class: 'cm-gutter-lint', markers: (view) => view.state.field(markers) }), theme];
}
