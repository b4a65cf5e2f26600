/**
 * First names: a dictionary of common Polish and English first names with grammatical gender, and the
 * extraction of a customer's first name from a message ("mam na imię Michał", "my name is Zoë").
 * Diacritics are always kept in the returned name. Pure functions, no I/O.
 */
import { foldDiacritics, matchForm } from './text.js';

export type Gender = 'male' | 'female';
export type NameOrigin = 'pl' | 'en';

export interface FirstNameInfo {
  /** The dictionary spelling, with diacritics ("Michał"). */
  name: string;
  gender: Gender;
  origin: NameOrigin;
}

const POLISH_MALE = `Adam Adaś Adrian Albert Albin Aleksander Alan Alfred Andrzej Antek Antoni Arkadiusz Artur August
Bartek Bartłomiej Bartosz Benedykt Bernard Błażej Bogdan Bogumił Bogusław Bolesław Borys Bronisław Cezary
Cyprian Czesław Damian Daniel Darek Dariusz Dawid Dobromir Dominik Edmund Edward Emil Ernest Eryk Eugeniusz
Fabian Feliks Filip Florian Franciszek Franek Fryderyk Gabriel Gerard Grzegorz Grzesiek Gustaw Heniek Henryk
Hubert Hugo Ignacy Igor Ireneusz Iwo Jacek Jakub Jan Janek Janusz Jarek Jarosław Jaś Jędrzej Jerzy Joachim
Józef Józek Julian Juliusz Kacper Kajetan Kamil Karol Kazik Kazimierz Konrad Konstanty Kornel Krystian
Krzysiek Krzysztof Ksawery Kuba Lech Leon Leonard Leszek Lucjan Ludwik Łukasz Maciej Maciek Maks Maksym
Maksymilian Marcel Marcin Marek Marian Mariusz Mateusz Maurycy Michał Mieczysław Mikołaj Milan Mirek
Mirosław Natan Nataniel Nikodem Norbert Olaf Oliwer Oliwier Oskar Patryk Paweł Piotr Piotrek Przemek
Przemysław Radek Radosław Rafał Remigiusz Robert Roch Roman Rysiek Ryszard Sebastian Sergiusz Sławek
Sławomir Staś Stanisław Staszek Stefan Sylwester Szczepan Szymon Tadek Tadeusz Teodor Tobiasz Tomasz Tomek
Tymon Tymoteusz Wacław Waldemar Walenty Wiesław Wiktor Wit Witold Władysław Włodzimierz Wojciech Wojtek
Zbigniew Zbyszek Zdzisiek Zdzisław Zenon Zygmunt`;

const POLISH_FEMALE = `Ada Adrianna Agata Agnieszka Ala Aleksandra Alicja Alina Amelia Aneta Angelika Ania Anna Antonina
Asia Aurelia Barbara Basia Beata Bianka Blanka Bogna Bogumiła Bogusława Bożena Bronisława Cecylia Dagmara
Danuta Daria Dobrawa Dominika Dorota Edyta Ela Eliza Elżbieta Emilia Ewa Ewelina Felicja Gabriela Gabrysia
Gosia Grażyna Halina Hania Hanna Hela Helena Honorata Ida Iga Ilona Irena Iwona Iza Izabela Jadwiga Jadzia
Jagoda Jaśmina Joanna Jolanta Julia Justyna Kaja Kamila Karolina Kasia Katarzyna Kinga Klara Klaudia
Krysia Krystyna Ksenia Laura Lena Lidia Liliana Lucyna Ludmiła Łucja Madzia Magda Magdalena Maja
Małgorzata Maria Marianna Mariola Marlena Marta Martyna Marysia Marzena Matylda Michalina Milena Mirosława
Monika Natalia Nel Nikola Nina Ola Olga Oliwia Patrycja Paulina Pola Regina Renata Roksana Róża Sabina
Sandra Sonia Stanisława Sylwia Teresa Tosia Ula Urszula Wanda Weronika Wiesława Wiktoria Wioletta Zofia
Zosia Zuza Zuzanna Zuzia Żaneta`;

