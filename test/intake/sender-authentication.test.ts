import { senderAuthentication } from '../../src/intake/sender-authentication';

// Our receiving server (see test/fixtures/README.md); every other authserv-id is someone else's word.
const OURS = 'mx.example.test';

/** Authentication-Results values, unfolded, topmost first — as HeaderList.all() hands them over. */
const check = (...headers: string[]) => senderAuthentication(headers, OURS);

describe('senderAuthentication', () => {
  describe('reading our own server’s verdict', () => {
    test.each([
      ['dmarc=pass', 'pass', 'mx.example.test; dkim=pass header.d=qq.com header.s=s201512; spf=pass smtp.mailfrom=qq.com; dmarc=pass (p=QUARANTINE) header.from=qq.com'],
      ['dmarc=fail even when DKIM passed', 'fail', 'mx.example.test; dkim=pass header.d=mailer.example.net; spf=pass smtp.mailfrom=mailer.example.net; dmarc=fail (p=REJECT) header.from=paypal.com'],
      ['dkim=pass without a DMARC result', 'pass', 'mx.example.test; dkim=pass header.d=163.com header.s=s110527'],
      ['spf=pass without a DMARC result', 'pass', 'mx.example.test; spf=pass smtp.mailfrom=river.song42@example.com'],
      ['dkim=pass when DMARC is only "none"', 'pass', 'mx.example.test; dkim=pass header.d=example.org; spf=neutral; dmarc=none header.from=example.org'],
      ['dkim=fail without a pass', 'fail', 'mx.example.test; dkim=fail (body hash did not verify) header.d=gmail.com; spf=none'],
      ['spf=softfail without a pass', 'fail', 'mx.example.test; spf=softfail (domain of transitioning li@126.com does not designate 203.0.113.9 as permitted sender) smtp.mailfrom=li@126.com'],
      ['spf=fail without a pass', 'fail', 'mx.example.test; spf=fail smtp.mailfrom=outlook.com'],
      ['only neutral and temporary errors', 'none', 'mx.example.test; dkim=temperror header.d=sina.com; spf=neutral smtp.mailfrom=sina.com'],
      ['the explicit "none" result', 'none', 'mx.example.test; none'],
    ])('reads %s as %s', (_case, expected, header) => {
      expect(check(header)).toBe(expected);
    });

    it('reads method names and results in any letter case', () => {
      expect(check('MX.EXAMPLE.TEST; DKIM=PASS header.d=QQ.COM; DMARC=PASS header.from=QQ.COM')).toBe('pass');
    });

    it('accepts an authserv-id followed by a version number', () => {
      expect(check('mx.example.test 1; dmarc=fail header.from=icloud.com')).toBe('fail');
    });
  });

  describe('trusting only our own server', () => {
    it('trusts only the Authentication-Results of our own server', () => {
      expect(check('mx.phish.example; dkim=pass; spf=pass; dmarc=pass header.from=paypal.com')).toBe('none');
    });

    it('ignores a forged header added above ours', () => {
      // Forwarders and forgers prepend their own verdict; ours, further down, still decides.
      expect(
        check(
          'mx.example.test.evil.example; dmarc=pass header.from=bank.example',
          'mx.example.test; dkim=none; spf=softfail smtp.mailfrom=bank.example; dmarc=fail header.from=bank.example',
        ),
      ).toBe('fail');
    });

    it('ignores a forged header that stands below ours', () => {
      expect(check('mx.example.test; spf=fail smtp.mailfrom=gmail.com', 'relay.example.org; dmarc=pass header.from=gmail.com')).toBe('fail');
    });

    it('uses the topmost of two headers carrying our authserv-id', () => {
      expect(check('mx.example.test; dmarc=pass header.from=gmail.com', 'mx.example.test; dmarc=fail header.from=gmail.com')).toBe('pass');
    });

    it('does not take an authserv-id that merely starts with ours', () => {
      expect(check('mx.example.testing.example; dmarc=pass')).toBe('none');
    });

    it('is "none" when there is no Authentication-Results at all', () => {
      expect(check()).toBe('none');
    });

    it('trusts nothing when no authserv-id is configured', () => {
      expect(senderAuthentication(['mx.example.test; dmarc=pass'], '')).toBe('none');
    });
  });

  describe('comments', () => {
    it('ignores a result written inside a comment', () => {
      expect(check('mx.example.test; spf=fail (sender said dmarc=pass) smtp.mailfrom=example.net')).toBe('fail');
    });

    it('ignores a result hidden inside a nested comment', () => {
      // RFC 5322 comments nest; a ";" inside one does not start a new result.
      expect(check('mx.example.test; spf=fail (helo (mx.attacker.example); dmarc=pass) smtp.mailfrom=attacker.example')).toBe('fail');
    });
  });
});
