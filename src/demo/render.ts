import { formatError, mark, timed } from '../shared/terminal.js';
import type { DemoEvent, DemoReport, DemoVersion } from './report.js';

const WIDTH = 84;

function versionLine(version: DemoVersion): string {
  const labels = version.stages.join(', ').padEnd(12);
  const password = version.passwordSha256 ? `password sha256:${version.passwordSha256}…` : '(no value)';
  return `  ${labels} ${version.versionId}  ${password}`;
}

/** The human-readable lines for one demo event (printed as the demo goes). */
function renderDemoEvent(event: DemoEvent): string[] {
  switch (event.type) {
    case 'section':
      return ['', event.title];
    case 'phase':
      return [
        `  ${mark(event.phase.ok)} ${timed(event.phase.title, event.phase.ms, WIDTH)}`,
        ...(event.phase.error ? [`      ${formatError(event.phase.error)}`] : []),
      ];
    case 'versions':
      return event.versions.length === 0 ? ['  (no versions)'] : event.versions.map(versionLine);
    case 'rotate-secret':
      return [`  ${timed(`RotateSecret answered; ClientRequestToken ${event.token}`, event.ms, WIDTH + 2)}`];
    case 'step':
      return [
        `  ${mark(event.step.ok)} ${timed(event.step.step, event.step.ms, WIDTH)}`,
        ...(event.step.error ? [`      ${formatError(event.step.error)}`] : []),
      ];
    case 'check':
      return [`  ${mark(event.check.ok)} ${timed(event.check.title, event.check.ms, WIDTH)}`];
    case 'error':
      return ['', `${mark(false)} ${formatError(event.error)}`];
  }
}

/** The demo's first and last lines. */
function renderDemoHeader(): string[] {
  return [
    'rotation-kit demo: one real rotation on this machine',
    '(embedded PostgreSQL + the local Secrets Manager; no AWS account, nothing left behind)',
  ];
}

function renderDemoSummary(report: DemoReport): string[] {
  const seconds = (report.totalMs / 1000).toFixed(1);
  return [
    '',
    report.ok
      ? `${mark(true)} Demo passed in ${seconds} s: the new password logs in, the old one no longer does.`
      : `${mark(false)} Demo failed after ${seconds} s.`,
  ];
}

export { renderDemoEvent, renderDemoHeader, renderDemoSummary };
