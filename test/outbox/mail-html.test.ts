import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailHtml } from '../../src/outbox/mail-html';

const LAYOUT = readFileSync(join(__dirname, '..', '..', 'templates', 'mail', 'layout.html'), 'utf8');
const values = { lang: 'zh' as const, subject: '[CR-1] 主题', orgName: 'Example Mobile', supportEmail: 'support@example.test' };

it('makes a paragraph of each block and a list of "- " lines', () => {
  const html = mailHtml('尊敬的客户：\n\n我们还需要：\n- 身份证正面照片\n- 注册日期\n\n客户服务中心', LAYOUT, values);
  expect(html).toContain('<p style="margin:0 0 12px;">尊敬的客户：</p>');
  expect(html).toMatch(/<ul[^>]*><li>身份证正面照片<\/li><li>注册日期<\/li><\/ul>/);
});

it('escapes every word it is given, the customer\'s and staff\'s included', () => {
  const html = mailHtml('<script>alert(1)</script> & "quotes"', LAYOUT, { ...values, orgName: '<b>Org</b>' });
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  expect(html).not.toContain('<b>Org</b>');
});

it('names the organisation and its support address in the layout, in the mail\'s language', () => {
  const html = mailHtml('text', LAYOUT, values);
  expect(html).toContain('<html lang="zh">');
  expect(html).toContain('Example Mobile');
  expect(html).toContain('mailto:support@example.test');
});
