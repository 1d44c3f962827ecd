/**
 * Masking of personal data in logs: phone numbers keep their first 3 and last
 * 4 digits (138****0001), account ids their last 4. Short numbers (extensions,
 * access codes such as 10000) are not personal and stay as they are.
 */
export function maskPhone(number: string | null | undefined): string {
  if (!number) return '';
  const digits = number.replace(/[^\d+]/g, '');
  if (digits.replace('+', '').length < 7) return number;
  const head = digits.slice(0, 3);
  const tail = digits.slice(-4);
  return `${head}${'*'.repeat(Math.max(4, digits.length - 7))}${tail}`;
}

export function maskAccount(id: string | null | undefined): string {
  if (!id) return '';
  if (id.length <= 4) return '****';
  return `${'*'.repeat(id.length - 4)}${id.slice(-4)}`;
}
