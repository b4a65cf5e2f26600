import { ApiError, NetworkError, parseConfig, requestJson } from './api';
import { h, icon, ICONS } from './dom';
import type { EmbedOptions } from './embed';
import { uiStrings, type UiStrings } from './i18n';
import { richText } from './rich-text';
import { WidgetStorage } from './storage';
import { WIDGET_CSS } from './styles';
import { HttpTransport, type ChatTransport, type TransportEvent } from './transport';
import { LiveConnection, type LiveEvent } from './live';
import type { Locale, MessageRole, TranscriptMessage, WidgetConfig } from './types';

export const MAX_MESSAGE_LENGTH = 4000;

const FOCUSABLE =
  'button:not([disabled]), a[href], textarea:not([disabled]), input:not([disabled]), [tabindex="0"]';

export interface WidgetApi {
  open(): void;
  close(): void;
  toggle(): void;
  isOpen(): boolean;
}

function safeColor(value: string): string | undefined {
  return value && typeof CSS !== 'undefined' && CSS.supports('color', value) ? value : undefined;
}

function safeLink(value: string, base: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, base + '/');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export class ChatWidget implements WidgetApi {
  private readonly storage: WidgetStorage;
  private readonly transport: ChatTransport;
  private readonly live: LiveConnection;
  /** Transcript message ids already shown (live events may repeat what the transcript had). */
  private readonly shownIds = new Set<string>();
  private operatorTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private locale: Locale | undefined;
  private strings: UiStrings;
  private config: WidgetConfig | undefined;
  private configLoading: Promise<void> | undefined;

  private readonly host: HTMLElement;
  private readonly shadow: ShadowRoot;
  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLDivElement;
  private readonly title: HTMLHeadingElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly banner: HTMLParagraphElement;
  private readonly body: HTMLDivElement;
  private readonly consent: HTMLParagraphElement;
  private readonly log: HTMLDivElement;
  private readonly typing: HTMLDivElement;
  private readonly error: HTMLDivElement;
  private readonly errorText: HTMLParagraphElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly suggestions: HTMLDivElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;

  private opened = false;
  private pending = false;
  private failedMessage: string | undefined;
  private retryAction: (() => void) | undefined;
  private transcriptShown = false;

  constructor(private readonly options: EmbedOptions) {
    this.storage = new WidgetStorage(options.baseUrl);
    this.transport = new HttpTransport(options.baseUrl, this.storage);
    this.live = new LiveConnection(options.baseUrl, this.storage, (event) => this.onLiveEvent(event));
    this.locale = options.locale;
    this.strings = uiStrings(this.locale ?? 'en');

    this.host = document.createElement('frontdesk-widget');
    this.host.style.setProperty('all', 'initial', 'important');
    this.host.style.setProperty('display', 'block', 'important');
    this.shadow = this.host.attachShadow({ mode: 'open' });
    this.adoptStyles();

    const s = this.strings;
    this.launcher = h('button', {
      type: 'button',
      class: 'launcher',
      'aria-haspopup': 'dialog',
      'aria-expanded': 'false',
    });
    this.launcher.append(icon(...ICONS.chat));
    this.title = h('h2', { class: 'title', id: 'fd-title' });
    this.closeButton = h('button', { type: 'button', class: 'close' }, icon(...ICONS.close));
    this.banner = h('p', { class: 'banner', role: 'status', hidden: true });
    this.consent = h('p', { class: 'consent', hidden: true });
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    this.typing = h('div', { class: 'typing', role: 'status', hidden: true }, h('i'), h('i'), h('i'));
    this.errorText = h('p');
    this.retryButton = h('button', { type: 'button', class: 'retry' });
    this.error = h('div', { class: 'error', role: 'alert', hidden: true }, this.errorText, this.retryButton);
    this.body = h('div', { class: 'body' }, this.consent, this.log, this.typing, this.error);
    this.suggestions = h('div', { class: 'suggestions', role: 'group', hidden: true });
    this.input = h('textarea', {
      class: 'input',
      id: 'fd-input',
      rows: '1',
      maxlength: String(MAX_MESSAGE_LENGTH),
      autocomplete: 'off',
      enterkeyhint: 'send',
    });
    this.sendButton = h('button', { type: 'submit', class: 'send' }, icon(...ICONS.send));
    const inputLabel = h('label', { class: 'sr', for: 'fd-input' });
    this.form = h('form', { class: 'composer', novalidate: true }, inputLabel, this.input, this.sendButton);
    this.panel = h(
      'div',
      {
        class: 'panel',
        id: 'fd-panel',
        role: 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'fd-title',
        hidden: true,
      },
      h('div', { class: 'header' }, this.title, this.closeButton),
      this.banner,
      this.body,
      this.suggestions,
      this.form,
    );
    this.launcher.setAttribute('aria-controls', 'fd-panel');
    this.root = h('div', { class: 'root right' }, this.launcher, this.panel);
    this.shadow.append(this.root);
    this.applyStrings(s, inputLabel);
    this.bindEvents();
  }

  /** Puts the widget on the page, loads its configuration and restores a stored conversation. */
  attach(): void {
    document.body.append(this.host);
    this.updateOnlineState();
    void this.loadConfig();
    if (this.transport.hasSession()) void this.restoreTranscript().then(() => this.live.start());
    else this.transcriptShown = true;
    if (this.storage.isOpen()) this.open(false);
  }

  // ---- public API -------------------------------------------------------------------------------

  open(moveFocus = true): void {
    if (!this.opened) {
      this.opened = true;
      this.panel.hidden = false;
      this.launcher.hidden = true;
      this.launcher.setAttribute('aria-expanded', 'true');
      this.storage.saveOpen(true);
      if (!this.config) void this.loadConfig();
      this.scrollToEnd();
    }
    if (moveFocus) this.input.focus();
  }

  close(returnFocus = true): void {
    if (!this.opened) return;
    this.opened = false;
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.storage.saveOpen(false);
    if (returnFocus) this.launcher.focus();
  }

  toggle(): void {
    if (this.opened) this.close();
    else this.open();
  }

  isOpen(): boolean {
    return this.opened;
  }

  // ---- setup ------------------------------------------------------------------------------------

  private adoptStyles(): void {
    const canAdopt = 'adoptedStyleSheets' in ShadowRoot.prototype && 'replaceSync' in CSSStyleSheet.prototype;
    if (canAdopt) {
      // Constructed style sheets are not inline styles, so a strict style-src CSP on the host page allows them.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      this.shadow.adoptedStyleSheets = [sheet];
    } else {
      this.shadow.append(h('style', { text: WIDGET_CSS }));
    }
  }

  private applyStrings(s: UiStrings, inputLabel?: HTMLLabelElement): void {
    this.launcher.setAttribute('aria-label', s.openChat);
    this.launcher.title = s.openChat;
    this.closeButton.setAttribute('aria-label', s.closeChat);
    this.closeButton.title = s.closeChat;
    this.log.setAttribute('aria-label', s.transcript);
    this.typing.setAttribute('aria-label', s.typing);
    this.retryButton.textContent = s.retry;
    this.suggestions.setAttribute('aria-label', s.suggestions);
    this.input.placeholder = s.inputPlaceholder;
    this.sendButton.setAttribute('aria-label', s.send);
    this.sendButton.title = s.send;
    if (inputLabel) inputLabel.textContent = s.inputLabel;
    else {
      const label = this.form.querySelector('label');
      if (label) label.textContent = s.inputLabel;
    }
    if (!this.title.textContent) this.title.textContent = s.defaultTitle;
    if (!this.banner.hidden) this.banner.textContent = s.offlineBanner;
  }

  private bindEvents(): void {
    this.launcher.addEventListener('click', () => this.open());
    this.closeButton.addEventListener('click', () => this.close());
    this.retryButton.addEventListener('click', () => this.retryAction?.());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(this.input.value);
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit(this.input.value);
      }
    });
    this.input.addEventListener('input', () => this.autoGrow());
    this.panel.addEventListener('keydown', (event) => this.onPanelKeydown(event));
    window.addEventListener('online', () => this.updateOnlineState());
    window.addEventListener('offline', () => this.updateOnlineState());
    // Any element on the host page marked with data-frontdesk-open opens the chat, no script needed.
    document.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('[data-frontdesk-open]') : null;
      if (!target) return;
      event.preventDefault();
      this.open();
    });
    this.transport.subscribe((event) => this.onTransportEvent(event));
  }

  private onPanelKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    if (event.key !== 'Tab') return;
    const focusable = Array.from(this.panel.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (el) => el.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const active = this.shadow.activeElement;
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- configuration ----------------------------------------------------------------------------

  private loadConfig(): Promise<void> {
    if (this.configLoading) return this.configLoading;
    const query = this.locale ? '?locale=' + this.locale : '';
    this.configLoading = requestJson(this.options.baseUrl + '/api/v1/widget/config' + query)
      .then((raw) => {
        this.applyConfig(parseConfig(raw, this.locale ?? 'en'));
        if (this.retryAction === this.retryConfig) this.hideError();
      })
      .catch((error: unknown) => {
        if (this.opened || this.retryAction === this.retryConfig) this.showError(error, this.retryConfig);
      })
      .finally(() => {
        this.configLoading = undefined;
      });
    return this.configLoading;
  }

  private readonly retryConfig = (): void => {
    this.hideError();
    void this.loadConfig();
  };

  private applyConfig(config: WidgetConfig): void {
    this.config = config;
    this.locale = config.locale;
    this.strings = uiStrings(config.locale, config.strings);
    this.title.textContent = config.title || this.strings.defaultTitle;
    this.applyStrings(this.strings);
    this.root.className = 'root ' + config.position;
    const colors: [string, string][] = [
      ['--fd-primary', config.colors.primary],
      ['--fd-on-primary', config.colors.onPrimary],
      ['--fd-bg', config.colors.background],
      ['--fd-text', config.colors.text],
    ];
    for (const [name, value] of colors) {
      const color = safeColor(value);
      if (color) this.root.style.setProperty(name, color);
    }
    this.renderConsent(config);
    if (this.transcriptShown && this.log.childElementCount === 0) this.showGreeting();
  }

  private renderConsent(config: WidgetConfig): void {
    this.consent.replaceChildren();
    const href = safeLink(config.privacyPolicyUrl, this.options.baseUrl);
    if (!config.consentNotice && !href) {
      this.consent.hidden = true;
      return;
    }
    if (config.consentNotice) this.consent.append(richText(config.consentNotice));
    if (href) {
      if (config.consentNotice) this.consent.append(' ');
      this.consent.append(
        h('a', { href, target: '_blank', rel: 'noopener noreferrer', text: this.strings.privacyPolicy }),
      );
    }
    this.consent.hidden = false;
  }

  private showGreeting(): void {
    if (!this.config) return;
    if (this.config.greeting) this.appendMessage('assistant', this.config.greeting);
    this.renderSuggestions(this.config.suggestions);
  }

  // ---- transcript -------------------------------------------------------------------------------

  private async restoreTranscript(): Promise<void> {
    this.log.setAttribute('aria-busy', 'true');
    let messages: TranscriptMessage[] = [];
    try {
      messages = await this.transport.loadTranscript();
    } catch {
      // The stored session is kept; the visitor can keep writing and the server decides.
    }
    this.log.removeAttribute('aria-busy');
    this.transcriptShown = true;
    if (this.log.childElementCount > 0) return;
    if (messages.length === 0) {
      this.showGreeting();
      return;
    }
    for (const message of messages) {
      if (message.id) this.shownIds.add(message.id);
      this.appendMessage(message.role, message.text);
    }
    const last = messages[messages.length - 1];
    this.renderSuggestions(last && last.role !== 'user' ? (last.suggestions ?? []) : []);
  }

  private appendMessage(role: MessageRole, text: string): HTMLElement {
    const who: Record<MessageRole, string> = {
      user: this.strings.you,
      assistant: this.strings.assistant,
      operator: this.strings.operator,
      system: this.strings.system,
    };
    const bubble = h('div', { class: 'bubble' });
    if (role === 'operator') bubble.append(h('span', { class: 'who', text: who.operator }));
    else bubble.append(h('span', { class: 'sr', text: who[role] + ': ' }));
    bubble.append(richText(text));
    const item = h('div', { class: 'msg ' + role, 'data-role': role }, bubble);
    this.log.append(item);
    this.scrollToEnd();
    return item;
  }

  private renderSuggestions(suggestions: string[]): void {
    this.suggestions.replaceChildren(
      ...suggestions.slice(0, 6).map((text) => {
        const button = h('button', { type: 'button', class: 'suggestion', text });
        button.addEventListener('click', () => this.submit(text));
        return button;
      }),
    );
    this.suggestions.hidden = suggestions.length === 0;
  }

  /** Operator messages, typing, the nudge and handoff status from the widget WebSocket. */
  private onLiveEvent(event: LiveEvent): void {
    const text = typeof event.data.text === 'string' ? event.data.text : '';
    const messageId = typeof event.data.messageId === 'string' ? event.data.messageId : '';
    if (messageId) {
      if (this.shownIds.has(messageId)) return;
      this.shownIds.add(messageId);
    }
    if (event.type === 'typing') {
      this.showOperatorTyping(event.data.active === true);
      return;
    }
    if (event.type === 'message' && event.data.role === 'operator' && text) {
      this.showOperatorTyping(false);
      this.appendMessage('operator', text);
    } else if (event.type === 'nudge' && text) {
      this.appendMessage('assistant', text);
    } else if ((event.type === 'handoff' || event.type === 'session_ended') && text) {
      this.appendMessage('system', text);
    }
  }

  private showOperatorTyping(active: boolean): void {
    if (this.operatorTypingTimer) clearTimeout(this.operatorTypingTimer);
    this.operatorTypingTimer = undefined;
    if (this.pending) return;
    this.typing.hidden = !active;
    this.typing.setAttribute('aria-label', active ? this.strings.operator + '…' : this.strings.typing);
    // A typing indicator whose "stopped" never arrives goes away on its own.
    if (active) this.operatorTypingTimer = setTimeout(() => this.showOperatorTyping(false), 8_000);
    this.scrollToEnd();
  }

  private onTransportEvent(event: TransportEvent): void {
    if (event.type === 'message') {
      this.appendMessage(event.message.role, event.message.text);
      this.renderSuggestions(event.message.suggestions ?? []);
    }
  }

  // ---- sending ----------------------------------------------------------------------------------

  private submit(raw: string): void {
    const text = raw.trim().slice(0, MAX_MESSAGE_LENGTH);
    if (!text || this.pending) return;
    if (this.failedMessage !== undefined) {
      // A new message replaces the one that failed; the failed one stays visible in the transcript.
      this.failedMessage = undefined;
      this.hideError();
    }
    this.appendMessage('user', text);
    this.input.value = '';
    this.autoGrow();
    this.renderSuggestions([]);
    void this.deliver(text);
  }

  private readonly retrySend = (): void => {
    const text = this.failedMessage;
    if (text === undefined || this.pending) return;
    this.hideError();
    void this.deliver(text);
  };

  private async deliver(text: string): Promise<void> {
    this.setPending(true);
    try {
      if (!navigator.onLine) throw new NetworkError('offline');
      let partial: HTMLElement | undefined;
      const response = await this.transport.send(text, this.locale, {
        onPartial: (soFar) => {
          partial ??= this.appendMessage('assistant', '');
          const bubble = partial.querySelector('.bubble');
          if (bubble)
            bubble.replaceChildren(
              h('span', { class: 'sr', text: this.strings.assistant + ': ' }),
              richText(soFar),
            );
        },
      });
      partial?.remove();
      this.failedMessage = undefined;
      this.locale = response.locale;
      if (response.reply.text) this.appendMessage('assistant', response.reply.text);
      this.live.start();
      this.renderSuggestions(response.reply.suggestions ?? []);
    } catch (error) {
      this.failedMessage = text;
      this.showError(error, this.retrySend);
    } finally {
      this.setPending(false);
    }
  }

  private setPending(pending: boolean): void {
    this.pending = pending;
    this.typing.hidden = !pending;
    this.sendButton.disabled = pending;
    if (pending) this.scrollToEnd();
  }

  private showError(error: unknown, retry: () => void): void {
    const s = this.strings;
    let message = s.errorGeneric;
    if (error instanceof NetworkError || !navigator.onLine) message = s.errorOffline;
    else if (error instanceof ApiError && error.status === 429) message = s.errorRateLimited;
    else if (error instanceof ApiError && error.status >= 500) message = s.errorUnavailable;
    this.errorText.textContent = message;
    this.retryAction = retry;
    this.error.hidden = false;
    this.scrollToEnd();
  }

  private hideError(): void {
    this.error.hidden = true;
    this.retryAction = undefined;
  }

  private updateOnlineState(): void {
    const offline = !navigator.onLine;
    this.banner.hidden = !offline;
    this.banner.textContent = offline ? this.strings.offlineBanner : '';
    if (!offline && !this.config && this.opened) void this.loadConfig();
  }

  private autoGrow(): void {
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 140) + 'px';
  }

  private scrollToEnd(): void {
    if (this.opened) this.body.scrollTop = this.body.scrollHeight;
  }
}
