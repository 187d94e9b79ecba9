/**
 * The store's seeded knowledge base. The policies match what the store tools enforce (who can
 * cancel what, where refunds go), so an agent quoting an article and a tool never disagree.
 */
export interface KnowledgeArticleSeed {
  slug: string;
  title: string;
  tags: string[];
  body: string;
}

export const knowledgeArticleSeeds: KnowledgeArticleSeed[] = [
  {
    slug: 'returns-policy',
    title: 'Returns and refunds',
    tags: ['returns', 'refund', 'return policy', 'money back'],
    body: [
      'You can return items from an order once it has been delivered. Orders that are still pending or on their way cannot be returned yet; if you no longer want a pending order, you can cancel it instead.',
      'To start a return, tell us the order number and which items you are sending back. You can return some or all of the items in an order. We email a prepaid return label within one business day.',
      'Refunds go either to the original payment method of the order or to one of your store gift cards. Refunds to a gift card are available as soon as the return is received; refunds to a credit card or PayPal usually appear within 5 to 7 business days after we receive the items.',
      'Please return items within 30 days of delivery, unused and in their original packaging. Opened personal-care items (perfume, makeup, electric toothbrush heads) can only be returned if they arrived damaged or defective.',
      'Once a return has been requested for an order, that order cannot be returned or exchanged again.',
    ].join('\n\n'),
  },
  {
    slug: 'exchanges',
    title: 'Exchanging an item for another size, colour or option',
    tags: ['exchange', 'swap', 'different size', 'different colour'],
    body: [
      'Delivered items can be exchanged for another variant of the same product, for example the same sneakers in a different size, or the same water bottle in another colour. Exchanges for a different product are handled as a return plus a new order.',
      'The new variant must be in stock. If it costs more than the item you are sending back, we charge the difference to a payment method of your choice; if it costs less, we refund the difference. A gift card can only pay a difference it has the balance for.',
      'Tell us every item you want to exchange in one request: once an exchange has been requested, the order cannot be exchanged or returned again.',
      'We ship the new items as soon as the originals are scanned by the carrier.',
    ].join('\n\n'),
  },
  {
    slug: 'cancelling-an-order',
    title: 'Cancelling an order',
    tags: ['cancel', 'cancellation', 'ordered by mistake', 'no longer needed'],
    body: [
      'An order can be cancelled while it is pending, which means it has not been processed for shipping yet. Once an order is processed, shipped or delivered it can no longer be cancelled, but delivered items can be returned.',
      'When you cancel, please tell us whether the order is no longer needed or was ordered by mistake. Every payment on the order is refunded to the method it was paid with: gift card refunds are immediate, card and PayPal refunds take 5 to 7 business days.',
      'If you changed the items of a pending order, that order can no longer be cancelled or changed again.',
    ].join('\n\n'),
  },
  {
    slug: 'changing-a-pending-order',
    title: 'Changing a pending order: address, payment or items',
    tags: ['modify order', 'change address', 'change payment', 'change size', 'change colour'],
    body: [
      'While an order is pending you can change its shipping address, its payment method, or swap items for other variants of the same product (another size or colour, for example).',
      'Payment changes: the new payment method must be one saved on your account and different from the current one. A gift card must have enough balance for the whole order. The old payment is refunded in full.',
      'Item changes: list every item you want to change in one go. The price difference is charged to, or refunded to, the payment method you choose. After an item change the order is locked: it cannot be cancelled or changed again.',
      'Orders that are already processed or shipped cannot be changed. Once delivered, items can be returned or exchanged.',
    ].join('\n\n'),
  },
  {
    slug: 'shipping-times',
    title: 'Shipping times and costs',
    tags: ['shipping', 'delivery', 'how long', 'shipping cost', 'tracking'],
    body: [
      'Orders are processed within 1 business day. Standard shipping takes 3 to 5 business days within the continental US and 5 to 8 business days to Alaska, Hawaii and US territories. Express shipping takes 1 to 2 business days.',
      'Standard shipping is free on orders over $50; below that it costs $5.99. Express shipping costs $14.99. Large items (bicycles, grills, bookshelves, office chairs, patio umbrellas) ship free but may take 2 extra days.',
      'We currently ship to addresses in the United States only.',
    ].join('\n\n'),
  },
  {
    slug: 'order-tracking',
    title: 'Tracking your order',
    tags: ['tracking', 'where is my order', 'tracking number', 'order status'],
    body: [
      'Every shipped order gets a tracking number, which you can find in your order details. Our agents can tell you the status and tracking number of an order when you give its order number with your email address, or with your name and zip code. To see the shipping address or items of an order, or to change or cancel it, we first send a one-time code to the email address on your account to verify that it is you; knowing an email address is not enough.',
      'Order statuses: pending (received, not yet processed: can still be changed or cancelled), processed (packed and handed to the carrier), delivered, cancelled, return requested and exchange requested.',
      'Tracking can take up to 24 hours to show the first scan. If your tracking has not moved for 5 business days, ask us and we will open an investigation with the carrier.',
    ].join('\n\n'),
  },
  {
    slug: 'payment-methods',
    title: 'Payment methods we accept',
    tags: ['payment', 'credit card', 'paypal', 'gift card', 'pay'],
    body: [
      'We accept major credit cards (Visa, Mastercard, American Express, Discover), PayPal and store gift cards. Saved payment methods appear in your account; we only ever store the card brand and last four digits.',
      'An order is paid with a single payment method. You can switch the payment method of a pending order to another saved method; the original payment is refunded in full.',
      'We do not accept cash on delivery, cheques or cryptocurrency.',
    ].join('\n\n'),
  },
  {
    slug: 'gift-cards',
    title: 'Gift cards',
    tags: ['gift card', 'balance', 'gift', 'store credit'],
    body: [
      'Store gift cards can be used to pay for orders, and refunds can be paid onto a gift card instantly. A gift card can only pay for an order or a price difference when its balance covers the full amount.',
      'Gift card balances never expire and there are no fees. You can see your balance in your account, or ask one of our agents once you have identified yourself.',
      'Gift cards cannot be exchanged for cash, except where the law requires it.',
    ].join('\n\n'),
  },
  {
    slug: 'sizing-guide',
    title: 'Sizing guide for shoes and clothing',
    tags: ['size', 'sizing', 'fit', 'shoe size', 'size chart'],
    body: [
      'Shoes (sneakers, running shoes and hiking boots) use US sizes, from 6 to 12 depending on the model. If you are between sizes, choose the larger size for running shoes and hiking boots, which are worn with thicker socks.',
      'T-shirts and jackets come in XS, S, M, L, XL and XXL. Chest measurements: XS 32–34 in, S 35–37 in, M 38–40 in, L 41–43 in, XL 44–46 in, XXL 47–49 in.',
      'If something does not fit, you can exchange it for another size of the same product once it has been delivered, as long as that size is in stock.',
    ].join('\n\n'),
  },
  {
    slug: 'warranty',
    title: 'Warranty',
    tags: ['warranty', 'guarantee', 'defective', 'broken', 'repair'],
    body: [
      'Electronics and appliances (laptops, tablets, smartphones, cameras, headphones and earbuds, speakers, smart watches, kitchen appliances, vacuum cleaners, air purifiers, thermostats) carry a 1-year manufacturer warranty from the delivery date. Bicycles and office chairs carry a 2-year warranty on the frame.',
      'The warranty covers defects in materials and workmanship. It does not cover accidental damage, normal wear, or damage from misuse.',
      'To make a warranty claim, contact us with your order number and a short description or photo of the fault. A colleague will arrange a repair, a replacement or a refund.',
    ].join('\n\n'),
  },
  {
    slug: 'damaged-or-wrong-item',
    title: 'Damaged, defective or wrong items',
    tags: ['damaged', 'defective', 'wrong item', 'missing item', 'broken on arrival'],
    body: [
      'If an item arrives damaged, defective or is not what you ordered, tell us within 14 days of delivery. Please keep the packaging and, if you can, take a photo.',
      'We will either exchange the item for the same variant or another variant of the same product, or refund it to the original payment method or a gift card. Returns of damaged items are always free.',
      'If a package shows as delivered but you cannot find it, check with neighbours and your building first, then contact us: we will open an investigation with the carrier.',
    ].join('\n\n'),
  },
  {
    slug: 'business-hours',
    title: 'Business hours and contacting a person',
    tags: ['business hours', 'opening hours', 'contact', 'human', 'phone', 'talk to a person'],
    body: [
      'Our assistants answer at any time. Our customer care colleagues work Monday to Friday from 9:00 to 18:00 and Saturday from 10:00 to 16:00, Eastern Time. We are closed on Sundays and US public holidays.',
      'If you ask for a person, we create a support ticket with a summary of your conversation, so you never have to repeat yourself. Outside business hours, a colleague picks the ticket up at the start of the next business day, urgent tickets first.',
    ].join('\n\n'),
  },
  {
    slug: 'privacy',
    title: 'Privacy and your personal data',
    tags: ['privacy', 'personal data', 'gdpr', 'delete account', 'data'],
    body: [
      'We use your personal data only to process your orders, provide customer service and, if you opted in, send you updates you asked for. We never sell your data.',
      'Before we discuss or change an order, we identify you by your email address, or by your full name and zip code. We never ask for your full card number or password in a chat.',
      'You can ask for a copy of your data, a correction, or the deletion of your account at any time; a colleague handles these requests within 30 days. You can unsubscribe from any email with the link at its bottom.',
    ].join('\n\n'),
  },
  {
    slug: 'account-address',
    title: 'Updating your account address',
    tags: ['address', 'account', 'update address', 'moved'],
    body: [
      'You can update the default address on your account at any time; it is used for future orders. Updating the account address does not change the shipping address of orders you already placed.',
      'To change where a pending order ships, ask us to change the address of that order. Orders that are already processed or delivered cannot be redirected.',
    ].join('\n\n'),
  },
  {
    slug: 'back-in-stock-and-newsletter',
    title: 'Back-in-stock alerts and the newsletter',
    tags: ['back in stock', 'out of stock', 'notify me', 'newsletter', 'subscribe', 'unsubscribe', 'mailing list'],
    body: [
      'If a size or colour is out of stock, we can email you as soon as it is available again: give us your email address and the item. We send one email per alert.',
      'Our newsletter brings new products and offers about twice a month. We need a valid, permanent email address: disposable email addresses are not accepted.',
      'To unsubscribe from the newsletter or from alerts, use the link at the bottom of any of their emails: it takes your address off the list at once.',
      'For bulk, corporate or wholesale orders, leave your email and what you are interested in, and our sales team will contact you within two business days.',
    ].join('\n\n'),
  },
  {
    slug: 'price-adjustments',
    title: 'Prices, promotions and price adjustments',
    tags: ['price', 'discount', 'promotion', 'coupon', 'price match'],
    body: [
      'Prices are shown in US dollars and include no sales tax; tax is added at checkout according to the shipping address.',
      "If the price of an item you bought drops within 7 days of delivery, contact us and we refund the difference to a gift card. We do not match competitors' prices.",
      'Only one promotion code can be used per order, and codes cannot be applied to orders already placed.',
      'Current promotions and their codes are announced in our newsletter, with the dates they run. We have no standing discounts for particular groups, such as students or first-time customers.',
    ].join('\n\n'),
  },
];
