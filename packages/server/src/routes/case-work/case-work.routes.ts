import type { FastifyInstance } from 'fastify';
import {
  addCaseNote,
  addCaseSubject,
  changeSubjectCategory,
  createTask,
  decideOverlap,
  LINK_RELATIONS,
  linkCases,
  listCaseLinks,
  listCaseNotes,
  listCaseOverlaps,
  listCaseSubjects,
  listNotifications,
  listTasks,
  markNotificationRead,
  MAX_NOTE_LENGTH,
  overdueTasks,
  rolesFor,
  SUBJECT_CATEGORIES,
  TASK_STATUSES,
  unlinkCases,
  removeCaseSubject,
  updateTask,
} from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { CASE_ID_PATTERN } from '../cases/cases.routes.js';

const ID = { type: 'string', minLength: 1, maxLength: 200 } as const;
const CASE_ID = { type: 'string', pattern: CASE_ID_PATTERN } as const;
const DAY = { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const NULLABLE_DATE_TIME = { type: ['string', 'null'], format: 'date-time' } as const;
const caseParams = { type: 'object', required: ['id'], properties: { id: CASE_ID } } as const;
const withParam = (name: string) => ({ type: 'object', required: ['id', name], properties: { id: CASE_ID, [name]: ID } }) as const;
const noContent = { 204: { type: 'null' } } as const;

// Reading and changing subjects, notes and overlaps touches personal data: the entity readers' roles, with a stated purpose.
const PERSONAL = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } as const;

const subject = {
  type: 'object',
  required: ['entityId', 'schema', 'caption', 'category'],
  properties: { entityId: { type: 'string' }, schema: { type: 'string' }, caption: { type: 'string' }, category: { type: 'string' }, note: { type: 'string' }, addedBy: { type: 'string' }, addedAt: DATE_TIME },
} as const;

const contact = { type: 'object', required: ['displayName', 'username'], properties: { displayName: { type: 'string' }, username: { type: 'string' } } } as const;

const overlap = {
  type: 'object',
  required: ['id', 'detectedAt', 'subject', 'decision', 'other'],
  properties: {
    id: { type: 'string' },
    detectedAt: DATE_TIME,
    subject: { type: 'object', required: ['entityId'], properties: { entityId: { type: 'string' }, caption: { type: ['string', 'null'] }, schema: { type: ['string', 'null'] } } },
    decision: {
      type: 'object',
      properties: { decision: { type: ['string', 'null'] }, decidedBy: { type: ['string', 'null'] }, decidedAt: NULLABLE_DATE_TIME, reason: { type: ['string', 'null'] } },
    },
    // Which of these leave depends on what the caller may know of the other case; core leaves out the rest.
    other: {
      type: 'object',
      required: ['masked', 'contact'],
      properties: {
        masked: { type: 'boolean' },
        compartmented: { type: 'boolean' },
        caseId: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'string' },
        organisation: { type: 'string' },
        request: { type: 'string' },
        subjects: { type: 'array', items: { type: 'object', properties: { entityId: { type: 'string' }, caption: { type: 'string' }, category: { type: 'string' } } } },
        hiddenSubjects: { type: 'integer' },
        team: { type: 'array', items: { type: 'object', properties: { username: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string' } } } },
        contact,
      },
    },
  },
} as const;

const task = {
  type: 'object',
  required: ['id', 'caseId', 'title', 'status'],
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    caseTitle: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    assignee: { type: ['string', 'null'] },
    dueDate: { type: ['string', 'null'] },
    daysOverdue: { type: 'integer' },
    status: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: DATE_TIME,
    updatedAt: DATE_TIME,
    completedAt: NULLABLE_DATE_TIME,
  },
} as const;

const note = {
  type: 'object',
  required: ['id', 'caseId', 'body', 'entityIds', 'statementIds', 'author', 'createdAt'],
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    body: { type: 'string' },
    entityIds: { type: 'array', items: { type: 'string' } },
    statementIds: { type: 'array', items: { type: 'string' } },
    author: { type: 'string' },
    authorName: { type: 'string' },
    createdAt: DATE_TIME,
  },
} as const;

const link = {
  type: 'object',
  required: ['caseId', 'title', 'status', 'relation', 'direction'],
  properties: { caseId: { type: 'string' }, title: { type: 'string' }, status: { type: 'string' }, relation: { type: 'string' }, direction: { type: 'string' }, note: { type: 'string' }, createdAt: DATE_TIME },
} as const;

const notification = {
  type: 'object',
  required: ['id', 'kind', 'message', 'createdAt'],
  properties: { id: { type: 'string' }, kind: { type: 'string' }, caseId: { type: ['string', 'null'] }, refId: { type: ['string', 'null'] }, message: { type: 'string' }, createdAt: DATE_TIME, readAt: NULLABLE_DATE_TIME },
} as const;

