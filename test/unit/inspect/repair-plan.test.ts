import { RepairRefusedError, planRepair } from '../../../src/inspect/repair';
import type { FindingCode, SecretStatus } from '../../../src/inspect/status';

type Logins = { current?: boolean; pending?: boolean };

const status = (logins: Logins, codes: FindingCode[] = ['STALE_PENDING'], stale = true): SecretStatus => ({
  arn: 'arn',
  name: 'n',
  rotationEnabled: true,
  versions: [
    { versionId: 'cur', stages: ['AWSCURRENT'] },
    ...(stale ? [{ versionId: 'pen', stages: ['AWSPENDING'] }] : []),
  ],
  ...(stale ? { stalePendingVersionId: 'pen' } : {}),
  logins: [
    ...(logins.current === undefined
      ? []
      : [{ label: 'AWSCURRENT', versionId: 'cur', logsIn: logins.current }]),
    ...(logins.pending === undefined
      ? []
      : [{ label: 'AWSPENDING', versionId: 'pen', logsIn: logins.pending }]),
  ],
  findings: codes.map((code) => ({ code, severity: 'error' as const, message: code })),
});

describe('planRepair', () => {
  it('does nothing without a stale AWSPENDING, even without login checks', () => {
    expect(planRepair(status({}, [], false), false).kind).toBe('none');
  });
  it('removes AWSPENDING when AWSCURRENT logs in', () => {
    expect(planRepair(status({ current: true, pending: false }), true)).toEqual({
      kind: 'remove-pending',
      versionId: 'pen',
    });
    expect(planRepair(status({ current: true }, ['SECRET_UNREADABLE']), true).kind).toBe('remove-pending');
  });
  it('promotes AWSPENDING when only it logs in, so the working password is not lost', () => {
    expect(planRepair(status({ current: false, pending: true }), true)).toEqual({
      kind: 'promote-pending',
      versionId: 'pen',
      fromVersionId: 'cur',
    });
  });
  it.each<[string, Logins, FindingCode[], boolean, RegExp]>([
    ['no login was checked', {}, ['STALE_PENDING'], false, /--no-check-login/],
    ['AWSCURRENT is unreadable', {}, ['SECRET_UNREADABLE'], true, /AWSCURRENT version could not be read/],
    [
      'AWSPENDING is unreadable',
      { current: false },
      ['SECRET_UNREADABLE'],
      true,
      /AWSPENDING version could not/,
    ],
    ['AWSPENDING points elsewhere', { current: false }, ['PENDING_TARGET_DIFFERS'], true, /another server/],
    ['neither logs in', { current: false, pending: false }, [], true, /Neither AWSCURRENT nor AWSPENDING/],
  ])('refuses, naming why, when %s', (_name, logins, codes, checked, why) => {
    const plan = () => planRepair(status(logins, codes), checked);
    expect(plan).toThrow(RepairRefusedError);
    expect(plan).toThrow(why);
  });
});
