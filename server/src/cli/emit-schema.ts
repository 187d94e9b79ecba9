import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from '../graphql/schema.js';

/** Writes schema/schema.graphql from the Pothos schema (a test fails when the file drifts). */
const target = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));
writeFileSync(target, printSortedSchema());
console.log(`wrote ${target}`);
