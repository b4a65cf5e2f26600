/**
 * The public privacy pages, in Polish and English: the policy (generated from the business profile,
 * the retention settings and the inventory), the request form, the confirm pages of e-mailed links
 * and the unsubscribe page. Plain HTML forms, no scripts, no inline styles (strict CSP); styled by
 * /privacy/style.css.
 */
import { BACKUP_ROTATION, customerPurposes, type LegalBasis } from './inventory.js';

export type PageLocale = 'pl' | 'en';

export interface PolicyFacts {
  business: {
    name: string;
    legalName?: string | undefined;
    address?: string | undefined;
    email: string;
    phone: string;
  };
  privacyContact: string | undefined;
  retention: { conversationMonths: number; leadMonths: number; leadAction: 'anonymize' | 'delete' };
  linkTtlHours: number;
}

export const PRIVACY_CSS = `:root { color-scheme: light; --ink: #1d2321; --muted: #55605c; --accent: #1f5f4a; --line: #d8dedb; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
p, li { color: var(--ink); }
.muted { color: var(--muted); font-size: 0.92rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.45rem 0.4rem; }
form { margin: 1.25rem 0; display: grid; gap: 0.9rem; max-width: 28rem; }
fieldset { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.75rem 1rem; }
label { display: block; font-weight: 600; }
input[type="email"] { width: 100%; padding: 0.55rem 0.65rem; font: inherit; border: 1px solid #8a9692; border-radius: 0.4rem; }
.choice { font-weight: 400; }
button { justify-self: start; font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 0.4rem; padding: 0.6rem 1.1rem; cursor: pointer; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
a { color: var(--accent); }
nav.lang { float: right; font-size: 0.9rem; }
`;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(locale: PageLocale, title: string, body: string, langSwitch?: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/privacy/style.css">
</head>
<body>
<main>
${langSwitch ? `<nav class="lang" aria-label="${locale === 'pl' ? 'Język' : 'Language'}">${langSwitch}</nav>\n` : ''}<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const BASIS: Record<LegalBasis, { pl: string; en: string }> = {
  consent: { pl: 'zgoda (art. 6 ust. 1 lit. a RODO)', en: 'consent (GDPR art. 6(1)(a))' },
  contract: {
    pl: 'działania przed zawarciem umowy na Twoje żądanie (art. 6 ust. 1 lit. b RODO)',
    en: 'steps at your request before a contract (GDPR art. 6(1)(b))',
  },
  'legitimate interest': {
    pl: 'prawnie uzasadniony interes (art. 6 ust. 1 lit. f RODO)',
    en: 'legitimate interest (GDPR art. 6(1)(f))',
  },
  'legal obligation': {
    pl: 'obowiązek prawny (art. 6 ust. 1 lit. c RODO)',
    en: 'legal obligation (GDPR art. 6(1)(c))',
  },
};

function months(n: number, locale: PageLocale): string {
  if (locale === 'en') return `${n} month${n === 1 ? '' : 's'}`;
  const last = n % 10;
  const lastTwo = n % 100;
  const word =
    n === 1
      ? 'miesiąc'
      : last >= 2 && last <= 4 && !(lastTwo >= 12 && lastTwo <= 14)
        ? 'miesiące'
        : 'miesięcy';
  return `${n} ${word}`;
}

export function policyPage(facts: PolicyFacts, locale: PageLocale): string {
  const b = { ...facts.business, legalName: facts.business.legalName ?? facts.business.name };
  const where = facts.business.address ? `, ${esc(facts.business.address)}` : '';
  const contact = facts.privacyContact ?? b.email;
  const r = facts.retention;
  const pl = locale === 'pl';
  const purposes = customerPurposes()
    .map((p) => `<tr><td>${esc(p[locale])}</td><td>${esc(BASIS[p.basis][locale])}</td></tr>`)
    .join('\n');
  const leadEnd = pl
    ? r.leadAction === 'delete'
      ? 'usuwamy'
      : 'anonimizujemy'
    : r.leadAction === 'delete'
      ? 'deleted'
      : 'anonymised';
  const body = pl
    ? `<h2>Administrator danych</h2>
<p>${esc(b.legalName)}${where}, e-mail <a href="mailto:${esc(b.email)}">${esc(b.email)}</a>, tel. ${esc(b.phone)}.</p>
<p>W sprawach danych osobowych pisz na <a href="mailto:${esc(contact)}">${esc(contact)}</a>.</p>
<h2>Cele i podstawy przetwarzania</h2>
<table><thead><tr><th scope="col">Cel</th><th scope="col">Podstawa prawna</th></tr></thead><tbody>
${purposes}
</tbody></table>
<p>Dane kontaktowe (imię, e-mail, telefon) zapisujemy tylko po Twojej zgodzie wyrażonej w czacie lub formularzu. Zgodę na wiadomości marketingowe możesz wycofać w każdej chwili linkiem w każdym e-mailu.</p>
<h2>Jak długo przechowujemy dane</h2>
<ul>
<li>Rozmowy: ${months(r.conversationMonths, 'pl')} od ostatniej wiadomości, potem anonimizujemy je (zostają tylko statystyki).</li>
<li>Zgłoszenia kontaktowe: ${months(r.leadMonths, 'pl')} od ostatniej zmiany, potem je ${leadEnd}; przesłane pliki usuwamy.</li>
<li>Historia zgód: jako dowód zgody, w formie pseudonimowej.</li>
<li>Kopie zapasowe: ${esc(BACKUP_ROTATION.pl)}.</li>
</ul>
<p>Dane mogą trafić do dostawców, z których korzystamy (system CRM, poczta e-mail, kalendarz), wyłącznie w celach opisanych powyżej. W logach technicznych adresy e-mail, telefony i imiona są maskowane.</p>
<h2>Twoje prawa</h2>
<p>Masz prawo dostępu do danych i ich kopii, sprostowania, usunięcia, ograniczenia przetwarzania, przenoszenia danych, sprzeciwu oraz wycofania zgody w dowolnym momencie (bez wpływu na wcześniejsze przetwarzanie). Możesz wnieść skargę do Prezesa Urzędu Ochrony Danych Osobowych.</p>
<p><a href="/privacy/request?lang=pl">Pobierz kopię swoich danych lub poproś o ich usunięcie</a> — wyślemy link potwierdzający na Twój adres e-mail (ważny ${facts.linkTtlHours} h).</p>`
    : `<h2>Controller</h2>
<p>${esc(b.legalName)}${where}, e-mail <a href="mailto:${esc(b.email)}">${esc(b.email)}</a>, phone ${esc(b.phone)}.</p>
<p>For anything about your personal data write to <a href="mailto:${esc(contact)}">${esc(contact)}</a>.</p>
<h2>Purposes and legal bases</h2>
<table><thead><tr><th scope="col">Purpose</th><th scope="col">Legal basis</th></tr></thead><tbody>
${purposes}
</tbody></table>
<p>We keep contact details (name, e-mail, phone) only after you agree in the chat or the form. You can withdraw consent to marketing messages at any time with the link in every e-mail.</p>
<h2>How long we keep data</h2>
<ul>
<li>Conversations: ${months(r.conversationMonths, 'en')} after the last message, then anonymised (only statistics remain).</li>
<li>Contact requests: ${months(r.leadMonths, 'en')} after the last change, then ${leadEnd}; uploaded files are deleted.</li>
<li>Consent history: kept as proof of consent, pseudonymised.</li>
<li>Backups: ${esc(BACKUP_ROTATION.en)}.</li>
</ul>
<p>Data may reach the providers we use (CRM, e-mail, calendar) only for the purposes above. Technical logs mask e-mail addresses, phone numbers and names.</p>
<h2>Your rights</h2>
<p>You may access your data and get a copy, have it corrected or erased, restrict or object to processing, take it elsewhere, and withdraw consent at any time (without affecting earlier processing). You may complain to the data protection authority (in Poland: Prezes Urzędu Ochrony Danych Osobowych).</p>
<p><a href="/privacy/request?lang=en">Download a copy of your data or ask us to erase it</a> — we e-mail you a confirmation link (valid ${facts.linkTtlHours} h).</p>`;
  const title = pl ? `Polityka prywatności — ${b.name}` : `Privacy policy — ${b.name}`;
  const other = pl
    ? '<a href="/privacy?lang=en" hreflang="en">English</a>'
    : '<a href="/privacy?lang=pl" hreflang="pl">Polski</a>';
  return layout(locale, title, body, other);
}

/** The widget's consent notice, from the controller's name and the retention settings. */
export function consentNotice(facts: PolicyFacts, locale: PageLocale): string {
  const r = facts.retention;
  return locale === 'pl'
    ? `Rozmowę zapisuje ${facts.business.legalName ?? facts.business.name}, aby odpowiedzieć na Twoje pytania; po ${months(r.conversationMonths, 'pl')} ją anonimizujemy. Dane kontaktowe zapiszemy tylko za Twoją zgodą. Szczegóły i Twoje prawa: polityka prywatności.`
    : `${facts.business.legalName ?? facts.business.name} stores this conversation to answer your questions and anonymises it after ${months(r.conversationMonths, 'en')}. We keep contact details only with your consent. Details and your rights: privacy policy.`;
}

export function requestFormPage(locale: PageLocale, error?: string): string {
  const pl = locale === 'pl';
  const body = `${error ? `<p role="alert"><strong>${esc(error)}</strong></p>` : ''}
<p>${pl ? 'Podaj adres e-mail, którego używałeś(-aś) w rozmowie lub formularzu. Wyślemy na niego link potwierdzający — nic się nie stanie, dopóki go nie klikniesz i nie potwierdzisz.' : 'Enter the e-mail address you used in the chat or the form. We send a confirmation link to it — nothing happens until you open it and confirm.'}</p>
<form method="post" action="/privacy/request">
<input type="hidden" name="locale" value="${locale}">
<fieldset>
<legend>${pl ? 'Czego potrzebujesz?' : 'What do you need?'}</legend>
<label class="choice"><input type="radio" name="kind" value="export" checked> ${pl ? 'Kopia moich danych (plik ZIP)' : 'A copy of my data (ZIP file)'}</label>
<label class="choice"><input type="radio" name="kind" value="erase"> ${pl ? 'Usunięcie moich danych' : 'Erase my data'}</label>
</fieldset>
<div><label for="email">${pl ? 'Adres e-mail' : 'E-mail address'}</label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email"></div>
<button type="submit">${pl ? 'Wyślij link potwierdzający' : 'Send the confirmation link'}</button>
</form>
<p class="muted"><a href="/privacy?lang=${locale}">${pl ? 'Polityka prywatności' : 'Privacy policy'}</a></p>`;
  return layout(locale, pl ? 'Twoje dane' : 'Your data', body);
}

export function requestSentPage(locale: PageLocale): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Sprawdź skrzynkę e-mail' : 'Check your e-mail',
    `<p>${REQUEST_ACCEPTED_MESSAGE[locale]}</p>`,
  );
}

