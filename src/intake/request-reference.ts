const REFERENCE = /\bCR-[A-Z0-9]{8,}\b/;

/** The reference of an existing request, from the subject first (replies keep it there), else the body. */
export function findRequestReference(subject: string, body: string): string | null {
  return REFERENCE.exec(subject)?.[0] ?? REFERENCE.exec(body)?.[0] ?? null;
}

/**
 * Our own Message-IDs among those a mail answers (In-Reply-To first, then References): a customer's
 * client keeps them even when the subject and the quote lost the reference. cancel-desk's own name
 * their conversation (`<acknowledgement.CR-7KQ2M9XW4T.1@support.example>`, `<triage-reply.T12.1@…>`);
 * other systems sending from our domain (bills, callbacks) write theirs differently and do not count.
 */
export function ourMessageIds(repliesTo: string[], messageIdDomain: string): { messageId: string; reference: string | null }[] {
  const ours = new RegExp(`^<[a-z-]+\\.(CR-[A-Z0-9]{8,}|T\\d+)\\.\\d+@${messageIdDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>$`, 'i');
  return repliesTo.flatMap((messageId) => {
    const tag = ours.exec(messageId)?.[1];
    return tag === undefined ? [] : [{ messageId, reference: tag.startsWith('CR-') ? tag : null }];
  });
}
