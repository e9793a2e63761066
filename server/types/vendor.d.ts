// aedes-persistence-redis ships no types. server/broker/cluster.ts passes the
// instance to aedes as its persistence and calls only destroy() on it.
declare module 'aedes-persistence-redis' {
  import type { AedesOptions } from 'aedes';
  type Persistence = NonNullable<AedesOptions['persistence']>;
  function aedesPersistenceRedis(options?: Record<string, unknown>): Persistence;
  export default aedesPersistenceRedis;
}