const ENGLISH_MALE = `Aaron Adam Alan Albert Alex Alexander Andrew Anthony Arthur Austin Ben Benjamin Bob Bobby Brandon
Brian Bruce Bryan Carl Charles Charlie Chris Christian Christopher Dan Daniel Dave David Dennis Donald
Douglas Dylan Edward Elijah Eric Ethan Eugene Finn Frank Freddie Gabriel Gary George Gerald Gregory Harold
Harry Henry Hugo Isaac Jack Jacob Jake James Jason Jeffrey Jeremy Jerry Jim Joe John Jonathan Jordan Joseph
Joshua Justin Keith Kenneth Kevin Kyle Larry Lawrence Leo Liam Logan Lucas Luke Mark Mason Matthew Max
Michael Mike Nathan Nicholas Nick Noah Oliver Oscar Owen Patrick Paul Peter Philip Ralph Raymond Richard
Robert Roger Ronald Roy Russell Ryan Sam Samuel Scott Sean Stephen Steve Steven Terry Theo Thomas Tim
Timothy Tom Tyler Vincent Walter Wayne William Zachary`;

const ENGLISH_FEMALE = `Abigail Alexis Alice Amanda Amber Amelia Amy Andrea Angela Ann Anna Ashley Ava Barbara Betty
Brenda Brittany Carmen Carol Carolyn Catherine Charlotte Cheryl Chloe Chloé Christina Christine Cynthia
Danielle Deborah Denise Diana Diane Donna Doris Elizabeth Ella Ellie Emily Emma Evelyn Frances Freya Gloria
Grace Hannah Heather Helen Isabella Isla Ivy Jacqueline Jane Janet Janice Jean Jennifer Jenny Jessica Joan
Joyce Judith Judy Julia Julie Karen Kate Katherine Kathleen Kathryn Kayla Kelly Kimberly Laura Lauren Lily
Linda Lisa Lori Lucy Madison Margaret Maria Marilyn Martha Mary Megan Melissa Mia Michelle Nancy Natalie
Nicole Olivia Pamela Patricia Rachel Rebecca Ruby Ruth Samantha Sandra Sara Sarah Sharon Shirley Sophia
Sophie Stephanie Susan Teresa Theresa Victoria Virginia Zoe Zoë`;

function parseList(list: string): string[] {
  return list.split(/\s+/).filter((name) => name.length > 0);
}

/** Dictionary keyed by lower-case spelling (with diacritics) and by folded spelling. */
const EXACT = new Map<string, FirstNameInfo>();
const FOLDED = new Map<string, FirstNameInfo[]>();

function register(list: string, gender: Gender, origin: NameOrigin): void {
  for (const name of parseList(list)) {
    const key = name.toLocaleLowerCase('pl');
    if (EXACT.has(key)) continue; // Polish entries are registered first and win.
    const info: FirstNameInfo = { name, gender, origin };
    EXACT.set(key, info);
    const folded = foldDiacritics(key);
    const bucket = FOLDED.get(folded) ?? [];
    bucket.push(info);
    FOLDED.set(folded, bucket);
  }
}

register(POLISH_MALE, 'male', 'pl');
register(POLISH_FEMALE, 'female', 'pl');
register(ENGLISH_MALE, 'male', 'en');
register(ENGLISH_FEMALE, 'female', 'en');

/** Number of distinct names in the dictionary. */
export const FIRST_NAME_COUNT = EXACT.size;

/**
 * Looks a first name up. An exact spelling wins ("Zoe" stays "Zoe"); a spelling typed without
 * diacritics finds its dictionary form when that is unambiguous ("michal" → "Michał").
 */
export function lookupFirstName(raw: string): FirstNameInfo | undefined {
  const key = raw.trim().toLocaleLowerCase('pl');
  if (key.length === 0) return undefined;
  const exact = EXACT.get(key);
  if (exact) return exact;
  const folded = FOLDED.get(foldDiacritics(key));
  if (folded && folded.length === 1) return folded[0];
  return undefined;
}

/** Guesses the gender of a name that is not in the dictionary (Polish: -a is feminine). */
export function guessGender(name: string): Gender | null {
  const info = lookupFirstName(name);
  if (info) return info.gender;
  return /a$/iu.test(name.trim()) ? 'female' : null;
}

