import { describe, expect, it } from 'vitest';
import { createTextAnalyzer, rawWords, stem } from '../../offline-model/src/text-features.js';

describe('stem', () => {
  it('brings inflections of one word together', () => {
    expect(new Set(['shipping', 'shipped', 'ships', 'shipment'].map(stem))).toEqual(new Set(['ship']));
    expect(stem('accessories')).toBe(stem('accessory'));
    expect(stem('cancellation')).toBe(stem('cancel'));
    expect(stem('delivery')).toBe(stem('delivered'));
    expect(stem('notification')).toBe(stem('notify'));
  });
});

describe('rawWords', () => {
  it('lower-cases, expands chat-speak and contractions, and fuses t-shirt and e-reader', () => {
    expect(rawWords("Where's my T-Shirt? do u have it, pls")).toEqual([
      'where',
      'my',
      'tshirt',
      'do',
      'you',
      'have',
      'it',
      'please',
    ]);
    expect(rawWords("I don't need it")).toEqual(['i', 'do', 'not', 'need', 'it']);
  });
});

describe('createTextAnalyzer', () => {
  const analyze = createTextAnalyzer(['warranty']);
  const stems = (text: string) => analyze(text).tokens.map((t) => t.stem);

  it('drops "time" where it counts occasions, and keeps it as a time of day or a duration', () => {
    const time = stems('time')[0]!;
    for (const occasion of [
      'this is the third time my refund failed',
      'every time I try to pay the card is declined',
      'I asked three times already',
      'I called 4 times',
      'for the 2nd time the parcel is late',
      'last time it took a week',
    ])
      expect(stems(occasion), occasion).not.toContain(time);
    for (const question of ['how much time does shipping take', 'the delivery time to Canada', 'at what time'])
      expect(stems(question), question).toContain(time);
  });

  it('drops stop words, corrects misspellings and maps synonyms onto one word', () => {
    expect(stems('i want to cancle my oder')).toEqual([stem('cancel'), stem('order')]);
    expect(stems('I want my money back')).toEqual(stems('I want a refund'));
    expect(stems('can I speak to a real person')).toEqual(stems('talk to a human'));
    expect(stems('my parcel')).toEqual(stems('my package'));
    expect(stems('waranty')).toEqual(['warranty']);
  });

  it('turns request phrases into one word, longest phrase first', () => {
    expect(stems('do you sell yoga mats')).toEqual(stems('do you have yoga mats'));
    expect(stems('tell me when it is back in stock')).toContain('restock');
    expect(stems('is it in stock')).toContain('stock');
  });

  it('reads "not the colour I ordered" and "a different size than I ordered" as a wrong item, once', () => {
    const wrong = stem('wrong');
    for (const said of [
      "it's not the color I ordered",
      "this isn't what we ordered",
      'it is a different size than I ordered',
      'they sent a different colour from the one I picked',
      'not the model I bought',
    ])
      expect(
        stems(said).filter((s) => s === wrong),
        said,
      ).toHaveLength(1);
    for (const other of ['not the first time I ordered from you', 'is it the same one I bought last year?'])
      expect(stems(other), other).not.toContain(wrong);
  });

  it('reads "send the headphones back" as a return, as "send it back" is', () => {
    const ret = stem('return');
    for (const said of ['I want to send the headphones back', 'can I ship both of them back', 'mail my jacket back'])
      expect(stems(said), said).toContain(ret);
    expect(stems('send me the receipt back home')).not.toContain(ret);
  });

  it('leaves common English words as written, however close to a shop word, and still corrects typos', () => {
    expect(analyze('there is an extra charge on my card').words).toContain('charge');
    expect(analyze('the sleeves are too short').words).toContain('short');
    expect(analyze('my older order').words).toEqual(['my', 'older', 'order']);
    expect(analyze('i want to cancle my oder').words).toEqual(['i', 'want', 'to', 'cancel', 'my', 'order']);
  });

  it('reads words that are names of every object\'s members as words: "constructor"', () => {
    expect(rawWords('the constructor of this chair')).toEqual(['the', 'constructor', 'of', 'this', 'chair']);
    expect(analyze('hasOwnProperty toString valueOf constructor').words).toEqual([
      'hasownproperty',
      'tostring',
      'valueof',
      'constructor',
    ]);
  });

  it('keeps every word, stop words included, for phrase checks', () => {
    expect(analyze('Where is my order').words).toEqual(['where', 'is', 'my', 'order']);
  });
});
