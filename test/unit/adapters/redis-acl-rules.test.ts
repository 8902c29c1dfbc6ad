// copyRules on its own: ACL GETUSER replies (as Redis 7 sends them over RESP2) to ACL SETUSER rules.
// The Redis ACL adapter's tests prove on a real server that the copy is exact.
import { AclCopyError, copyRules } from '../../../src/adapters/redis/acl-rules.js';

/** A reply recorded from redis-server 7.0 for `on >pw ~app:* %R~ro:* &news -@all +get +set (+hget ~h:*)`. */
const RECORDED = [
  'flags',
  ['on'],
  'passwords',
  ['eff9f6e56bd084dba329c1d51bb03698904231bd8ecc21b1c67f70bcce509e82'],
  'commands',
  '-@all +set +get',
  'keys',
  '~app:* %R~ro:*',
  'channels',
  '&news',
  'selectors',
  [['commands', '-@all +hget', 'keys', '~h:*', 'channels', '']],
];

describe('copyRules (ACL GETUSER -> ACL SETUSER)', () => {
  it('resets the target, then copies flags, commands, keys, channels and selectors, never passwords', () => {
    expect(copyRules(RECORDED)).toEqual([
      'resetpass',
      'resetkeys',
      'resetchannels',
      'clearselectors',
      '-@all',
      'off',
      'on',
      '-@all',
      '+set',
      '+get',
      '~app:*',
      '%R~ro:*',
      'resetchannels',
      '&news',
      '(-@all +hget ~h:* resetchannels)',
    ]);
  });

  it('copies sanitize flags but not nopass (the copy gets its own password)', () => {
    const reply = [...RECORDED];
    reply[1] = ['off', 'nopass', 'skip-sanitize-payload'];
    const rules = copyRules(reply);
    expect(rules).toEqual(expect.arrayContaining(['off', 'skip-sanitize-payload']));
    expect(rules).not.toContain('nopass');
    expect(rules.join(' ')).not.toContain('eff9f6e5');
  });

  it.each([
    ['a reply that is not a map', ['flags']],
    ['Redis 6 shapes (keys as a list)', RECORDED.map((v, i) => (i === 7 ? ['app:*'] : v))],
    ['a key rule that is not a key pattern', RECORDED.map((v, i) => (i === 7 ? '~app:* space*' : v))],
    ['a channel rule that is not a channel pattern', RECORDED.map((v, i) => (i === 9 ? 'news' : v))],
    ['flags that are not a list', RECORDED.map((v, i) => (i === 1 ? 'on' : v))],
  ])('refuses %s with AclCopyError', (_name, reply) => {
    expect(() => copyRules(reply)).toThrow(AclCopyError);
  });
});
