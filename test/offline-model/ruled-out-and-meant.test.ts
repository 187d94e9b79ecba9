import { describe, expect, it } from 'vitest';
import { withoutNegatedRequests } from '../../offline-model/src/negation.js';
import { plannedAgents, topicCard } from './task-harness.js';

/**
 * What a shopper rules out, and what they mean by words several cards could own. Cards and messages are invented here;
 * no code names them.
 */
const monthlyPay = topicCard(
  'PayMonthlyAgent',
  'Sets up paying for bigger purchases in monthly instalments, with or without interest.',
  ['pay in monthly instalments', 'finance plans and interest rates'],
);
const clickCollect = topicCard('StoreCollectionAgent', 'Arranges collecting online orders from one of our shops.', [
  'collect an order in store',
  'store collection times',
]);

const agents = plannedAgents;

describe('a want ruled out', () => {
  it('takes the whole of what it rules out, and the auxiliary with it', () => {
    // A "do" left behind read as a question, and a word of the thing ruled out ("for") was all that remained of it.
    expect(withoutNegatedRequests("I don't want to pay for delivery on the sofa")).not.toMatch(/\bdo\b|deliver|pay/);
    expect(withoutNegatedRequests("I don't want to pay for delivery on the sofa")).toMatch(/sofa/);
    expect(withoutNegatedRequests('no need for gift wrap, it is for me')).not.toMatch(/gift|wrap/);
    expect(withoutNegatedRequests("I'd rather not pay in instalments, how much is it?")).not.toMatch(/instalment/);
    // What the shopper turns to is kept: "…, just", "I only need".
    expect(withoutNegatedRequests("we don't need a gift receipt, just the invoice")).toMatch(/just the invoice/);
    // Waiting is ruled out, not the refund waited for.
    expect(withoutNegatedRequests("I don't want to wait for my refund any longer")).toMatch(/refund/);
  });

  it('drives no card of its own', () => {
    expect(
      agents(
        "can I collect the desk from your shop? I don't want to pay for delivery on something that heavy",
        clickCollect,
      ),
    ).toEqual(['StoreCollectionAgent']);
    expect(agents('can I pick up the tent from your shop? no need to ship it', clickCollect)).toEqual([
      'StoreCollectionAgent',
    ]);
    expect(agents("I'd rather not pay in instalments, how much is the laptop?", monthlyPay)).toEqual([
      'ProductExpertAgent',
    ]);
  });

  it('leaves the same words, wanted, to drive their card', () => {
    expect(agents('I want to pay for the laptop in monthly instalments', monthlyPay)).toEqual(['PayMonthlyAgent']);
    expect(agents('can I collect the desk from your shop?', clickCollect)).toEqual(['StoreCollectionAgent']);
    expect(agents("I don't want a refund, I'd like to exchange the jacket for a medium")).toEqual(['ReturnsAgent']);
  });
});

const teaClub = topicCard(
  'TeaClubAgent',
  'Runs our tea subscription: a box of loose-leaf tea each month, joining, pausing or cancelling a subscription.',
  ['start a tea subscription', 'pause or cancel a subscription', 'change the teas in my box'],
);
const perksClub = topicCard(
  'PerksClubAgent',
  'Our paid membership: free delivery and early sales for members, renewing or ending a membership.',
  ['join the membership', 'membership renewal and ending it', 'member perks'],
);

describe('ending a subscription or a membership', () => {
  it('goes to the card that keeps such things, in its own words', () => {
    expect(agents('cancel my subscription', teaClub)).toEqual(['TeaClubAgent']);
    expect(agents('how do I cancel my subscription?', teaClub)).toEqual(['TeaClubAgent']);
    expect(agents('please unsubscribe me from the tea box, it is too much', teaClub)).toEqual(['TeaClubAgent']);
    expect(agents("I'd like to end my membership before it renews", perksClub, teaClub)).toEqual(['PerksClubAgent']);
  });

  it('with no such card, is for the knowledge base: no order to cancel, nor a sign-up', () => {
    expect(agents('cancel my subscription')).toEqual(['GeneralSupportAgent']);
    expect(agents('I want to end my membership')).toEqual(['GeneralSupportAgent']);
    expect(agents('cancel my last order')).toEqual(['OrderManagementAgent']);
  });

  it('naming mail, is an opt-out of emails whatever the cards', () => {
    expect(agents('please cancel my newsletter subscription', teaClub)).toEqual(['GeneralSupportAgent']);
    expect(agents('stop sending me marketing emails', teaClub)).toEqual(['GeneralSupportAgent']);
    expect(agents('unsubscribe me', teaClub)).toEqual(['GeneralSupportAgent']);
  });
});

