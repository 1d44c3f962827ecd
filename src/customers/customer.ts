/**
 * A customer as the hotline sees it, whichever backend it comes from (the
 * built-in Redis store or the operator's billing/CRM over HTTP).
 */
export type EnterpriseClass = 'A' | 'B' | 'C';
export type TierId = 'diamond' | 'gold' | 'silver' | 'standard';

export interface BillItem {
  /** plan | voice | data | sms | value-added | roaming | other */
  kind: string;
  amount: number;
}

export interface Bill {
  /** YYYY-MM */
  month: string;
  total: number;
  items: BillItem[];
  /** True for the running month (to date). */
  toDate?: boolean;
}

export interface Order {
  id: string;
  /** installation | repair | plan-change | relocation */
  type: string;
  /** accepted | in-progress | technician-scheduled | completed */
  status: string;
  createdAt: string;
  expectedAt?: string | null;
}

export interface Customer {
  /** The number the customer calls from (E.164 without +, or national). */
  phone: string;
  accountId: string;
  name: string;
  /** Average monthly spend (ARPU) in yuan: the main input of the value tier. */
  monthlySpend: number;
  /** Enterprise (集团) class when the number belongs to an enterprise account. */
  enterpriseClass: EnterpriseClass | null;
  enterpriseName?: string | null;
  /** Manual VIP flag set by account management. */
  vip: boolean;
  /** Manual downgrade (e.g. after abuse): the tier is capped at this one. */
  downgradeTo: TierId | null;
  balance: number;
  points: number;
  bills: Bill[];
  orders: Order[];
  /** scrypt hash of the 6-digit service password; null when none is set. */
  passwordHash: string | null;
  preferredLanguage?: 'zh' | 'en';
}
