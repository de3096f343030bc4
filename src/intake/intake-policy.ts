/** The settings intake decisions depend on; built from config once, passed in so intake stays pure. */
export interface IntakeLimits {
  maxMessageBytes: number;
  maxHeaderBytes: number;
  maxMimeDepth: number;
  maxMimeParts: number;
  maxAttachmentBytes: number;
  maxReceivedHeaders: number;
}

export interface IntakePolicy {
  limits: IntakeLimits;
  /** The authserv-id our own receiving server writes into Authentication-Results; '' trusts none. */
  trustedAuthservId: string;
  /** Our own sending addresses, lower-case: mail from them is our own coming back. */
  ownAddresses: string[];
  /** The domain of our own Message-IDs: a mail answering one of them belongs to that request. */
  messageIdDomain: string;
}

export const defaultLimits: IntakeLimits = {
  maxMessageBytes: 25 * 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
  maxMimeDepth: 20,
  maxMimeParts: 200,
  maxAttachmentBytes: 15 * 1024 * 1024,
  maxReceivedHeaders: 30,
};
