import { maskUsername } from '../../src/documents/mask-username';

test('keeps the first two and last two characters of a username', () => {
  expect(maskUsername('zhangwei88')).toBe('zh******88');
  expect(maskUsername('+8613800138000')).toBe('+8**********00');
});

test('keeps only the first character of a short username', () => {
  expect(maskUsername('bob')).toBe('b**');
  expect(maskUsername('abcde')).toBe('a****');
  expect(maskUsername('x')).toBe('x');
});

test('counts a Chinese character or an emoji as one character', () => {
  expect(maskUsername('张伟明')).toBe('张**');
  expect(maskUsername('王小明明天很好')).toBe('王小***很好');
  expect(maskUsername('🐼panda🐼')).toBe('🐼p***a🐼');
});
