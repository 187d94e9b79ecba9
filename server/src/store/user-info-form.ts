export const userInfoFields = [
  'email',
  'first_name',
  'last_name',
  'zip',
  'order_id',
  'phone',
  'address',
  'item_id',
  'description',
] as const;
export type UserInfoField = (typeof userInfoFields)[number];

export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel' | 'textarea' | 'address';
  required: boolean;
  autocomplete?: string;
  pattern?: string;
  placeholder?: string;
}

export interface UserInfoForm {
  type: 'form';
  title: string;
  description: string;
  fields: FormField[];
  submit_label: string;
}

const definitions: Record<UserInfoField, Omit<FormField, 'required'>> = {
  email: {
    name: 'email',
    label: 'Email address',
    type: 'email',
    autocomplete: 'email',
    placeholder: 'name@example.com',
  },
  first_name: { name: 'first_name', label: 'First name', type: 'text', autocomplete: 'given-name' },
  last_name: { name: 'last_name', label: 'Last name', type: 'text', autocomplete: 'family-name' },
  zip: { name: 'zip', label: 'Zip code', type: 'text', autocomplete: 'postal-code', pattern: '^[0-9]{5}$' },
  order_id: {
    name: 'order_id',
    label: 'Order number',
    type: 'text',
    pattern: '^#?W[0-9]{7}$',
    placeholder: '#W1234567',
  },
  phone: { name: 'phone', label: 'Phone number', type: 'tel', autocomplete: 'tel' },
  address: { name: 'address', label: 'Address', type: 'address', autocomplete: 'street-address' },
  item_id: { name: 'item_id', label: 'Item number', type: 'text', pattern: '^[0-9]{10}$' },
  description: { name: 'description', label: 'Describe the issue', type: 'textarea' },
};

/** request_user_info: a form definition the chat client renders; nothing is stored. */
export function requestUserInfo(args: {
  fields: UserInfoField[];
  reason?: string;
  optional_fields?: UserInfoField[];
}): UserInfoForm {
  const optional = new Set(args.optional_fields ?? []);
  const fields = [...new Set([...args.fields, ...optional])].map((f) => ({
    ...definitions[f],
    required: !optional.has(f),
  }));
  return {
    type: 'form',
    title: 'A few details, please',
    description: args.reason?.trim() || 'We need these details to help you.',
    fields,
    submit_label: 'Send',
  };
}
