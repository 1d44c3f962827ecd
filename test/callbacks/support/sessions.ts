import { pino } from 'pino';
import type { Call } from '../../../src/call-control/call-control.js';
import type { CallSession } from '../../../src/ivr/call-session.js';
import { decideRoute } from '../../../src/routing/decide-route.js';
import type { RoutingPolicy } from '../../../src/routing/routing-policy.js';
import type { CallerContext, Need, RouteDecision, TierId } from '../../../src/routing/types.js';

/** The IVR's session of a call, as the hand-off has it when the caller reaches a queue. */
export function sessionOf(call: Call, tier: TierId, at: number): CallSession {
  return {
    call,
    log: pino({ level: 'silent' }),
    callId: call.id,
    callerNumber: call.callerNumber,
    dialled: call.dialled,
    arrivedAt: at,
    lang: 'zh',
    customer: null,
    recognition: 'unknown',
    tier,
    tierReason: 'test',
    passwordVerified: false,
    asked: [],
    menuPath: [],
    results: {},
    vars: {},
    transfer: null,
  };
}

export function routeFor(policy: RoutingPolicy, need: Need, tier: TierId): RouteDecision {
  return decideRoute({ dialled: '10000', need, tier, customer: null, policy: policy.snapshot(), transfer: null });
}

export function contextOf(session: CallSession): CallerContext {
  return {
    callId: session.callId,
    callerNumber: session.callerNumber,
    dialled: session.dialled,
    customer: null,
    tier: session.tier,
    tierReason: session.tierReason,
    passwordVerified: false,
    asked: [],
    menuPath: [],
    transfer: null,
  };
}
