const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url.slice(-1);
    if ('.,;:!?\'"]}'.includes(last) && url.length > 0) url = url.slice(0, -1);
    else if (last === ')' && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
    else return url;
  }
}

function safeHref(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Plain text to DOM: text stays text (never parsed as HTML), http(s) URLs become links that open in a
 * new tab without access to this page. Newlines are kept by the `white-space: pre-wrap` style.
 */
export function richText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const url = trimUrl(match[0]);
    const href = safeHref(url);
    if (!href || start < position) continue;
    if (start > position) fragment.append(text.slice(position, start));
    const link = document.createElement('a');
    link.href = href;
    link.textContent = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    fragment.append(link);
    position = start + url.length;
  }
  if (position < text.length) fragment.append(text.slice(position));
  return fragment;
}
