import type { FieldName } from './intake-result';

/**
 * How customers label the three fields, in both languages. A new variant is one more entry here.
 * Longer variants come first so that `注销原因` wins over `原因`.
 */

export const FIELD_LABELS: Record<FieldName, string[]> = {
  username: [
    '注销账号', '注销帐号', '注销账户', '註銷帳號', '用户名称', '用户名', '用戶名稱', '用戶名', '使用者名稱', '登录账号', '登录帳號', '登入帳號',
    '登录名', '登陆名', '登錄名', '用户账号', '账号名', '帐号名', '账户名', '帐户名', '帳戶名',
    '账号', '帐号', '帳號', '账户', '帐户', '帳戶', '用户ID', '用户 ID', '用戶ID', '会员名', '會員名',
    'user name', 'username', 'usename', 'usernmae', 'acount', 'user-name', 'login name', 'login id', 'login', 'account id', 'account name',
    'account number', 'account no.', 'account', 'user id', 'userid', 'member id', 'customer id', 'user',
  ],
  registrationDate: [
    '注册时间', '注册日期', '注册于', '註冊時間', '註冊日期', '开户时间', '开户日期', '開戶時間', '開戶日期', '开通时间', '开通日期',
    '入网时间', '入网日期', '登記日期', '登記時間', '登记日期', '申辦日期', '開通日期',
    'registration date', 'registeration date', 'registraion date', 'date of registration', 'date registered', 'registered on', 'registered in',
    'registered', 'sign-up date', 'signup date', 'signed up on', 'signed up in', 'signed up',
    'when did you register', 'when did you sign up', 'register time', 'register date', 'member since', 'customer since', 'account created on', 'account created', 'created on', 'joined on', 'joined',
    'opened on', 'account opened', 'set up on', 'date of inscription', 'inscription date',
  ],
  reason: [
    '注销原因', '註銷原因', '销户原因', '銷戶原因', '注销理由', '申请原因', '申請原因', '原因', '理由',
    'reason for cancellation', 'reason for closing', 'reason for closure', 'reason for leaving',
    'cancellation reason', 'resaon', 'reaosn', "why i'm closing", 'why i am closing', "why i'm leaving", 'why i am leaving', 'why am i leaving', 'why', 'reason',
  ],
};

/** Labels that read as ordinary words in prose ("account cancellation"): trusted only with a colon. */
export const NEEDS_EXPLICIT_SEPARATOR = new Set(['account', 'acount', 'user', 'login', 'registered', 'joined', 'signed up', 'why', '原因', '理由', '账户', '帐户', '帳戶']);
