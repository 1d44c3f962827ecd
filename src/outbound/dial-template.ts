/** The dial string of a customer's phone from the configured template, e.g. PJSIP/{number}@trunk. */
export function customerDialString(template: string, number: string): string {
  const digits = number.replace(/[^\d+]/g, '');
  if (!/^\+?\d{3,20}$/.test(digits)) throw new RangeError(`not a phone number: ${JSON.stringify(number)}`);
  return template.replace('{number}', digits);
}
