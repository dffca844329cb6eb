/**
 * Load helper for benchmarks: N customers each sending M texts, paced at a global rate.
 */
import type { WaSim } from './index.js';

export interface LoadOptions {
  customers: number;
  messagesPerCustomer: number;
  /** messages per second across all customers (0 = as fast as possible) */
  ratePerSecond: number;
  /** phone numbers are `${phonePrefix}${index padded to 6}` */
  phonePrefix?: string;
  business?: string;
  text?: (customerIndex: number, messageIndex: number) => string;
}

export interface LoadResult {
  sent: { id: string; customer: string; text: string; at: number }[];
  durationMs: number;
}

export async function runLoad(sim: WaSim, options: LoadOptions): Promise<LoadResult> {
  const prefix = options.phonePrefix ?? '4477009';
  const phones = Array.from({ length: options.customers }, (_, i) => {
    const phone = `${prefix}${String(i).padStart(6, '0')}`;
    sim.createCustomer({ phone, pushName: `Load ${i}` });
    return phone;
  });
  const plan: { phone: string; text: string }[] = [];
  for (let m = 0; m < options.messagesPerCustomer; m++) {
    phones.forEach((phone, c) => plan.push({ phone, text: options.text?.(c, m) ?? `load ${c}/${m}` }));
  }
  const interval = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  const started = Date.now();
  const sent: LoadResult['sent'] = [];
  for (let i = 0; i < plan.length; i++) {
    const { phone, text } = plan[i]!;
    const due = started + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const result = await sim.sendText(phone, text, options.business ? { business: options.business } : {});
    sent.push({ id: result.id, customer: phone, text, at: Date.now() });
  }
  return { sent, durationMs: Date.now() - started };
}
