// Errors as HTTP answers: every refused request gets a 4xx with `{ error }` saying why; anything
// else is a 500 whose details go to the log, not to the caller.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidContactSearchError } from '../contacts/search.ts';
import { DefinitionEditError } from '../instance/edit.ts';
import { ContactCenterError } from '../runtime/contact-center.ts';
import { UserError } from '../users/users.ts';

/** A request refused with `statusCode` and a message for the caller. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

type ThrownError = Error & { statusCode?: number; validation?: unknown };

/** The status a domain error answers with; undefined for errors that are not the caller's. */
function statusOf(err: ThrownError): number | undefined {
  if (err instanceof HttpError) return err.statusCode;
  if (err instanceof ContactCenterError) return err.code === 'NotFound' ? 404 : err.code === 'Forbidden' ? 403 : 409;
  if (err instanceof UserError) return err.code === 'NotFound' ? 404 : err.code === 'Exists' ? 409 : 400;
  if (err instanceof DefinitionEditError) return err.code === 'NotFound' ? 404 : 400;
  if (err instanceof InvalidContactSearchError) return 400;
  // fastify's own: schema validation, bad JSON, body too large …
  if (err.validation || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) return err.statusCode ?? 400;
  return undefined;
}

export function errorHandler(log: (message: string) => void) {
  return (err: ThrownError, _req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const status = statusOf(err);
    if (status !== undefined) return reply.code(status).send({ error: err.message });
    log(`internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send({ error: 'internal error' });
  };
}
