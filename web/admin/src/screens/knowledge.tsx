/**
 * Knowledge (operators and admins): package prices (admins edit them inline), the FAQ with search,
 * an edit form in both languages, removal after confirming, and the groups of customer questions the
 * assistant could not answer, each of which can become a new FAQ entry. Every change is live at once.
 */
import { useState } from 'preact/hooks';
import { api, type StaffUser } from '../api.js';
import { formatDateTime, useI18n, type Lang } from '../i18n.js';
import {
  ConfirmButton,
  ErrorBox,
  Field,
  Loading,
  MessageLine,
  PageTitle,
  useAction,
  useLoad,
} from '../ui.js';

type Localized = { pl: string; en: string };

interface Pkg {
  id: string;
  name: string;
  pricePerM2: { min: number; max: number; currency: string };
  summary: Localized;
}

interface Faq {
  id: string;
  tags: string[];
  question: Localized;
  answer: Localized;
  file: string | null;
  editable: boolean;
  source: { question: Localized; answer: Localized } | null;
}

interface Group {
  id: string;
  locale: 'pl' | 'en';
  count: number;
  conversations: number;
  lastAskedAt: string;
  examples: string[];
  closest: { id: string; question: string; score: number } | null;
}

interface Draft {
  /** undefined: a new entry. */
  id?: string;
  fromGroup?: string;
  questionPl: string;
  questionEn: string;
  answerPl: string;
  answerEn: string;
  tags: string;
}

const emptyDraft = (): Draft => ({ questionPl: '', questionEn: '', answerPl: '', answerEn: '', tags: '' });

function matches(entry: Faq, needle: string): boolean {
  if (!needle) return true;
  const hay = [entry.question.pl, entry.question.en, entry.answer.pl, entry.answer.en, ...entry.tags]
    .join(' ')
    .toLocaleLowerCase();
  return needle
    .toLocaleLowerCase()
    .split(/\s+/)
    .every((word) => hay.includes(word));
}

export function KnowledgeScreen(props: { user: StaffUser }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>();
  const faq = useLoad(() => api<{ entries: Faq[] }>('GET', '/api/v1/admin/knowledge/faq'), []);
  const groups = useLoad(() => api<{ groups: Group[] }>('GET', '/api/v1/admin/knowledge/unanswered'), []);
  const open = (next: Draft) => {
    setDraft(next);
    window.setTimeout(() => document.getElementById('faq-form-title')?.focus(), 0);
  };
  return (
    <>
      <PageTitle>{t('knowledge')}</PageTitle>
      <PackagesSection canEdit={props.user.role === 'admin'} />
      {draft && (
        <FaqForm
          draft={draft}
          onDone={(saved) => {
            setDraft(undefined);
            if (saved) {
              faq.reload();
              groups.reload();
            }
          }}
        />
      )}
      <UnansweredSection loaded={groups} onCreate={open} />
      <FaqSection loaded={faq} onEdit={open} />
    </>
  );
}

