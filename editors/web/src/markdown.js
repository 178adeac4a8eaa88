// The little Markdown the analysis writes (paragraphs, `-` lists, **bold**, `code`, links), to
// DOM-safe HTML. Everything is escaped first: hovers quote the policy's own text, and a shared
// link is someone else's text.
const escape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One line: `code`, **bold** and links, the rest escaped. */
export function inline(text) {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part) => {
      if (part.length > 1 && part.startsWith('`') && part.endsWith('`')) return `<code>${escape(part.slice(1, -1))}</code>`;
      return escape(part)
        .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
    })
    .join('');
}

export function markdownToHtml(markdown) {
  const out = [];
  for (const block of markdown.split(/\n{2,}/)) {
    const lines = block.split('\n');
    if (lines.every((l) => l.startsWith('- '))) {
      out.push(`<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`);
    } else {
      out.push(`<p>${lines.map(inline).join('<br>')}</p>`);
    }
  }
  return out.join('');
}
