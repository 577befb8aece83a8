// UpdateContactRoutingCriteria: the name real exports give UpdateRoutingCriteria (same Parameters,
// same behaviour; see update-routing-criteria.ts).
import type { ActionDefinition } from '../action.ts';
import { updateRoutingCriteria } from './update-routing-criteria.ts';

export const updateContactRoutingCriteria: ActionDefinition<'UpdateContactRoutingCriteria'> = {
  ...updateRoutingCriteria,
  execute: (ctx) => updateRoutingCriteria.execute(ctx as unknown as Parameters<typeof updateRoutingCriteria.execute>[0]),
};
