import type { RejectReason } from '../../shared/codecs/rejection.js';

/** Server-wide counters, for the admin API's status. */
export interface ServerStats {
  counted: number;
  duplicates: number;
  /** Every refusal by reason, including those no poll could take (unknown poll). */
  readonly rejectedBy: Partial<Record<RejectReason, number>>;
}

export function createStats(rejectedBy: Partial<Record<RejectReason, number>> = {}): ServerStats {
  return { counted: 0, duplicates: 0, rejectedBy: { ...rejectedBy } };
}
