// Placeholder until the MariaDB test server lands: resolves to no server.
export async function startMariaDb() {
  return null;
}
