import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinToolPolicies } from '../identity/builtin-tool-policies.js';
import { renderPolicyTable, withPolicyTable } from '../identity/policy-table.js';

/** Rewrites the tool policy table in docs/security.md from the tools' declarations (a test fails when it drifts). */
const target = fileURLToPath(new URL('../../../docs/security.md', import.meta.url));
writeFileSync(target, withPolicyTable(readFileSync(target, 'utf8'), renderPolicyTable(await builtinToolPolicies())));
console.log(`wrote ${target}`);
