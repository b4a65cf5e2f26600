/**
 * Lead scoring (0–100): how promising a lead is, from what the customer told us. The rules are
 * documented in docs/leads.md ("Scoring"); the weights live here, in one place.
 */
export interface ScoringInput {
  email: string | null;
  phone: string | null;
  areaM2: number | null;
  packageId: string | null;
  city: string | null;
  inServiceArea: boolean;
  budgetPln: number | null;
  quoteMaxPln: number | null;
  bookingRequested: boolean;
  /** The customer wrote a message of their own (contact form). */
  hasMessage?: boolean;
}

export const SCORE_WEIGHTS = {
  email: 10,
  phone: 15,
  area: 10,
  package: 15,
  cityInServiceArea: 10,
  cityOutsideServiceArea: 2,
  valueFrom200k: 25,
  valueFrom100k: 15,
  valueBelow100k: 8,
  booking: 15,
  message: 5,
} as const;

export function scoreLead(i: ScoringInput): number {
  const w = SCORE_WEIGHTS;
  let score = 0;
  if (i.email) score += w.email;
  if (i.phone) score += w.phone;
  if (i.areaM2) score += w.area;
  if (i.packageId) score += w.package;
  if (i.city) score += i.inServiceArea ? w.cityInServiceArea : w.cityOutsideServiceArea;
  const value = Math.max(i.budgetPln ?? 0, i.quoteMaxPln ?? 0);
  if (value >= 200_000) score += w.valueFrom200k;
  else if (value >= 100_000) score += w.valueFrom100k;
  else if (value > 0) score += w.valueBelow100k;
  if (i.bookingRequested) score += w.booking;
  if (i.hasMessage) score += w.message;
  return Math.min(100, score);
}
