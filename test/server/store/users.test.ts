import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findUserIdByEmail,
  findUserIdByNameZip,
  getUserDetails,
  modifyUserAddress,
} from '../../../server/src/store/users.js';
import { asAdmin, asCustomer, createSeededStore, type SeededStore } from './store-test-kit.js';

describe('store users', () => {
  let s: SeededStore;
  let userId: string;
  beforeAll(async () => {
    s = await createSeededStore();
    userId = Object.keys(s.data.users)[0]!;
  });
  afterAll(() => s.dispose());

  /** identityPolicy: email, the retail benchmark's, in which the lookups answer a user id. */
  const byEmailPolicy = (customerId?: string, verified = false) => ({
    customer: { customerId, verified, policy: 'email' as const },
  });

  it('under strict, records what was claimed and looks nothing up', async () => {
    const email = s.data.users[userId]!.email;
    const known = await findUserIdByEmail(s.db, asCustomer(undefined), email);
    const unknown = await findUserIdByEmail(s.db, asCustomer(undefined), 'nobody@example.com');
    expect(known).toMatchObject({ claimed: { email } });
    expect(unknown).toMatchObject({ claimed: { email: 'nobody@example.com' } });
    expect(known).not.toHaveProperty('user_id');
    expect((known as { note: string }).note).toBe((unknown as { note: string }).note);
  });

  it('finds a user by email, ignoring case and spaces', async () => {
    const email = s.data.users[userId]!.email;
    expect(await findUserIdByEmail(s.db, byEmailPolicy(), `  ${email.toUpperCase()} `)).toEqual({
      user_id: userId,
    });
    await expect(findUserIdByEmail(s.db, byEmailPolicy(), 'nobody@example.com')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('No customer has the email address nobody@example.com'),
    });
  });

  it('finds a user by name (any case) and exact zip', async () => {
    const u = s.data.users[userId]!;
    const found = await findUserIdByNameZip(s.db, byEmailPolicy(), {
      first_name: u.name.first_name.toLowerCase(),
      last_name: u.name.last_name.toUpperCase(),
      zip: u.address.zip,
    });
    expect(found).toEqual({ user_id: userId });
    await expect(findUserIdByNameZip(s.db, byEmailPolicy(), { ...u.name, zip: '00000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('will not re-identify a verified customer as somebody else', async () => {
    const other = Object.keys(s.data.users)[1]!;
    const verified = byEmailPolicy(userId, true);
    await expect(findUserIdByEmail(s.db, verified, s.data.users[other]!.email)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await findUserIdByEmail(s.db, verified, s.data.users[userId]!.email)).toEqual({ user_id: userId });
  });

  it('shows user details only to that customer or an admin', async () => {
    const other = Object.keys(s.data.users)[1]!;
    const details = await getUserDetails(s.db, asCustomer(userId), userId);
    expect(details).toEqual({ user_id: userId, ...s.data.users[userId] });
    await expect(getUserDetails(s.db, asCustomer(undefined), userId)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('Identify the customer first'),
    });
    await expect(getUserDetails(s.db, asCustomer(other), userId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await getUserDetails(s.db, asAdmin(), other)).email).toBe(s.data.users[other]!.email);
    await expect(getUserDetails(s.db, asAdmin(), 'nobody_0000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('changes the account address of the identified customer only', async () => {
    const target = Object.keys(s.data.users)[2]!;
    const address = {
      address1: '1 New Street',
      address2: '',
      city: 'Austin',
      state: 'TX',
      country: 'USA',
      zip: '73301',
    };
    await expect(modifyUserAddress(s.db, asCustomer(userId), target, address)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const updated = await modifyUserAddress(s.db, asCustomer(target), target, address);
    expect(updated.address).toEqual(address);
    expect((await getUserDetails(s.db, asAdmin(), target)).address).toEqual(address);
    // Orders keep the address they were placed with.
    const firstOrder = s.data.users[target]!.orders[0]!;
    expect(s.data.orders[firstOrder]!.address).not.toEqual(address);
  });
});