function PackagesSection(props: { canEdit: boolean }) {
  const { t, lang } = useI18n();
  const loaded = useLoad(() => api<{ packages: Pkg[] }>('GET', '/api/v1/admin/knowledge/packages'), []);
  return (
    <section class="card" aria-labelledby="kn-packages">
      <h2 id="kn-packages">{t('packages')}</h2>
      {loaded.error !== undefined && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!loaded.data && loaded.error === undefined && <Loading />}
      {loaded.data && (
        <table class="table packages-table">
          <caption class="sr-only">{t('packages')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('package')}</th>
              <th scope="col">{t('pricePerM2')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.data.packages.map((pkg) => (
              <tr key={pkg.id} data-package={pkg.id}>
                <th scope="row">
                  {pkg.name}
                  <span class="muted small kn-summary">{pkg.summary[lang]}</span>
                </th>
                <td data-label={t('pricePerM2')}>
                  {props.canEdit ? (
                    <PriceEditor pkg={pkg} onSaved={loaded.reload} />
                  ) : (
                    <span>{priceText(lang, pkg)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function priceText(lang: Lang, pkg: Pkg): string {
  const f = (n: number) => n.toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-GB');
  const { min, max, currency } = pkg.pricePerM2;
  return `${min === max ? f(min) : `${f(min)}–${f(max)}`} ${currency}/m²`;
}

function PriceEditor(props: { pkg: Pkg; onSaved(): void }) {
  const { t } = useI18n();
  const { pkg } = props;
  const [min, setMin] = useState(String(pkg.pricePerM2.min));
  const [max, setMax] = useState(String(pkg.pricePerM2.max));
  const action = useAction(t);
  const changed = Number(min) !== pkg.pricePerM2.min || Number(max) !== pkg.pricePerM2.max;
  return (
    <form
      class="price-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(
          () =>
            api('PATCH', `/api/v1/admin/knowledge/packages/${pkg.id}`, {
              pricePerM2: { min: Number(min), max: Number(max) },
            }),
          t('saved'),
          props.onSaved,
        );
      }}
    >
      <label>
        <span class="sr-only">
          {pkg.name}: {t('priceFrom')}
        </span>
        <input
          type="number"
          name={`min-${pkg.id}`}
          min="1"
          step="any"
          inputMode="decimal"
          value={min}
          onInput={(e) => setMin(e.currentTarget.value)}
        />
      </label>
      <span aria-hidden="true">–</span>
      <label>
        <span class="sr-only">
          {pkg.name}: {t('priceTo')}
        </span>
        <input
          type="number"
          name={`max-${pkg.id}`}
          min="1"
          step="any"
          inputMode="decimal"
          value={max}
          onInput={(e) => setMax(e.currentTarget.value)}
        />
      </label>
      <span class="muted small">{pkg.pricePerM2.currency}/m²</span>
      <button type="submit" class="small" disabled={action.busy || !changed}>
        {t('save')}
      </button>
      <MessageLine message={action.message} />
    </form>
  );
}

function FaqSection(props: {
  loaded: ReturnType<typeof useLoad<{ entries: Faq[] }>>;
  onEdit(draft: Draft): void;
}) {
  const { t, lang } = useI18n();
  const [needle, setNeedle] = useState('');
  const action = useAction(t);
  const { loaded } = props;
  const shown = (loaded.data?.entries ?? []).filter((e) => matches(e, needle.trim()));
  return (
    <section class="card" aria-labelledby="kn-faq">
      <div class="section-head">
        <h2 id="kn-faq">{t('faq')}</h2>
        <button type="button" class="small" onClick={() => props.onEdit(emptyDraft())}>
          {t('newFaq')}
        </button>
      </div>
      <div role="search" class="kn-search">
        <Field label={t('searchFaq')}>
          <input
            type="search"
            name="faq-search"
            value={needle}
            onInput={(e) => setNeedle(e.currentTarget.value)}
          />
        </Field>
      </div>
      <MessageLine message={action.message} />
      {loaded.error !== undefined && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!loaded.data && loaded.error === undefined && <Loading />}
      {loaded.data && shown.length === 0 && <p class="muted">{t('nothingFound')}</p>}
      <ul class="plain faq-list">
        {shown.map((entry) => (
          <li key={entry.id} class="faq-item" data-faq={entry.id}>
            <details>
              <summary>{entry.question[lang]}</summary>
              <p class="faq-answer">{entry.answer[lang]}</p>
              {entry.tags.length > 0 && <p class="muted small">{entry.tags.join(', ')}</p>}
            </details>
            <div class="button-row">
              <span class="muted small mono">{entry.file ?? t('markdownFile')}</span>
              {entry.editable && (
                <>
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={`${t('edit')}: ${entry.question[lang]}`}
                    onClick={() => {
                      const src = entry.source ?? { question: entry.question, answer: entry.answer };
                      props.onEdit({
                        id: entry.id,
                        questionPl: src.question.pl,
                        questionEn: src.question.en,
                        answerPl: src.answer.pl,
                        answerEn: src.answer.en,
                        tags: entry.tags.join(', '),
                      });
                    }}
                  >
                    {t('edit')}
                  </button>
                  <ConfirmButton
                    label={t('delete')}
                    confirmLabel={t('deleteConfirm')}
                    question={t('deleteFaqQuestion')}
                    disabled={action.busy}
                    onConfirm={() =>
                      void action.run(
                        () => api('DELETE', `/api/v1/admin/knowledge/faq/${entry.id}`),
                        t('faqDeleted'),
                        loaded.reload,
                      )
                    }
                  />
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function FaqForm(props: { draft: Draft; onDone(saved: boolean): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(props.draft);
  const action = useAction(t);
  const set = (key: keyof Draft) => (e: { currentTarget: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.currentTarget.value }));
  const isNew = draft.id === undefined;
  return (
    <section class="card faq-form" aria-labelledby="faq-form-title">
      <h2 id="faq-form-title" tabIndex={-1} class="form-title">
        {isNew ? (draft.fromGroup ? t('faqFromGroup') : t('newFaq')) : t('editFaq')}
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            question: { pl: draft.questionPl, en: draft.questionEn },
            answer: { pl: draft.answerPl, en: draft.answerEn },
            tags: draft.tags
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            ...(isNew && draft.fromGroup ? { fromGroup: draft.fromGroup } : {}),
          };
          void action
            .run(
              () =>
                isNew
                  ? api('POST', '/api/v1/admin/knowledge/faq', body)
                  : api('PUT', `/api/v1/admin/knowledge/faq/${draft.id!}`, body),
              t('saved'),
            )
            .then((ok) => {
              if (ok) props.onDone(true);
            });
        }}
      >
        <div class="kn-langs">
          <fieldset>
            <legend>Polski</legend>
            <Field label={t('questionPl')}>
              <input
                name="question-pl"
                required
                maxLength={500}
                value={draft.questionPl}
                onInput={set('questionPl')}
              />
            </Field>
            <Field label={t('answerPl')}>
              <textarea
                name="answer-pl"
                required
                rows={5}
                maxLength={5000}
                value={draft.answerPl}
                onInput={set('answerPl')}
              />
            </Field>
          </fieldset>
          <fieldset>
            <legend>English</legend>
            <Field label={t('questionEn')}>
              <input
                name="question-en"
                required
                maxLength={500}
                value={draft.questionEn}
                onInput={set('questionEn')}
              />
            </Field>
            <Field label={t('answerEn')}>
              <textarea
                name="answer-en"
                required
                rows={5}
                maxLength={5000}
                value={draft.answerEn}
                onInput={set('answerEn')}
              />
            </Field>
          </fieldset>
        </div>
        <Field label={t('tags')} hint={t('tagsHint')}>
          <input name="tags" value={draft.tags} onInput={set('tags')} />
        </Field>
        <MessageLine message={action.message} />
        <div class="button-row">
          <button type="submit" disabled={action.busy}>
            {t('save')}
          </button>
          <button type="button" class="secondary" onClick={() => props.onDone(false)}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function UnansweredSection(props: {
  loaded: ReturnType<typeof useLoad<{ groups: Group[] }>>;
  onCreate(draft: Draft): void;
}) {
  const { t, lang } = useI18n();
  const { loaded } = props;
  return (
    <section class="card" aria-labelledby="kn-unanswered">
      <h2 id="kn-unanswered">{t('unansweredQuestions')}</h2>
      <p class="muted small">{t('unansweredIntro')}</p>
      {loaded.error !== undefined && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!loaded.data && loaded.error === undefined && <Loading />}
      {loaded.data && loaded.data.groups.length === 0 && <p class="muted">{t('noUnanswered')}</p>}
      <ul class="plain group-list">
        {(loaded.data?.groups ?? []).map((group) => (
          <li key={group.id} class="group-item" data-group={group.id}>
            <p class="group-count">
              <strong>
                {group.count} × {t('asked')}
              </strong>{' '}
              <span class="muted small">
                {group.conversations} {t('conversationsCount')} · {formatDateTime(lang, group.lastAskedAt)}
              </span>
            </p>
            <ul class="group-examples">
              {group.examples.map((example) => (
                <li key={example} lang={group.locale}>
                  {example}
                </li>
              ))}
            </ul>
            {group.closest && (
              <p class="muted small">
                {t('closestAnswer')}: {group.closest.question}
              </p>
            )}
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                const first = group.examples[0] ?? '';
                props.onCreate({
                  ...emptyDraft(),
                  fromGroup: group.id,
                  questionPl: group.locale === 'pl' ? first : '',
                  questionEn: group.locale === 'en' ? first : '',
                });
              }}
            >
              {t('createFaqFromGroup')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
