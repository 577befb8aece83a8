// What an agent and a contact record are told about the caller. The runtime does not know which
// contact attributes a line's flow sets for this; the line's own flow module says (flows/*.ts) and
// the composition root passes it in.

/** The caller as the flow identified them. A field is left out when the flow did not set it. */
export interface ContactSummary {
  customerNumber?: string;
  customerName?: string;
  /** What the caller's business is about, as the agent knows it (the direct line: its project's name). */
  project?: string;
}

/** A flow's attribute contract: reads the summary from a contact's attributes. */
export interface ContactSummarizer {
  summarize(attributes: Readonly<Record<string, string>>): ContactSummary;
}
