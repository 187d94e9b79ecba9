/** How replies sound, read from the workspace's brand-voice text. Only tone, never content. */
export interface Voice {
  formal: boolean;
  warm: boolean;
}

export function readVoice(brandVoice: string): Voice {
  const v = brandVoice.toLowerCase();
  return {
    formal: /\b(formal|professional|polite|courteous|serious)\b/.test(v),
    warm: /\b(warm|friendly|cheerful|playful|upbeat|enthusiastic|casual|fun)\b/.test(v),
  };
}

/** Applies the tone: formal replies lose exclamation marks and contractions of "I'm"; warm ones may open softly. */
export function applyVoice(text: string, voice: Voice, opening?: string): string {
  let out = text.trim();
  if (voice.warm && !voice.formal && opening) out = `${opening} ${out}`;
  if (voice.formal)
    out = out
      .replace(/!/g, '.')
      .replace(/\bI'm\b/g, 'I am')
      .replace(/\bI've\b/g, 'I have');
  return out;
}
