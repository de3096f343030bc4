/**
 * Whether the customer's own words ask to close their account. Kept apart from the machine checks
 * because it is the rule that grows: a new way of asking is one more pattern here.
 */

const ACCOUNT_EN = '(?:account|acount|accout|acct|membership|e-?sim account|mobile account|user account)';

const ASKS_EN = [
  // "cancle", "cansel", "cancell": the way non-native writers spell it.
  new RegExp(`\\b(?:cancel|cancle|cansel|cancell|close|delete|deactivate|terminate|shut down|remove|erase)\\s+(?:(?:my|our|this|the)\\s+)?(?:[\\w-]+\\s+){0,2}${ACCOUNT_EN}\\b(?!['’]s)`, 'i'),
  new RegExp(`\\b${ACCOUNT_EN}\\s+(?:cancellation|cancelation|closure|closing|deletion|termination|deactivation|removal)\\b`, 'i'),
  new RegExp(`\\b(?:cancellation|cancelation|closure|closing|deletion|termination|deactivation) of (?:(?:my|our|the|this)\\s+)?(?:[\\w-]+\\s+){0,2}${ACCOUNT_EN}\\b`, 'i'),
];

/** The account itself, not something on it: 取消会员自动续费 and 取消手机号上的漫游 are about add-ons. */
const ACCOUNT_ZH = '(?:账号|帐号|账户|帐户|帳號|帳戶|用户|用戶|会员|會員|号码|號碼|手机号|eSIM|ESIM|esim)(?![的上里中]|自动|续费|續費|套餐|业务|業務)';

const ASKS_ZH = [
  /注销|销户|销号|注消|註銷|銷戶|銷號/,
  new RegExp(`(?:关闭|删除|停用|取消|撤销|关掉|關閉|刪除|停用)(?:我的|本人的?|该|这个|此)?${ACCOUNT_ZH}`),
  new RegExp(`${ACCOUNT_ZH}(?:关闭|删除|停用|撤销|關閉|刪除)(?!了)`),
];

/**
 * "只是退订流量包，不是注销账号", "I do not want my account closed", "账号我还要继续用": the customer
 * keeps the account, whatever else they mention or quote.
 */
