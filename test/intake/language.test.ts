import { detectLanguage } from '../../src/intake/language';

describe('detectLanguage', () => {
  it('calls a Chinese request Chinese', () => {
    expect(detectLanguage('申请注销\n您好，请帮我注销账号。用户名：zhangwei88，注册时间：2019年3月5日，原因：不再使用。')).toBe('zh');
  });

  it('calls an English request English', () => {
    expect(detectLanguage('Close my account\nHi, please close my account. My login is river.song42 and I signed up in June 2020.')).toBe('en');
  });

  it('calls Traditional Chinese Chinese', () => {
    expect(detectLanguage('請幫我註銷帳號，謝謝')).toBe('zh');
  });

  it('keeps English mail English when it carries a Chinese name', () => {
    expect(detectLanguage('Hello, my name is Zhang Wei (张伟). Please cancel my account, I no longer need it. Thank you very much.')).toBe('en');
  });

  it('calls a short Chinese note among English labels Chinese', () => {
    // 8 Han characters against 3 Latin words: a Chinese customer filling in an English form.
    expect(detectLanguage('Username: zhangwei\nReason: 出国不用了\n请注销')).toBe('zh');
  });

  it('calls exactly 30% Han characters Chinese', () => {
    // 3 Han characters, 7 Latin words: 3 / 10
    expect(detectLanguage('请注销 please close my old account right now')).toBe('zh');
  });

  it('calls just under 30% Han characters English', () => {
    // 2 Han characters, 5 Latin words: 2 / 7
    expect(detectLanguage('注销 please close my account now')).toBe('en');
  });

  it('does not count digits, dates and punctuation as words', () => {
    // 4 Han characters against 2 Latin words, whatever the number of digits
    expect(detectLanguage('注册时间：2019-03-05 12:30:00 +0800 (ID 1380013800099)')).toBe('zh');
  });

  it('counts full-width Latin letters as Latin words', () => {
    // 1 Han character against 3 full-width Latin words
    expect(detectLanguage('ｐｌｅａｓｅ ｃｌｏｓｅ ｉｔ 谢')).toBe('en');
  });

  it('calls a mail with no words English', () => {
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('2026-11-27 :) 1380013800')).toBe('en');
  });
});
