/**
 * Polish cities in their inflected forms ("w Gdańsku", "z Krakowa", "we Wrocławiu") mapped back to the
 * dictionary (nominative) form. Whole words only, diacritic-insensitive ("w gdansku"). Forms that are also
 * ordinary words ("piła" is a saw, "przemyśl" a verb, "ełk" folds to "elk") count only after a place
 * preposition ("w Pile", "z Przemyśla") or when the customer was asked for a city. Pure, no I/O.
 */
import { createPhraseMatcher, type PhraseEntry } from './phrases.js';
import { matchForm } from './text.js';

/**
 * One line per city: the nominative first, then its other case forms (genitive, dative, accusative,
 * instrumental, locative, short colloquial forms). A leading "?" marks a form that needs a place context.
 */
const CITY_TABLE = `
Warszawa|Warszawy|Warszawie|Warszawę|Warszawą|Warszawo|Warsaw
Kraków|Krakowa|Krakowowi|Krakowem|Krakowie|Cracow
Łódź|Łodzi|Łodzią
Wrocław|Wrocławia|Wrocławiowi|Wrocławiem|Wrocławiu
Poznań|Poznania|Poznaniowi|Poznaniem|Poznaniu
Gdańsk|Gdańska|Gdańskowi|Gdańskiem|Gdańsku
Szczecin|Szczecina|Szczecinowi|Szczecinem|Szczecinie
Bydgoszcz|Bydgoszczy|Bydgoszczą
Lublin|Lublina|Lublinowi|Lublinem|Lublinie
Białystok|Białegostoku|Białemustokowi|Białymstokiem|Białymstoku|Białystoku|Białystoka
Katowice|Katowic|Katowicom|Katowicami|Katowicach
Gdynia|Gdyni|Gdynię|Gdynią
Częstochowa|Częstochowy|Częstochowie|Częstochowę|Częstochową
Radom|Radomia|Radomiowi|Radomiem|Radomiu
Rzeszów|Rzeszowa|Rzeszowowi|Rzeszowem|Rzeszowie
Toruń|Torunia|Toruniowi|Toruniem|Toruniu
Sosnowiec|Sosnowca|Sosnowcowi|Sosnowcem|Sosnowcu
Kielce|Kielc|Kielcom|Kielcami|Kielcach
Gliwice|Gliwic|Gliwicom|Gliwicami|Gliwicach
Olsztyn|Olsztyna|Olsztynowi|Olsztynem|Olsztynie
Zabrze|Zabrza|Zabrzu|Zabrzem
Bielsko-Biała|Bielska-Białej|Bielsku-Białej|Bielskiem-Białą|Bielsko|Bielska|Bielsku
Bytom|Bytomia|Bytomiowi|Bytomiem|Bytomiu
Zielona Góra|Zielonej Góry|Zielonej Górze|Zieloną Górę|Zieloną Górą
Rybnik|Rybnika|Rybnikowi|Rybnikiem|Rybniku
Ruda Śląska|Rudy Śląskiej|Rudzie Śląskiej|Rudę Śląską|Rudą Śląską
Opole|Opola|Opolu|Opolem
Tychy|Tychów|Tychom|Tychami|Tychach
Gorzów Wielkopolski|Gorzowa Wielkopolskiego|Gorzowie Wielkopolskim|Gorzowem Wielkopolskim|Gorzów|Gorzowa|Gorzowie
Elbląg|Elbląga|Elblągowi|Elblągiem|Elblągu
Płock|Płocka|Płockowi|Płockiem|Płocku
Dąbrowa Górnicza|Dąbrowy Górniczej|Dąbrowie Górniczej|Dąbrowę Górniczą|Dąbrową Górniczą
Wałbrzych|Wałbrzycha|Wałbrzychowi|Wałbrzychem|Wałbrzychu
Włocławek|Włocławka|Włocławkowi|Włocławkiem|Włocławku
Tarnów|Tarnowa|Tarnowowi|Tarnowem|Tarnowie
Chorzów|Chorzowa|Chorzowowi|Chorzowem|Chorzowie
Koszalin|Koszalina|Koszalinowi|Koszalinem|Koszalinie
Kalisz|Kalisza|Kaliszowi|Kaliszem|Kaliszu
Legnica|Legnicy|Legnicę|Legnicą
Grudziądz|Grudziądza|Grudziądzowi|Grudziądzem|Grudziądzu
Jaworzno|Jaworzna|Jaworznu|Jaworznem|Jaworznie
Słupsk|Słupska|Słupskowi|Słupskiem|Słupsku
Jastrzębie-Zdrój|Jastrzębia-Zdroju|Jastrzębiu-Zdroju|Jastrzębiem-Zdrojem|Jastrzębie|Jastrzębia|Jastrzębiu
Nowy Sącz|Nowego Sącza|Nowemu Sączowi|Nowym Sączem|Nowym Sączu
Jelenia Góra|Jeleniej Góry|Jeleniej Górze|Jelenią Górę|Jelenią Górą
Siedlce|Siedlec|Siedlcom|Siedlcami|Siedlcach
Mysłowice|Mysłowic|Mysłowicom|Mysłowicami|Mysłowicach
Konin|Konina|Koninowi|Koninem|Koninie
?Piła|?Piły|?Pile|?Piłę|?Piłą
Piotrków Trybunalski|Piotrkowa Trybunalskiego|Piotrkowie Trybunalskim|Piotrkowem Trybunalskim|Piotrków|Piotrkowa|Piotrkowie
Inowrocław|Inowrocławia|Inowrocławiem|Inowrocławiu
Lubin|Lubina|Lubinowi|Lubinem|Lubinie
Ostrów Wielkopolski|Ostrowa Wielkopolskiego|Ostrowie Wielkopolskim|Ostrowem Wielkopolskim
Suwałki|Suwałk|Suwałkom|Suwałkami|Suwałkach
Stargard|Stargardu|Stargardowi|Stargardem|Stargardzie
Gniezno|Gniezna|Gnieznu|Gnieznem|Gnieźnie
Ostrowiec Świętokrzyski|Ostrowca Świętokrzyskiego|Ostrowcu Świętokrzyskim|Ostrowcem Świętokrzyskim|Ostrowiec|Ostrowca|Ostrowcu
Siemianowice Śląskie|Siemianowic Śląskich|Siemianowicach Śląskich|Siemianowice|Siemianowic|Siemianowicach
Głogów|Głogowa|Głogowowi|Głogowem|Głogowie
Pabianice|Pabianic|Pabianicom|Pabianicami|Pabianicach
Leszno|Leszna|Lesznu|Lesznem|Lesznie
Żory|Żor|Żorom|Żorami|Żorach
Zamość|Zamościa|Zamościowi|Zamościem|Zamościu
Pruszków|Pruszkowa|Pruszkowowi|Pruszkowem|Pruszkowie
Łomża|Łomży|Łomżę|Łomżą
?Ełk|Ełku|Ełkiem
Tomaszów Mazowiecki|Tomaszowa Mazowieckiego|Tomaszowie Mazowieckim|Tomaszów|Tomaszowa|Tomaszowie
Chełm|Chełma|Chełmowi|Chełmem|Chełmie
Mielec|Mielca|Mielcowi|Mielcem|Mielcu
Kędzierzyn-Koźle|Kędzierzyna-Koźla|Kędzierzynie-Koźlu|Kędzierzyn|Kędzierzyna|Kędzierzynie
?Przemyśl|Przemyśla|Przemyślowi|Przemyślem|Przemyślu
Stalowa Wola|Stalowej Woli|Stalową Wolę|Stalową Wolą
Tczew|Tczewa|Tczewowi|Tczewem|Tczewie
Biała Podlaska|Białej Podlaskiej|Białą Podlaską
Bełchatów|Bełchatowa|Bełchatowowi|Bełchatowem|Bełchatowie
Świdnica|Świdnicy|Świdnicę|Świdnicą
Będzin|Będzina|Będzinowi|Będzinem|Będzinie
Zgierz|Zgierza|Zgierzowi|Zgierzem|Zgierzu
Racibórz|Raciborza|Raciborzowi|Raciborzem|Raciborzu
Legionowo|Legionowa|Legionowu|Legionowem|Legionowie
Ostrołęka|Ostrołęki|Ostrołęce|Ostrołękę|Ostrołęką
Wejherowo|Wejherowa|Wejherowu|Wejherowem|Wejherowie
Piaseczno|Piaseczna|Piasecznu|Piasecznem|Piasecznie
Otwock|Otwocka|Otwockowi|Otwockiem|Otwocku
Sopot|Sopotu|Sopotowi|Sopotem|Sopocie
Zakopane|Zakopanego|Zakopanemu|Zakopanem
`;

