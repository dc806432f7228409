import { ConfigError, loadConfig } from '../../src/config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ LOTSE_ENV: 'test', ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

/** REDIS_SENTINELS and its companions, and a queue prefix that cannot break the keys' hash tags. */
describe('Redis configuration', () => {
  it('reads the Sentinels, the master name (default mymaster) and their password', () => {
    expect(loadConfig({ REDIS_SENTINELS: 'sentinel-0:26379, 10.0.0.2:26380,[::1]:26381' }).redisSentinel).toEqual({
      sentinels: [
        { host: 'sentinel-0', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
    });
    const config = loadConfig({
      REDIS_SENTINELS: 's:26379',
      REDIS_SENTINEL_NAME: 'lotse',
      REDIS_SENTINEL_PASSWORD: 'pw',
      REDIS_URL: 'rediss://:secret@ignored:6379/2',
    });
    expect(config.redisSentinel).toEqual({ sentinels: [{ host: 's', port: 26379 }], name: 'lotse', password: 'pw' });
    expect(loadConfig({}).redisSentinel).toBeUndefined();
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({ REDIS_SENTINELS: 's:26379,nope,t:0', LOTSE_QUEUE_PREFIX: '{lotse}', LOG_LEVEL: 'loud' }),
    ).toEqual([
      expect.stringMatching(/^LOG_LEVEL must be one of/),
      'REDIS_SENTINELS entries look like sentinel-0.redis:26379; got "nope"',
      'REDIS_SENTINELS entries look like sentinel-0.redis:26379; got "t:0"',
      'LOTSE_QUEUE_PREFIX must not contain ":", "{" or "}"',
    ]);
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'm' })).toEqual(['REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not']);
  });
});
