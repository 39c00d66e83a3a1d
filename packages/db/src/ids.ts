import { uuidv7 } from 'uuidv7';

/** Time-ordered ids: newest-first keyset pagination is an index scan on the primary key. */
export const newId = (): string => uuidv7();
