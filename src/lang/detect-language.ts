/**
 * Polish or English? Scores Polish diacritics and common words of each language. When the evidence is
 * thin ("ok", "50", an e-mail address, a name) the previous language is kept. Pure, no I/O.
 */
import type { Locale } from './locale.js';
import { matchForm } from './text.js';

/** Common Polish words in match form (no diacritics); words shared with English ("to", "do", "my") are left out. */
const POLISH_WORDS = new Set(
  `jest sa nie tak czy ile jak co mam mamy ma na w we z ze dla od przez sie jestem chce chcialbym chcialabym
  prosze dziekuje dzieki dzien dobry witam czesc hej siema mieszkanie mieszkania dom domu remont remontu
  wykonczenie wykonczenia cena ceny cennik koszt kosztuje kosztow pakiet pakiety pakietu metrow metry
  metrach kwadratowych ile jaki jaka jakie ktory ktora ktore kiedy gdzie dlaczego moze mozna bardzo
  dobrze zgadzam zgoda pan pani panie panstwo moj moja moje mnie mi nam was wam termin terminy ile
  trwa gwarancja raty kredyt umowic spotkanie konsultacje konsultacja rozmowa czlowiekiem konsultantem
  imie nazywam tez juz jeszcze ale albo lub oraz tylko teraz potem bez przy po za pod nad miedzy
  wycena wycene wyceny potrzebuje szukam interesuje zainteresowany zainteresowana dane danych usun
  wszystko wiecej mniej roboty prace pracy ekipa ekipy firma firmy lazienka lazienki kuchnia kuchni`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** Common English words; words shared with Polish are left out. */
const ENGLISH_WORDS = new Set(
  `the is are was were what how much many does did can could would should will i'm im you your we our
  they it's its this that these those there here hello hi hey good morning afternoon evening thanks thank
  please want need like price prices cost costs quote flat apartment house renovation finishing package
  packages square meters metres about with for from and or but not yes sure agree which when where why
  who long take takes warranty guarantee financing installments book booking appointment meeting
  consultation talk human person someone name my me am be been have has had of in at by an any some
  delete data include includes included difference between compare bye goodbye interested help`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

const DIACRITIC = /[ąćęłńóśźż]/u;

export interface LanguageGuess {
  locale: Locale;
  /** False when the text gave too little evidence and `fallback` was returned. */
  confident: boolean;
  scores: Record<Locale, number>;
}

/**
 * Detects the language of a message. `fallback` is the conversation's current language: it is kept
 * unless the message clearly reads as the other one.
 */
export function detectLanguage(text: string, fallback: Locale): LanguageGuess {
  const scores: Record<Locale, number> = { pl: 0, en: 0 };
  const tokens = text.match(/[\p{L}'’]+/gu) ?? [];
  for (const token of tokens) {
    if (token.includes('@')) continue;
    // Capitalised words with diacritics are usually names ("Michał here"), not evidence of Polish.
    const capitalised = /^\p{Lu}/u.test(token);
    if (!capitalised && DIACRITIC.test(token)) scores.pl += 2;
    const form = matchForm(token).replace(/’/g, "'");
    if (POLISH_WORDS.has(form)) scores.pl += 1;
    if (ENGLISH_WORDS.has(form)) scores.en += 1;
  }
  const diff = scores.pl - scores.en;
  if (diff >= 1 && scores.pl >= 1) return { locale: 'pl', confident: true, scores };
  if (diff <= -1 && scores.en >= 1) return { locale: 'en', confident: true, scores };
  return { locale: fallback, confident: false, scores };
}