const staffGifts = topicCard(
  'StaffGiftsAgent',
  'Sends bulk gift cards and branded hampers from companies to their staff and clients.',
  ['gifts for employees and clients', 'branded hampers'],
);

describe('the price of many', () => {
  it('is a sales enquiry for the card that takes them, though the goods and "price" are the catalogue\'s words', () => {
    for (const cards of [[], [staffGifts]]) {
      expect(agents('bulk price on 80 water bottles?', ...cards)).toEqual(['LeadGenerationAgent']);
      expect(agents('how much would 35 hoodies cost us', ...cards)).toEqual(['LeadGenerationAgent']);
      expect(agents('wholesale pricing for the camping stoves?', ...cards)).toEqual(['LeadGenerationAgent']);
    }
  });

  it('leaves the price of one, and stock of many, with the catalogue', () => {
    for (const cards of [[], [staffGifts]]) {
      expect(agents('how much is the blue water bottle?', ...cards)).toEqual(['ProductExpertAgent']);
      expect(agents('do you have 40 water bottles in stock?', ...cards)).toEqual(['ProductExpertAgent']);
    }
  });
});

const sellers = topicCard(
  'IndieSellersAgent',
  'Lets independent brands sell their goods on our marketplace: applying, fees and seller accounts.',
  ['apply to become a seller', 'seller fees', 'seller account requirements'],
);
const referrals = topicCard(
  'ReferralPartnersAgent',
  'Pays bloggers and websites a commission for every shopper they send to us.',
  ['referral commission for websites', 'partner payouts'],
);

describe("goods put on the shop's own site", () => {
  it('are sold there, for the card that takes sellers, not the one paying websites for referrals', () => {
    expect(agents('I knit wool scarves, how can I get them onto your site?', referrals, sellers)).toEqual([
      'IndieSellersAgent',
    ]);
    expect(agents('could we put our candles up on your website?', referrals, sellers)).toEqual(['IndieSellersAgent']);
    expect(
      agents('can I open a little shop on your platform? do I need a business licence?', referrals, sellers),
    ).toEqual(['IndieSellersAgent']);
  });

  it("leaves the shopper's own website, and their details put on the shop's, to their cards", () => {
    expect(
      agents('I run a cooking blog, can my website earn commission for sending readers?', referrals, sellers),
    ).toEqual(['ReferralPartnersAgent']);
    expect(agents('how do I change my address on your app?', referrals, sellers)).toEqual(['OrderManagementAgent']);
  });

  it("with no card for sellers, a seller's paperwork is no sales enquiry", () => {
    expect(agents('can I open a little shop on your platform? do I need a business licence?')).toEqual([
      'GeneralSupportAgent',
    ]);
  });
});

const fixShop = topicCard(
  'FixShopAgent',
  'Books paid repairs for things customers already own: worn parts, cracked screens, servicing.',
  ['book a repair', 'repair prices', 'servicing and tune-ups'],
);
const safetyNotices = topicCard(
  'SafetyNoticeAgent',
  'Tells customers whether a product they own is under a safety recall, and the remedy: a fix, a replacement or a refund.',
  ['check a product for a recall', 'recall remedies'],
);

