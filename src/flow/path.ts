// The flow path of a contact: one step per action run, for the contact record and `chokutsu call`.
import type { Run } from './state.ts';
import type { SupportedAction } from './types.ts';

/** Starts the step of `action`; its branch is "pending" until the action leaves. */
export function record(out: Run, action: SupportedAction, detail: Record<string, string> = {}): void {
  out.state = {
    ...out.state,
    path: [...out.state.path, { at: out.state.now, flowId: out.state.flowId, actionId: action.Identifier, type: action.Type, branch: 'pending', detail }],
  };
}

/** Adds to the detail of the last step (what the action saw: the input, the queue, an error). */
export function lastDetail(out: Run, detail: Record<string, string>): void {
  const path = out.state.path.slice();
  const last = path[path.length - 1];
  if (last) path[path.length - 1] = { ...last, detail: { ...last.detail, ...detail } };
  out.state = { ...out.state, path };
}

export function setBranch(out: Run, branch: string, next?: string): void {
  const path = out.state.path.slice();
  const last = path[path.length - 1];
  if (last) path[path.length - 1] = { ...last, branch, ...(next !== undefined ? { next } : {}) };
  out.state = { ...out.state, path };
}

export function lastBranch(out: Run): string | undefined {
  return out.state.path[out.state.path.length - 1]?.branch;
}
