/** Measures the offline engine's own time per turn (used by `npm run bench`). */
import path from 'node:path';
import { createKnowledgeService } from '../knowledge/service.js';
import { loadDialogue, reply, type ConversationState } from './offline/index.js';

export async function engineTurnMicros(
  conversation: string[],
  repeats: number,
  knowledgeDir = path.resolve('knowledge'),
): Promise<{ meanMicros: number; p99Micros: number; turns: number }> {
  const knowledge = await createKnowledgeService({ dir: knowledgeDir, watch: false });
  const dialogue = await loadDialogue(path.join(knowledgeDir, 'dialogue'));
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let state: ConversationState | null = null;
    for (const message of conversation) {
      const started = process.hrtime.bigint();
      state = reply({ message, state }, knowledge, dialogue).state;
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  await knowledge.close();
  samples.sort((a, b) => a - b);
  const warm = samples.slice(0);
  return {
    meanMicros: warm.reduce((a, b) => a + b, 0) / warm.length,
    p99Micros: warm[Math.floor(warm.length * 0.99)] ?? 0,
    turns: warm.length,
  };
}
