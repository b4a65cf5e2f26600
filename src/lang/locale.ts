/** The languages Frontdesk speaks with customers. */
export type Locale = 'pl' | 'en';
export const LOCALES: readonly Locale[] = ['pl', 'en'];
