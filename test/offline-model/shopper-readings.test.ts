import { describe, expect, it } from 'vitest';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard, plannedAgents, topicCard } from './task-harness.js';

/**
 * Everyday English a shopper uses, read as they mean it: "someone" who is to do a job is a service, a pay-later brand
 * is paying later, "the maker" made the product, a wedding list is a registry. Cards and messages are invented here;
 * no code names them.
 */
const engineers = topicCard(
  'HomeEngineerAgent',
  'Sends engineers to plumb in, install and repair washing machines and dishwashers at home.',
  ['book an engineer visit', 'appliance installation', 'appliance repair'],
);
const splitPay = topicCard(
  'SplitPayAgent',
  'Lets shoppers spread the cost: buy now, pay later in monthly instalments.',
  ['pay later', 'monthly instalment plans'],
);
const artisans = topicCard(
  'ArtisanMarketAgent',
  'Lets independent makers sell their handmade goods in our online market.',
  ['sell your handmade goods with us', 'listing fees for makers'],
);
const registry = topicCard('RegistryAgent', 'Keeps registries for weddings and new babies that guests buy from.', [
  'create a registry',
  'add or remove registry items',
]);
const recalls = topicCard('SafetyRecallAgent', 'Says whether a product is recalled and what remedy applies.', [
  'recalled products',
  'recall remedies: repair, replacement or refund',
]);
const collect = topicCard('CollectAgent', 'Arranges collecting online orders from one of our stores.', [
  'click and collect',
  'store pickup times',
]);
const hire = topicCard('ToolHireAgent', 'Hires out drills, ladders and paddleboards by the day, against a deposit.', [
  'hire equipment',
  'hire deposits and damage',
]);
const tradeIn = topicCard('PartExchangeAgent', 'Gives store credit for old phones and laptops customers trade in.', [
  'trade in an old phone',
  'trade-in credit',
]);
const taxFree = topicCard('TaxFreeAgent', 'Sets up tax-exempt accounts for schools, churches and charities.', [
  'tax exemption certificates',
  'VAT relief for charities',
]);
const workshop = topicCard('FixItServiceAgent', 'Books paid repairs for things customers own.', [
  'book a repair',
  'repair quotes',
]);
const coffeeClub = topicCard(
  'CoffeeClubAgent',
  'Sends a bag of fresh coffee every month to members: joining, skipping a month, cancelling.',
  ['join the coffee club', 'skip a delivery', 'cancel a membership'],
);
const extendedCover = topicCard('ExtendedCoverAgent', "Sells extended cover once the manufacturer's warranty ends.", [
  'buy extended cover',
  'what extended cover includes',
]);
const snackBox = topicCard('SnackBoxAgent', 'Sends a box of snacks every month.', [
  'monthly snack box',
  'skip a month',
]);
const repairDesk = topicCard(
  'RepairDeskAgent',
  'Books paid repairs for things customers own: cracked screens, worn parts.',
  ['book a repair', 'screen repairs'],
);
const curbside = topicCard(
  'CollectAgent',
  'Arranges collecting online orders from one of our stores, curbside or at the desk.',
  ['click and collect', 'store pickup times', 'curbside collection'],
);
const stylist = topicCard('WardrobeAdviceAgent', 'Helps shoppers choose clothes: what to wear and what suits them.', [
  'outfit advice',
  'what to wear to an event',
]);

const builtins = builtinCards.map(asCard);
const agents = plannedAgents;

describe('"someone"', () => {
  it('asked to do a job on a thing is a service; asked for, still a person', () => {
    expect(agents('could someone come and plumb in my new dishwasher?', engineers)).toEqual(['HomeEngineerAgent']);
    expect(agents('the door seal on my washer is torn, can somebody fit a new one', engineers)).toEqual([
      'HomeEngineerAgent',
    ]);
    expect(agents('please send someone round to install the washing machine', engineers)).toEqual([
      'HomeEngineerAgent',
    ]);
    expect(agents('is there someone I can speak to?', engineers)).toEqual(['HumanTransferAgent']);
    expect(agents('I want someone who can actually help me', engineers)).toEqual(['HumanTransferAgent']);
  });

  it('described as the wearer of a thing is no one to hand over to', () => {
    expect(agents('which coats would flatter someone petite', stylist)).not.toContain('HumanTransferAgent');
  });
});

describe('a way to pay, named by its brand', () => {
  it('reads a pay-later service as paying later, and leaves a way to pay now with the knowledge base', () => {
    expect(agents('can I check out with clearpay?', splitPay)).toEqual(['SplitPayAgent']);
    expect(agents('is sezzle an option on the sofa', splitPay)).toEqual(['SplitPayAgent']);
    expect(agents('do you accept paypal?', splitPay)).toEqual(['GeneralSupportAgent']);
  });
});

