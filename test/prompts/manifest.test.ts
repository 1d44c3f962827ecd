import { describe, expect, it } from 'vitest';
import { ConfigError, NotFoundError, ValidationError } from '../../src/errors.js';
import {
  audioFile,
  createPromptManifest,
  idFromMedia,
  loadPromptManifest,
  mediaUri,
  parsePromptManifest,
} from '../../src/prompts/prompt-manifest.js';
import { sayAmount } from '../../src/prompts/say-amount.js';
import { sayCount } from '../../src/prompts/say-count.js';
import { sayDate } from '../../src/prompts/say-date.js';
import { sayDuration } from '../../src/prompts/say-duration.js';
import { sayNumber } from '../../src/prompts/say-number.js';
import { sayOrdinal } from '../../src/prompts/say-ordinal.js';
import { sayPhone } from '../../src/prompts/say-phone.js';
import { sayPoints } from '../../src/prompts/say-points.js';
import { sayPosition } from '../../src/prompts/say-position.js';
import { LANGS, type Spoken } from '../../src/prompts/spoken.js';
import { WORDS } from '../../src/prompts/words.js';

const manifest = loadPromptManifest('config/prompts.yaml');

/** Deterministic spread of values, so a failure names a value that fails again. */
function* spread(count: number, max: number, seed = 7): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const digits = 1 + (x % String(max).length);
    yield Math.floor((x / 2147483648) * 10 ** digits) % (max + 1);
  }
}

function sayings(): Array<{ what: string; say: (lang: 'zh' | 'en') => Spoken }> {
  const out: Array<{ what: string; say: (lang: 'zh' | 'en') => Spoken }> = [];
  const add = (what: string, say: (lang: 'zh' | 'en') => Spoken) => out.push({ what, say });
  const integers = [
    ...Array.from({ length: 2001 }, (_, i) => i),
    ...[10 ** 4, 10 ** 5, 10 ** 6, 10 ** 7, 10 ** 8, 10 ** 9, 10 ** 10, 10 ** 11, 999_999_999_999],
    ...spread(3000, 999_999_999_999),
  ];
  for (const n of integers) {
    add(`number ${n}`, (lang) => sayNumber(n, lang));
    add(`number ${-n}`, (lang) => sayNumber(-n, lang));
    add(`count ${n}`, (lang) => sayCount(n, lang));
    add(`points ${n}`, (lang) => sayPoints(n, lang));
    if (n > 0) {
      add(`ordinal ${n}`, (lang) => sayOrdinal(n, lang));
      add(`position ${n}`, (lang) => sayPosition(n, lang));
    }
  }
  for (const cents of [...Array.from({ length: 1000 }, (_, i) => i), ...spread(2000, 99_999_999_999)]) {
    const yuan = cents / 100;
    add(`amount ${yuan}`, (lang) => sayAmount(yuan, lang));
    add(`amount ${-yuan}`, (lang) => sayAmount(-yuan, lang));
  }
  for (const year of [1900, 1905, 1999, 2000, 2001, 2009, 2010, 2024, 2026, 3000]) {
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= 28; day++) add(`date ${year}-${month}-${day}`, (lang) => sayDate({ year, month, day }, lang));
    }
  }
  add('date 2024-02-29', (lang) => sayDate('2024-02-29', lang));
  add('date 2026-12-31', (lang) => sayDate('2026-12-31', lang));
  for (const seconds of [...Array.from({ length: 7400 }, (_, i) => i), 86_400, 172_800, 359_999, ...spread(500, 10_000_000)]) {
    add(`duration ${seconds}`, (lang) => sayDuration(seconds, lang));
    add(`duration ${seconds} to the minute`, (lang) => sayDuration(seconds, lang, { precision: 'minute' }));
  }
  for (const phone of ['13800000001', '02100000001', '+8613912345678', '0123456789', '10000']) {
    add(`phone ${phone}`, (lang) => sayPhone(phone, lang));
  }
  return out;
}

