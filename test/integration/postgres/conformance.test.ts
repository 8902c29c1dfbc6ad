import net from 'node:net';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { adapterConformanceCases } from '../../../src/testing/conformance.js';
import { dropRoles, superuserSecret, userSecret, withSuperuser } from '../../support/postgres.js';

// The shared adapter rules (rotation-kit/testing), against the real server from globalSetup.
const created = new Set<string>();
let unreachablePort = 0;

beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  unreachablePort = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
});

afterAll(() => dropRoles([...created]));

const admin = superuserSecret();
const cases = adapterConformanceCases<PostgresSecret>({
  adapter: createPostgresAdapter(),
  admin,
  get unreachable() {
    return { ...admin, port: unreachablePort, password: 'Unreachable-Pa55' };
  },
  async createUser(username, password) {
    await withSuperuser(async (client) => {
      const role = client.escapeIdentifier(username);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
      const verb = exists.rows.length > 0 ? 'ALTER' : 'CREATE';
      await client.query(`${verb} ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    });
    created.add(username);
    created.add(`${username}_clone`);
    return userSecret(admin, username, password);
  },
  dropUser: (username) => dropRoles([username]),
});

describe('PostgreSQL adapter conformance', () => {
  for (const conformance of cases) it(conformance.name, conformance.run);
});
