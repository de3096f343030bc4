/**
 * Staff roles and one-time passwords: an `admin` manages staff from the console, `staff` review;
 * a member whose password an admin issued must choose their own at the next sign-in. On an existing
 * desk the earliest member (the first admin, or the first one added from the shell) becomes admin,
 * so that somebody can manage staff from the console after the upgrade.
 */
export const sql = `
ALTER TABLE staff ADD COLUMN role TEXT NOT NULL DEFAULT 'staff' CHECK (role IN ('admin', 'staff'));
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
UPDATE staff SET role = 'admin' WHERE id = (SELECT min(id) FROM staff);
`;