describe('the prompt manifest config/prompts.yaml', () => {
  it('holds every word prompt that a spoken value can be made of, with the text the value reports', () => {
    const missing = new Set<string>();
    const wrongText: string[] = [];
    for (const { what, say } of sayings()) {
      for (const lang of LANGS) {
        const spoken = say(lang);
        const absent = manifest.missing(spoken.ids);
        for (const id of absent) missing.add(id);
        if (absent.length === 0 && manifest.compose(lang, spoken).text !== spoken.text) {
          wrongText.push(`${what} (${lang}): "${spoken.text}" vs manifest "${manifest.compose(lang, spoken).text}"`);
        }
      }
    }
    expect([...missing]).toEqual([]);
    expect(wrongText.slice(0, 5)).toEqual([]);
  });

  it('has the same text as the word table for every word prompt', () => {
    for (const [id, texts] of Object.entries(WORDS)) {
      expect(manifest.has(id), id).toBe(true);
      expect({ zh: manifest.text(id, 'zh'), en: manifest.text(id, 'en') }, id).toEqual(texts);
    }
  });

  it('has the sentence prompts the flows play', () => {
    const flowIds = [
      'common/no-input', 'common/invalid-choice', 'common/goodbye', 'common/transfer-to-agent',
      'common/service-unavailable', 'common/offer-agent', 'common/main-menu-return', 'common/please-wait',
      'common/after-hours', 'common/not-a-customer',
      'pw/enter', 'pw/wrong', 'pw/locked', 'pw/ok',
      'ss/welcome', 'ss/main-menu', 'ss/balance-is', 'ss/arrears-notice', 'ss/bill-menu', 'ss/bill-this-month-is',
      'ss/bill-last-month-is', 'ss/bill-items-intro', 'bill-item/plan', 'bill-item/voice', 'bill-item/data',
      'bill-item/sms', 'bill-item/value-added', 'bill-item/roaming', 'bill-item/other', 'ss/points-are',
      'ss/points-unit', 'ss/orders-none', 'ss/orders-count-prefix', 'ss/orders-count-suffix',
      'order-type/installation', 'order-type/repair', 'order-type/plan-change', 'order-type/relocation',
      'order-status/accepted', 'order-status/in-progress', 'order-status/technician-scheduled',
      'order-status/completed', 'ss/order-expected-date', 'ss/anything-else',
      'greet/diamond', 'greet/gold', 'greet/silver', 'greet/standard',
      'menu/diamond', 'menu/billing', 'menu/broadband', 'menu/orders', 'menu/complaints', 'menu/enterprise',
      'menu/self-service-5', 'menu/self-service-6', 'menu/repeat',
      'queue/billing', 'queue/broadband', 'queue/orders', 'queue/complaints', 'queue/enterprise', 'queue/general',
      'queue/senior', 'route/connecting-to',
      'hold/position-prefix', 'hold/position-suffix', 'hold/you-are-next', 'hold/your-position', 'hold/estimated-wait',
      'hold/thanks-for-waiting', 'hold/press-for-callback', 'hold/queue-full',
      'cb/offer', 'cb/enter-number', 'cb/number-is', 'cb/confirm-number', 'cb/confirmed', 'cb/within',
      'cb/withheld-enter-number', 'cb/greeting', 'whisper/callback', 'whisper/tier-diamond', 'whisper/tier-gold',
      'whisper/tier-silver', 'whisper/tier-standard', 'whisper/reason-prefix',
      'survey/intro', 'survey/question', 'survey/thanks', 'survey/comment',
      'complaint/ticket-opened', 'complaint/ticket-number',
    ];
    expect(manifest.missing(flowIds)).toEqual([]);
  });

  it('states the callback key explicitly and names the tier in the greetings', () => {
    expect(manifest.text('hold/press-for-callback', 'zh')).toContain('按5');
    expect(manifest.text('hold/press-for-callback', 'en')).toContain('press 5');
    expect(manifest.text('greet/diamond', 'zh')).toContain('钻石卡');
    expect(manifest.text('greet/gold', 'zh')).toContain('金卡');
    expect(manifest.text('greet/silver', 'zh')).toContain('银卡');
    expect(manifest.text('pw/locked', 'zh')).not.toMatch(/\d|十五/);
  });

  it('composes a sentence and a spoken value into one utterance', () => {
    expect(manifest.compose('zh', 'ss/balance-is', sayAmount(56.78, 'zh')).text).toBe('您的话费余额为五十六点七八元');
    expect(manifest.compose('en', 'ss/balance-is', sayAmount(-12.5, 'en')).text).toBe(
      'Your balance is in arrears, twelve yuan fifty fen',
    );
    expect(manifest.compose('zh', 'hold/position-prefix', sayCount(2, 'zh'), 'hold/position-suffix').text).toBe(
      '您前面还有两位客户在等待。',
    );
  });

  it('refuses a text lookup for an id it does not have', () => {
    expect(() => manifest.text('ss/no-such-prompt', 'zh')).toThrow(NotFoundError);
    expect(() => manifest.compose('en', 'ss/no-such-prompt')).toThrow(/no prompt "ss\/no-such-prompt"/);
  });
});

