/** The widget's consent notice, generated from configuration (controller, retention) instead of written by hand. */
import type { WidgetSettings } from '../widget/settings.js';
import type { PageLocale } from './pages.js';

export function withConsentNotice(
  settings: WidgetSettings,
  notice: (locale: PageLocale) => string,
): WidgetSettings {
  return {
    ...settings,
    pl: { ...settings.pl, consentNotice: notice('pl') },
    en: { ...settings.en, consentNotice: notice('en') },
  };
}
