/** A child process of `childProcessRenderer`: renders one receipt per message, fonts loaded once. */
import { renderReceiptPdf } from './receipt-pdf';
import type { RenderAnswer, RenderJob } from './receipt-renderer';

// Its life is its parent's: it ends when the channel closes, whether the parent let it go, stopped or
// was killed. A SIGTERM or SIGINT sent to the daemon's whole group (systemd, a terminal's Ctrl-C) is
// for the daemon, which still finishes the message in hand and may need this renderer for it.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});

const answer = (message: RenderAnswer) => {
  // A parent gone mid-render has no use for the answer.
  if (process.connected) process.send!(message);
};

process.on('message', ({ id, facts, key, wording, letterhead }: RenderJob) => {
  // Bytes come across as plain Uint8Arrays: the key is hashed as a Buffer, and pdf-lib takes either for a logo.
  const head = letterhead && { ...letterhead, logo: letterhead.logo && { ...letterhead.logo, bytes: Buffer.from(letterhead.logo.bytes) } };
  renderReceiptPdf(facts, Buffer.from(key), wording, head).then(
    (pdf) => answer({ id, pdf }),
    (error: unknown) => answer({ id, error: (error as Error).message }),
  );
});
