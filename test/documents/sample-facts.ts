import path from 'node:path';

import type { ReceiptFacts } from '../../src/documents/receipt-facts';

export const TEMPLATES_DIR = path.join(__dirname, '..', '..', 'templates');
export const KEY = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff', 'hex');
export const OTHER_KEY = Buffer.from('ffeeddccbbaa99887766554433221100f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex');

export function sampleFacts(overrides: Partial<ReceiptFacts> = {}): ReceiptFacts {
  return {
    kind: 'acknowledgement',
    reference: 'CR-7KQ2M9XD',
    language: 'zh',
    receivedAt: '2026-11-27T17:03:00+08:00',
    timeZone: 'Asia/Shanghai',
    status: 'needs_info',
    sender: 'zhang.wei@example.cn',
    username: 'zhangwei88',
    registrationDate: '2023-05',
    reason: '我已经移民海外，不再需要这个号码了。另外，“资费”太贵（每月 98 元）！',
    idDocuments: [
      {
        filename: '身份证正面.jpg',
        sha256: '3f2a9c81b7e4d5a6c7b8e9f00112233445566778899aabbccddeeff001122334',
      },
    ],
    missing: ['registration_date'],
    issuedAt: '2026-11-27T09:05:00Z',
    ...overrides,
  };
}

/** Exactly 500 characters, as long as intake lets a reason be, with Chinese punctuation throughout. */
export const LONG_CHINESE_REASON = Array.from(
  (
    '本人因工作调动长期在国外生活，国内的手机号码和这张 eSIM 已经很久没有使用了；' +
    '每个月仍然在扣除套餐费用（包括“流量包”和《国际漫游》附加服务），' +
    '多次联系客服都没有得到解决……现申请注销账号，并请退还剩余余额。谢谢！'
  ).repeat(8),
)
  .slice(0, 500)
  .join('');
