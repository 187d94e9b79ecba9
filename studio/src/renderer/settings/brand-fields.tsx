import { Field } from '../ui/field.js';

export interface BrandDraft {
  name: string;
  color: string;
  greeting: string;
}

const isHex = (c: string) => /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(c.trim());
/** `<input type="color">` only takes #rrggbb. */
const sixDigits = (c: string) =>
  /^#[0-9a-f]{3}$/i.test(c) ? `#${[...c.slice(1)].map((x) => x + x).join('')}` : c.toLowerCase();

/**
 * The storefront widget's name, colour and greeting, with a small preview of the launcher and the panel's header.
 * A shop's page may still override each with data-* attributes on the embed tag.
 */
export function BrandFields(props: {
  value: BrandDraft;
  onChange(v: BrandDraft): void;
  error(field: string): string | undefined;
}) {
  const { value, onChange, error } = props;
  const set = <K extends keyof BrandDraft>(k: K, v: BrandDraft[K]) => onChange({ ...value, [k]: v });
  const preview = isHex(value.color) ? value.color : undefined;
  return (
    <>
      <div className="row">
        <Field
          label="Widget name"
          error={error('brand.name')}
          hint="The chat's title on the shop's pages."
          className="grow"
        >
          {(a) => <input {...a} value={value.name} maxLength={60} onChange={(e) => set('name', e.target.value)} />}
        </Field>
        <Field label="Brand colour" error={error('brand.color')} hint="A hex colour, e.g. #1f4f99.">
          {(a) => (
            <div className="brand-colour">
              <input
                type="color"
                aria-label="Pick the brand colour"
                value={preview ? sixDigits(preview) : '#000000'}
                onChange={(e) => set('color', e.target.value)}
              />
              <input
                {...a}
                value={value.color}
                size={9}
                spellCheck={false}
                onChange={(e) => set('color', e.target.value)}
              />
            </div>
          )}
        </Field>
      </div>
      <Field label="Greeting" error={error('brand.greeting')} hint="The first line of an empty chat.">
        {(a) => (
          <input {...a} value={value.greeting} maxLength={300} onChange={(e) => set('greeting', e.target.value)} />
        )}
      </Field>
      <div
        className="brand-preview"
        aria-hidden="true"
        style={preview ? { ['--brand' as string]: preview } : undefined}
      >
        <div className="brand-preview-head">{value.name || 'Support'}</div>
        <div className="brand-preview-greeting">{value.greeting}</div>
        <div className="brand-preview-launcher" />
      </div>
    </>
  );
}
