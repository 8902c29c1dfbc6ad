import { ENGINE_NAMES, adapterForEngine } from '../../../src/adapters/registry';
import { SecretShapeError } from '../../../src/shared/errors';

describe('engine names as AWS writes them', () => {
  it.each([
    ['postgres', 'postgres'],
    ['aurora-postgresql', 'postgres'],
    ['mysql', 'mysql'],
    ['aurora-mysql', 'mysql'],
    ['mariadb', 'mysql'],
    ['redshift', 'redshift'],
    ['redis', 'redis'],
    ['valkey', 'redis'],
  ])('%s maps to the adapter that accepts it', async (engine, family) => {
    const adapter = await adapterForEngine(engine);
    expect(adapter.engines).toContain(engine);
    expect(adapter.engines).toContain(family);
  });

  it.each([undefined, '', 'Postgres', 'oracle', 42])(
    'refuses %p, listing the accepted values',
    async (engine) => {
      const error = await adapterForEngine(engine).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretShapeError);
      expect((error as SecretShapeError).key).toBe('engine');
      for (const name of ENGINE_NAMES) expect((error as Error).message).toContain(name);
    },
  );
});