export const REQUEST_ACCEPTED_MESSAGE: Record<PageLocale, string> = {
  pl: 'Jeśli ten adres jest poprawny, wysłaliśmy na niego link potwierdzający. Otwórz go, aby dokończyć.',
  en: 'If the address is valid, we have sent a confirmation link to it. Open it to continue.',
};

export function verifyConfirmPage(locale: PageLocale, kind: 'export' | 'erase', token: string): string {
  const pl = locale === 'pl';
  const what =
    kind === 'export'
      ? pl
        ? 'Przygotujemy plik ZIP ze wszystkimi danymi powiązanymi z Twoim adresem e-mail. Link do pobrania zadziała jeden raz.'
        : 'We will prepare a ZIP file with all data linked to your e-mail address. The download link works once.'
      : pl
        ? 'Usuniemy rozmowy, zgłoszenia, notatki i pliki powiązane z Twoim adresem e-mail. Tego nie można cofnąć.'
        : 'We will erase the conversations, requests, notes and files linked to your e-mail address. This cannot be undone.';
  const button =
    kind === 'export'
      ? pl
        ? 'Przygotuj moje dane'
        : 'Prepare my data'
      : pl
        ? 'Usuń moje dane'
        : 'Erase my data';
  return layout(
    locale,
    pl ? 'Potwierdź żądanie' : 'Confirm your request',
    `<p>${what}</p>
<form method="post" action="/privacy/verify">
<input type="hidden" name="token" value="${esc(token)}">
<button type="submit">${button}</button>
</form>`,
  );
}

