import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_TAG } from '../core/plan';
import { parsePlanBytes, planFingerprint, PlanMissingError, PlanUnreadableError, readCurrentTag } from '../store/planReader';
import type { RequestGuard } from './guard';
import { HttpError, sendJson } from './httpErrors';
import type { JsonLog } from './log';
import type { Metrics } from './metrics';
import type { ServedProject } from './servedProject';
import type { TokenHolder } from './tokens';

interface PlanRouteContext {
  guard: RequestGuard;
  log: JsonLog;
  metrics: Metrics;
  project(name: string): ServedProject;
  projects: readonly ServedProject[];
}

/**
 * The plain HTTP plan routes (the editor's remote mode): the whole tasks.json with an ETag, a
 * write guarded by If-Match, and the current tag. `parts` is the path after /plans.
 */
export async function handlePlanRoute(context: PlanRouteContext, req: IncomingMessage, res: ServerResponse, holder: TokenHolder, parts: string[]): Promise<void> {
  const method = req.method ?? 'GET';
  if (parts.length === 0) {
    if (method !== 'GET') throw methodNotAllowed('GET');
    const projects = await Promise.all(context.projects.map(async (project) => ({ name: project.name, etag: quoteless(await project.planBytes()) })));
    return sendJson(res, 200, { projects });
  }
  const project = context.project(parts[0]);
  if (parts.length === 1) {
    if (method === 'GET') return getPlan(project, res);
    if (method === 'PUT') {
      context.guard.requireWrite(holder, 'write the plan');
      return putPlan(context, project, req, res, holder);
    }
    throw methodNotAllowed('GET, PUT');
  }
  if (parts.length === 2 && parts[1] === 'state') {
    if (method === 'GET') return sendJson(res, 200, { currentTag: (await readCurrentTag(project.store.location.stateFile)) ?? DEFAULT_TAG });
    if (method === 'PUT') {
      context.guard.requireWrite(holder, 'switch the current tag');
      return putState(context, project, req, res, holder);
    }
    throw methodNotAllowed('GET, PUT');
  }
  throw new HttpError(404, 'not-found', `No route ${req.url}. Plan routes: /plans, /plans/<project>, /plans/<project>/state.`);
}

function quoteless(bytes: Buffer | undefined): string | null {
  return bytes ? planFingerprint(bytes) : null;
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, 'method-not-allowed', `This route takes ${allowed}.`, { Allow: allowed });
}

async function getPlan(project: ServedProject, res: ServerResponse): Promise<void> {
  const bytes = await project.planBytes();
  if (!bytes) throw new HttpError(404, 'no-plan', `Project "${project.name}" has no tasks.json at ${project.store.location.tasksFile}. Initialise it on the server (tml init or task-master init).`);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ETag: `"${planFingerprint(bytes)}"`, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

async function putPlan(context: PlanRouteContext, project: ServedProject, req: IncomingMessage, res: ServerResponse, holder: TokenHolder): Promise<void> {
  const ifMatch = req.headers['if-match'];
  if (!ifMatch) throw new HttpError(428, 'if-match-required', 'A plan write needs If-Match: "<etag>" from the GET it was made from, so a newer plan is never overwritten.');
  const expected = ifMatch.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  const body = await context.guard.readBody(req);
  const proposed = parsePlanBytes(project.store.location, body, undefined);
  if (proposed.kind !== 'loaded') {
    throw new HttpError(422, 'invalid-plan', `The body is not a Task Master plan (${proposed.kind === 'unreadable' ? proposed.error.message : 'empty'}); nothing was written.`);
  }
  try {
    await project.store.replace(body, (current) => {
      const etag = planFingerprint(current);
      if (etag !== expected) throw new HttpError(412, 'stale', 'The plan changed since it was read. GET it again, apply the edit to it and retry with the new ETag.', {}, { etag });
    });
  } catch (error) {
    if (PlanMissingError.is(error)) throw new HttpError(404, 'no-plan', `Project "${project.name}" has no tasks.json to replace. Initialise it on the server first.`);
    if (PlanUnreadableError.is(error)) throw new HttpError(409, 'unreadable-plan', `${error.message} The server never overwrites a plan it cannot parse.`);
    throw error;
  }
  const etag = planFingerprint(body);
  context.metrics.planWrite(project.name);
  context.log.info('plan written', { project: project.name, token: holder.name, etag, bytes: body.length });
  sendJson(res, 200, { etag }, { ETag: `"${etag}"` });
}

async function putState(context: PlanRouteContext, project: ServedProject, req: IncomingMessage, res: ServerResponse, holder: TokenHolder): Promise<void> {
  const body = await context.guard.readBody(req);
  let currentTag: unknown;
  try {
    currentTag = (JSON.parse(body.toString('utf8')) as { currentTag?: unknown } | null)?.currentTag;
  } catch {
    currentTag = undefined;
  }
  if (typeof currentTag !== 'string' || !currentTag.trim()) throw new HttpError(422, 'invalid-state', 'The body must be {"currentTag":"<tag>"} with a tag name.');
  await project.store.setCurrentTag(currentTag);
  context.log.info('current tag set', { project: project.name, token: holder.name, currentTag });
  sendJson(res, 200, { currentTag });
}
