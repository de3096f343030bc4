import type { App } from '../app';
import type { Config } from '../config';
import { readHiddenLine } from '../review/hidden-input';
import type { StaffMember } from '../review/review-service';
import { StaffDirectoryError } from '../review/staff-directory';
import { parseCommandLine, readStream, refuse, UsageError, withApp, type Command } from './command-line';

/** `staff …`: accounts for the console and for `--by`, managed from the server's shell. */
export const staffCommands: Record<string, Command> = {
  add: staffAddCommand,
  list: staffListCommand,
  disable: switchCommand('disable', (app, name) => app.staff.disable(name), 'disabled'),
  enable: switchCommand('enable', (app, name) => app.staff.enable(name), 'enabled'),
  passwd: staffPasswdCommand,
};

async function staffAddCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('staff add <name> [--admin] [--password-stdin]');
  const password = await newPassword('staff add', values['password-stdin'] ?? false);
  if (password === null) return refuse('cancelled; nobody was added');
  if (password === false) return refuse('the two passwords differ; nobody was added');
  const [name] = positionals;
  const role = values.admin ? 'admin' : 'staff';
  return withApp(config, async (app) => {
    try {
      await app.staff.add(name, password, { role });
    } catch (error) {
      if (error instanceof StaffDirectoryError) return refuse(error.message);
      throw error;
    }
    process.stdout.write(`added ${role === 'admin' ? 'admin' : 'staff member'} ${app.staff.member(name)!.name}\n`);
    return 0;
  }, { create: true });
}

async function staffPasswdCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { 'password-stdin': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('staff passwd <name> [--password-stdin]');
  const [name] = positionals;
  // Asked before the password is typed, so nobody types one for a name that does not exist.
  const known = await withApp(config, async (app) => (app.staff.member(name) === null ? refuse(`no staff member ${name}`) : 0));
  if (known !== 0) return known;
  const password = await newPassword('staff passwd', values['password-stdin'] ?? false);
  if (password === null) return refuse('cancelled; the password is unchanged');
  if (password === false) return refuse('the two passwords differ; the password is unchanged');
  return withApp(config, async (app) => {
    try {
      if (!(await app.staff.setPassword(name, password))) return refuse(`no staff member ${name}`);
    } catch (error) {
      if (error instanceof StaffDirectoryError) return refuse(error.message);
      throw error;
    }
    // Whoever was signed in with the old password is signed out.
    app.sessions.closeAllOf(app.staff.member(name)!.name);
    process.stdout.write(`set the password of ${app.staff.member(name)!.name}\n`);
    return 0;
  });
}

async function staffListCommand(args: string[], config: Config): Promise<number> {
  parseCommandLine({ args, options: {} });
  return withApp(config, async (app) => {
    const members = app.staff.list();
    if (members.length > 0) process.stdout.write('NAME\tROLE\tSTATE\tCREATED\n');
    for (const member of members) process.stdout.write(`${member.name}\t${member.role}\t${state(member)}\t${member.createdAt}\n`);
    return 0;
  });
}

function state(member: StaffMember): string {
  if (member.disabled) return 'disabled';
  return member.mustChangePassword ? 'enabled, must change password' : 'enabled';
}

function switchCommand(action: 'disable' | 'enable', change: (app: App, name: string) => boolean, done: string): Command {
  return async (args, config) => {
    const { positionals } = parseCommandLine({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError(`staff ${action} <name>`);
    const [name] = positionals;
    return withApp(config, async (app) => {
      if (!change(app, name)) return refuse(`no staff member ${name}`);
      if (action === 'disable') app.sessions.closeAllOf(app.staff.member(name)!.name);
      process.stdout.write(`${done} staff member ${app.staff.member(name)!.name}\n`);
      return 0;
    });
  };
}

/**
 * A new password: the first line of standard input with --password-stdin, else typed twice on the
 * terminal without echo. Null when the person gives up, false when the two typed differ.
 */
async function newPassword(command: string, fromStdin: boolean): Promise<string | null | false> {
  if (fromStdin) return (await readStream(process.stdin)).toString('utf8').split(/\r?\n/)[0];
  if (!process.stdin.isTTY) throw new UsageError(`${command}: standard input is not a terminal; pipe the password in with --password-stdin`);
  const password = await readHiddenLine('Password: ');
  if (password === null) return null;
  return (await readHiddenLine('Password again: ')) === password ? password : false;
}
