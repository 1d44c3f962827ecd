/**
 * What the burst scenario keeps of the switch's events: only the facts the
 * measures need (channel states, bridge membership, hang-ups, the service's
 * published outcome), each with the switch's own timestamp so that ordering
 * and durations do not depend on when this process got round to reading them.
 */
export type SwitchEvent =
  /** A channel changed state (`Up` = answered). */
  | { kind: 'state'; at: number; channel: string; name: string; state: string }
  /** Who is in a bridge after a channel entered or left it (empty once destroyed). */
  | { kind: 'bridge'; at: number; bridge: string; members: string[] }
  /**
   * A channel is ending. `soft` is set on the hang-up request a REST
   * DELETE causes on that very channel (the other half of a Local channel
   * sees a request without it).
   */
  | { kind: 'hangup'; at: number; channel: string; name: string; soft: boolean; cause: number | null }
  | { kind: 'destroyed'; at: number; channel: string; name: string; cause: number | null }
  /** A channel variable set (the service publishes HOTLINE_OUTCOME this way). */
  | { kind: 'var'; at: number; channel: string; variable: string; value: string };

interface RawChannel { id?: unknown; name?: unknown; state?: unknown }
interface RawBridge { id?: unknown; channels?: unknown }

/** The SwitchEvent for one ARI event, or null when the measures do not need it. */
export function toSwitchEvent(raw: Record<string, unknown>): SwitchEvent | null {
  const at = Date.parse(String(raw.timestamp ?? ''));
  if (!Number.isFinite(at)) return null;
  const channel = (raw.channel ?? null) as RawChannel | null;
  const id = typeof channel?.id === 'string' ? channel.id : '';
  const name = typeof channel?.name === 'string' ? channel.name : '';
  const bridge = (raw.bridge ?? null) as RawBridge | null;
  const cause = typeof raw.cause === 'number' ? raw.cause : null;
  switch (raw.type) {
    case 'ChannelStateChange':
      return id ? { kind: 'state', at, channel: id, name, state: String(channel?.state ?? '') } : null;
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
    case 'BridgeDestroyed': {
      if (!bridge || typeof bridge.id !== 'string') return null;
      const listed = Array.isArray(bridge.channels) ? bridge.channels.filter((c): c is string => typeof c === 'string') : [];
      const members = new Set(listed);
      if (raw.type === 'ChannelEnteredBridge' && id) members.add(id);
      if (raw.type === 'ChannelLeftBridge' && id) members.delete(id);
      if (raw.type === 'BridgeDestroyed') members.clear();
      return { kind: 'bridge', at, bridge: bridge.id, members: [...members] };
    }
    case 'ChannelHangupRequest':
      return id ? { kind: 'hangup', at, channel: id, name, soft: raw.soft === true, cause } : null;
    case 'ChannelDestroyed':
      return id ? { kind: 'destroyed', at, channel: id, name, cause } : null;
    case 'ChannelVarset':
      return id && typeof raw.variable === 'string'
        ? { kind: 'var', at, channel: id, variable: raw.variable, value: String(raw.value ?? '') }
        : null;
    default:
      return null;
  }
}

/** An originate request as the switch received it (its request log). */
export interface OriginateRecord {
  /** When the request reached the switch (epoch ms). */
  at: number;
  channelId: string;
  endpoint: string;
  /** HOTLINE_CALL_ID among the originate's variables: the caller this leg is for. */
  callId: string | null;
}

/** The agent an endpoint rings (`Local/1001@agents`, `PJSIP/1001`), or null for anything else. */
export function agentOfEndpoint(endpoint: string): string | null {
  const match = /^(?:Local\/(\d+)@agents(?:\/.*)?|PJSIP\/(\d+))$/i.exec(endpoint);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** The agent of an agent leg's channel name (`Local/1001@agents-00000003;1`), or null. */
export function agentOfChannelName(name: string): string | null {
  const match = /^Local\/(\d+)@agents-[^;]*;1$/.exec(name);
  return match ? match[1]! : null;
}
