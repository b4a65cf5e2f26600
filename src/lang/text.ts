/** Text helpers shared by every language-aware part of Frontdesk. Pure functions, no I/O. */

const POLISH_FOLD: Record<string, string> = {
  ą: 'a',
  ć: 'c',
  ę: 'e',
  ł: 'l',
  ń: 'n',
  ó: 'o',
  ś: 's',
  ź: 'z',
  ż: 'z',
  Ą: 'A',
  Ć: 'C',
  Ę: 'E',
  Ł: 'L',
  Ń: 'N',
  Ó: 'O',
  Ś: 'S',
  Ź: 'Z',
  Ż: 'Z',
};

/** Folds diacritics to ASCII letters ("Łódź" → "Lodz", "Zoë" → "Zoe"). Case is kept. */
export function foldDiacritics(text: string): string {
  return text
    .replace(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g, (ch) => POLISH_FOLD[ch] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

let lastMatchInput: string | undefined;
let lastMatchForm = '';

/** Lower case, folded diacritics, single spaces: the form used for matching. */
export function matchForm(text: string): string {
  // Understanding one message asks for its match form many times: the last answer is kept.
  if (text !== lastMatchInput) {
    lastMatchForm = foldDiacritics(text.toLocaleLowerCase('pl')).replace(/\s+/g, ' ').trim();
    lastMatchInput = text;
  }
  return lastMatchForm;
}

/** Splits into word tokens (letters and digits), keeping diacritics. */
export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Removes control characters (except tab and newline) and zero-width characters. */
export function stripInvisible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/g,
    '',
  );
}