describe('"someone to fix it" of a thing that failed while new', () => {
  it('asks the shop to put its goods right (returns), not for a paid repair or a recall', () => {
    const cards = [fixShop, safetyNotices];
    expect(
      agents('honestly, the toaster I bought last week already stopped working, I need someone to fix it', ...cards),
    ).toEqual(['ReturnsAgent']);
    expect(agents('the heater you sent is broken and I want someone to sort it out', ...cards)).toEqual([
      'ReturnsAgent',
    ]);
    // Angry about it, the shopper still asks for the goods put right: "someone" there is to do the job, no person.
    expect(
      agents(
        'this is ridiculous, my new hairdryer stopped working on the first use, I need someone to fix it',
        ...cards,
      ),
    ).toEqual(['ReturnsAgent']);
    // Asking to speak to someone is still asking for a person.
    expect(agents('my speaker stopped working after two days, I want to speak to someone', ...cards)).toEqual([
      'ReturnsAgent',
      'HumanTransferAgent',
    ]);
  });

  it('leaves a thing the shopper damaged, or had for years, or that is unsafe, with the repair or recall card', () => {
    const cards = [fixShop, safetyNotices];
    expect(agents('I dropped my tablet and the screen cracked, can someone fix it?', ...cards)).toEqual([
      'FixShopAgent',
    ]);
    expect(agents('my bike chain keeps slipping, can someone fix it?', ...cards)).toEqual(['FixShopAgent']);
    expect(agents('is the heater I bought last week part of the safety recall?', ...cards)).toEqual([
      'SafetyNoticeAgent',
    ]);
  });
});

describe('a swap asked before the order leaves', () => {
  it('changes the pending order, however the shopper says it has not gone', () => {
    expect(agents('before it goes out, could you swap the single duvet for the double on order #W2345678')).toEqual([
      'OrderManagementAgent',
    ]);
    expect(agents('can you swap the small rug for the big one before you send it?')).toEqual(['OrderManagementAgent']);
    expect(agents("please exchange the red scarf for the green one before it's dispatched")).toEqual([
      'OrderManagementAgent',
    ]);
  });

  it('leaves a swap of a thing the shopper has with returns', () => {
    expect(agents('I want to exchange the jacket I got last week for a medium')).toEqual(['ReturnsAgent']);
  });
});

describe('what to buy along with a thing', () => {
  it('is for the card that recommends complements, an example after it included', () => {
    expect(agents('anything people tend to get along with the camping stove? perhaps a kettle?')).toEqual([
      'UpsellAgent',
    ]);
    expect(agents('which things do customers order together with the yoga mat')).toEqual(['UpsellAgent']);
    expect(agents('what should I grab along with the hiking boots? like socks?')).toEqual(['UpsellAgent']);
  });

  it('leaves paying with something, and a search with an example, to their cards', () => {
    expect(agents('what can I buy with my gift card')).not.toContain('UpsellAgent');
    expect(agents('I need a new backpack. maybe a blue one?')).toEqual(['ProductExpertAgent']);
  });
});

describe('where deliveries land, told empty', () => {
  it('asks where the order is', () => {
    expect(agents('a week on and nothing has turned up at my door')).toEqual(['OrderManagementAgent']);
    expect(agents('still nothing in my mailbox after ten days')).toEqual(['OrderManagementAgent']);
    expect(agents('the porch is still empty, it was due monday')).toEqual(['OrderManagementAgent']);
  });

  it('but a mailbox full of emails is no parcel', () => {
    expect(agents('my mailbox is full of your spam emails')).not.toContain('OrderManagementAgent');
  });
});

describe('a thing needed by a day, beside where an order is', () => {
  it('is why the shopper asks, not a search', () => {
    expect(agents('has order #W3456789 left the warehouse? we need the gazebo for a party on sunday')).toEqual([
      'OrderManagementAgent',
    ]);
    expect(agents("my parcel still hasn't come and I need the dress by friday")).toEqual(['OrderManagementAgent']);
  });

  it('is still a search when nothing is on its way, or asked as a question of its own', () => {
    expect(agents('I need a tent for the weekend')).toEqual(['ProductExpertAgent']);
    expect(agents('where is my order? also do you have a tent I could take camping this weekend?')).toEqual([
      'OrderManagementAgent',
      'ProductExpertAgent',
    ]);
  });
});
