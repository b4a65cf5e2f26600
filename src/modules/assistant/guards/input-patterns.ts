/**
 * Attack patterns of the input guard, per language, matched against the normal forms of normalize.ts
 * (lower case, no diacritics: write "zignoruj", "инструкц", "ігноруи"). A message scoring 1 or more
 * is treated as an attack. Ordinary customer phrases must stay below: "ignoruj poprzednią wiadomość"
 * (a correction), "what are your rules for payment?", "usuń moje dane".
 */

export type AttackCategory = 'injection' | 'extraction' | 'roleplay' | 'secrets' | 'encoded';
export type PatternLanguage = 'en' | 'pl' | 'ru' | 'uk';

export interface AttackPattern {
  id: string;
  lang: PatternLanguage;
  category: AttackCategory;
  score: number;
  /** Matched against the Latin form (en, pl) or the base form keeping Cyrillic (ru, uk). */
  re: RegExp;
}

const p = (
  id: string,
  lang: PatternLanguage,
  category: AttackCategory,
  score: number,
  re: RegExp,
): AttackPattern => ({ id, lang, category, score, re });

// Latin-script patterns (English and Polish), on the folded Latin form.
const RULE_WORDS_EN =
  '(?:instructions?|rules|prompts?|guidelines|directives|restrictions|programming|guardrails|polic(?:y|ies)|constraints|system message|safety)';
const RULE_WORDS_PL =
  '(?:instrukcj\\w*|polecen\\w*|zasad\\w*|regul\\w*|wytyczn\\w*|ograniczen\\w*|prompt\\w*|ustawien\\w*|zabezpieczen\\w*)';
// Cyrillic word characters.
const L = '\\p{L}*';

