/**
 * The Polish vocative (wołacz) of first names, and the polite form of address built on it
 * ("Panie Michale", "Pani Anno"). Rules cover regular names; a table holds the exceptions.
 * Pure functions, no I/O.
 */
import type { Locale } from './locale.js';
import { capitalizeName, lookupFirstName, type Gender } from './names.js';

/** Names whose vocative the rules get wrong (lower case, with diacritics). */
const EXCEPTIONS: Record<string, string> = {
  kacper: 'kacprze',
  aleksander: 'aleksandrze',
  sylwester: 'sylwestrze',
  paweł: 'pawle',
  gaweł: 'gawle',
  maciek: 'maćku',
  krzysiek: 'krzyśku',
  grzesiek: 'grześku',
  rysiek: 'ryśku',
  heniek: 'heńku',
  zdzisiek: 'zdziśku',
  ksenia: 'ksenio',
  antonia: 'antonio',
  nel: 'nel',
};

function softenBeforeKu(stem: string): string {
  // "maci" + "ku" → "maćku": a soft consonant written with -i- becomes the accented letter.
  return stem.replace(/(si|ci|zi|ni|dzi)$/u, (soft) => {
    switch (soft) {
      case 'si':
        return 'ś';
      case 'ci':
        return 'ć';
      case 'zi':
        return 'ź';
      case 'dzi':
        return 'dź';
      default:
        return 'ń';
    }
  });
}

function maleVocative(n: string): string {
  if (/iek$/u.test(n)) return softenBeforeKu(n.slice(0, -3) + 'i') + 'ku';
  if (/ek$/u.test(n)) return n.slice(0, -2) + 'ku';
  if (/io$/u.test(n)) return n.slice(0, -1) + 'u';
  if (/[eiouyóë]$/u.test(n)) return n;
  if (/a$/u.test(n)) return n.slice(0, -1) + 'o';
  if (/eł$/u.test(n)) return n.slice(0, -2) + 'le';
  if (/ł$/u.test(n)) return n.slice(0, -1) + 'le';
  if (/st$/u.test(n)) return n.slice(0, -2) + 'ście';
  if (/t$/u.test(n)) return n.slice(0, -1) + 'cie';
  if (/d$/u.test(n)) return n + 'zie';
  if (/r$/u.test(n) && !/rz$/u.test(n)) return n + 'ze';
  if (/ś$/u.test(n)) return n.slice(0, -1) + 'siu';
  if (/x$/u.test(n)) return n.slice(0, -1) + 'ksie';
  if (/(sz|cz|rz|ż|ch|[kgjlhc])$/u.test(n)) return n + 'u';
  if (/[nmbpfwsz]$/u.test(n)) return n + 'ie';
  return n;
}

function femaleVocative(n: string): string {
  if (/(si|zi|ci|dzi)a$/u.test(n)) return n.slice(0, -1) + 'u';
  if (/nia$/u.test(n)) return n.length <= 5 ? n.slice(0, -1) + 'u' : n.slice(0, -1) + 'o';
  if (/la$/u.test(n) && n.length <= 4) return n.slice(0, -1) + 'u';
  if (/a$/u.test(n)) return n.slice(0, -1) + 'o';
  return n;
}

/**
 * The Polish vocative of a first name: Michał → Michale, Łukasz → Łukaszu, Anna → Anno, Kasia → Kasiu.
 * Names that do not decline (Zoë, Nel, Antoni) come back unchanged. Capitalisation is normalised.
 */
export function polishVocative(firstName: string, gender: Gender): string {
  const lower = firstName.trim().toLocaleLowerCase('pl');
  if (lower.length === 0) return '';
  const parts = lower.split('-');
  // Double-barrelled names decline in both parts ("Anna-Maria" → "Anno-Mario").
  const declined = parts.map(
    (part) => EXCEPTIONS[part] ?? (gender === 'male' ? maleVocative(part) : femaleVocative(part)),
  );
  return capitalizeName(declined.join('-'));
}

/**
 * How to address the customer by name inside a reply: Polish "Panie Michale" / "Pani Anno"; English the
 * first name itself. Returns null in Polish when the gender is unknown (no safe honorific).
 * Names that are not Polish keep their nominative after the honorific ("Pani Emily").
 */
export function addressForm(firstName: string, gender: Gender | null, locale: Locale): string | null {
  const name = firstName.trim();
  if (name.length === 0) return null;
  if (locale === 'en') return name;
  if (!gender) return null;
  const honorific = gender === 'male' ? 'Panie' : 'Pani';
  const info = lookupFirstName(name.split('-')[0] ?? name);
  const polish = !info || info.origin === 'pl';
  return `${honorific} ${polish ? polishVocative(name, gender) : name}`;
}