describe('"maker"', () => {
  it('of a product is who made it; told in the first person, a maker who may sell with the shop', () => {
    expect(agents('who is the maker of the blue kettle?', artisans)).not.toContain('ArtisanMarketAgent');
    expect(agents('does the makers warranty cover the motor?', artisans)).not.toContain('ArtisanMarketAgent');
    expect(agents('we make ceramic mugs, could we sell them through your site?', artisans)).toEqual([
      'ArtisanMarketAgent',
    ]);
    // "Can I make a return?" makes nothing.
    expect(agents('how do I make a return?', artisans)).not.toContain('ArtisanMarketAgent');
  });
});

describe('a list of presents for guests', () => {
  it('is a registry, not a listing', () => {
    expect(agents('please take the toaster off our baby list', registry, artisans)).toEqual(['RegistryAgent']);
  });
});

describe('swapping a thing for another size or colour', () => {
  it('is an exchange, not a recall remedy of a replacement', () => {
    expect(agents('could I swap the rain jacket for a large?', recalls)).toEqual(['ReturnsAgent']);
  });
});

describe('a story told before the request', () => {
  it('of a pickup is how the thing was had, not a question about collecting', () => {
    expect(agents('I collected the toaster from your store on Friday, it sparks when I switch it on', collect)).toEqual(
      ['ReturnsAgent'],
    );
    expect(agents('picked the lamp up in store last week. can I post it back?', collect)).toEqual(['ReturnsAgent']);
  });

  it('of a thing sent to the shop makes "has it arrived?" about that thing', () => {
    expect(agents('I mailed my old phone to you for trade-in on Monday, has it arrived?', tradeIn)).toEqual([
      'PartExchangeAgent',
    ]);
    expect(agents('the shoes went back to you on Friday, did you get them?')).toEqual(['ReturnsAgent']);
  });
});

describe('one request in two pieces', () => {
  it('keeps more goods named after "and" with the request before them', () => {
    expect(agents('can I hire a paddleboard and two life jackets for saturday?', hire)).toEqual(['ToolHireAgent']);
  });

  it("keeps a question on the neighbour card's own topic with that card", () => {
    // "Buy" and "paying" are other cards' words too (the pay-later card's, the registry's, the knowledge base's); "VAT"
    // is only the tax card's.
    expect(agents('our church is a charity. can we buy without paying VAT?', taxFree, splitPay, registry)).toEqual([
      'TaxFreeAgent',
    ]);
  });

  it("reads work to be done on a thing of the shopper's as a service, and a fault told after it as its reason", () => {
    expect(agents('what do you charge to have the kettle descaled', workshop)).toEqual(['FixItServiceAgent']);
    expect(agents('how much is it to have my toaster repaired? the lever snapped', workshop)).toEqual([
      'FixItServiceAgent',
    ]);
  });

  it('reads getting a deposit back as money, not a back-in-stock alert', () => {
    expect(agents('will I get my deposit back if the ladder comes back muddy?', hire)).toEqual(['ToolHireAgent']);
  });

  it('reads "no idea what" as not knowing, not as asking for ideas', () => {
    expect(agents('got a job interview on friday and no idea what to wear', stylist)).toEqual(['WardrobeAdviceAgent']);
  });
});

describe('a thing the shop sends, and ending it', () => {
  it('reads "stop sending me the coffee" as about the thing sent, and "stop sending me emails" as opting out', () => {
    expect(agents('stop sending me the coffee every month, I want to end it', coffeeClub)).toEqual(['CoffeeClubAgent']);
    expect(agents('please stop sending me your newsletter', coffeeClub)).toEqual(['GeneralSupportAgent']);
  });

  it('words a cancellation for a card that works on no orders without an order', () => {
    const [task] = planFromBrief({
      message: 'please cancel my coffee club membership',
      history: [],
      cards: [...builtins, coffeeClub],
      defaultAgent: 'GeneralSupportAgent',
    }).tasks;
    expect(task!.agent).toBe('CoffeeClubAgent');
    expect(task!.statusMessage).not.toMatch(/order/i);
    expect(task!.instruction).not.toMatch(/pending order/i);
  });
});

describe('when, not what', () => {
  it('reads "next month" as when a thing happens, not a monthly topic', () => {
    expect(
      agents("my kettle's warranty runs out next month, can I get extended cover?", extendedCover, snackBox),
    ).toEqual(['ExtendedCoverAgent']);
  });
});

describe('a question plainly for one card', () => {
  it('is not joined to a return told beside it because a word of it reads as a return', () => {
    expect(agents("do you fix cracked laptop screens? it's past the return window anyway", repairDesk)).toEqual([
      'RepairDeskAgent',
    ]);
  });
});

describe('fetching an order oneself', () => {
  it('reads coming to get it, or having it brought out to the car, as a pickup', () => {
    expect(agents('is it ok if I come and get it myself on saturday?', curbside)).toEqual(['CollectAgent']);
    expect(agents('can I pick it up myself tomorrow?', curbside)).toEqual(['CollectAgent']);
    expect(agents('could someone bring my order out to the car when I get there?', curbside)).toEqual(['CollectAgent']);
  });
});
