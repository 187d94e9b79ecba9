/**
 * What everyday products are for, by the words that name them: the areas of a shopper's life a product belongs to
 * (sport, the kitchen, a desk, travel…). Two products go together when they share one: a helmet with a bicycle, a
 * keyboard with a laptop, not perfume with a skateboard, however often some orders held both. General shop vocabulary,
 * as a department store groups its floors, not a copy of any catalogue.
 */
const AREAS: Record<string, readonly string[]> = {
  sport: [
    'skateboard',
    'bicycle',
    'bike',
    'helmet',
    'running shoes',
    'sneakers',
    'yoga mat',
    'dumbbell',
    'kettlebell',
    'water bottle',
    'smart watch',
    'fitness tracker',
    'hiking boots',
    'sports bag',
    'scooter',
    'ball',
  ],
  outdoors: [
    'skateboard',
    'bicycle',
    'bike',
    'helmet',
    'hiking boots',
    'backpack',
    'water bottle',
    'fleece jacket',
    'sunglasses',
    'action camera',
    'tent',
    'sleeping bag',
    'portable charger',
  ],
  kitchen: [
    'coffee maker',
    'espresso machine',
    'electric kettle',
    'tea kettle',
    'kettle',
    'grill',
    'blender',
    'toaster',
    'mug',
    'cookware',
    'pan',
    'knife',
    'coffee grinder',
  ],
  garden: ['garden hose', 'patio umbrella', 'grill', 'lawn mower', 'planter', 'outdoor furniture'],
  desk: [
    'laptop',
    'tablet',
    'mechanical keyboard',
    'keyboard',
    'gaming mouse',
    'mouse',
    'office chair',
    'desk lamp',
    'desk',
    'monitor',
    'notebook',
    'headphones',
    'webcam',
    'portable charger',
  ],
  audio: ['headphones', 'wireless earbuds', 'earbuds', 'bluetooth speaker', 'speaker', 'smartphone', 'e-reader'],
  gaming: ['gaming mouse', 'mechanical keyboard', 'headphones', 'controller', 'console', 'jigsaw puzzle', 'board game'],
  photo: ['digital camera', 'action camera', 'camera', 'tripod', 'memory card'],
  mobile: ['smartphone', 'phone', 'tablet', 'smart watch', 'wireless earbuds', 'portable charger', 'phone case'],
  home: [
    'smart thermostat',
    'led light bulb',
    'light bulb',
    'air purifier',
    'vacuum cleaner',
    'indoor security camera',
    'security camera',
    'wall clock',
    'bookshelf',
    'pet bed',
    'desk lamp',
  ],
  beauty: ['perfume', 'makeup kit', 'makeup', 'electric toothbrush', 'hair dryer', 'skincare'],
  clothing: [
    't-shirt',
    'tshirt',
    'fleece jacket',
    'jacket',
    'sneakers',
    'running shoes',
    'hiking boots',
    'sunglasses',
    'wristwatch',
    'hat',
  ],
  travel: [
    'luggage set',
    'luggage',
    'suitcase',
    'backpack',
    'portable charger',
    'sunglasses',
    'e-reader',
    'water bottle',
  ],
  reading: ['e-reader', 'notebook', 'bookshelf', 'desk lamp'],
  pets: ['pet bed', 'pet bowl', 'leash'],
};

const plain = (name: string) =>
  ` ${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

/** The areas a product belongs to, by the longest names of things its name holds; empty when none is known. */
export function productAreas(name: string): Set<string> {
  const text = plain(name);
  const out = new Set<string>();
  for (const [area, things] of Object.entries(AREAS)) if (things.some((t) => text.includes(plain(t)))) out.add(area);
  return out;
}

/**
 * Whether one product goes with another: they share an area. Undefined when the first is of no area known here: then
 * nothing tells whether they go together.
 */
export function goesWith(base: string, other: string): boolean | undefined {
  const areas = productAreas(base);
  if (!areas.size) return undefined;
  return [...productAreas(other)].some((a) => areas.has(a));
}
