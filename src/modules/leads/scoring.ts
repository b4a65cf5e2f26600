/**
 * Lead scoring (0–100): how promising a lead is, from what the customer told us. The rules are
 * documented in docs/leads.md; the weights live here, in one place.
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
}

export function scoreLead(i: ScoringInput): number {
  let score = 0;
  if (i.email) score += 10;
  if (i.phone) score += 15;
  if (i.areaM2) score += 10;
  if (i.packageId) score += 15;
  if (i.city) score += i.inServiceArea ? 10 : 2;
  const value = Math.max(i.budgetPln ?? 0, i.quoteMaxPln ?? 0);
  if (value >= 200_000) score += 25;
  else if (value >= 100_000) score += 15;
  else if (value > 0) score += 8;
  if (i.bookingRequested) score += 15;
  return Math.min(100, score);
}