const KEEPS_ACCOUNT = [
  /(?:不是|并非|並非|并不是|不想|不要|不用|无需|無需|不需要|没有要|沒有要|暂不|暫不)(?:要|想)?(?:申请)?(?:注销|销户|註銷|銷戶|关闭|關閉|删除|刪除)(?:(?:我的|本人的?)?(?:账号|帐号|账户|帐户|帳號|帳戶)|(?=[了，。！,.!\s]|$))/,
  /(?:账号|帐号|账户|帐户|帳號|帳戶)[^。！？\n]{0,6}(?:还要|还想|继续|仍然|要保留|想保留)/,
  /再决定|再決定|还没决定|還沒決定|还在考虑|還在考慮|考虑中|考慮中|要不要办|要不要辦|要不要注销|要不要註銷|是否要注销|是否要註銷/,
  /\b(?:not|don't|do not|doesn't|never)\s+(?:want\s+to\s+|wish\s+to\s+|asking\s+to\s+|trying\s+to\s+)?(?:cancel|close|delete|deactivate|terminate)\s+(?:my|our|the)\s+(?:[\w-]+\s+)?account\b/i,
  /\b(?:not|don't|do not|never)\s+(?:want|wish|intend|plan)\s+(?:to\s+have\s+)?(?:my|the|our)\s+(?:[\w-]+\s+)?account\s+(?:closed|cancell?ed|deleted|terminated|deactivated)\b/i,
  /\bnot\s+(?:yet\s+)?asking\s+(?:you\s+)?to\s+(?:close|cancel|delete|deactivate|terminate)\b/i,
  /\b(?:keep|keeping)\s+(?:my|the)\s+account\b/i,
];

/** Questions about closing ("if I close my account…", "如何注销", "注销需要哪些材料") ask nothing yet. */
const WONDERS = [
  /\b(?:if|when|before|after|whether|once)\s+(?:I|we)\s+(?:(?:do|did|were to|decide to|later|ever|eventually)\s+)*(?:close|cancel|delete|deactivate|terminate)\b/gi,
  /\bif\b[^.?!\n]{0,80}\bI(?:['’]ll| will|['’]d| would| might| may)\s+(?:have\s+to\s+|need\s+to\s+)?(?:close|cancel|delete|terminate)\b/gi,
  /\bhow\s+(?:do|can|would|should)\s+I\s+(?:close|cancel|delete|deactivate|terminate)\b/gi,
  /(?:怎么|怎样|怎樣|如何|如果|假如|要是|万一|萬一)[^。！？\n]{0,10}?(?:申请|申請)?(?:注销|销户|註銷|銷戶)/g,
  /(?:注销|销户|註銷|銷戶)(?:之前|以前|前|的话|的話|以后|以後|后|後)[^。！？\n]{0,20}[吗嗎？?]/g,
  /(?:注销|销户|註銷|銷戶)[^。！？\n]{0,8}(?:需要|要)(?:准备|提供)?(?:哪些|什么)/g,
  /需要先(?:注销|销户)吗/g,
  // A subject that announces an enquiry: 关于注销账号的咨询, 咨询注销问题, "Question about closing my account".
  /(?:关于|關於|有关|有關)[^。！？\n]{0,12}?(?:注销|销户|註銷|銷戶)[^。！？\n]{0,12}?(?:咨询|諮詢|问题|問題|疑问|疑問)/g,
  /(?:咨询|諮詢)[^。！？\n]{0,6}?(?:注销|销户|註銷|銷戶)/g,
  /\b(?:question|enquiry|inquiry|query)\s+(?:about|on|regarding)\s+(?:closing|cancell?ing|deleting|terminating|deactivating|the\s+(?:closure|cancell?ation|deletion|termination)\s+of)\b/gi,
  // A Chinese sentence that asks about closing without asking us to close: 还是注销的时候可以退回吗？
  /(?<=^|[。！？\n])(?![^。！？\n]*(?:请|帮我|幫我|我要|我想|申请|申請|麻烦|麻煩))[^。！？\n]*(?:注销|销户|註銷|銷戶)[^。！？\n]*[？?]/g,
  // "Can I close my account online?", "Should we cancel before the contract ends?"
  /(?<=^|[.!?\n]\s*)(?:can|could|may|should|do|does|will|would|is it possible for)\s+(?:I|we)\b[^.?!\n]*\b(?:cancel|close|delete|terminate|deactivate)\b[^.?!\n]*\?/gim,
];

/** Phishing and notices talk about *your* account being closed; a customer talks about *my* account. */
const THREATENS = [
  /\byour (?:account|mailbox|e-?mail)\b[^.!?\n]{0,60}\b(?:will be|has been|is being|is scheduled|was)\b/i,
  /\bverify your (?:identity|account|details)\b/i,
  /您的(?:账号|帐号|账户|帐户|邮箱)[^。！？\n]{0,20}(?:将|已|即将|会)(?:被)?/,
];

const FIRST_PERSON = [
  /\bmy\s+(?:[\w-]+\s+)?(?:account|login|username)\b/i,
  /\bI (?:want|would like|wish|need|request)\b/i,
  /我的|我要|我想|我需要|我申请|本人(?:申请|要求|的)|请(?:帮我|为我|给我)|麻烦/,
];

export type CancellationIntent = 'asks' | 'keeps_account' | 'none';

/** What the customer's words say about closing, with the words that said it (the evidence staff see). */
export interface IntentReading {
  intent: CancellationIntent;
  /** The phrase that asked to close, or that kept the account. */
  phrase: string | null;
  /** A question about closing ("如何注销？", "if I cancel later, …"): it asks nothing yet. */
  question: string | null;
  /** A notice threatening *your* account, with no customer speaking: phishing or a system notice. */
  notice: string | null;
}

export function readIntent(text: string): IntentReading {
  const question = firstMatch(WONDERS, text);
  const keeps = firstMatch(KEEPS_ACCOUNT, text);
  if (keeps !== null) return { intent: 'keeps_account', phrase: keeps, question, notice: null };
  // A question taken out leaves a sentence end, so the sentence after it still starts a sentence.
  const words = WONDERS.reduce((remaining, pattern) => remaining.replace(pattern, '\n'), text);
  const asks = firstMatch([...ASKS_EN, ...ASKS_ZH], words);
  if (asks === null) return { intent: 'none', phrase: null, question, notice: firstMatch(THREATENS, words) };
  const threat = firstMatch(THREATENS, words);
  const speaks = threat === null || FIRST_PERSON.some((pattern) => pattern.test(words));
  return speaks ? { intent: 'asks', phrase: asks, question, notice: null } : { intent: 'none', phrase: null, question, notice: threat };
}

export function cancellationIntent(text: string): CancellationIntent {
  return readIntent(text).intent;
}

/**
 * A subject that names the act alone ("Cancel", "Kündigung / cancellation", "注销") is how terse
 * customers ask; it counts as evidence, not as a request on its own. "Cancel order #881" names
 * something else, and "How do I cancel?" is a question.
 */
const SUBJECT_CANCEL_WORD =
  /\b(?:cancel(?:l?ation|l?ing|led)?|cancle|cansel|clos(?:e|ing|ure)|delet(?:e|ion)|terminat(?:e|ion)|deactivat(?:e|ion)|unsubscribe me|k[üu]ndig(?:ung|en)|r[ée]siliation|r[ée]silier|dar de baja|cancelar)\b|注销|註銷|销户|銷戶|销号|銷號|注消|(?:关闭|關閉|删除|刪除|停用|取消)(?:我的)?(?:账号|帐号|账户|帐户|帳號|帳戶)|解约|解約|退网|退網/i;
const SUBJECT_OTHER_OBJECT =
  /\b(?:orders?|purchase|booking|reservation|payment|add-?ons?|data ?packs?|roaming|bundles?|auto-?renew\w*|newsletters?|appointment|meeting|transaction|invoice)\b|订单|訂單|套餐|流量包|漫游|漫遊|自动续费|自動續費|预约|預約|会议|會議|发票|發票/i;
const SUBJECT_QUESTION = /[?？]\s*$|咨询|諮詢|\b(?:question|enquiry|inquiry)\b|^\s*(?:(?:re|fw|fwd|aw)\s*:\s*)*(?:(?:how|what|when|can|could|is it|do i|should i)\b|如何|怎么|怎樣|怎样|能否|可以|请问|請問)/i;

export interface SubjectReading {
  cancelWord: string | null;
  question: boolean;
}

export function readSubject(subject: string): SubjectReading {
  const word = SUBJECT_CANCEL_WORD.exec(subject)?.[0] ?? null;
  if (word === null || SUBJECT_OTHER_OBJECT.test(subject)) return { cancelWord: null, question: false };
  return SUBJECT_QUESTION.test(subject) ? { cancelWord: null, question: true } : { cancelWord: word, question: false };
}

function firstMatch(patterns: RegExp[], text: string): string | null {
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    const match = pattern.exec(text);
    pattern.lastIndex = 0;
    if (match) return match[0].trim();
  }
  return null;
}