/** Case work: subjects and deconfliction, notifications, tasks, notes and links between cases. */
export function caseWorkRoutes(app: FastifyInstance, deps: AppDeps): void {
  const caseOf = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.get(
    '/api/cases/:id/subjects',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: "The case's subjects as the caller may see them, and how many they may not",
        tags: ['case work'],
        params: caseParams,
        response: { 200: { type: 'object', required: ['subjects', 'hidden'], properties: { subjects: { type: 'array', items: subject }, hidden: { type: 'integer' } } } },
      },
    },
    async (request) => listCaseSubjects(requestContext(request, deps), caseOf(request)),
  );

  app.post(
    '/api/cases/:id/subjects',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: 'Add an entity the caller may see as a subject (under its canonical id); other cases with the same subject are found and their owners told',
        tags: ['case work'],
        params: caseParams,
        body: {
          type: 'object',
          required: ['entityId', 'category'],
          additionalProperties: false,
          properties: { entityId: ID, category: { type: 'string', enum: [...SUBJECT_CATEGORIES] }, note: { type: 'string', maxLength: 2000 } },
        },
        response: { 201: { ...subject, properties: { ...subject.properties, overlaps: { type: 'integer' } } } },
      },
    },
    async (request, reply) => {
      const body = request.body as { entityId: string; category: string; note?: string };
      return reply.status(201).send(await addCaseSubject(requestContext(request, deps), { caseId: caseOf(request), ...body }));
    },
  );

  app.patch(
    '/api/cases/:id/subjects/:entityId',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: 'Change what a subject is to the case',
        tags: ['case work'],
        params: withParam('entityId'),
        body: { type: 'object', required: ['category'], additionalProperties: false, properties: { category: { type: 'string', enum: [...SUBJECT_CATEGORIES] } } },
        response: noContent,
      },
    },
    async (request, reply) => {
      const params = request.params as { id: string; entityId: string };
      await changeSubjectCategory(requestContext(request, deps), { caseId: params.id, entityId: params.entityId, category: (request.body as { category: string }).category });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/cases/:id/subjects/:entityId',
    {
      config: { policy: PERSONAL },
      schema: { summary: 'Take a subject off the case', tags: ['case work'], params: withParam('entityId'), response: noContent },
    },
    async (request, reply) => {
      const params = request.params as { id: string; entityId: string };
      await removeCaseSubject(requestContext(request, deps), { caseId: params.id, entityId: params.entityId });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/cases/:id/overlaps',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: "Other cases sharing a subject with this one, masked until their owner shares, and across compartments only whom to contact",
        tags: ['case work'],
        params: caseParams,
        response: { 200: { type: 'object', required: ['overlaps'], properties: { overlaps: { type: 'array', items: overlap } } } },
      },
    },
    async (request) => ({ overlaps: await listCaseOverlaps(requestContext(request, deps), caseOf(request)) }),
  );

  app.post(
    '/api/overlaps/:id/decision',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: "Share (or decline to share) this side's case details with the other case of an overlap: its owner or a supervisor of its organisation",
        tags: ['case work'],
        params: { type: 'object', required: ['id'], properties: { id: ID } },
        body: {
          type: 'object',
          required: ['share', 'reason'],
          additionalProperties: false,
          properties: { share: { type: 'boolean' }, reason: { type: 'string', maxLength: 2000 }, caseId: CASE_ID },
        },
        response: {
          200: { type: 'object', required: ['overlapId', 'caseId', 'decision', 'decidedAt'], properties: { overlapId: { type: 'string' }, caseId: { type: 'string' }, decision: { type: 'string' }, decidedAt: DATE_TIME } },
        },
      },
    },
    async (request) => {
      const body = request.body as { share: boolean; reason: string; caseId?: string };
      return decideOverlap(requestContext(request, deps), { overlapId: (request.params as { id: string }).id, ...body });
    },
  );

  app.get(
    '/api/notifications',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: "The caller's own notifications, newest first",
        tags: ['case work'],
        querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: { type: 'object', required: ['notifications', 'unread'], properties: { notifications: { type: 'array', items: notification }, unread: { type: 'integer' } } } },
      },
    },
    async (request) => listNotifications(requestContext(request, deps), { unreadOnly: (request.query as { unread?: string }).unread === 'true' }),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: { summary: 'Mark one of the caller’s notifications read', tags: ['case work'], params: { type: 'object', required: ['id'], properties: { id: ID } }, response: noContent },
    },
    async (request, reply) => {
      await markNotificationRead(requestContext(request, deps), (request.params as { id: string }).id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/cases/:id/tasks',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: { summary: "The case's tasks, open ones first by due day", tags: ['case work'], params: caseParams, response: { 200: { type: 'object', required: ['tasks'], properties: { tasks: { type: 'array', items: task } } } } },
    },
    async (request) => ({ tasks: await listTasks(requestContext(request, deps), caseOf(request)) }),
  );

  app.post(
    '/api/cases/:id/tasks',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Add a task, optionally given to a team member and due on a day',
        tags: ['case work'],
        params: caseParams,
        body: {
          type: 'object',
          required: ['title'],
          additionalProperties: false,
          properties: { title: { type: 'string', minLength: 1, maxLength: 300 }, description: { type: 'string', maxLength: 10000 }, assignee: { type: ['string', 'null'], maxLength: 63 }, dueDate: DAY },
        },
        response: { 201: task },
      },
    },
    async (request, reply) => {
      const body = request.body as { title: string; description?: string; assignee?: string | null; dueDate?: string | null };
      return reply.status(201).send(await createTask(requestContext(request, deps), { caseId: caseOf(request), ...body }));
    },
  );

  app.patch(
    '/api/cases/:id/tasks/:taskId',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: "Change a task's status, assignee, due day or title",
        tags: ['case work'],
        params: withParam('taskId'),
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { status: { type: 'string', enum: [...TASK_STATUSES] }, title: { type: 'string', minLength: 1, maxLength: 300 }, assignee: { type: ['string', 'null'], maxLength: 63 }, dueDate: DAY },
        },
        response: { 200: task },
      },
    },
    async (request) => {
      const params = request.params as { id: string; taskId: string };
      const body = request.body as { status?: string; title?: string; assignee?: string | null; dueDate?: string | null };
      return updateTask(requestContext(request, deps), { caseId: params.id, taskId: params.taskId, ...body });
    },
  );

  app.get(
    '/api/tasks/overdue',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Open tasks past their due day across the cases the caller may see, oldest due first; mine=true for those given to the caller',
        tags: ['case work'],
        querystring: { type: 'object', additionalProperties: false, properties: { mine: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: { type: 'object', required: ['tasks'], properties: { tasks: { type: 'array', items: task } } } },
      },
    },
    async (request) => ({ tasks: await overdueTasks(requestContext(request, deps), { mine: (request.query as { mine?: string }).mine === 'true' }) }),
  );

  app.get(
    '/api/cases/:id/notes',
    {
      config: { policy: PERSONAL },
      schema: { summary: "The case's notes, oldest first, with their authors", tags: ['case work'], params: caseParams, response: { 200: { type: 'object', required: ['notes'], properties: { notes: { type: 'array', items: note } } } } },
    },
    async (request) => ({ notes: await listCaseNotes(requestContext(request, deps), caseOf(request)) }),
  );

  app.post(
    '/api/cases/:id/notes',
    {
      config: { policy: PERSONAL },
      schema: {
        summary: 'Add a Markdown note; links [text](entity:ID) and [text](statement:ID) must point at records the caller may see. Notes are never edited',
        tags: ['case work'],
        params: caseParams,
        body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', minLength: 1, maxLength: MAX_NOTE_LENGTH } } },
        response: { 201: note },
      },
    },
    async (request, reply) => reply.status(201).send(await addCaseNote(requestContext(request, deps), { caseId: caseOf(request), body: (request.body as { body: string }).body })),
  );

  app.get(
    '/api/cases/:id/links',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Links to and from other cases; linked cases the caller may not see are only counted',
        tags: ['case work'],
        params: caseParams,
        response: { 200: { type: 'object', required: ['links', 'hidden'], properties: { links: { type: 'array', items: link }, hidden: { type: 'integer' } } } },
      },
    },
    async (request) => listCaseLinks(requestContext(request, deps), caseOf(request)),
  );

  app.post(
    '/api/cases/:id/links',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Link this case to another one the caller may see (closed and archived ones too): the linked case is this one’s relation',
        tags: ['case work'],
        params: caseParams,
        body: {
          type: 'object',
          required: ['linkedCaseId', 'relation'],
          additionalProperties: false,
          properties: { linkedCaseId: CASE_ID, relation: { type: 'string', enum: [...LINK_RELATIONS] }, note: { type: 'string', maxLength: 2000 } },
        },
        response: noContent,
      },
    },
    async (request, reply) => {
      const body = request.body as { linkedCaseId: string; relation: string; note?: string };
      await linkCases(requestContext(request, deps), { caseId: caseOf(request), ...body });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/cases/:id/links/:otherId',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: { summary: 'Remove the link between this case and another, whichever made it', tags: ['case work'], params: { type: 'object', required: ['id', 'otherId'], properties: { id: CASE_ID, otherId: CASE_ID } }, response: noContent },
    },
    async (request, reply) => {
      const params = request.params as { id: string; otherId: string };
      await unlinkCases(requestContext(request, deps), { caseId: params.id, linkedCaseId: params.otherId });
      return reply.status(204).send();
    },
  );
}
