import { RepairRefusedError, planRepair } from '../../../src/inspect/repair';
import type { FindingCode, SecretStatus } from '../../../src/inspect/status';

const status = (codes: FindingCode[], stale = true): SecretStatus => ({
  arn: 'arn',
  name: 'n',
  rotationEnabled: true,
  versions: [
    { versionId: 'cur', stages: ['AWSCURRENT'] },
    ...(stale ? [{ versionId: 'pen', stages: ['AWSPENDING'] }] : []),
  ],
  ...(stale ? { stalePendingVersionId: 'pen' } : {}),
  findings: codes.map((code) => ({ code, severity: 'error' as const, message: code })),
});

describe('planRepair', () => {
  it('does nothing without a stale AWSPENDING', () => {
    expect(planRepair(status([], false), true).kind).toBe('none');
  });
  it('removes AWSPENDING when AWSCURRENT still logs in', () => {
    expect(planRepair(status(['STALE_PENDING']), true)).toEqual({ kind: 'remove-pending', versionId: 'pen' });
  });
  it('removes AWSPENDING when no database check was possible', () => {
    expect(planRepair(status(['STALE_PENDING', 'CURRENT_LOGIN_FAILED']), false).kind).toBe('remove-pending');
  });
  it('promotes AWSPENDING when only it logs in, so the working password is not lost', () => {
    expect(planRepair(status(['STALE_PENDING', 'CURRENT_LOGIN_FAILED', 'PENDING_LOGS_IN']), true)).toEqual({
      kind: 'promote-pending',
      versionId: 'pen',
      fromVersionId: 'cur',
    });
  });
  it('refuses when neither logs in', () => {
    expect(() => planRepair(status(['STALE_PENDING', 'CURRENT_LOGIN_FAILED']), true)).toThrow(
      RepairRefusedError,
    );
  });
});
