/** The offline (no-LLM) reply engine: the zero-configuration assistant and the fallback when an LLM fails. */
export { reply, computeQuote } from './engine.js';
export {
  loadDialogue,
  parseDialogue,
  DialogueError,
  type Dialogue,
  type DialoguePolicy,
} from './dialogue.js';
export { initialState, parseConversationState } from './state.js';
export type * from './types.js';
