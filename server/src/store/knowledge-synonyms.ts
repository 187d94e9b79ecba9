/**
 * Shopper words → the words help articles use for the same thing. Full-text search stems words
 * ("arrived" → "arriv") but knows no synonyms, so "my parcel" would miss "Shipping times" and "a real
 * person" would miss "talk to a person". search_knowledge asks for a question's words and their
 * alternatives here. Words with a meaning of their own in the articles ("back", "card") have none.
 */
export const knowledgeSynonyms: Readonly<Record<string, readonly string[]>> = {
  // Delivery.
  parcel: ['delivery', 'shipping'],
  package: ['delivery', 'shipping'],
  packet: ['delivery', 'shipping'],
  delivery: ['shipping'],
  deliver: ['shipping'],
  postage: ['shipping'],
  courier: ['shipping', 'carrier'],
  dispatch: ['shipping', 'processed'],
  dispatched: ['shipped', 'processed'],
  arrive: ['delivery', 'shipping'],
  arrival: ['delivery', 'shipping'],
  // Money back.
  money: ['refund'],
  reimburse: ['refund'],
  reimbursement: ['refund'],
  repay: ['refund'],
  // Opening hours and people.
  open: ['hours'],
  opening: ['hours'],
  close: ['hours'],
  closing: ['hours'],
  closed: ['hours'],
  human: ['person', 'contact'],
  person: ['human', 'contact'],
  someone: ['person', 'contact'],
  representative: ['person', 'contact'],
  staff: ['person', 'contact'],
  call: ['phone', 'contact'],
  // Prices.
  sale: ['promotion', 'discount'],
  deal: ['discount', 'promotion'],
  deals: ['discount', 'promotion'],
  voucher: ['coupon', 'promotion'],
  promo: ['promotion', 'coupon'],
  cheaper: ['price', 'discount'],
  // Damage and defects.
  faulty: ['defective', 'damaged'],
  broken: ['damaged', 'defective'],
  broke: ['damaged', 'defective'],
  cracked: ['damaged'],
  smashed: ['damaged'],
  dented: ['damaged'],
  scratched: ['damaged'],
  guarantee: ['warranty'],
  // Exchanges and sizes.
  replace: ['exchange'],
  replacement: ['exchange'],
  fit: ['sizing', 'size'],
  fits: ['sizing', 'size'],
  tight: ['sizing', 'size'],
  // Paying.
  pay: ['payment'],
  visa: ['credit', 'payment'],
  mastercard: ['credit', 'payment'],
  amex: ['credit', 'payment'],
  // Personal data.
  erase: ['delete', 'data'],
  gdpr: ['privacy', 'data'],
  unsubscribe: ['newsletter'],
  mailing: ['newsletter', 'unsubscribe'],
  opt: ['unsubscribe'],
  marketing: ['newsletter', 'unsubscribe'],
  spam: ['newsletter', 'unsubscribe'],
  restock: ['stock'],
  restocked: ['stock'],
};
