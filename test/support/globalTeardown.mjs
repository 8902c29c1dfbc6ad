export default async function globalTeardown() {
  const servers = globalThis.__ROTATION_KIT_SERVERS__ ?? [];
  await Promise.allSettled(servers.map((server) => server.stop()));
}
