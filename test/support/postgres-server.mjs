// Placeholder until the PostgreSQL test server lands: resolves to no server.
export async function startPostgres() {
  return null;
}
