/**
 * The console's language per staff member, chosen with the header's switch; NULL until they choose,
 * and then the browser's Accept-Language decides.
 */
export const sql = `
ALTER TABLE staff ADD COLUMN language TEXT CHECK (language IN ('en', 'zh'));
`;