describe('manifest validation', () => {
  const check = (yaml: string) => () => parsePromptManifest(yaml, 'test.yaml');

  it('accepts ids with and without a folder, in file order', () => {
    const m = parsePromptManifest('a: { zh: 甲, en: a }\nnum/7: { zh: 七, en: seven }\nss/main-menu:\n  zh: 菜单\n  en: menu\n');
    expect(m.ids()).toEqual(['a', 'num/7', 'ss/main-menu']);
    expect(m.text('ss/main-menu', 'en')).toBe('menu');
  });

  it('names the id and the language of a missing text', () => {
    expect(check('ss/welcome: { zh: 欢迎 }\n')).toThrow(ConfigError);
    expect(check('ss/welcome: { zh: 欢迎 }\n')).toThrow(/prompt ss\/welcome\.en \(line 1\): missing/);
  });

  it('names the id of an empty or blank text', () => {
    expect(check('ss/welcome: { zh: "", en: Welcome }\n')).toThrow(/prompt ss\/welcome\.zh \(line 1\): must not be empty/);
    expect(check('ss/welcome: { zh: "  ", en: Welcome }\n')).toThrow(/ss\/welcome\.zh.*must not be empty/);
    expect(check('ss/welcome:\n')).toThrow(/prompt ss\/welcome \(line 1\): must be a mapping with a zh and an en text/);
  });

  it('refuses a text that is not a string, and languages other than zh and en', () => {
    expect(check('num/7: { zh: 七, en: 7 }\n')).toThrow(/num\/7\.en.*must be text/);
    expect(check('num/7: { zh: 七, en: seven, fr: sept }\n')).toThrow(/prompt num\/7 \(line 1\): unknown language fr/);
  });

  it('names a duplicate id with both lines', () => {
    const yaml = 'a: { zh: 甲, en: a }\nb: { zh: 乙, en: b }\na: { zh: 甲, en: a2 }\n';
    expect(check(yaml)).toThrow(/duplicate prompt id "a" \(line 3\), first defined on line 1/);
  });

  it.each(['Welcome', 'ss/Main-Menu', 'ss_main', 'a/b/c', 'ss/', '/x', 'ss/main-', 'x y', 'ss/-menu'])('refuses the bad id %j', (id) => {
    expect(check(`${JSON.stringify(id)}: { zh: 甲, en: a }\n`)).toThrow(/bad prompt id/);
  });

  it('reports every problem at once and lists the ids in the error details', () => {
    const yaml = 'good: { zh: 好, en: good }\nBad: { zh: 坏, en: bad }\nempty: { zh: "", en: x }\n';
    try {
      parsePromptManifest(yaml, 'test.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(/invalid prompt manifest test\.yaml/);
      expect((err as ConfigError).details).toEqual({ file: 'test.yaml', ids: ['Bad', 'empty'] });
    }
  });

  it('refuses a manifest that is not a mapping, not YAML, or empty', () => {
    expect(check('- a\n- b\n')).toThrow(/must map prompt ids/);
    expect(check('a: { zh: 甲\n')).toThrow(/not valid YAML/);
    expect(check('')).toThrow(/must map prompt ids/);
    expect(check('{}\n')).toThrow(/lists no prompts/);
  });

  it('says which file cannot be read', () => {
    expect(() => loadPromptManifest('config/no-such-prompts.yaml')).toThrow(/config\/no-such-prompts\.yaml cannot be read/);
  });

  it('validates a manifest built from an object like a file', () => {
    expect(createPromptManifest({ 'num/7': { zh: '七', en: 'seven' } }).text('num/7', 'zh')).toBe('七');
    expect(() => createPromptManifest({ 'num/7': { zh: '七' } })).toThrow(/prompt num\/7\.en: missing/);
  });
});

describe('media URIs and audio files', () => {
  it('plays a prompt as sound:hotline/<id> and maps the URI back to the id', () => {
    expect(mediaUri('num/7')).toBe('sound:hotline/num/7');
    expect(mediaUri('common/goodbye')).toBe('sound:hotline/common/goodbye');
    expect(idFromMedia('sound:hotline/num/7')).toBe('num/7');
    expect(idFromMedia(mediaUri('ss/main-menu'))).toBe('ss/main-menu');
  });

  it.each(['sound:tt-monkeys', 'sound:hotline/', 'sound:hotline/../secret', 'recording:hotline/num/7', 'tone:ring', 'sound:hotline/a/b/c'])(
    'does not take %j for one of our prompts',
    (uri) => {
      expect(idFromMedia(uri)).toBeNull();
    },
  );

  it('refuses to build a URI or a path from something that is not a prompt id', () => {
    expect(() => mediaUri('../etc/passwd')).toThrow(ValidationError);
    expect(() => audioFile('sounds', 'zh', 'a/../../b')).toThrow(ValidationError);
  });

  it('keeps our audio under hotline/ in the Asterisk sounds layout', () => {
    expect(audioFile('sounds', 'zh', 'num/7')).toBe('sounds/zh/hotline/num/7.wav');
    expect(audioFile('/var/lib/asterisk/sounds', 'en', 'common/goodbye')).toBe('/var/lib/asterisk/sounds/en/hotline/common/goodbye.wav');
  });
});
