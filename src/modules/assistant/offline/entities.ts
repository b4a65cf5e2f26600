/** Everything the engine can read out of one message, using the language helpers and the knowledge base. */
import { extractCity } from '../../../lang/cities.js';
import { extractEmail, extractPhone } from '../../../lang/contacts.js';
import { capitalizeName, extractFirstName } from '../../../lang/names.js';
import { extractArea, extractBudget } from '../../../lang/numbers.js';
import { createPhraseMatcher, type PhraseMatcher } from '../../../lang/phrases.js';
import { matchForm } from '../../../lang/text.js';
import type { Package } from '../../knowledge/types.js';
import type { Entities, PendingQuestion } from './types.js';

const packageMatchers = new WeakMap<readonly Package[], PhraseMatcher<string>>();

function packageMatcher(packages: readonly Package[]): PhraseMatcher<string> {
  let matcher = packageMatchers.get(packages);
  if (!matcher) {
    matcher = createPhraseMatcher(
      packages.map((pkg) => ({ value: pkg.id, phrases: [pkg.name, ...pkg.aliases] })),
    );
    packageMatchers.set(packages, matcher);
  }
  return matcher;
}

/**
 * The package a text names, by name or alias, longest match first ("Express Plus" is not "Express"),
 * diacritic-insensitive. The matcher is built once per package list.
 */
export function findPackageMention(text: string, packages: readonly Package[]): string | undefined {
  return packageMatcher(packages).scan(text).matches[0]?.value;
}

const NOT_A_PLACE = new Set(
  matchForm(
    `nie tak ok okej jeszcze no yes not nope dobrze jasne brak wole i we w z ze to the a co czy jak
    dlaczego why what sorry przepraszam hmm nigdzie nowhere pomin skip dziekuje thanks
    hello hi hey hej heja czesc witam witaj siema elo dzien dobry good morning afternoon evening`,
  ).split(/\s+/),
);

/**
 * A place the city table does not know ("Pruszcz Gdański"), given as a bare answer to "which city?":
 * one to three words, capitalised, no digits, not a yes/no or a question.
 */
function freeTextPlace(text: string): string | undefined {
  const trimmed = text.trim().replace(/[.!]+$/u, '');
  if (!/^\p{Lu}[\p{L}-]*(?:\s+\p{L}[\p{L}-]*){0,2}$/u.test(trimmed)) return undefined;
  const first = matchForm(trimmed.split(/\s+/)[0] ?? '');
  if (NOT_A_PLACE.has(first)) return undefined;
  return capitalizeName(trimmed);
}

/** Reads the entities of a message; `pending` lets a bare answer ("50", "Michał", "Piła") count. */
export function extractEntities(
  text: string,
  packages: readonly Package[],
  pending: PendingQuestion,
): Entities {
  const entities: Entities = {};
  const email = extractEmail(text);
  if (email) entities.email = email;
  // An e-mail's digits are not a phone number.
  const phone = extractPhone(email ? text.replace(email, ' ') : text);
  if (phone) entities.phone = phone;
  const withoutContacts = text.replace(email ?? '\u0000', ' ');
  const area = extractArea(withoutContacts, { expectArea: pending === 'areaM2' });
  if (area !== null) entities.areaM2 = area;
  const budget = extractBudget(withoutContacts, { expectBudget: pending === 'budgetPln' });
  if (budget !== null && budget !== area) entities.budgetPln = budget;
  const packageId = findPackageMention(withoutContacts, packages);
  if (packageId) entities.packageId = packageId;
  const city = extractCity(withoutContacts, { expectCity: pending === 'city' });
  if (city) entities.city = city.city;
  else if (pending === 'city' && !packageId && area === null) {
    const place = freeTextPlace(withoutContacts);
    if (place) entities.city = place;
  }
  const name = extractFirstName(withoutContacts, {
    expectName: pending === 'firstName' && !city && !packageId && !email && !phone,
  });
  if (name && name.firstName !== city?.city) {
    entities.firstName = name.firstName;
    entities.gender = name.gender;
  }
  return entities;
}
