/**
 * npm run call -- <number> --from <ani> [--keys K]... [--json] [--[no-]hangup-after-outcome]
 *
 * Places a call into the hotline through ARI (the simulated Asterisk of the
 * demo, or a real Asterisk through a Local channel into `from-external`),
 * presses each key group after the prompts before it finished, and prints what
 * the caller heard and where the call ended. On 10001 it hangs up once the
 * answer (the balance…) has been heard; --no-hangup-after-outcome keeps
 * listening until the menu waits for keys again.
 *
 * Environment: ARI_URL (default http://127.0.0.1:${ARI_SIM_PORT:-8088}),
 * ARI_USER / ARI_PASSWORD (default ivr / ivr), ARI_APP (the service's Stasis
 * app, default ivr), PROMPTS_MANIFEST (default config/prompts.yaml).
 */
import { parseArgs } from 'node:util';
import { placeCall, type CallReport } from '../call-tool/place-call.js';
import { maskPhone } from '../log/mask.js';
import { loadPromptManifest } from '../prompts/prompt-manifest.js';

const USAGE = 'usage: npm run call -- <number> --from <calling number> [--keys 1] [--keys 123456#] [--json] [--max-wait <seconds>] [--talk <seconds>]\n'
  + '       [--hangup-after-outcome | --no-hangup-after-outcome]  (hang up once the answer has been heard; default on for 10001)';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        keys: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
        'max-wait': { type: 'string' },
        talk: { type: 'string' },
        // No default: left unset, the tool decides by the number dialled.
        'hangup-after-outcome': { type: 'boolean' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowNegative: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  const number = positionals[0];
  if (!number || positionals.length > 1) { process.stderr.write(`${USAGE}\n`); return 2; }
  if (!/^[0-9*#]+$/.test(number)) { process.stderr.write(`number must be digits, got ${JSON.stringify(number)}\n`); return 2; }
  const from = values.from ?? '';
  if (from !== '' && !/^[+0-9a-zA-Z]+$/.test(from)) { process.stderr.write(`--from must be a calling number (or "anonymous"), got ${JSON.stringify(from)}\n`); return 2; }
  const keys = values.keys ?? [];
  const bad = keys.find((k) => !/^[0-9*#A-D]+$/.test(k));
  if (bad !== undefined) { process.stderr.write(`--keys takes DTMF digits 0-9 * # A-D, got ${JSON.stringify(bad)}\n`); return 2; }
  const maxWait = values['max-wait'] === undefined ? 120 : Number(values['max-wait']);
  if (!Number.isFinite(maxWait) || maxWait <= 0) { process.stderr.write('--max-wait must be a positive number of seconds\n'); return 2; }

  const talk = values.talk === undefined ? 0 : Number(values.talk);
  if (!Number.isFinite(talk) || talk < 0) { process.stderr.write('--talk must be a number of seconds (0 or more)\n'); return 2; }

  const env = process.env;
  const report = await placeCall({
    ariUrl: env.ARI_URL ?? `http://127.0.0.1:${env.ARI_SIM_PORT ?? '8088'}`,
    user: env.ARI_USER ?? 'ivr',
    password: env.ARI_PASSWORD ?? 'ivr',
    serviceApp: env.ARI_APP ?? 'ivr',
    number,
    from,
    keys,
    manifest: loadPromptManifest(env.PROMPTS_MANIFEST ?? 'config/prompts.yaml'),
    maxQueueWaitMs: maxWait * 1000,
    talkMs: talk * 1000,
    hangupAfterOutcome: values['hangup-after-outcome'],
  });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : describe(report));
  return report.outcome.kind === 'error' ? 1 : 0;
}

function describe(r: CallReport): string {
  const lines = [`call to ${r.number} from ${maskPhone(r.from) || '(withheld)'}`];
  // Word prompts of a spoken value (五 十 六 点 七 八 元) read as one line.
  let words: string[] = [];
  // Mandarin words run together; English ones are separated by spaces.
  const flush = () => { if (words.length) lines.push(`  heard   ${words.join(words.some((w) => /[A-Za-z]/.test(w)) ? ' ' : '')}`); words = []; };
  for (const h of r.heard) {
    if (/^sound:hotline\/(num|unit|word|ord|month)\//.test(h.media)) { words.push(h.text || h.media); continue; }
    flush();
    lines.push(`  heard   ${h.text || h.media}`);
  }
  flush();
  if (r.pressed.length) lines.push(`  pressed ${r.pressed.join(' ')}`);
  const o = r.outcome;
  const detail = Object.entries(o).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${v}`).join(' ');
  lines.push(`outcome: ${o.kind}${detail ? ` (${detail})` : ''} after ${(r.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
