/**
 * The built-in content earlier releases seeded and this one changed, as builtinContentHash by card name.
 * A card seeded before card versions existed (migration 0014) has no `seed` version to compare with: if its
 * content is one of these, no one edited it, and the start upgrades it. Installs seeded since have that
 * version, so later releases need not add to this list.
 */
export const formerBuiltinCards: Readonly<Record<string, readonly string[]>> = {
  HumanTransferAgent: ['38e1f919af819221'],
  OrderManagementAgent: ['83d6e4496b4388c1', '89fef6c22b533a64'],
  ReturnsAgent: ['65ddfbe545993c19', 'a5396c66f9617184', 'f772d2e651dca1c3'],
};
