import { percentile } from './percentile.js';
import type { BurstReport } from './run-burst.js';

const ms = (v: number | null) => (v === null ? 'n/a' : String(Math.round(v)));

/** The one line the benchmark is judged by. */
export function burstLine(report: BurstReport): string {
  const f = report.findings;
  return `burst: callers=${f.callers} served=${f.served} dropped=${f.dropped} silent-answers=${f.silentAnswers} `
    + `double-assignments=${f.doubleAssignments} freed-to-rung p50=${ms(percentile(f.freedToRung, 50))} p99=${ms(percentile(f.freedToRung, 99))}`;
}

/** The table under it: callers per profile, then what the switch and the service's log showed. */
export function burstTable(report: BurstReport): string {
  const f = report.findings;
  const rows: string[][] = [['profile', 'callers', 'served', 'dropped', 'mean wait ms', 'max wait ms']];
  for (const p of f.profiles) rows.push([p.profile, String(p.callers), String(p.served), String(p.dropped), ms(p.meanWaitMs), ms(p.maxWaitMs)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));

  const s = report.scenario;
  const c = s.conditions;
  const pairs = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const kinds = Object.entries(report.requests.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`);
  lines.push(
    '',
    `scenario: ${s.callers} callers at ${s.arrivalsPerSecond}/s onto ${s.agents.length} agents answering after ${s.answerAfterMs} ms and talking ${s.talkMs} ms; `
      + `wrap-up ${s.wrapUpSec ?? 'as configured'} s; hold announcements every ${s.holdAnnouncementIntervalSec ?? 'configured'} s`,
    `switch: latency ${c.latencyMs ?? 0} ms, ${c.maxConcurrentRequests ?? 'unlimited'} concurrent requests, keep-alive ${c.sessionKeepAliveMs ?? 'default'} ms`
      + (report.conditionsApplied ? '' : ' (NOT in force: the simulator did not report them)'),
    `callers gave up ${f.gaveUp}, not placed ${f.notPlaced}; agent legs ${f.agentLegs}, answered ${f.answeredLegs}; same call rung twice on one phone ${f.sameCallOverlaps}`,
    `freed-to-rung samples ${f.freedToRung.length} (max ${ms(f.freedToRung.length ? Math.max(...f.freedToRung) : null)} ms), reserved but never rung ${f.freedNeverRung}; `
      + `of which freed to originate handed to the ARI client p50 ${ms(percentile(f.freedToAssigned, 50))} p99 ${ms(percentile(f.freedToAssigned, 99))} ms`,
    `ring failures (ACD): ${pairs(f.ringFailures)}; pauses: ${pairs(f.pauses)}`,
    `ARI requests by the service: ${report.requests.total}${report.requests.complete ? '' : ' (log turned over: some not counted)'}, `
      + `sent twice (originate, answer, bridge, addChannel, hang-up, stop) ${report.requests.repeated}; in its log: timeouts ${report.log.timeouts}, retries ${report.log.retries}, `
      + `socket errors ${report.log.socketErrors}, warnings ${report.log.warnings}, errors ${report.log.errors}`,
    `  at the switch: answered in p50 ${ms(report.requests.answerMs.p50)} ms, p99 ${ms(report.requests.answerMs.p99)} ms, `
      + `slowest ${ms(report.requests.answerMs.max)} ms, ${report.requests.answerMs.overOneSecond} over 1 s; never answered ${report.requests.unanswered}; `
      + `dropped unexecuted on a closing connection ${report.requests.droppedByKeepAlive}; error answers: ${pairs(report.requests.errorStatuses)}`,
    ...kinds,
    `run took ${(report.durationMs / 1000).toFixed(1)} s; service+callers process: CPU ${report.process.cpuPercent}% of one core, `
      + `event loop late by p99 ${report.process.loopDelayP99Ms} ms, max ${report.process.loopDelayMaxMs} ms; machine load average ${report.process.machineLoad}`,
  );
  if (report.log.firstErrors.length) lines.push(`service errors: ${report.log.firstErrors.join(' | ')}`);
  if (report.harnessErrors.length) lines.push(`caller harness errors (${report.harnessErrors.length}): ${report.harnessErrors.slice(0, 5).join(' | ')}`);
  return lines.join('\n');
}

/** The calls and legs behind non-zero counts, for whoever has to find the defect. */
export function burstEvidence(report: BurstReport, limit = 10): string {
  const e = report.findings.evidence;
  const lines: string[] = [];
  for (const d of e.dropped.slice(0, limit)) {
    lines.push(`dropped ${d.callId} (${d.profile}) at ${new Date(d.endedAt).toISOString()}${d.bySoftHangup ? ' hung up over REST' : ''}; last outcome ${d.outcome ?? 'none'}`);
  }
  for (const s of e.silent.slice(0, limit)) {
    lines.push(`silent answer: leg ${s.leg} of agent ${s.agent ?? '?'} for ${s.callId ?? '?'} answered ${new Date(s.answeredAt).toISOString()}, ended ${s.endedAt === null ? 'never' : new Date(s.endedAt).toISOString()}`);
  }
  for (const d of e.doubles.slice(0, limit)) {
    lines.push(`double assignment (${d.kind}): agent ${d.agent ?? '-'} calls ${d.callIds.join(', ')} legs ${d.legs.join(', ')} at ${new Date(d.at).toISOString()}`);
  }
  return lines.join('\n');
}
