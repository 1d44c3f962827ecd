import { describe, expect, it } from 'vitest';
import { callerContextOrNull, parseCallerContext, serializeCallerContext } from '../../src/routing/stored-caller-context.js';
import { context } from './support/acd-fixture.js';

describe('the caller context as stored with a queued call or a callback', () => {
  it('reads back exactly what was stored', () => {
    const stored = context('call-1', { transfer: { from: 'agent', fromQueue: 'billing', fromAgent: '1001', note: 'by 1001' }, asked: ['balance'] });
    expect(parseCallerContext(serializeCallerContext(stored))).toEqual({ kind: 'context', context: stored });
  });

  it('treats nothing stored as no context', () => {
    for (const text of [undefined, null, '', 'null', '{}']) expect(parseCallerContext(text)).toEqual({ kind: 'none' });
    expect(serializeCallerContext(null)).toBe('');
  });

  it('reads a context stored before its lists and transfer existed with them empty', () => {
    const { asked: _asked, menuPath: _menuPath, transfer: _transfer, ...older } = context('call-2');
    expect(parseCallerContext(JSON.stringify(older))).toMatchObject({ kind: 'context', context: { asked: [], menuPath: [], transfer: null } });
  });

  it('says why a damaged context cannot be used, and the reader goes on without it', () => {
    const problems: string[] = [];
    expect(callerContextOrNull('{"callId":', (p) => problems.push(p))).toBeNull();
    expect(callerContextOrNull(JSON.stringify({ ...context('call-3'), tier: 'platinum' }), (p) => problems.push(p))).toBeNull();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/not JSON/);
    expect(problems[1]).toMatch(/tier/);
  });
});
