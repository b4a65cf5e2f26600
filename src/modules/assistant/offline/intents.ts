/**
 * Intent recognition by weighted keyword patterns over the match form of a message (lower case, no
 * diacritics), so "ile kosztuje wykonczenie" reads like "ile kosztuje wykończenie". Patterns are compiled
 * once. The entities found in the message and the pending question refine the result.
 */
import { matchForm } from '../../../lang/text.js';
import type { Locale } from '../../knowledge/types.js';
import type { Entities, Intent, PendingQuestion } from './types.js';

type Pattern = readonly [RegExp, number];

/** Topical intents, in tie-break priority order. */
const TOPICAL: ReadonlyArray<readonly [Intent, readonly Pattern[]]> = [
  [
    'abuse',
    [
      [
        /\b(?:kurw\w*|chuj\w*|huj\w*|pierdol\w*|spierdal\w*|wypierdal\w*|odpierdol\w*|jeb\w*|zjeb\w*|pojeb\w*|pizd\w*|skurw\w*|fuck\w*|shit\w*|bitch\w*|asshole\w*|bastard\w*|cunt\w*|motherfuck\w*|wtf)\b/,
        2,
      ],
      [
        /\b(?:debil\w*|kretyn\w*|idiot\w*|moron\w*|retard\w*|baran(?:ie)?|palant\w*|duren\w*|durni\w*)\b/,
        1.5,
      ],
      [
        /\b(?:glup\w*|tep\w*|stupid|dumb|useless|beznadziejn\w*) (?:bot\w*|asystent\w*|program\w*|czat\w*|chat\w*|maszyn\w*|assistant)\b/,
        2,
      ],
      [/\b(?:jestes|you are|you're|youre) (?:\w+ )?(?:glup\w*|tep\w*|stupid|dumb|useless)\b/, 2],
    ],
  ],
  [
    'privacy_request',
    [
      [/\b(?:rodo|gdpr)\b/, 1.5],
      [/\b(?:usun\w*|skasuj\w*|wymaz\w*|kasowan\w*|usuniec\w*) (?:\w+ ){0,2}dan\w*/, 1.5],
      [/\b(?:eksport\w*|kopi\w*|wyd\w*|pobra\w*|przeslij\w*) (?:\w+ ){0,2}(?:moich |moje )dan\w*/, 1.5],
      [/\bjakie (?:\w+ )?dane (?:o mnie|na moj temat|przechowujecie|macie)/, 1.5],
      [/\b(?:zapomni\w*|bycia zapomnian\w*|przetwarzani\w* danych)\b/, 1],
      [
        /\b(?:delete|erase|remove|export|download|copy of) (?:\w+ ){0,2}(?:my|personal) (?:personal )?data\b/,
        1.5,
      ],
      [/\b(?:forget me|right to be forgotten|what data do you (?:have|hold|store))\b/, 1.5],
    ],
  ],
  [
    'complaint',
    [
      [
        /\b(?:skandal\w*|wsciek\w*|zdenerwowan\w*|jestem (?:zly|zla|wkurzon\w*)|wkurz\w*|zenad\w*|reklamac\w*|oszus\w*|oszuk\w*|fataln\w*|tragedi\w*|nikt nie odpowiada|rozczarowan\w*|skarg\w*|furious|angry|terrible|awful|ridiculous|unacceptable|scam\w*|complain\w*|disappointed|fed up)\b/,
        1.2,
      ],
    ],
  ],
  [
    'human_request',
    [
      [
        /\b(?:czlowiek\w*|konsultant\w*|operator\w*|pracownik\w*|zyw\w* osob\w*|prawdziw\w* osob\w*|z kims|human|real person|representative|live agent|agent|talk to (?:a |an )?(?:person|someone|somebody)|speak to (?:a |an )?(?:person|someone|somebody|human))\b/,
        1.2,
      ],
      [/\b(?:doradc\w*|someone|somebody)\b/, 0.6],
      [/\b(?:zadzwon\w* do mnie|oddzwon\w*|call me back|give me a call)\b/, 1],
    ],
  ],
  [
    'out_of_scope',
    [
      [
        /\b(?:ignoruj|zignoruj|ignore|forget) (?:\w+ ){0,3}(?:instrukc\w*|zasad\w*|polecen\w*|instructions?|rules|prompt\w*)/,
        2.5,
      ],
      [
        /\b(?:system prompt|prompt systemow\w*|pokaz (?:\w+ )?prompt\w*|jailbreak|developer mode|tryb dewelopera)\b/,
        2.5,
      ],
      [
        /\b(?:pogod\w*|weather|przepis\w* na|recipe\w*|zart\w*|dowcip\w*|jokes?|polityk\w*|politic\w*|mecz\w*|football|soccer|pilk\w* nozn\w*|wiersz\w*|poem\w*|piosenk\w*|songs?|bitcoin\w*|krypto\w*|crypto\w*|horoskop\w*|horoscope|python|javascript|stolic\w*|capital of|president|prezydent\w*|przetlumacz\w*|translate)\b/,
        1,
      ],
    ],
  ],
  [
    'booking',
    [
      [
        /\b(?:umowi\w*|umawi\w*|spotkani\w*|konsultacj\w*|wizyt\w*|pomiar\w*|zarezerw\w*|rezerwac\w*|book|booking|appointment\w*|meeting\w*|consultation\w*|schedul\w*|visit)\b/,
        1,
      ],
    ],
  ],
  [
    'quote',
    [[/\b(?:wycen\w*|oblicz\w*|policz\w*|kalkulac\w*|kosztorys\w*|quote|estimate\w*|calculat\w*)\b/, 1]],
  ],
  [
    'pricing',
    [
      [
        /\b(?:ile (?:to )?(?:kosztuj\w*|bedzie kosztowa\w*|wynies\w*|zaplac\w*)|cen[aeyi]|cenach|cennik\w*|koszt\w*|za ile|stawk\w*|drog\w*|tani\w*|price\w*|pricing|cost\w*|how much|expensive|cheap\w*|rates?)\b/,
        1,
      ],
    ],
  ],
  [
    'package_comparison',
    [
      [/\b(?:roznic\w*|rozni\w*|porown\w*|vs|versus|differen\w*|compar\w*)\b/, 1],
      [
        /\b(?:ktory pakiet|jaki pakiet|jakie (?:macie |sa )?pakiety|pakiety|waszej oferty|oferta|oferte|which package|what packages|packages|options)\b/,
        0.8,
      ],
    ],
  ],
  [
    'package_details',
    [
      [
        /\b(?:co (?:zawiera|obejmuje|wchodzi|jest w)|zawiera\w*|obejmuj\w*|wchodzi w|w cenie|w pakiecie|szczegol\w*|opowiedz\w*|included|includes?|what(?:'s| is) in|details?|tell me (?:more )?about)\b/,
        0.8,
      ],
    ],
  ],
  [
    'timeline',
    [
      [
        /\b(?:ile (?:to )?(?:trwa\w*|potrwa\w*|czasu)|jak dlugo|czas\w* (?:realizacji|trwania)|kiedy (?:mozecie|mozna|zaczniecie|ruszy\w*|start\w*)|najblizsz\w* (?:wolny )?termin\w*|how long|timeline|duration|time ?frame|when can you start|how soon)\b/,
        1,
      ],
      [/\b(?:tygodni\w*|miesiac\w*|weeks?|months?)\b/, 0.4],
    ],
  ],
  [
    'process',
    [
      [
        /\b(?:jak (?:to )?(?:wyglada|przebiega|dziala)|przebieg\w*|proces\w*|etap\w*|krok\w*|od czego zacz\w*|wspolprac\w*|how does (?:it|this) work|process|steps?|what happens)\b/,
        1,
      ],
    ],
  ],
  ['guarantee', [[/\b(?:gwaranc\w*|rekojm\w*|warrant\w*|guarante\w*|usterk\w*|defects?)\b/, 1]]],
  [
    'financing',
    [
      [
        /\b(?:raty|rat|ratach|ratalnie|kredyt\w*|finansowan\w*|leasing\w*|installments?|financ\w*|loans?|mortgage)\b/,
        1,
      ],
    ],
  ],
  [
    'payment',
    [
      [
        /\b(?:platnos\w*|zaliczk\w*|przedplat\w*|przelew\w*|faktur\w*|zaplat\w*|placi\w*|blik|payments?|deposit|invoice\w*|pay|paying)\b/,
        1,
      ],
    ],
  ],
  [
    'materials',
    [
      [
        /\b(?:material\w*|plytk\w*|panel\w*|farb\w*|podlog\w*|drzwi|armatur\w*|tiles?|flooring|paint|fixtures?|fittings)\b/,
        0.8,
      ],
    ],
  ],
  [
    'service_area',
    [
      [
        /\b(?:gdzie (?:dzialacie|pracujecie|robicie)|obszar\w*|zasieg\w*|dojezdza\w*|(?:dzialacie|pracujecie|robicie) (?:tez |rowniez |takze )?(?:w|we|na|poza)|w jakich miastach|service area|do you (?:work|operate|come) (?:in|to)|which cities|what areas?)\b/,
        1,
      ],
    ],
  ],
  [
    'company_contact',
    [
      [
        /\b(?:numer\w* (?:telefonu )?do (?:was|firmy|biura)|wasz\w* (?:numer|telefon|adres|mail|e-mail|email|biur\w*)|adres\w* (?:firmy|biura)|gdzie (?:jestescie|macie biuro|sie znajdujecie)|godzin\w* (?:otwarcia|pracy)|jak sie z wami skontaktowac|kontakt z wami|your (?:phone|number|address|email|e-mail|office)|opening hours|where are you (?:located|based)|how (?:can|do) i (?:contact|reach) you)\b/,
        1,
      ],
    ],
  ],
];

const GREETING: readonly Pattern[] = [
  [
    /^(?:dzien dobry|dobry wieczor|witam|witaj\w*|czesc|hej\w*|siema\w*|halo|hello|hi|hey|good (?:morning|afternoon|evening)|greetings)\b/,
    1,
  ],
  [/\b(?:dzien dobry|dobry wieczor|witam|hello)\b/, 0.8],
];
const THANKS: readonly Pattern[] = [[/\b(?:dzieki\w*|dziek\w*|thx|thanks|thank you|thank u|cheers)\b/, 1]];
const GOODBYE: readonly Pattern[] = [
  [
    /\b(?:do widzenia|do uslyszenia|do zobaczenia|na razie|pa pa|zegnam|milego dnia|bye|goodbye|see you|have a (?:nice|good) day)\b/,
    1,
  ],
];
const YES: readonly Pattern[] = [
  [
    /^(?:tak|tak jest|jasne|oczywiscie|pewnie|pewnie ze tak|zgoda|ok|okej|okay|dobrze|moze byc|chetnie|poprosze|yes|yeah|yep|yup|sure|of course|absolutely|go ahead|fine|please do)\b/,
    1,
  ],
  [/\b(?:zgadzam sie|wyrazam zgode|i agree|i consent|agreed)\b/, 1],
  [/^no (?:dobrze|dobra|jasne|pewnie|ok|okej|tak)\b/, 2],
];
const NO_EN: readonly Pattern[] = [
  [/^(?:no|nope|nah)\b(?! (?:dobrze|dobra|jasne|pewnie|ok|okej|tak)\b)/, 1.2],
];
const NO: readonly Pattern[] = [
  [/^(?:nie|niet)\b/, 1.2],
  [
    /\b(?:nie zgadzam|nie wyrazam|nie chce|nie teraz|wole nie|raczej nie|nie dziekuje|no thanks|no thank you|i (?:do not|don'?t) (?:agree|consent|want)|rather not|not now|not interested|nie jestem zainteresowan\w*)\b/,
    1.5,
  ],
];

function score(text: string, patterns: readonly Pattern[]): number {
  let total = 0;
  for (const [pattern, weight] of patterns) if (pattern.test(text)) total += weight;
  return total;
}

export interface IntentContext {
  pending?: PendingQuestion;
  entities?: Entities;
  locale?: Locale;
}

export interface IntentResult {
  intent: Intent;
  confidence: number;
  /** The message also greets ("Dzień dobry, ile kosztuje…"). */
  greeting: boolean;
  /** The message also thanks. */
  thanks: boolean;
  /** Answer to a yes/no question, if the message reads as one. */
  yesNo: 'yes' | 'no' | null;
  scores: Partial<Record<Intent, number>>;
}

/** Counts words to tell a short answer ("tak, jasne") from a sentence. */
function wordCount(text: string): number {
  return text.split(' ').filter((w) => w.length > 0).length;
}

/** Classifies a message. Pure and deterministic. */
export function classifyIntent(message: string, context: IntentContext = {}): IntentResult {
  const text = matchForm(message).replace(/[’`]/g, "'");
  const entities = context.entities ?? {};
  const scores: Partial<Record<Intent, number>> = {};
  let best: Intent | null = null;
  let bestScore = 0;
  for (const [intent, patterns] of TOPICAL) {
    const s = score(text, patterns);
    if (s > 0) scores[intent] = s;
    if (s > bestScore) {
      best = intent;
      bestScore = s;
    }
  }
  const greeting = score(text, GREETING) > 0;
  const thanks = score(text, THANKS) > 0;
  const yesScore = score(text, YES);
  const noScore = score(text, NO) + (context.locale === 'pl' ? 0 : score(text, NO_EN));
  const yesNo: 'yes' | 'no' | null = noScore > 0 && noScore >= yesScore ? 'no' : yesScore > 0 ? 'yes' : null;

  const result = (intent: Intent, confidence: number): IntentResult => ({
    intent,
    confidence: Math.max(0, Math.min(1, Math.round(confidence * 100) / 100)),
    greeting,
    thanks,
    yesNo,
    scores,
  });

  if (best === 'abuse' || best === 'privacy_request') return result(best, bestScore / 1.5);

  const short = wordCount(text) <= 6;
  const answersQuestion =
    context.pending === 'consent' || context.pending === 'marketing' || context.pending === 'booking';
  if (yesNo && answersQuestion && (short || best === null)) {
    return result(yesNo === 'yes' ? 'consent_yes' : 'consent_no', 0.9);
  }

  if (best !== null) {
    let intent = best;
    if ((intent === 'pricing' || intent === 'quote') && entities.areaM2 !== undefined) intent = 'quote';
    if (intent === 'package_details' && entities.packageId === undefined && (scores.pricing ?? 0) > 0) {
      intent = 'pricing';
    }
    return result(intent, Math.min(1, 0.5 + bestScore / 2));
  }

  if (entities.packageId !== undefined && entities.areaM2 !== undefined) return result('quote', 0.8);
  if (entities.email !== undefined || entities.phone !== undefined) return result('contact_details', 0.9);
  if (entities.packageId !== undefined && Object.keys(entities).length === 1) {
    return result(context.pending === 'packageId' ? 'details_given' : 'package_details', 0.7);
  }
  if (Object.keys(entities).length > 0) return result('details_given', 0.8);
  // "Thanks, goodbye" ends the conversation: the goodbye wins over the thanks.
  if (score(text, GOODBYE) > 0) return result('goodbye', 0.9);
  if (thanks) return result('thanks', 0.9);
  if (greeting) return result('greeting', 0.9);
  if (yesNo) return result(yesNo === 'yes' ? 'consent_yes' : 'consent_no', 0.5);
  return result('unknown', 0);
}

const ERASE = /\b(?:usun\w*|skasuj\w*|wymaz\w*|kasowan\w*|zapomn\w*|delete|erase|remove|forget|forgotten)\b/;
const EXPORT =
  /\b(?:eksport\w*|kopi\w*|wyd\w*|pobra\w*|przeslij\w*|jakie (?:\w+ )?dane|export|download|copy|what data)\b/;

/** What a privacy request asks for: erasure, a copy (export), or unclear. */
export function privacyKind(message: string): 'erase' | 'export' | 'unknown' {
  const text = matchForm(message);
  if (ERASE.test(text)) return 'erase';
  if (EXPORT.test(text)) return 'export';
  return 'unknown';
}
