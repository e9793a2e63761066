// aedes-persistence-redis ships no types. server/broker/cluster.ts passes the
// instance to aedes as its persistence and calls only destroy() on it itself.
declare module 'aedes-persistence-redis' {
  import type { AedesOptions } from 'aedes';
  type Persistence = NonNullable<AedesOptions['persistence']>;
  export interface RedisPersistence extends Persistence {
    /** Without a callback: the promise of the inner persistence (see cluster.ts). */
    destroy(): Promise<void>;
  }
  function aedesPersistenceRedis(options?: Record<string, unknown>): RedisPersistence;
  export default aedesPersistenceRedis;
}
