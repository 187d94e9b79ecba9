/** US states (and DC) by postal code and by name, for the town line of an address. */
const US_STATES = [
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR',
  'PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY',
  'Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|District of Columbia|Florida|Georgia',
  'Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota',
  'Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina',
  'North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah',
  'Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming',
].join('|');

/**
 * Deterministic redaction of personal data: the same input always gives the same output, and each
 * kind has its own placeholder, so a redacted feed still shows what kind of thing was said.
 */
const PATTERNS: readonly [RegExp, string][] = [
  // Tokens first: a JWT or a Baton credential contains no email, but an email pattern could eat its parts.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[token]'],
  [/\b(?:ct|bk)_[\w-]{8,}/g, '[token]'],
  [/\bBearer\s+[\w.~+/-]{8,}=*/gi, 'Bearer [token]'],
  // Starts only where a run of address characters starts: otherwise a long run with no address in it
  // is rescanned from each of its characters (quadratic: one 8,000-letter word took over 100 ms).
  [/(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\b(?:credit_card|debit_card|paypal|gift_card|bank_account)_\d{3,}\b/g, '[payment method]'],
  // A street address: a house number, up to five words, and a street type, with the unit that follows it.
  [
    /\b\d{1,6}\s+(?:[A-Za-z0-9.'-]+\s+){0,5}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|terrace|circle|parkway|pkwy)\b\.?(?:,?\s*(?:suite|ste|apartment|apt|unit)\b\.?\s*#?\s*\d[A-Za-z0-9-]{0,7}\b)?/gi,
    '[address]',
  ],
  // A unit on its own ("Suite 4", "apt. 12B"), as an address's second line is given.
  [/\b(?:suite|ste|apartment|apt|unit)\b\.?\s*#?\s*\d[A-Za-z0-9-]{0,7}\b/gi, '[address]'],
  // The town line of a US address: "Springfield, IL 62704", "Fort Worth, Texas 76165-1234" (a city of up
  // to four words, then a state by code or name, then a ZIP code), or a state and ZIP code after a comma.
  // A city word starts only where a run of its characters starts, so a long run is not rescanned from
  // each of its letters.
  [
    new RegExp(
      `(?:(?<![\\w'.])[A-Z][A-Za-z'.]*(?:[ -][A-Z][A-Za-z'.]*){0,3}\\s*)?,\\s*(?:${US_STATES})\\b\\.?,?\\s+\\d{5}(?:-\\d{4})?\\b`,
      'g',
    ),
    '[address]',
  ],
  // A ZIP or postal code named as one ("my zip is 62704", "zip code: 62704-1234"): the label stays.
  [/(\b(?:zip(?:\s*code)?|postal\s+code|postcode)\b[\s:#=-]*(?:is\s+)?)\d{5}(?:-\d{4})?\b/gi, '$1[zip]'],
  [/(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b/g, '[phone]'],
];

/** Keys whose values are personal data whatever they look like. */
const PERSONAL_KEYS = new Set([
  'email',
  'customer_email',
  'customerEmail',
  'phone',
  'customer_phone',
  'customerPhone',
  'customer_name',
  'customerName',
  'first_name',
  'last_name',
  'firstName',
  'lastName',
  'address',
  'address1',
  'address2',
  'zip',
  'city',
  'payment_method_id',
  'paymentMethodId',
  'payment_methods',
  'payment_history',
  'token',
  'customerToken',
]);

/** Text with emails, phone numbers, street addresses, payment method ids and tokens replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, placeholder] of PATTERNS) out = out.replace(pattern, placeholder);
  return out;
}

/** How deeply redactJson walks; an object or array below that is replaced whole. */
const MAX_REDACT_DEPTH = 32;

/**
 * A JSON value with every string redacted and the values of personal keys replaced whole. An object or
 * array nested deeper than MAX_REDACT_DEPTH is `[redacted]` whole: it was passed through unread, so a
 * tool's output (or anything else stored) nested 33 levels deep reached integrators unredacted.
 */
export function redactJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_REDACT_DEPTH) return '[redacted]';
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  // Class instances (errors, dates) are left to their own serialisers, which redact their output.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      PERSONAL_KEYS.has(k) && v !== null ? '[redacted]' : redactJson(v, depth + 1),
    ]),
  );
}
