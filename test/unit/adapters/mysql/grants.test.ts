import { UnreplayableGrantError, rewriteGrant } from '../../../../src/adapters/mysql/grants.js';

const from = { user: 'app', host: '%' };
const to = { user: "app'_clone", host: '%' };
const CLONE = "'app''_clone'@'%'";

describe('rewriteGrant', () => {
  it.each([
    // MariaDB 10.11 forms
    ['GRANT SELECT, INSERT ON `app`.* TO `app`@`%`', `GRANT SELECT, INSERT ON \`app\`.* TO ${CLONE}`],
    ['GRANT UPDATE (`id`) ON `app`.`t` TO `app`@`%`', `GRANT UPDATE (\`id\`) ON \`app\`.\`t\` TO ${CLONE}`],
    [
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*9F75CEF7FD0C75DC40611DD8F86B6FFF569BF56D'",
      `GRANT USAGE ON *.* TO ${CLONE}`,
    ],
    [
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*B690' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 5",
      `GRANT USAGE ON *.* TO ${CLONE} REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 5`,
    ],
    [
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED VIA unix_socket OR mysql_native_password USING '*B690' WITH GRANT OPTION",
      `GRANT USAGE ON *.* TO ${CLONE} WITH GRANT OPTION`,
    ],
    ['GRANT `reader` TO `app`@`%`', `GRANT \`reader\` TO ${CLONE}`],
    ['SET DEFAULT ROLE `reader` FOR `app`@`%`', `SET DEFAULT ROLE \`reader\` FOR ${CLONE}`],
    [
      'GRANT EXECUTE ON PROCEDURE `app`.`ping` TO `app`@`%`',
      `GRANT EXECUTE ON PROCEDURE \`app\`.\`ping\` TO ${CLONE}`,
    ],
    // MySQL 8 forms
    ['GRANT `r1`@`%` TO `app`@`%` WITH ADMIN OPTION', `GRANT \`r1\`@\`%\` TO ${CLONE} WITH ADMIN OPTION`],
    [
      'GRANT BACKUP_ADMIN,XA_RECOVER_ADMIN ON *.* TO `app`@`%`',
      `GRANT BACKUP_ADMIN,XA_RECOVER_ADMIN ON *.* TO ${CLONE}`,
    ],
    ['REVOKE INSERT ON `mysql`.* FROM `app`@`%`', `REVOKE INSERT ON \`mysql\`.* FROM ${CLONE}`],
    // Older single-quoted and ANSI_QUOTES renderings
    ["GRANT SELECT ON `db`.* TO 'app'@'%'", `GRANT SELECT ON \`db\`.* TO ${CLONE}`],
    ['GRANT SELECT ON "db".* TO "app"@"%"', `GRANT SELECT ON "db".* TO ${CLONE}`],
  ])('%s', (line, expected) => {
    expect(rewriteGrant(line, from, to)).toBe(expected);
  });

  it('handles quotes, backticks and unicode inside names', () => {
    const odd = { user: "o`b'r ü", host: '10.0.%' };
    expect(
      rewriteGrant("GRANT SELECT ON `we``ird`.* TO `o``b'r ü`@`10.0.%`", odd, { user: 'c', host: '10.0.%' }),
    ).toBe("GRANT SELECT ON `we``ird`.* TO 'c'@'10.0.%'");
  });

  it.each([
    ['a grant for another account', 'GRANT SELECT ON `app`.* TO `other`@`%`'],
    ['another host part', 'GRANT SELECT ON `app`.* TO `app`@`localhost`'],
    ['a role grantee without a host', 'GRANT SELECT ON `app`.* TO `app`'],
    ['an unknown statement', 'CREATE USER `app`@`%`'],
    ['an unknown clause', 'GRANT SELECT ON `app`.* TO `app`@`%` AS `x`'],
    ['a second statement', 'GRANT SELECT ON `app`.* TO `app`@`%`; DROP USER `admin`@`%`'],
    ['a comment', 'GRANT SELECT ON `app`.* TO `app`@`%` -- x'],
    ['an unterminated quote', 'GRANT SELECT ON `app.* TO `app`@`%`'],
    ['words after a REVOKE grantee', 'REVOKE INSERT ON `mysql`.* FROM `app`@`%` WITH GRANT OPTION'],
  ])('refuses %s', (_what, line) => {
    expect(() => rewriteGrant(line, from, to)).toThrow(UnreplayableGrantError);
  });

  it('never quotes a string literal (a password hash) in its error message', () => {
    const line = "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*SECRETHASH' FROBNICATE";
    expect(() => rewriteGrant(line, from, to)).toThrow(/FROBNICATE/);
    try {
      rewriteGrant(line, from, to);
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRETHASH');
    }
  });
});

describe('rewriteGrant: IDENTIFIED clauses', () => {
  it.each([
    ["IDENTIFIED BY 'x'", ''],
    ["IDENTIFIED WITH 'mysql_native_password' AS '*AB'", ''],
    ["IDENTIFIED WITH caching_sha2_password AS '$A$005' REQUIRE NONE", ' REQUIRE NONE'],
    ["IDENTIFIED VIA ed25519 USING PASSWORD('x') OR unix_socket WITH GRANT OPTION", ' WITH GRANT OPTION'],
  ])('drops %s', (clause, rest) => {
    expect(rewriteGrant(`GRANT USAGE ON *.* TO \`app\`@\`%\` ${clause}`, from, to)).toBe(
      `GRANT USAGE ON *.* TO ${CLONE}${rest}`,
    );
  });

  it.each([
    "IDENTIFIED BY PASSWORD '*AB' 'extra'",
    'IDENTIFIED SOMEHOW',
    "IDENTIFIED VIA ed25519 USING '*AB' AND",
  ])('refuses the unknown form %s', (clause) => {
    expect(() => rewriteGrant(`GRANT USAGE ON *.* TO \`app\`@\`%\` ${clause}`, from, to)).toThrow(
      UnreplayableGrantError,
    );
  });
});
