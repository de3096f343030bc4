import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The Dockerfile's instructions (continuation lines joined), per stage. */
function dockerStages(): { instruction: string; argument: string }[][] {
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => /^\s*(\S+)\s+(.*)$/.exec(line)!)
    .map(([, instruction, argument]) => ({ instruction: instruction.toUpperCase(), argument: argument.trim() }));
  const stages: { instruction: string; argument: string }[][] = [];
  for (const line of instructions) {
    if (line.instruction === 'FROM') stages.push([]);
    stages.at(-1)?.push(line);
  }
  return stages;
}

const finalStage = () => dockerStages().at(-1)!;
const last = (stage: { instruction: string; argument: string }[], instruction: string) => stage.filter((line) => line.instruction === instruction).at(-1)?.argument;
const imageEnv = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(finalStage().filter((line) => line.instruction === 'ENV').map((line) => line.argument).join(' '))?.[1];
const unitSetting = (name: string) => read('deploy/cancel-desk.service').split('\n').filter((line) => line.startsWith(`${name}=`)).map((line) => line.slice(name.length + 1));

describe('the Dockerfile', () => {
  it('builds in one stage and runs in another without the compiler', () => {
    const [build, ...rest] = dockerStages();
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(build.some((line) => line.instruction === 'RUN' && /python3/.test(line.argument) && /\bmake\b/.test(line.argument) && /g\+\+/.test(line.argument))).toBe(true);
    expect(build.some((line) => line.instruction === 'ENV' && /npm_config_nodedir=/.test(line.argument))).toBe(true);
    expect(finalStage().some((line) => /g\+\+|python3/.test(line.argument))).toBe(false);
  });

  it('runs the daemon as a user that is not root', () => {
    const user = last(finalStage(), 'USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(last(finalStage(), 'CMD')).toBe('["node", "dist/cli.js", "run"]');
  });

  it('keeps DATA_DIR in a volume', () => {
    expect(JSON.parse(last(finalStage(), 'VOLUME')!)).toEqual([imageEnv('DATA_DIR')]);
  });

  it('listens on every interface of the container, on the port it exposes, and checks its health there', () => {
    expect(imageEnv('WEB_HOST')).toBe('0.0.0.0');
    expect(last(finalStage(), 'EXPOSE')).toBe(imageEnv('WEB_PORT'));
    expect(last(finalStage(), 'HEALTHCHECK')).toMatch(/CMD .*http:\/\/127\.0\.0\.1:.*WEB_PORT/);
  });

  it('is given only what it copies: no .env, no data, no node_modules', () => {
    const ignore = read('.dockerignore').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.slice(1).map((line) => line.replace(/^!/, '').replace(/\/$/, ''));
    const copied = dockerStages()
      .flat()
      .filter((line) => line.instruction === 'COPY' && !line.argument.startsWith('--from'))
      .flatMap((line) => line.argument.split(/\s+/).slice(0, -1));
    expect(copied.filter((source) => !included.includes(source.replace(/\/$/, '')))).toEqual([]);
    expect(included).not.toEqual(expect.arrayContaining(['.env']));
    expect(included.filter((path) => /^(\.env|data|node_modules|dist)$/.test(path))).toEqual([]);
  });
});

describe('compose.yaml', () => {
  const compose = read('compose.yaml');

  it("mounts a volume on the image's DATA_DIR", () => {
    expect(compose).toMatch(new RegExp(`^\\s+- [\\w.-]+:${imageEnv('DATA_DIR')}$`, 'm'));
    expect(compose).toMatch(new RegExp(`^\\s+DATA_DIR: ${imageEnv('DATA_DIR')}$`, 'm'));
  });

  it('publishes the console on loopback only', () => {
    expect(compose).toMatch(/^\s+- "127\.0\.0\.1:\d+:8080"$/m);
  });

  it('runs the embedded default: no mail server beside it', () => {
    const services = /^services:\n((?: .*\n|\n)*)/m.exec(compose)![1];
    expect(services.match(/^ {2}[\w-]+:$/gm)).toEqual(['  cancel-desk:']);
  });
});

describe('the systemd unit', () => {
  it('makes the file system read-only except the data folder', () => {
    expect(unitSetting('ProtectSystem')).toEqual(['strict']);
    const dataDir = unitSetting('Environment').map((value) => /^DATA_DIR=(.+)$/.exec(value)?.[1]).find(Boolean);
    expect(unitSetting('ReadWritePaths')).toEqual([dataDir]);
  });

  it('restarts on failure, but not on a configuration error', () => {
    expect(unitSetting('Restart')).toEqual(['on-failure']);
    expect(unitSetting('RestartPreventExitStatus')).toEqual(['78']);
  });

  it('runs the daemon as a user that is not root', () => {
    expect(unitSetting('User')).toHaveLength(1);
    expect(unitSetting('User')[0]).not.toMatch(/^(root|0)$/);
    expect(unitSetting('ExecStart')[0]).toMatch(/\/dist\/cli\.js run$/);
  });
});

describe('npm start', () => {
  const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;

  it('runs the built daemon, which a fresh install builds', () => {
    expect(scripts.prepare).toMatch(/^tsc -p tsconfig\.json$/);
    // exec: npm passes SIGTERM to the daemon itself, which finishes the message in hand and exits.
    expect(scripts.start).toBe('exec node dist/cli.js run');
  });
});

describe('.ci/build-image', () => {
  /** A PATH with just the tools the script uses, and the fake container tools given. */
  function pathWith(fakes: Record<string, string>): string {
    const bin = mkdtempSync(join(tmpdir(), 'cancel-desk-bin-'));
    for (const tool of ['dirname', 'sed', 'head', 'grep', 'tail', 'timeout', 'curl', 'rm']) {
      symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    }
    for (const [tool, script] of Object.entries(fakes)) {
      writeFileSync(join(bin, tool), `#!/bin/bash\n${script}\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    return bin;
  }

  const buildImage = (path: string, env: Record<string, string> = {}) =>
    spawnSync('/bin/bash', [join(ROOT, '.ci', 'build-image')], { env: { PATH: path, ...env }, encoding: 'utf8' });

  it('skips, saying so, when there is no container tool', () => {
    const run = buildImage(pathWith({}));
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('image: skipped: no buildah, podman or docker on this machine (apt-get install buildah)\n');
  });

  it('skips, naming the registry, when the base image is out of reach', () => {
    const podman = 'case "$1" in info) exit 0 ;; image) exit 1 ;; *) echo "must not build" >&2; exit 3 ;; esac';
    const run = buildImage(pathWith({ podman }), { CANCEL_DESK_NODE_IMAGE: 'registry.invalid/library/node:20-bookworm-slim' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^image: skipped: registry\.invalid \(base image registry\.invalid\/library\/node:20-bookworm-slim\) is not reachable/);
  });

  it('skips when the tool cannot run here', () => {
    const run = buildImage(pathWith({ buildah: 'echo "cannot set up namespace: operation not permitted" >&2; exit 125' }));
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('image: skipped: buildah cannot run here: cannot set up namespace: operation not permitted\n');
  });
});
