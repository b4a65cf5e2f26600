/** The shape of the business's knowledge base, shared by the knowledge service and the assistant. */

import type { Locale } from '../../lang/locale.js';

export type { Locale };
export { LOCALES } from '../../lang/locale.js';

export type Localized<T = string> = Record<Locale, T>;

/** A priced offer: per-m² price (a range when min < max, e.g. an individual project). */
export interface Package {
  id: string;
  name: string;
  /** Extra names customers use for it, in match form or plain text (e.g. "ekspres", "express+"). */
  aliases: string[];
  pricePerM2: { min: number; max: number; currency: string };
  summary: Localized;
  includes: Localized<string[]>;
  /** Typical duration for a ~50 m² flat, in weeks. */
  durationWeeks?: { min: number; max: number };
}

/** A knowledge entry: an FAQ or a topic page (process, guarantee, financing, ...). */
export interface KnowledgeEntry {
  id: string;
  /** Topic key that the assistant looks up by intent: "process", "timeline", "guarantee", "financing", "service_area", "contact", "booking", "faq". */
  topic: string;
  tags: string[];
  question: Localized;
  answer: Localized;
}

export interface BusinessProfile {
  name: string;
  legalName?: string;
  phone: string;
  email: string;
  address?: string;
  website?: string;
  bookingUrl: string;
  /** Opening hours: weekday (1=Mon..7=Sun) → "HH:MM-HH:MM" or absent when closed. */
  hours: Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', string>>;
  timezone: string;
  /** Cities served, in their dictionary (nominative) form. */
  serviceArea: string[];
  currency: string;
}

export interface SearchHit {
  id: string;
  topic: string;
  score: number;
  question: string;
  answer: string;
}

export interface KnowledgeSnapshot {
  business: BusinessProfile;
  packages: Package[];
  entries: KnowledgeEntry[];
  version: number;
}

/** What the rest of Frontdesk may ask of the knowledge base. */
export interface KnowledgeReader {
  snapshot(): KnowledgeSnapshot;
  search(query: string, locale: Locale, limit?: number): SearchHit[];
  findPackage(id: string): Package | undefined;
  entriesByTopic(topic: string): KnowledgeEntry[];
}
