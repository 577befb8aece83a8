// UpdateContactData: the contact's name, description and references go on its record (the fields of
// the UpdateContact API); LanguageCode changes $.LanguageCode. The block's other settings (Voice ID,
// Wisdom session, …) are accepted and recorded in the path: chokutsu has nothing to apply them to.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { isObject } from '../parameters.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { ContactData } from '../state.ts';

export interface UpdateContactDataParameters {
  Name?: string;
  Description?: string;
  References?: Record<string, { Type: string; Value: string }>;
  LanguageCode?: string;
  [other: string]: unknown;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactData: UpdateContactDataParameters }
}

export const updateContactData: ActionDefinition<'UpdateContactData'> = {
  spec: spec({ errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (typeof p.Name === 'string' && p.Name.length > 512) checks.invalid('Name', 'a contact name is at most 512 characters');
    if (typeof p.Description === 'string' && p.Description.length > 4096) checks.invalid('Description', 'a contact description is at most 4096 characters');
    if (p.References !== undefined) {
      if (!isObject(p.References)) return checks.invalid('References', 'References is an object of { "Type", "Value" } by name');
      for (const [name, r] of Object.entries(p.References)) {
        if (!isObject(r) || typeof r.Type !== 'string' || typeof r.Value !== 'string') checks.invalid(`References.${name}`, `References.${name} is { "Type": "URL" | "ATTACHMENT" | …, "Value": "…" }`);
      }
    }
  },
  execute({ out, action, data }) {
    const p = action.Parameters;
    const current = out.state.contactData ?? {};
    const contactData: ContactData = {
      ...current,
      ...(typeof p.Name === 'string' ? { name: resolveValue(p.Name, data) } : {}),
      ...(typeof p.Description === 'string' ? { description: resolveValue(p.Description, data) } : {}),
      ...(p.References ? {
        references: {
          ...(current.references ?? {}),
          ...Object.fromEntries(Object.entries(p.References).map(([k, r]) => [k, { Type: r.Type, Value: resolveValue(r.Value, data) }])),
        },
      } : {}),
    };
    out.state = {
      ...out.state, contactData,
      ...(typeof p.LanguageCode === 'string' ? { languageCode: resolveValue(p.LanguageCode, data) } : {}),
    };
    out.effects.push({ type: 'UpdateContactRecord', contactData });
    lastDetail(out, Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === 'string') as [string, string][]));
    return NEXT;
  },
};
