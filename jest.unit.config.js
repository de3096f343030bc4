// `npm run test:unit`: the pure and in-process tests, for a quick run on a busy machine. Left out:
// whatever spawns a process (the built CLI, poppler's pdftotext/pdftoppm, the image build) or drives
// Dovecot or Chromium — `npm test` runs those too.
const { availableParallelism } = require('node:os');
const { jest } = require('./package.json');

module.exports = {
  ...jest,
  rootDir: __dirname,
  // Jest keeps a core for itself by default (one worker on two cores); these tests leave it idle.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/(cli|inbox|mailbox)/',
    '<rootDir>/test/console/(console-browser|serve-command)\\.test\\.ts$',
    '<rootDir>/test/documents/(receipt-pdf|receipt-worker-pool)\\.test\\.ts$',
    '<rootDir>/test/review/decision-mails\\.test\\.ts$',
    '<rootDir>/test/deployment\\.test\\.ts$',
  ],
};
