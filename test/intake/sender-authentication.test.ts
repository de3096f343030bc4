import { senderAuthentication } from '../../src/intake/sender-authentication';

// Our receiving server (see test/fixtures/README.md); every other authserv-id is someone else's word.
const OURS = 'mx.example.test';

/** Authentication-Results values, unfolded, topmost first — as HeaderList.all() hands them over. */
const check = (...headers: string[]) => senderAuthentication(headers, OURS, FROM);
const FROM = 'river.song42@example.com';

describe('senderAuthentication', () => {
  describe('reading our own server’s verdict', () => {
    test.each([
      ['dmarc=pass', 'pass', 'mx.example.test; dkim=pass header.d=qq.com header.s=s201512; spf=pass smtp.mailfrom=qq.com; dmarc=pass (p=QUARANTINE) header.from=qq.com'],
      ['dmarc=fail even when DKIM passed', 'fail', 'mx.example.test; dkim=pass header.d=mailer.example.net; spf=pass smtp.mailfrom=mailer.example.net; dmarc=fail (p=REJECT) header.from=paypal.com'],
      ['an aligned dkim=pass without a DMARC result', 'pass', 'mx.example.test; dkim=pass header.d=example.com header.s=s110527'],
      ['an aligned spf=pass without a DMARC result', 'pass', 'mx.example.test; spf=pass smtp.mailfrom=river.song42@example.com'],
      ['an aligned dkim=pass when DMARC is only "none"', 'pass', 'mx.example.test; dkim=pass header.d=example.com; spf=neutral; dmarc=none header.from=example.com'],
      ['an aligned dkim=fail without a pass', 'fail', 'mx.example.test; dkim=fail (body hash did not verify) header.d=example.com; spf=none'],
      ['an aligned spf=softfail without a pass', 'fail', 'mx.example.test; spf=softfail (domain of transitioning river.song42@example.com does not designate 203.0.113.9 as permitted sender) smtp.mailfrom=river.song42@example.com'],
      ['an aligned spf=fail without a pass', 'fail', 'mx.example.test; spf=fail smtp.mailfrom=example.com'],
      ['only neutral and temporary errors', 'none', 'mx.example.test; dkim=temperror header.d=example.com; spf=neutral smtp.mailfrom=example.com'],
      ['the explicit "none" result', 'none', 'mx.example.test; none'],
    ])('reads %s as %s', (_case, expected, header) => {
      expect(check(header)).toBe(expected);
    });

    it('reads method names and results in any letter case', () => {
      expect(check('MX.EXAMPLE.TEST; DKIM=PASS header.d=EXAMPLE.COM')).toBe('pass');
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
      expect(check('mx.example.test; spf=fail smtp.mailfrom=example.com', 'relay.example.org; dmarc=pass header.from=example.com')).toBe('fail');
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
      expect(senderAuthentication(['mx.example.test; dmarc=pass'], '', FROM)).toBe('none');
    });
  });

  describe('alignment with the From domain', () => {
    const from = (address: string, header: string) => senderAuthentication([header], OURS, address);

    it('does not take a dkim=pass for another domain as pass', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=bulkmailer.example.net')).toBe('none');
    });

    it('does not take an spf=pass for another envelope domain as pass', () => {
      expect(from('river.song42@example.com', 'mx.example.test; spf=pass smtp.mailfrom=bounces@sendgrid.example.net')).toBe('none');
    });

    it('takes a pass for a subdomain of the From domain as aligned', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=mail.example.com')).toBe('pass');
    });

    it('knows public suffixes: example.co.uk aligns with mail.example.co.uk, not with another.co.uk', () => {
      expect(from('a@example.co.uk', 'mx.example.test; spf=pass smtp.mailfrom=bounce@mail.example.co.uk')).toBe('pass');
      expect(from('a@example.co.uk', 'mx.example.test; spf=pass smtp.mailfrom=bounce@another.co.uk')).toBe('none');
    });

    it('does not align gmail.com with googlemail.com', () => {
      expect(from('river@gmail.com', 'mx.example.test; dkim=pass header.d=googlemail.com')).toBe('none');
    });

    it('reads fail when every aligned mechanism failed, whatever other domains passed', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=relay.example.net; spf=fail smtp.mailfrom=example.com')).toBe('fail');
    });

    it('reads pass when one aligned mechanism passed and another failed', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=example.com; spf=softfail smtp.mailfrom=example.com')).toBe('pass');
    });

    it('takes the DKIM identity from header.i when header.d is missing', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.i=@example.com')).toBe('pass');
    });

    it('is none when there is no From address to align with', () => {
      expect(senderAuthentication(['mx.example.test; dkim=pass header.d=example.com'], OURS, null)).toBe('none');
    });

    it('lets DMARC decide whatever the alignment of the other results', () => {
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=other.example.net; dmarc=pass header.from=example.com')).toBe('pass');
      expect(from('river.song42@example.com', 'mx.example.test; dkim=pass header.d=example.com; dmarc=fail header.from=example.com')).toBe('fail');
    });
  });

  describe('comments', () => {
    it('ignores a result written inside a comment', () => {
      expect(check('mx.example.test; spf=fail (sender said dmarc=pass) smtp.mailfrom=example.com')).toBe('fail');
    });

    it('ignores a result hidden inside a nested comment', () => {
      // RFC 5322 comments nest; a ";" inside one does not start a new result.
      expect(check('mx.example.test; spf=fail (helo (mx.attacker.example); dmarc=pass) smtp.mailfrom=example.com')).toBe('fail');
    });
  });
});
