import { z } from 'zod';

/** The `prompts` section: where the prompt texts come from. */
export const promptsConfigSchema = z.object({
  /** The prompt manifest: every prompt id with its Mandarin and English text. */
  manifest: z.string().default('config/prompts.yaml'),
}).strict();
