import type { Recordings } from '../recordings/recordings.js';

export { RECORDING_STATUSES, type RecordingFilter, type RecordingMeta, type RecordingStatus } from '../recordings/recording-meta.js';
export type { RecordingCounts } from '../recordings/recordings.js';

/**
 * What the supervisor API needs of the recordings: their metadata, their
 * audio (whole or a byte range), the legal hold, and the counts /metrics
 * shows.
 */
export type RecordingCatalog = Pick<Recordings, 'list' | 'get' | 'open' | 'setLegalHold' | 'counts'>;
