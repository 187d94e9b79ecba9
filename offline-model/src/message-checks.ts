import { ENGLISH_WORDS } from './english-words.js';
import { isFuzzyMatch } from './fuzzy-match.js';

/** Words that make up greetings, thanks and small talk. A text made only of these is small talk. */
const SMALL_TALK = new Set(
  `hi hello hey hiya howdy yo heya greetings good morning afternoon evening night day thanks thank you so much very
  lot lots a all that is it bye goodbye cya see later have nice great wonderful lovely how are doing what up sup ok
  okay cool awesome perfect appreciate appreciated cheers there everyone again for your help helpful the and i am
  well fine too many much be going was just wanted to say oh ah alright right need some me can could please pls`
    .split(/\s+/)
    .filter(Boolean),
);
/** At least one of these must be present, so that "ok" alone or "so" is not taken for a greeting. */
const SMALL_TALK_CORE = [
  'hi',
  'hello',
  'hey',
  'hiya',
  'howdy',
  'heya',
  'greetings',
  'morning',
  'afternoon',
  'evening',
  'thanks',
  'thank',
  'bye',
  'goodbye',
  'cya',
  'cheers',
  'appreciate',
  'appreciated',
  'how',
  // "I need help", "can you help me?": asking for help with nothing named yet.
  'help',
];

/**
 * "Ok I'll think about it", "no thanks", "never mind", "that's all for now", "ok wait": the shopper closes the topic,
 * asking nothing (read on the analysed words: "i'll" may be "i will" or "ill").
 */
const CLOSING =
  /^(?:(?:ok|okay|alright|all right|fine|cool|great|hmm|well|oh|ah|sure|actually|on second thought|forget it|sorry)\s+)*(?:(?:i(?:'ll| will)?|ill) (?:think about it|think it over|have a think|come back(?: later)?|check back(?: later)?|pass|leave it)|let me think(?: about it)?|maybe (?:later|another time|next time)|not (?:right )?now|never ?mind|no(?:pe)?(?: thanks?| thank you)?|(?:that(?:'s| is)|thats) (?:all|it|everything)|i(?:'m| am) (?:good|fine|all set|done)|im (?:good|fine|all set|done)|all good|nothing else|wait|hold on|(?:just )?(?:a|one) (?:sec|second|moment|min|minute)|give me a (?:sec|second|moment|minute))(?:\s+(?:thanks|thank you|for now|though|then|anyway|please))*$/;

/** Whether the words close the topic without asking anything (CLOSING). */
export function closesTopic(words: readonly string[]): boolean {
  return words.length > 0 && words.length <= 10 && CLOSING.test(words.join(' '));
}

/** Greetings, thanks, goodbyes, "how are you", "ok I'll think about it": nothing to look up. */
export function isSmallTalk(words: string[]): boolean {
  if (words.length === 0 || words.length > 12) return false;
  if (closesTopic(words)) return true;
  // "Thanks Maria!", "thank you Tom": a thank-you to someone by name (a word that is no English word).
  const named = /^(?:thanks|thank you|thx|cheers) ([a-z]+)$/.exec(words.join(' '));
  if (named && !ENGLISH_WORDS.has(named[1]!)) return true;
  const fuzzyIn = (w: string, list: Iterable<string>) => [...list].some((k) => k === w || isFuzzyMatch(w, k));
  if (!words.every((w) => fuzzyIn(w, SMALL_TALK))) return false;
  const core = words.filter((w) => fuzzyIn(w, SMALL_TALK_CORE));
  // "How are you?", "how's it going": "how" greets only so; "how much is it?", "how much are these?" ask a price.
  if (core.length && core.every((w) => w === 'how'))
    return (
      words.some((w) => ['doing', 'going'].includes(w)) ||
      (words.includes('are') && !words.some((w) => ['these', 'those', 'they', 'them'].includes(w)))
    );
  return core.length > 0;
}

const ABUSE = [
  /\bf+u+c+k+\w*/i,
  /\bf[*#@!]{2,}k?\b|\bf[*#@!]{3}/i,
  /\b(shit\w*|bullshit|bitch\w*|bastard\w*|asshole\w*|dickhead|cunt|wanker|twat)\b/i,
  /\b(idiot\w*|moron\w*|stupid|dumb|imbecile\w*|retard\w*|loser\w*|pathetic)\b/i,
  /\bshut up\b/i,
  /\bgo to hell\b|\bscrew you\b|\bhate you\b|\bdrop dead\b|\bburn(s)? (down|in hell)\b|\bkill (yourself|you)\b/i,
];

/** Insults and profanity aimed at the assistant or the shop. */
export function isAbusive(text: string): boolean {
  return ABUSE.some((re) => re.test(text));
}

const OFF_TOPIC = [
  /\b(poem|poetry|haiku|limerick|lyrics|sonnet)\b/i,
  /\b(write|compose|tell|make up|sing|create|give)\b.{0,25}\b(poem|song|story|stories|essay|joke|riddle|rap|novel|tale)\b/i,
  /\bcapital (city )?of\b/i,
  /\bwho (won|wins|invented|wrote|painted|discovered|is the president|was the first)\b/i,
  /\b(world cup|super bowl|olympics|election|prime minister|president of)\b/i,
  /\b(homework|assignment|exam question|my essay|thesis)\b/i,
  /\b(solve|simplify|integrate|derivative|equation)\b/i,
  /\d\s*[a-z]?\s*[-+*/^]\s*\d+\s*[a-z]?\s*=\s*\d/i,
  /\bwhat is \d+\s*[-+*/x]\s*\d+\b/i,
  /\bwhat(?:'s| is)\s+\d+(?:\.\d+)?\s*(?:%|percent)\s+of\s+\d+/i,
  /\btranslate\b|\bin (spanish|french|german|italian|chinese|japanese) please\b/i,
  /\b(python|javascript|typescript|java|sql|html|css|regex|c\+\+)\b/i,
  /\bwrite (a |some )?(code|program|script|function)\b/i,
  /\b(weather|forecast|temperature outside)\b/i,
  /\b(recipe|how (do i|to) (cook|bake))\b/i,
  /\bmeaning of life\b|\bhoroscope\b|\bastrology\b|\blottery numbers\b/i,
  /\bhistory of (the )?(roman|world|ancient|war)\b/i,
];

/** Words of off-topic requests, so that the spelling corrector can fix "wirte me a poem". */
export const OFF_TOPIC_WORDS: readonly string[] =
  `write compose poem poetry haiku lyrics song story stories essay joke riddle
  capital solve equation homework assignment translate python javascript weather forecast recipe meaning life
  horoscope president election`
    .split(/\s+/)
    .filter(Boolean);

/** Requests with nothing to do with shopping: creative writing, trivia, schoolwork, code, weather. */
export function isOffTopic(text: string): boolean {
  return OFF_TOPIC.some((re) => re.test(text));
}

/**
 * Someone other than the shopper acting on their account or payment: a security matter, not an order
 * question ("someone used my account", "I didn't place this order", "my account was hacked").
 */
export function isAccountCompromise(text: string): boolean {
  return (
    /\b(someone|somebody|a stranger|another person|they)\b.{0,30}\b(used|accessed|logged into|got into|broke into|took over|is using)\b.{0,20}\b(my|our)\s+(account|card|profile|login)/i.test(
      text,
    ) ||
    /\b(hacked|compromised|stolen|unauthori[sz]ed|fraudulent)\b/i.test(text) ||
    /\bi (did not|didn't|never) (place|placed|make|made|order|ordered|authori[sz]e|authori[sz]ed|buy|bought)\b/i.test(
      text,
    )
  );
}
