// TagContact: user-defined tags on the contact record (APIReference contact-actions-tagcontact;
// limits from the TagContact API: at most 6 tags, keys 1–128 characters without "aws:", values up to 256).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition, type ParameterChecks } from '../action.ts';
import { isObject } from '../parameters.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface TagContactParameters {
  Tags: Record<string, string>;
}

declare module '../types.ts' {
  interface ActionParameters { TagContact: TagContactParameters }
}

export const MAX_CONTACT_TAGS = 6;
// The API's own pattern, ^(?!aws:)[a-zA-Z+-=._:/]+$, where +-= is a range (digits included).
export const TAG_KEY = /^(?!aws:)[a-zA-Z+-=._:/]{1,128}$/;

export function checkTagKey(key: string, at: string, checks: ParameterChecks): void {
  if (!TAG_KEY.test(key)) checks.invalid(at, `tag key ${JSON.stringify(key)} must be 1–128 of a-z A-Z 0-9 + , - . / : ; < = _ and not start with "aws:"`);
}

export const tagContact: ActionDefinition<'TagContact'> = {
  // "Errors: None"; any flow type and channel.
  spec: spec({ required: ['Tags'] }),
  checkParameters(p, checks) {
    if (p.Tags === undefined) return;
    if (!isObject(p.Tags) || !Object.values(p.Tags).every((v) => typeof v === 'string')) return checks.invalid('Tags', 'Tags is a map of string values');
    const keys = Object.keys(p.Tags);
    if (keys.length > MAX_CONTACT_TAGS) checks.invalid('Tags', `a contact takes at most ${MAX_CONTACT_TAGS} tags, not ${keys.length}`);
    for (const key of keys) checkTagKey(key, `Tags.${key}`, checks);
  },
  execute({ out, action, data }) {
    const set = Object.fromEntries(Object.entries(action.Parameters.Tags).map(([k, v]) => [k, resolveValue(v, data).slice(0, 256)]));
    const tags = { ...(out.state.tags ?? {}), ...set };
    out.state = { ...out.state, tags };
    out.effects.push({ type: 'UpdateContactRecord', tags });
    lastDetail(out, set);
    return NEXT;
  },
};
