import { decodeStrayEntities, htmlToText } from '../../src/intake/html-to-text';

/** What Outlook for Windows sends: Word HTML with a head full of styles and Office XML. */
const OUTLOOK_HEAD = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=Generator content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}
o\\:* {behavior:url(#default#VML);}</style><![endif]-->
<style><!--
/* Font Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1" /></o:shapelayout></xml><![endif]-->
<title>注销账号</title>
</head>`;

describe('htmlToText', () => {
  describe('content that is never shown', () => {
    test.each([
      ['script', '<p>请注销</p><script type="text/javascript">alert("用户名：attacker")</script><p>谢谢</p>'],
      ['style', '<p>请注销</p><style>p { color: red } /* 用户名：attacker */</style><p>谢谢</p>'],
      ['an upper-case script', '<p>请注销</p><SCRIPT>document.write("<p>x</p>")</SCRIPT ><p>谢谢</p>'],
      ['a comment', '<p>请注销</p><!-- 用户名：attacker --><p>谢谢</p>'],
      ['a conditional comment', '<p>请注销</p><!--[if mso]><p>用户名：attacker</p><![endif]--><p>谢谢</p>'],
      ['a title', '<title>用户名：attacker</title><p>请注销</p><p>谢谢</p>'],
      ['Office XML', '<xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><p>请注销</p><p>谢谢</p>'],
    ])('drops %s', (_, html) => {
      expect(htmlToText(html)).toBe('请注销\n谢谢');
    });

    test('drops the whole head of an Outlook message', () => {
      const html = `${OUTLOOK_HEAD}<body lang=ZH-CN><div class=WordSection1><p class=MsoNormal>请注销我的账号<o:p></o:p></p></div></body></html>`;
      expect(htmlToText(html)).toBe('请注销我的账号');
    });

    test('shows body content that follows a head which was never closed', () => {
      const html = '<html><head><meta charset="utf-8"><style>p{}</style><div>Please close my account.</div>';
      expect(htmlToText(html)).toBe('Please close my account.');
    });

    test('keeps content revealed to non-Outlook clients by a downlevel-revealed conditional', () => {
      const html = '<!--[if mso]><p>Outlook only</p><![endif]--><!--[if !mso]><!--><p>Everyone else</p><!--<![endif]-->';
      expect(htmlToText(html)).toBe('Everyone else');
    });

    test('drops markup left unterminated at the end of the input', () => {
      expect(htmlToText('<p>请注销</p><a href="http://example.test/')).toBe('请注销');
      expect(htmlToText('<p>请注销</p><!-- never closed <p>hidden</p>')).toBe('请注销');
    });
  });

  describe('line structure', () => {
    test.each([
      ['<br>', 'Line one<br>Line two'],
      ['<br/>', 'Line one<br/>Line two'],
      ['<p>', '<p>Line one</p><p>Line two</p>'],
      ['<div>', '<div>Line one</div><div>Line two</div>'],
      ['<li>', '<ul><li>Line one</li><li>Line two</li></ul>'],
      ['<h1>', '<h1>Line one</h1>Line two'],
      ['<tr>', '<table><tr><td>Line one</td></tr><tr><td>Line two</td></tr></table>'],
      ['<table>', 'Line one<table><tr><td>Line two</td></tr></table>'],
    ])('%s starts a new line', (_, html) => {
      expect(htmlToText(html)).toBe('Line one\nLine two');
    });

    test('nested blocks do not pile up empty lines', () => {
      const html = '<div dir="ltr"><div><div><p>您好，</p></div></div><div><div>我想注销账号。</div></div></div>';
      expect(htmlToText(html)).toBe('您好，\n我想注销账号。');
    });

    test("Gmail's <div><br></div> becomes one blank line", () => {
      const html = '<div dir="ltr">Hi,<div><br></div><div>Please close my account.</div><div><br></div><div>River</div></div>';
      expect(htmlToText(html)).toBe('Hi,\n\nPlease close my account.\n\nRiver');
    });

    test("Word's empty paragraphs (<o:p>&nbsp;</o:p>) become blank lines and the <o:p> tags vanish", () => {
      const html = `${OUTLOOK_HEAD}<body><div class=WordSection1>
<p class=MsoNormal>您好，<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>我想注销账号，原因是不再使用。<o:p></o:p></p>
</div></body></html>`;
      expect(htmlToText(html)).toBe('您好，\n\n我想注销账号，原因是不再使用。');
    });

    test('allows no more than one blank line in a row', () => {
      expect(htmlToText('Hello<br><br><br><br><br>World<p>&nbsp;</p><p>&nbsp;</p><p>!</p>')).toBe('Hello\n\nWorld\n\n!');
    });

    test('has no blank lines at the start or the end', () => {
      expect(htmlToText('<br><br><p>&nbsp;</p>Hello<br><br><br>')).toBe('Hello');
    });

    test('collapses runs of white space and trims every line', () => {
      const html = '<p>   Please\n   close\tmy&nbsp;&nbsp;&nbsp;account   </p>\n\n<p>\n  Thanks  </p>';
      expect(htmlToText(html)).toBe('Please close my account\nThanks');
    });

    test('keeps the line breaks of preformatted text', () => {
      expect(htmlToText('<pre>Username: river.song42\nRegistered: 2021-03-05</pre>')).toBe(
        'Username: river.song42\nRegistered: 2021-03-05',
      );
    });

    test('keeps inline markup inside the line', () => {
      expect(htmlToText('<p>My login is <b>river.song42</b>, <span style="color:red">thanks</span>.</p>')).toBe(
        'My login is river.song42, thanks.',
      );
    });
  });

  describe('tables', () => {
    test('puts a label cell and its value cell on one line, separated by a tab', () => {
      const html = '<table><tr><td>用户名</td><td>river.song42</td></tr><tr><td>注册日期</td><td>2021年3月5日</td></tr></table>';
      expect(htmlToText(html)).toBe('用户名\triver.song42\n注册日期\t2021年3月5日');
    });

    test("keeps a Word table row on one line although every cell wraps its text in <p>", () => {
      const html = `<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
 <tr><td width=142 valign=top style='padding:0cm 5.4pt'><p class=MsoNormal>Username<o:p></o:p></p></td>
  <td width=142 valign=top style='padding:0cm 5.4pt'><p class=MsoNormal>river.song42<o:p></o:p></p></td></tr>
 <tr><td><p class=MsoNormal>Reason<o:p></o:p></p></td>
  <td><p class=MsoNormal>Moving abroad<o:p></o:p></p></td></tr>
</table>`;
      expect(htmlToText(html)).toBe('Username\triver.song42\nReason\tMoving abroad');
    });

    test('separates header cells with a tab as well', () => {
      expect(htmlToText('<table><tr><th>账号</th><th>手机号</th></tr><tr><td>zhangwei88</td><td>+86 138 0013 8000</td></tr></table>')).toBe(
        '账号\t手机号\nzhangwei88\t+86 138 0013 8000',
      );
    });

    test('skips empty cells instead of leaving stray tabs', () => {
      expect(htmlToText('<table><tr><td></td><td>Login</td><td>&nbsp;</td><td>river.song42</td><td></td></tr></table>')).toBe(
        'Login\triver.song42',
      );
    });

    test('starts the text after a table on its own line', () => {
      expect(htmlToText('Details:<table><tr><td>Login</td><td>river</td></tr></table>Thanks')).toBe(
        'Details:\nLogin\triver\nThanks',
      );
    });
  });

  describe('quotes', () => {
    test('prefixes every line of a blockquote with "> "', () => {
      const html = '<p>Please close it.</p><blockquote type="cite">Which account?<br>Support</blockquote>';
      expect(htmlToText(html)).toBe('Please close it.\n> Which account?\n> Support');
    });

    test('prefixes nested blockquotes once per level', () => {
      const html = '<blockquote>Second reply<blockquote>First mail</blockquote></blockquote>';
      expect(htmlToText(html)).toBe('> Second reply\n> > First mail');
    });

    test('keeps a blank line inside a quote quoted', () => {
      expect(htmlToText('<blockquote><div>您好，</div><div><br></div><div>请提供用户名。</div></blockquote>')).toBe(
        '> 您好，\n>\n> 请提供用户名。',
      );
    });

    test('renders a Gmail reply with its attribution above the quote', () => {
      const html = `<div dir="ltr">请注销我的账号，用户名 zhangwei88。</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Support &lt;<a href="mailto:support@example.test">support@example.test</a>&gt; 于2026年11月2日周一 10:01写道：<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">请提供您的用户名。</div></blockquote></div>`;
      expect(htmlToText(html)).toBe(
        '请注销我的账号，用户名 zhangwei88。\n\nSupport <support@example.test> 于2026年11月2日周一 10:01写道：\n> 请提供您的用户名。',
      );
    });

    test('ends the quote with the blockquote', () => {
      expect(htmlToText('<blockquote>What is your login?</blockquote>river.song42')).toBe('> What is your login?\nriver.song42');
    });
  });

  describe('character references', () => {
    test.each([
      ['&nbsp;', 'a&nbsp;b', 'a b'],
      ['&amp;', 'R&amp;D', 'R&D'],
      ['&lt; and &gt;', '&lt;support@example.test&gt;', '<support@example.test>'],
      ['&quot;', '&quot;River&quot;', '"River"'],
      ['&#39;', 'I&#39;m leaving', "I'm leaving"],
      ['&apos;', 'I&apos;m leaving', "I'm leaving"],
      ['&copy;', '&copy; 2026', '© 2026'],
      ['&mdash;', 'now&mdash;please', 'now—please'],
      ['&hellip;', 'wait&hellip;', 'wait…'],
      ['&rsquo;', 'I&rsquo;d like', 'I’d like'],
      ['&euro;', '&euro;5', '€5'],
      ['&middot;', 'a&middot;b', 'a·b'],
      ['&eacute;', 'caf&eacute;', 'café'],
      ['decimal', '&#27880;&#38144;', '注销'],
      ['hexadecimal', '&#x6CE8;&#x9500;', '注销'],
      ['upper-case hexadecimal', '&#X6ce8;&#X9500;', '注销'],
      ['an astral code point', '&#x1F600;', '😀'],
      ['a Windows-1252 byte', 'a&#150;b &#147;q&#148;', 'a–b “q”'],
    ])('decodes %s', (_, html, expected) => {
      expect(htmlToText(html)).toBe(expected);
    });

    test.each([
      ['NUL', 'a&#0;b'],
      ['a lone surrogate', 'a&#xD800;b'],
      ['a code point beyond Unicode', 'a&#x110000;b'],
      ['an absurdly large number', 'a&#99999999999999999999999;b'],
      ['a control character', 'a&#1;b'],
      ['a noncharacter', 'a&#xFFFF;b'],
    ])('drops %s', (_, html) => {
      expect(htmlToText(html)).toBe('ab');
    });

    test('decodes an already decoded ampersand only once', () => {
      expect(htmlToText('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
    });

    test('leaves unknown names as they are', () => {
      expect(htmlToText('AT&T &unknown; a & b')).toBe('AT&T &unknown; a & b');
    });

    test('accepts what browsers accept without a semicolon', () => {
      expect(htmlToText('&copy2026 a&nbspb &lt &#27880')).toBe('©2026 a b < 注');
    });

    test('never treats decoded text as markup', () => {
      expect(htmlToText('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('<script>alert(1)</script>');
    });

    test('drops zero-width spaces that would split a value', () => {
      expect(htmlToText('用户名：&#8203;river.song42\u200b')).toBe('用户名：river.song42');
    });
  });

  describe('malformed markup', () => {
    test('keeps a "<" that starts no tag', () => {
      expect(htmlToText('<p>1 < 2 and <3 and a <= b and < alone</p>')).toBe('1 < 2 and <3 and a <= b and < alone');
    });

    test('does not end a tag at a ">" inside a quoted attribute', () => {
      expect(htmlToText('<a title="a > b" href=\'x>y\'>Click</a> here')).toBe('Click here');
    });

    test('ignores end tags that were never opened', () => {
      expect(htmlToText('</blockquote></table></pre>Please close my account')).toBe('Please close my account');
    });

    test('ignores a second <head> once the body has begun', () => {
      expect(htmlToText('<body><p>请注销</p><head><p>用户名：zhangwei88</p></head></body>')).toBe('请注销\n用户名：zhangwei88');
    });
  });

  describe('speed on hostile input', () => {
    const realisticMail = (): string => {
      const row = '<tr><td><p class=MsoNormal>用户名<o:p></o:p></p></td><td><p class=MsoNormal>river.song42&nbsp;&#27880;</p></td></tr>';
      const paragraph = '<div dir="ltr">Please close my account &amp; delete my data.<br></div><blockquote>quoted &gt; text</blockquote>';
      const unit = `<table>${row}</table>${paragraph}<!-- comment --><style>p{}</style>`;
      return OUTLOOK_HEAD + unit.repeat(Math.ceil((5 * 1024 * 1024) / unit.length));
    };

    test.each([
      ['a 5 MB Outlook-like mail', realisticMail],
      ["'<' repeated a million times", () => '<'.repeat(1e6)],
      ["'<a' repeated a million times", () => '<a'.repeat(1e6)],
      ["'</' repeated a million times", () => '</'.repeat(1e6)],
      ["'<!--' repeated a million times", () => '<!--'.repeat(1e6)],
      ["'<script>' repeated without an end", () => '<script>'.repeat(5e5)],
      ['unclosed attribute quotes', () => '<a title="x>'.repeat(5e5)],
      ["'&' repeated a million times", () => '&'.repeat(1e6)],
      ['a million-digit character reference', () => `&#${'1'.repeat(1e6)};`],
      ['a million-letter entity name', () => `&${'a'.repeat(1e6)}`],
      ['a million nested blockquotes', () => '<blockquote>'.repeat(1e6)],
      ['a million nested tables', () => '<table><tr><td>x'.repeat(2e5)],
    ])('handles %s in one linear pass', (_, makeInput) => {
      // A backtracking pattern would not finish here; how fast it finishes is a bench figure.
      expect(typeof htmlToText(makeInput())).toBe('string');
    });
  });
});

describe('decodeStrayEntities', () => {
  test('decodes the references QQ Mail leaves in text/plain parts', () => {
    const text = '用户名：zhangwei88&nbsp;&nbsp;\n&gt; 原始邮件\n发件人: &quot;Support&quot;&lt;support@example.test&gt;;';
    expect(decodeStrayEntities(text)).toBe('用户名：zhangwei88  \n> 原始邮件\n发件人: "Support"<support@example.test>;');
  });

  test('decodes numeric references', () => {
    expect(decodeStrayEntities('我要&#27880;&#x9500;账号')).toBe('我要注销账号');
  });

  test('turns non-breaking spaces into plain spaces', () => {
    expect(decodeStrayEntities('Login:&nbsp;river&#160;song')).toBe('Login: river song');
  });

  test('keeps the line structure of the text', () => {
    expect(decodeStrayEntities('a\n\n\tb  c &amp; d')).toBe('a\n\n\tb  c & d');
  });

  test.each([
    ['an ampersand in prose', 'AT&T and R&D'],
    ['a reference without its semicolon', 'Tom&amp Jerry, &lt 3, &#27880'],
    ['an unknown name', 'See &section; 3'],
    ['a URL query string', 'https://example.test/?a=1&copy=2&lang=zh'],
  ])('leaves %s alone', (_, text) => {
    expect(decodeStrayEntities(text)).toBe(text);
  });

  test('decodes an escaped reference only once', () => {
    expect(decodeStrayEntities('&amp;gt;')).toBe('&gt;');
  });

  test('drops references to invalid code points', () => {
    expect(decodeStrayEntities('a&#0;b&#xD800;c')).toBe('abc');
  });
});
