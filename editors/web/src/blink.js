// The drawn cursor's blink, from a timer instead of CodeMirror's CSS animation.
//
// drawSelection() blinks its cursor layer with an infinite CSS animation (`steps(1) cm-blink
// 1.2s infinite`, on opacity). An animation that never ends keeps Chromium's compositor asking
// for a frame at every vsync, so a keystroke's frame waits for the next vsync (half a frame on
// average, a whole one when the key's work crosses a vsync); with nothing animating, Chromium
// draws the frame a key asks for as soon as the key's work is done (docs/performance.md, "the
// cursor's blink", issue 19). Here the layer blinks as it did (visible 600 ms, hidden 600 ms,
// visible again at once after any edit, selection change or focus), by a class set and unset
// every 600 ms: one small frame per toggle and none in between.
import { EditorView, ViewPlugin, drawSelection } from '@codemirror/view';

const HALF_MS = 600; // drawSelection's default cursorBlinkRate (1200 ms) halved

const blink = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.view = view;
      this.timer = null;
      this.restart();
    }

    update(update) {
      if (update.selectionSet || update.docChanged || update.focusChanged) this.restart();
    }

    // The cursor shown now, and hidden and shown in turn from HALF_MS on, while focused.
    restart() {
      clearInterval(this.timer);
      this.timer = null;
      this.show(true);
      if (!this.view.hasFocus) return;
      let on = true;
      this.timer = setInterval(() => this.show((on = !on)), HALF_MS);
    }

    show(on) {
      const layer = this.view.scrollDOM.querySelector(':scope > .cm-cursorLayer');
      if (layer && layer.classList.contains('cm-iam-cursor-off') === on) layer.classList.toggle('cm-iam-cursor-off', !on);
    }

    destroy() {
      clearInterval(this.timer);
    }
  },
);

const theme = EditorView.baseTheme({
  '.cm-cursorLayer.cm-iam-cursor-off': { opacity: 0 },
});

/** drawSelection() with its cursor blinking by a timer (no CSS animation). */
export function drawSelectionBlinking() {
  return [drawSelection({ cursorBlinkRate: 0 }), blink, theme];
}
