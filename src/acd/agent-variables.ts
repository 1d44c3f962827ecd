/**
 * Channel variables set on the agent's leg: what the agent's desk needs to
 * greet the caller and look them up. Never the service password (the context
 * only says whether it was verified, and that is not passed either).
 */
export function agentVariables(call: { callId: string; tier: string; queue: string; accountId: string | null; reason: string; campaign?: string | null }): Record<string, string> {
  return {
    HOTLINE_CALL_ID: call.callId,
    HOTLINE_TIER: call.tier,
    HOTLINE_QUEUE: call.queue,
    HOTLINE_ACCOUNT: call.accountId ?? '',
    HOTLINE_REASON: call.reason,
    // The outbound campaign whose call the customer took, so the desk can say why we called.
    ...(call.campaign ? { HOTLINE_CAMPAIGN: call.campaign } : {}),
  };
}