export const ATTACK_PATTERNS: readonly AttackPattern[] = [
  // --- English
  p(
    'en.ignore-rules',
    'en',
    'injection',
    1,
    new RegExp(
      `\\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon)\\b[^.?!\\n]{0,40}\\b${RULE_WORDS_EN}\\b`,
    ),
  ),
  p(
    'en.new-instructions',
    'en',
    'injection',
    1,
    /\b(?:new|updated|real|actual) (?:instructions?|rules|system prompt)\s*:/,
  ),
  p(
    'en.fake-role-tag',
    'en',
    'injection',
    1,
    /(?:^|\n)\s*(?:system|developer)\s*:|\[\/?(?:system|developer|inst|sys)\]|<\/?(?:system|sys)>|<\|im_start\|>|### ?instruction|\bend of (?:the )?(?:system )?prompt\b/,
  ),
  p(
    'en.system-prompt',
    'en',
    'extraction',
    1,
    /\b(?:system|initial|original|hidden|secret|internal|developer)\s?(?:prompts?|instructions)\b|\bsystem\s?message\b/,
  ),
  p(
    'en.reveal-instructions',
    'en',
    'extraction',
    1,
    /\b(?:reveal|show|print|repeat|display|output|tell me|give me|write (?:out|down)|dump|leak|share|paste|recite|list)\b[^.?!\n]{0,30}\b(?:your\s+(?:(?:exact|full|complete|original|first|whole)\s+)*(?:prompt|instructions|system message|configuration|config|guidelines)|the\s+(?:(?:exact|full|complete|original|whole)\s+)*(?:prompt|system prompt|system message))\b/,
  ),
  p(
    'en.ask-instructions',
    'en',
    'extraction',
    0.6,
    /\bwhat (?:is|are|were)\b[^.?!\n]{0,20}\byour\s+(?:prompt|instructions|configuration|config)\b/,
  ),
  p(
    'en.repeat-above',
    'en',
    'extraction',
    1,
    /\b(?:repeat|print|output|copy|recite)\b[^.?!\n]{0,30}\b(?:above|before this|so far|verbatim|word for word)\b/,
  ),
  p(
    'en.what-told',
    'en',
    'extraction',
    1,
    /\bwhat (?:were|are|have) you (?:been )?(?:told|instructed|programmed|configured)\b/,
  ),
  p(
    'en.rules-you-follow',
    'en',
    'extraction',
    1,
    /\b(?:rules|instructions) (?:you (?:were given|follow|must follow|have)|given to you)\b/,
  ),
  p(
    'en.mode',
    'en',
    'roleplay',
    1,
    /\b(?:developer|god|dan|jailbreak|jailbroken|unrestricted|unfiltered|debug|sudo|admin|maintenance|evil) mode\b|\bdo anything now\b|\bjailbreak/,
  ),
  p('en.you-are-now', 'en', 'roleplay', 0.6, /\byou(?: are|'re) (?:now|no longer)\b/),
  p(
    'en.pretend',
    'en',
    'roleplay',
    0.5,
    /\b(?:pretend|imagine) (?:to be|you|that you)\b|\brole-?play\b|\bstay in character\b/,
  ),
  p(
    'en.act-as',
    'en',
    'roleplay',
    1,
    /\b(?:act|behave|respond|answer) as (?:an? |my |the )?(?:unrestricted|unfiltered|uncensored|evil|hacker|different|new|admin|root|system|developer|ai without)/,
  ),
  p(
    'en.no-rules',
    'en',
    'roleplay',
    0.6,
    /\b(?:no|without(?: any)?) (?:rules|restrictions|limits|filters|censorship|guidelines)\b/,
  ),
  p(
    'en.secret-words',
    'en',
    'secrets',
    1,
    /\b(?:api|secret|access|private|session|auth|bearer)[ _-]?(?:keys?|tokens?|secrets?)\b|\benv(?:ironment)? (?:variables?|vars?|file)\b|\.env\b|\bdatabase[ _]url\b|\bconnection strings?\b|\bmetrics[ _]token\b|\bcanary\b/,
  ),
  p('en.password', 'en', 'secrets', 0.6, /\b(?:passwords?|passwd|credentials?|secrets?)\b/),
  p(
    'en.config-dump',
    'en',
    'secrets',
    0.8,
    /\b(?:config(?:uration)?|settings) (?:files?|dump|values|variables)\b/,
  ),
  p(
    'en.other-customers',
    'en',
    'secrets',
    1,
    /\b(?:other|another|previous|all|last|earlier) (?:customers?|clients?|users?|visitors?|people)(?:'s|s')? (?:e-?mails?|phones?|phone numbers?|numbers?|data|details|contacts?|leads?|addresses|names|messages|conversations?)\b/,
  ),
  p('en.decode', 'en', 'encoded', 0.5, /\b(?:decode|base64|b64|rot13|decrypt|deobfuscate)\b/),
  // --- Polish
  p(
    'pl.ignore-rules',
    'pl',
    'injection',
    1,
    new RegExp(
      `\\b(?:z?ignoruj\\w*|pomin\\w*|zapomnij\\w*|porzuc\\w*|obejdz\\w*|nie (?:stosuj|przestrzegaj|sluchaj|trzymaj)\\w*)\\b[^.?!\\n]{0,40}\\b${RULE_WORDS_PL}`,
    ),
  ),
  p('pl.new-instructions', 'pl', 'injection', 1, /\bnowe (?:instrukcje|polecenia|zasady)\s*:/),
  p(
    'pl.system-prompt',
    'pl',
    'extraction',
    1,
    /\b(?:prompt\w* systemow\w*|systemow\w* (?:prompt|instrukcj|polecen)\w*|instrukcj\w* systemow\w*|ukryt\w* (?:instrukcj|polecen|prompt)\w*|poczatkow\w* (?:instrukcj|polecen|prompt)\w*)/,
  ),
  p(
    'pl.reveal-instructions',
    'pl',
    'extraction',
    1,
    /\b(?:pokaz|wypisz|powtorz|podaj|zdradz|ujawnij|wyswietl|przepisz|wklej|napisz|przytocz|jakie (?:sa|masz|dostales))\w*\b[^.?!\n]{0,30}\b(?:(?:swoj|twoj|tw)\w* (?:instrukcj|prompt|polecen|konfiguracj|wytyczn)\w*|prompt\w*|konfiguracj\w* (?:systemu|serwera|bota|aplikacji))/,
  ),
  p(
    'pl.repeat-above',
    'pl',
    'extraction',
    1,
    /\b(?:powtorz|przepisz|wypisz)\b[^.?!\n]{0,30}\b(?:powyzej|wyzej|slowo w slowo|doslownie|od poczatku rozmowy)\b/,
  ),
  p(
    'pl.mode',
    'pl',
    'roleplay',
    1,
    /\btryb\w* (?:dewelopera|deweloperski\w*|programisty|administratora|admina|debug\w*|serwisow\w*|bez ograniczen|boga)\b|\bjailbreak/,
  ),
  p('pl.you-are-now', 'pl', 'roleplay', 0.6, /\b(?:jestes teraz|od teraz jestes|nie jestes juz)\b/),
  p(
    'pl.pretend',
    'pl',
    'roleplay',
    0.5,
    /\b(?:udawaj|wciel sie|odegraj role|zachowuj sie jak|wyobraz sobie ze jestes)\b/,
  ),
  p('pl.no-rules', 'pl', 'roleplay', 0.6, /\bbez (?:zadnych )?(?:ograniczen|zasad|regul|filtrow|cenzury)\b/),
  p(
    'pl.secret-words',
    'pl',
    'secrets',
    1,
    /\b(?:klucz\w* (?:api|dostepu|prywatn\w*)|api ?key|token\w* (?:api|dostepu|sesji)|zmienn\w* srodowiskow\w*|plik\w* \.?env|connection string|adres\w* bazy danych|hasl\w* do (?:bazy|serwera|systemu|admina|panelu admin\w*)|sekret\w* (?:sesji|aplikacji|serwera))/,
  ),
  p('pl.password', 'pl', 'secrets', 0.6, /\b(?:haslo|hasla|hasel|sekret\w*|dane logowania)\b/),
  p('pl.config-dump', 'pl', 'secrets', 0.8, /\bkonfiguracj\w* (?:serwera|systemu|bazy|aplikacji|bota)\b/),
  p(
    'pl.other-customers',
    'pl',
    'secrets',
    1,
    /\b(?:dane|e-?maile?|adresy e-?mail|maile|telefony|numery(?: telefonow)?|kontakty|rozmowy|wiadomosci)\w* (?:innych|pozostalych|wszystkich|poprzednich) (?:klient\w*|uzytkownik\w*|osob|rozmowcow)/,
  ),
  p('pl.decode', 'pl', 'encoded', 0.5, /\b(?:zdekoduj|odkoduj|dekoduj|rozszyfruj|base64)\b/),
  // --- Russian (base form, Cyrillic kept; й → и, ё → е)
  p(
    'ru.ignore-rules',
    'ru',
    'injection',
    1,
    new RegExp(
      `(?:игнорир${L}|проигнорир${L}|забудь${L}|забуд${L}|пропуст${L}|отбрось|не (?:соблюдаи|слушаи|следуи)${L}|обоиди)[^.?!\\n]{0,40}(?:инструкц${L}|правил${L}|указани${L}|ограничени${L}|промпт${L}|команд${L}|настроик${L})`,
      'u',
    ),
  ),
  p(
    'ru.system-prompt',
    'ru',
    'extraction',
    1,
    new RegExp(
      `(?:системн${L} (?:промпт|подсказк|инструкц|сообщени)${L}|скрыт${L} (?:инструкц|промпт)${L}|исходн${L} (?:инструкц|промпт)${L})`,
      'u',
    ),
  ),
  p(
    'ru.reveal',
    'ru',
    'extraction',
    1,
    new RegExp(
      `(?:покажи|выведи|повтори|раскрои|скажи|напиши|дай|перечисли|процитируи)[^.?!\\n]{0,30}(?:(?:сво|тво|ваш)${L} (?:инструкц|настроик|правил|конфигурац)${L}|промпт${L}|конфигурац${L} (?:систем|сервер|бота)${L})`,
      'u',
    ),
  ),
  p(
    'ru.mode',
    'ru',
    'roleplay',
    1,
    new RegExp(
      `режим${L} (?:разработчика|бога|без ограничени${L}|отладки|администратора)|джеилбреик|jailbreak`,
      'u',
    ),
  ),
  p(
    'ru.you-are-now',
    'ru',
    'roleplay',
    0.6,
    /(?:ты теперь|теперь ты|притворис\p{L}*|представь,? что ты|сыграи роль)/u,
  ),
  p(
    'ru.no-rules',
    'ru',
    'roleplay',
    0.6,
    /без (?:каких-либо |всяких )?(?:ограничени\p{L}*|правил|цензуры|фильтров)/u,
  ),
  p(
    'ru.secret-words',
    'ru',
    'secrets',
    1,
    new RegExp(
      `(?:api[- ]?ключ${L}|ключ${L} (?:api|доступа)|токен${L}|секретн${L} ключ${L}|переменн${L} окружения|строк${L} подключения|парол${L} (?:от|к) (?:базы|сервера|админки))`,
      'u',
    ),
  ),
  p('ru.password', 'ru', 'secrets', 0.6, /(?:парол\p{L}*|секрет\p{L}*)/u),
  p(
    'ru.other-customers',
    'ru',
    'secrets',
    1,
    new RegExp(
      `(?:данн${L}|почт${L}|телефон${L}|email${L}|контакт${L}|адрес${L}) (?:других|остальных|всех|предыдущих) (?:клиент|пользовател|посетител)${L}`,
      'u',
    ),
  ),
  p('ru.decode', 'ru', 'encoded', 0.5, /(?:расшифруи|декодируи|раскодируи)/u),
  // --- Ukrainian (base form; ї → і, й → и)
  p(
    'uk.ignore-rules',
    'uk',
    'injection',
    1,
    new RegExp(
      `(?:ігноруи${L}|проігноруи${L}|ігнору${L}|забудь${L}|пропусти${L}|відкинь|не (?:дотримуис|слухаи|виконуи)${L})[^.?!\\n]{0,40}(?:інструкці${L}|правил${L}|вказівк${L}|обмежен${L}|промпт${L}|команд${L}|налаштуван${L})`,
      'u',
    ),
  ),
  p(
    'uk.system-prompt',
    'uk',
    'extraction',
    1,
    new RegExp(
      `(?:системн${L} (?:промпт|підказк|інструкці|повідомлен)${L}|приховани${L} (?:інструкці|промпт)${L})`,
      'u',
    ),
  ),
  p(
    'uk.reveal',
    'uk',
    'extraction',
    1,
    new RegExp(
      `(?:покажи|виведи|повтори|розкрии|скажи|напиши|дай|перелічи|процитуи)[^.?!\\n]{0,30}(?:(?:сво|тво|ваш)${L} (?:інструкці|налаштуван|правил|конфігураці)${L}|промпт${L}|конфігураці${L} (?:систем|сервер|бота)${L})`,
      'u',
    ),
  ),
  p(
    'uk.mode',
    'uk',
    'roleplay',
    1,
    /режим\p{L}* (?:розробника|бога|без обмежень|налагодження|адміністратора)/u,
  ),
  p('uk.you-are-now', 'uk', 'roleplay', 0.6, /(?:тепер ти|ти тепер|вдавай\p{L}*|уяви,? що ти|зіграи роль)/u),
  p('uk.no-rules', 'uk', 'roleplay', 0.6, /без (?:жодних |будь-яких )?(?:обмежень|правил|цензури|фільтрів)/u),
  p(
    'uk.secret-words',
    'uk',
    'secrets',
    1,
    new RegExp(
      `(?:api[- ]?ключ${L}|ключ${L} (?:api|доступу)|токен${L}|секретн${L} ключ${L}|змінн${L} середовища|рядок підключення|парол${L} (?:від|до) (?:бази|сервера|адмінки))`,
      'u',
    ),
  ),
  p('uk.password', 'uk', 'secrets', 0.6, /(?:парол\p{L}*|секрет\p{L}*)/u),
  p(
    'uk.other-customers',
    'uk',
    'secrets',
    1,
    new RegExp(
      `(?:дан${L}|пошт${L}|телефон${L}|email${L}|контакт${L}|адрес${L}) (?:інших|решти|всіх|попередніх) (?:клієнт|користувач|відвідувач)${L}`,
      'u',
    ),
  ),
  p('uk.decode', 'uk', 'encoded', 0.5, /(?:розшифруи|декодуи|розкодуи)/u),
];

/** Words written together ("i g n o r e a l l r u l e s"), matched against the squashed form. */
export const SQUASHED_PATTERNS: readonly AttackPattern[] = [
  p(
    'squashed.ignore',
    'en',
    'injection',
    1,
    /(?:ignore|disregard|forget|bypass)(?:all|your|the|any|previous|prior|above|my)*(?:instructions?|rules|prompts?|guidelines)|z?ignoruj\w*(?:instrukcj|polecen|zasad|regul)/,
  ),
  p(
    'squashed.extract',
    'en',
    'extraction',
    1,
    /systemprompt|promptsystemowy|initialprompt|yourinstructions|twojeinstrukcje|системн\p{L}*промпт|системн\p{L}*підказк/u,
  ),
  p('squashed.mode', 'en', 'roleplay', 1, /developermode|godmode|danmode|jailbreak|trybdewelopera/),
  p(
    'squashed.secrets',
    'en',
    'secrets',
    1,
    /apikey|secretkey|accesstoken|databaseurl|envvariables|zmiennesrodowiskowe|kluczapi/,
  ),
];
