/**
 * The prompt said right after a tier's greeting where the tier's conversations
 * may be recorded ("您的通话可能会被录音。"): the greeting step plays it, and
 * the caller-time model counts it.
 */
export const RECORDING_NOTICE_PROMPT = 'common/may-be-recorded';
