export type Locale = 'pl' | 'en';

export type MessageRole = 'user' | 'assistant' | 'operator' | 'system';

export interface WidgetColors {
  primary: string;
  onPrimary: string;
  background: string;
  text: string;
}

export interface WidgetConfig {
  locale: Locale;
  title: string;
  greeting: string;
  colors: WidgetColors;
  position: 'right' | 'left';
  privacyPolicyUrl: string;
  consentNotice: string;
  suggestions: string[];
  strings: Partial<Record<string, string>>;
}

export interface ChatReply {
  text: string;
  suggestions?: string[];
}

export interface ChatResponse {
  sessionId: string;
  sessionSecret?: string;
  locale: Locale;
  reply: ChatReply;
  handoff?: Record<string, unknown>;
}

export interface TranscriptMessage {
  id: string;
  role: MessageRole;
  text: string;
  createdAt: string;
  suggestions?: string[];
}
