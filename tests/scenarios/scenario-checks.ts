/** The scenario checks live in src/modules/assistant/compare (compare-models uses them too). */
export * from '../../src/modules/assistant/compare/scenario-checks.js';
