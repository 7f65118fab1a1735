import type { FastifyReply } from 'fastify';
import type { ApiError } from './apiTypes.ts';

/** A failure the client caused: it gets this status and message in the one error shape. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ApiError = { error: { code, message } };
  return reply.code(status).send(body);
}