export function exportReadyPage(locale: PageLocale, downloadPath: string, ttlHours: number): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Twoje dane są gotowe' : 'Your data is ready',
    `<p><a href="${esc(downloadPath)}" download>${pl ? 'Pobierz plik ZIP' : 'Download the ZIP file'}</a></p>
<p class="muted">${pl ? `Link działa jeden raz i wygasa po ${ttlHours} h.` : `The link works once and expires after ${ttlHours} h.`}</p>`,
  );
}

export function erasedPage(locale: PageLocale): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Dane usunięte' : 'Data erased',
    `<p>${pl ? 'Usunęliśmy dane powiązane z Twoim adresem e-mail.' : 'We have erased the data linked to your e-mail address.'}</p>
<p class="muted">${pl ? `Pozostają one jeszcze w starszych kopiach zapasowych, aż zostaną zastąpione (${esc(BACKUP_ROTATION.pl)}).` : `They remain in older backups until those are rotated out (${esc(BACKUP_ROTATION.en)}).`}</p>`,
  );
}

export function invalidLinkPage(locale: PageLocale): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Link nieważny' : 'Link not valid',
    `<p>${pl ? 'Ten link wygasł albo został już użyty.' : 'This link has expired or was already used.'} <a href="/privacy/request?lang=${locale}">${pl ? 'Złóż nowe żądanie' : 'Make a new request'}</a>.</p>`,
  );
}

export function unsubscribeConfirmPage(locale: PageLocale, token: string): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Rezygnacja z wiadomości' : 'Unsubscribe',
    `<p>${pl ? 'Nie będziemy już wysyłać Ci przypomnień ani wiadomości marketingowych.' : 'We will stop sending you reminders and marketing messages.'}</p>
<form method="post" action="/privacy/unsubscribe">
<input type="hidden" name="token" value="${esc(token)}">
<input type="hidden" name="locale" value="${locale}">
<button type="submit">${pl ? 'Wypisz mnie' : 'Unsubscribe me'}</button>
</form>`,
  );
}

export function unsubscribedPage(locale: PageLocale): string {
  const pl = locale === 'pl';
  return layout(
    locale,
    pl ? 'Wypisano' : 'Unsubscribed',
    `<p>${pl ? 'Gotowe — nie wyślemy Ci już wiadomości marketingowych.' : 'Done — you will get no more marketing messages.'}</p>
<p class="muted"><a href="/privacy?lang=${locale}">${pl ? 'Polityka prywatności' : 'Privacy policy'}</a></p>`,
  );
}
