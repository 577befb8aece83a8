// Request schemas shared by the plugins. TypeBox builds plain JSON Schema, so fastify's own
// validator checks them (its messages, e.g. "body must have required property 'status'", are the API's).
import { Type } from 'typebox';

/** A name, id or status: 1–200 characters. */
export const Text = Type.String({ minLength: 1, maxLength: 200 });

/** Free-form query parameters, each given once (a repeated parameter is a 400). */
export const FreeQuery = Type.Record(Type.String(), Type.String());

export const ContactParams = Type.Object({ contactId: Type.String() });