interface CityValue {
  city: string;
  ambiguous: boolean;
}

export interface CityInfo {
  /** Dictionary form, with diacritics ("Gdańsk"). */
  name: string;
  /** Every known form, the nominative first. */
  forms: string[];
}

export const CITIES: readonly CityInfo[] = CITY_TABLE.trim()
  .split('\n')
  .map((line) => {
    const forms = line.split('|').map((form) => form.replace(/^\?/, ''));
    return { name: forms[0] ?? line, forms };
  });

const entries: PhraseEntry<CityValue>[] = [];
for (const line of CITY_TABLE.trim().split('\n')) {
  const forms = line.split('|');
  const city = (forms[0] ?? '').replace(/^\?/, '');
  for (const form of forms) {
    const ambiguous = form.startsWith('?');
    entries.push({ value: { city, ambiguous }, phrases: [form.replace(/^\?/, '')] });
  }
}
const matcher = createPhraseMatcher(entries);

/** Words after which a city name really is a place ("w", "z", "do", "koło", "near", "from"...). */
const PLACE_CONTEXT = new Set(
  matchForm(
    `w we z ze do pod koło kolo niedaleko okolice okolic okolicach okolicy miasto miasta mieście miescie
    gmina powiat in from near around to city town`,
  ).split(/\s+/),
);

export interface ExtractCityOptions {
  /** The customer was just asked for their city: a bare ambiguous form ("Piła") counts. */
  expectCity?: boolean;
}

export interface ExtractedCity {
  /** Dictionary form ("Gdańsk"). */
  city: string;
  /** The matched words in match form ("w gdansku" → "gdansku"). */
  matched: string;
}

/** Finds the first Polish city mentioned in a text, returning its dictionary form. */
export function extractCity(text: string, options: ExtractCityOptions = {}): ExtractedCity | null {
  const { tokens, matches } = matcher.scan(text);
  for (const match of matches) {
    const previous = match.tokenStart > 0 ? tokens[match.tokenStart - 1] : undefined;
    const inContext = previous !== undefined && PLACE_CONTEXT.has(previous);
    const alone = tokens.length === match.tokenEnd - match.tokenStart;
    if (match.value.ambiguous && !inContext && !(options.expectCity && alone)) continue;
    return { city: match.value.city, matched: tokens.slice(match.tokenStart, match.tokenEnd).join(' ') };
  }
  return null;
}

/** The dictionary form of a city name given in any known form, or undefined. */
export function normalizeCity(name: string): string | undefined {
  return extractCity(name, { expectCity: true })?.city;
}
