// UnTagContact: removes user-defined tags from the contact record by key (TagKeys, as the
// UntagContact API names them).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { checkTagKey, MAX_CONTACT_TAGS } from './tag-contact.ts';

export interface UnTagContactParameters {
  TagKeys: string[];
}

declare module '../types.ts' {
  interface ActionParameters { UnTagContact: UnTagContactParameters }
}

export const unTagContact: ActionDefinition<'UnTagContact'> = {
  spec: spec({ required: ['TagKeys'], errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (p.TagKeys === undefined) return;
    if (!Array.isArray(p.TagKeys) || !p.TagKeys.every((k) => typeof k === 'string')) return checks.invalid('TagKeys', 'TagKeys is a list of tag keys');
    if (p.TagKeys.length < 1 || p.TagKeys.length > MAX_CONTACT_TAGS) checks.invalid('TagKeys', `TagKeys lists 1 to ${MAX_CONTACT_TAGS} keys`);
    p.TagKeys.forEach((k: string, i: number) => checkTagKey(k, `TagKeys[${i}]`, checks));
  },
  execute({ out, action, data }) {
    const removed = action.Parameters.TagKeys.map((k) => resolveValue(k, data));
    const tags = Object.fromEntries(Object.entries(out.state.tags ?? {}).filter(([k]) => !removed.includes(k)));
    out.state = { ...out.state, tags };
    out.effects.push({ type: 'UpdateContactRecord', tags });
    lastDetail(out, { removed: removed.join(', ') });
    return NEXT;
  },
};
