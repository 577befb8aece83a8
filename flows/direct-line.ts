// The attribute contract of flows/direct-line.json: the contact attributes its UpdateContactAttributes
// block (set-customer-attributes) writes once the lookup function has found the caller's customer number.
// Whatever reads these names (the live line's offers, contact records, the agent's view) gets them here.
import type { ContactSummarizer, ContactSummary } from '../src/runtime/contact-summary.ts';

/** Which contact attribute carries what. */
export const DIRECT_LINE_ATTRIBUTES = {
  customerNumber: 'customerNumber',
  customerName: 'customerName',
  project: 'project',
} as const satisfies Record<keyof ContactSummary, string>;

export const directLine: ContactSummarizer = {
  summarize(attributes) {
    const summary: ContactSummary = {};
    for (const [field, attribute] of Object.entries(DIRECT_LINE_ATTRIBUTES) as [keyof ContactSummary, string][]) {
      const value = attributes[attribute];
      if (value !== undefined) summary[field] = value;
    }
    return summary;
  },
};
