import * as requests from './001-requests';

/** Applied in order, each once; a new schema change is a new numbered file added here, never an edit. */
export const migrations: { version: number; name: string; sql: string }[] = [{ version: 1, name: '001-requests', sql: requests.sql }];
