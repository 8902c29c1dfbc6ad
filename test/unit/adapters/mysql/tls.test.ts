import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMySqlAdapter } from '../../../../src/adapters/mysql/index.js';
import { driverTlsConfig, tlsFailureDetail, unverifiableHost } from '../../../../src/adapters/mysql/tls.js';
import {
  checkTlsMode,
  effectiveTlsMode,
  loadCaBundle,
} from '../../../../src/adapters/shared/tls-settings.js';
import { ConfigurationError } from '../../../../src/shared/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('MySQL TLS settings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-tls-unit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('picks the option, else the secret, else verify-full', () => {
    expect(effectiveTlsMode('disable', 'verify-full')).toBe('disable');
    expect(effectiveTlsMode(undefined, 'require')).toBe('require');
    expect(effectiveTlsMode(undefined, undefined)).toBe('verify-full');
  });

  it('refuses unknown modes with a ConfigurationError naming the setting', () => {
    expect(() => checkTlsMode('prefer', 'tls.mode')).toThrow(ConfigurationError);
    expect(() => checkTlsMode('prefer', 'tls.mode')).toThrow(/tls\.mode/);
    expect(() => createMySqlAdapter({ tls: { mode: 'verify-ca' as never } })).toThrow(/tls\.mode/);
  });

  it('reads the CA as PEM text or a file path, from the option or the environment', async () => {
    const file = path.join(dir, 'ca.pem');
    await writeFile(file, PEM);
    expect(loadCaBundle(PEM, {})).toBe(PEM);
    expect(loadCaBundle(file, {})).toBe(PEM);
    expect(loadCaBundle(undefined, { ROTATION_KIT_CA_BUNDLE: PEM })).toBe(PEM);
    expect(loadCaBundle(undefined, { ROTATION_KIT_CA_BUNDLE_FILE: file })).toBe(PEM);
    expect(loadCaBundle(undefined, {})).toBeUndefined();
  });

  it('refuses a CA that is missing, holds no certificate, or is given twice', async () => {
    const notPem = path.join(dir, 'not.pem');
    await writeFile(notPem, 'hello');
    expect(() => loadCaBundle(path.join(dir, 'missing.pem'), {})).toThrow(/tls\.ca/);
    expect(() => loadCaBundle(undefined, { ROTATION_KIT_CA_BUNDLE_FILE: notPem })).toThrow(
      /ROTATION_KIT_CA_BUNDLE_FILE/,
    );
    expect(() =>
      loadCaBundle(undefined, { ROTATION_KIT_CA_BUNDLE: 'x', ROTATION_KIT_CA_BUNDLE_FILE: notPem }),
    ).toThrow(ConfigurationError);
  });

  it('maps modes to the driver: plaintext, encrypted only, verified chain and name', () => {
    const ca = jest.fn(() => PEM);
    expect(driverTlsConfig('disable', ca)).toBeUndefined();
    expect(driverTlsConfig('require', ca)).toEqual({ rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    expect(ca).not.toHaveBeenCalled();
    expect(driverTlsConfig('verify-full', ca)).toEqual({
      rejectUnauthorized: true,
      verifyIdentity: true,
      minVersion: 'TLSv1.2',
      ca: PEM,
    });
  });

  it('refuses verify-full to an IP address, which the driver cannot check', () => {
    expect(unverifiableHost('verify-full', '10.0.0.5')).toMatch(/IP address/);
    expect(unverifiableHost('verify-full', '::1')).toMatch(/IP address/);
    expect(unverifiableHost('verify-full', 'db.example.com')).toBeUndefined();
    expect(unverifiableHost('require', '10.0.0.5')).toBeUndefined();
  });

  it('recognises TLS failures and says what to do about an unknown CA', () => {
    const where = 'db:3306';
    expect(tlsFailureDetail({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }, where)).toMatch(/does not offer TLS/);
    expect(
      tlsFailureDetail(
        { code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' },
        where,
      ),
    ).toMatch(/ROTATION_KIT_CA_BUNDLE/);
    expect(
      tlsFailureDetail(
        { code: 'HANDSHAKE_SSL_ERROR', message: "Hostname/IP does not match certificate's altnames" },
        where,
      ),
    ).toMatch(/does not name the host/);
    expect(
      tlsFailureDetail({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, where),
    ).toBeUndefined();
    expect(
      tlsFailureDetail({ code: 'ER_ACCESS_DENIED_ERROR', message: 'Access denied' }, where),
    ).toBeUndefined();
  });

  it('validates the other adapter options when the adapter is made', () => {
    expect(() => createMySqlAdapter({ connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
    expect(() => createMySqlAdapter({ queryTimeoutMs: 1.5 })).toThrow(/queryTimeoutMs/);
    expect(() => createMySqlAdapter({ accountHost: '' })).toThrow(/accountHost/);
  });
});