/** "łukasz" → "Łukasz", "ANNA-MARIA" → "Anna-Maria". */
export function capitalizeName(name: string): string {
  return name
    .toLocaleLowerCase('pl')
    .replace(/(^|[-\s'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toLocaleUpperCase('pl'));
}

export interface ExtractedName {
  firstName: string;
  gender: Gender | null;
  /** True when the name is in the dictionary. */
  known: boolean;
}

export interface ExtractNameOptions {
  /** The customer was just asked for their name: a bare "Michał" or "Anna Kowalska" counts. */
  expectName?: boolean;
}

const NAME = String.raw`(\p{L}+(?:-\p{L}+)?)`;

/** Cues so explicit that an unknown word after them is still taken as a name. */
const STRONG_CUES: RegExp[] = [
  new RegExp(String.raw`(?:^|[^\p{L}])mam\s+na\s+imi[eę]\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])na\s+imi[eę]\s+(?:mi|mam)\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])nazywam\s+si[eę]\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])moje\s+imi[eę]\s+(?:to\s+)?${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])imi[eę]\s*:\s*${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])my\s+name\s+is\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])(?:my\s+)?name'?s\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])call\s+me\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])m[oó]w\s+(?:do\s+mnie\s+)?${NAME}`, 'iu'),
];

/** Cues that also precede ordinary words ("jestem zainteresowany"): the name must be in the dictionary. */
const WEAK_CUES: RegExp[] = [
  new RegExp(String.raw`(?:^|[^\p{L}])jestem\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])tu\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])z\s+tej\s+strony\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])pozdrawiam,?\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])i\s*['’]?\s*a?m\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])this\s+is\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])(?:regards|cheers|thanks),?\s+${NAME}`, 'iu'),
  new RegExp(String.raw`(?:^|[^\p{L}])${NAME}\s+(?:here|speaking|z\s+tej\s+strony)(?:$|[^\p{L}])`, 'iu'),
];

/** Words that are never a first name, even after a strong cue or as a bare answer. */
const NOT_NAMES = new Set(
  matchForm(
    `pan pani panie panu panem panstwo tak nie ok okay dobrze yes no sure hello hi hej czesc witam dzien dobry
    jestem nazywam mam moje the a an not interested zainteresowany zainteresowana ciekawy z ze w we do
    klient klientka client customer wlasciciel owner nowak kowalski kowalska jasne pewnie super okej spoko
    dzieki dziekuje prosze halo sorry przepraszam anonim anonymous wolalbym wolalabym thanks hmm`,
  ).split(' '),
);

function fromCandidate(raw: string, requireKnown: boolean): ExtractedName | null {
  const candidate = raw.trim();
  if (candidate.length < 2 || candidate.length > 30) return null;
  if (NOT_NAMES.has(matchForm(candidate))) return null;
  const info = lookupFirstName(candidate);
  if (info) return { firstName: info.name, gender: info.gender, known: true };
  // A double-barrelled name whose first part is known ("Anna-Maria").
  const firstPart = candidate.split('-')[0] ?? candidate;
  const partInfo = firstPart !== candidate ? lookupFirstName(firstPart) : undefined;
  if (partInfo) return { firstName: capitalizeName(candidate), gender: partInfo.gender, known: true };
  if (requireKnown) return null;
  const firstName = capitalizeName(candidate);
  return { firstName, gender: guessGender(firstName), known: false };
}

/**
 * Finds the customer's first name in a message. Returns null when no name is given; ordinary words after
 * "jestem" / "I'm" are not names ("jestem zainteresowany", "I'm interested").
 */
export function extractFirstName(text: string, options: ExtractNameOptions = {}): ExtractedName | null {
  for (const cue of STRONG_CUES) {
    const m = cue.exec(text);
    if (!m?.[1]) continue;
    const found = fromCandidate(m[1], false);
    if (found) {
      // "nazywam się Nowak Jan": prefer a following dictionary name over an unknown first word.
      if (!found.known) {
        const after = text.slice((m.index ?? 0) + m[0].length).match(/^\s+(\p{L}+)/u);
        const next = after?.[1] ? fromCandidate(after[1], true) : null;
        if (next) return next;
      }
      return found;
    }
  }
  for (const cue of WEAK_CUES) {
    const m = cue.exec(text);
    if (!m?.[1]) continue;
    const found = fromCandidate(m[1], true);
    if (found) return found;
  }
  if (options.expectName) {
    const tokens = text
      .trim()
      .replace(/[.!,;:]+$/u, '')
      .split(/\s+/u)
      .filter((t) => t.length > 0);
    if (tokens.length >= 1 && tokens.length <= 3 && tokens.every((t) => /^[\p{L}-]+$/u.test(t))) {
      for (const token of tokens) {
        const known = fromCandidate(token, true);
        if (known) return known;
      }
      // An unknown single word counts only when written as a name ("Oksana", not "jasne").
      const only = tokens.length === 1 ? tokens[0] : undefined;
      if (only && /^\p{Lu}\p{Ll}/u.test(only)) return fromCandidate(only, false);
    }
  }
  return null;
}
