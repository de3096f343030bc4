// Preloaded (node --require) into a real `cancel-desk poll` by the crash tests: counts the steps
// that change durable state (file renames and writes, SQL statements, transaction boundaries) and
// kills the process with SIGKILL — no cleanup, no finally blocks — just before step CRASH_AT_STEP.
// On a normal exit it prints how many steps there were, so the test knows when to stop.
const fsPromises = require('node:fs/promises');
const Database = require('better-sqlite3');

const crashAt = Number(process.env.CRASH_AT_STEP || 0);
let steps = 0;

function step(what) {
  steps++;
  if (steps === crashAt) {
    process.stderr.write(`crash-at-step ${steps} ${what}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

for (const name of ['rename', 'writeFile']) {
  const original = fsPromises[name];
  fsPromises[name] = async function (...args) {
    step(name);
    return original.apply(this, args);
  };
}

const prepare = Database.prototype.prepare;
let statementPatched = false;
Database.prototype.prepare = function (...args) {
  const statement = prepare.apply(this, args);
  if (!statementPatched) {
    statementPatched = true;
    const proto = Object.getPrototypeOf(statement);
    const run = proto.run;
    proto.run = function (...runArgs) {
      step('sql');
      return run.apply(this, runArgs);
    };
  }
  return statement;
};

const transaction = Database.prototype.transaction;
Database.prototype.transaction = function (fn) {
  const wrapped = transaction.call(this, fn);
  const counted = (run) =>
    function (...args) {
      step('begin');
      const result = run.apply(this, args);
      step('committed');
      return result;
    };
  // `.immediate()` and its siblings are transactions too (the outbox claims its rows in one).
  return Object.assign(counted(wrapped), {
    deferred: counted(wrapped.deferred),
    immediate: counted(wrapped.immediate),
    exclusive: counted(wrapped.exclusive),
  });
};

process.on('exit', () => process.stderr.write(`steps-total ${steps}\n`));
