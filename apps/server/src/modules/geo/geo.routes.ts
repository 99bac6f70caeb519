import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, IdParams, RegionGeometryBody, RegionLevelSchema, RoadSegmentView, SegmentBody, UpdateSegmentBody, UpdateZoneBody, ZoneBody, ZoneView } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { GeoService } from './geo.service.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const FeatureCollection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Any()) });

export function geoRoutes(geo: GeoService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/regions/geojson', {
      config: { permission: 'map.read' },
      schema: { tags: ['map'], summary: 'Region boundaries within the caller’s scope as GeoJSON (WGS-84)', querystring: Type.Object({ level: Type.Optional(RegionLevelSchema) }, { additionalProperties: false }), response: { 200: FeatureCollection, ...errors } },
    }, (request) => geo.regionFeatures(requireActor(request.actor), request.query.level));

    app.post('/regions/geojson', {
      config: { permission: 'map.write' },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['map'],
        summary: 'Import boundaries for many regions from a GeoJSON FeatureCollection (properties.code = region code); all or none',
        body: Type.Object({
          type: Type.Literal('FeatureCollection'),
          features: Type.Array(Type.Object({
            type: Type.Literal('Feature'),
            properties: Type.Union([Type.Record(Type.String(), Type.Any()), Type.Null()]),
            geometry: Type.Any(),
          }), { minItems: 1, maxItems: 100_000 }),
        }),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errors },
      },
    }, (request) => geo.importBoundaries(requireActor(request.actor), request.body, auditContextOf(request)));

    app.put('/regions/:id/geometry', {
      config: { permission: 'map.write' },
      schema: { tags: ['map'], summary: 'Set or clear a region’s boundary (a grid must lie inside its community)', params: IdParams, body: RegionGeometryBody, response: { 200: Type.Object({ id: Type.Integer(), version: Type.Integer() }), ...errors } },
    }, (request) => geo.setRegionGeometry(requireActor(request.actor), request.params.id, request.body.geometry, request.body.version, auditContextOf(request)));

    app.get('/segments', {
      config: { permission: 'map.read' },
      schema: { tags: ['map'], summary: 'Road segments (包路段) within the caller’s scope', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 64 })), regionId: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(RoadSegmentView), actions: Type.Array(Type.String()) }), ...errors } },
    }, (request) => geo.listSegments(requireActor(request.actor), request.query));
    app.get('/segments/:id', { config: { permission: 'map.read' }, schema: { tags: ['map'], params: IdParams, response: { 200: RoadSegmentView, ...errors } } },
      (request) => geo.getSegment(requireActor(request.actor), request.params.id));
    app.post('/segments', { config: { permission: 'map.write' }, schema: { tags: ['map'], body: SegmentBody, response: { 201: RoadSegmentView, ...errors } } },
      async (request, reply) => reply.status(201).send(await geo.createSegment(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/segments/:id', { config: { permission: 'map.write' }, schema: { tags: ['map'], params: IdParams, body: UpdateSegmentBody, response: { 200: RoadSegmentView, ...errors } } },
      (request) => geo.updateSegment(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.delete('/segments/:id', { config: { permission: 'map.write' }, schema: { tags: ['map'], params: IdParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await geo.deleteSegment(requireActor(request.actor), request.params.id, auditContextOf(request));
        return reply.status(204).send(null);
      });

    app.get('/zones', { config: { permission: 'map.read' }, schema: { tags: ['map'], summary: 'Responsibility zones (责任区)', response: { 200: Type.Object({ items: Type.Array(ZoneView), actions: Type.Array(Type.String()) }), ...errors } } },
      (request) => geo.listZones(requireActor(request.actor)));
    app.post('/zones', { config: { permission: 'map.write' }, schema: { tags: ['map'], body: ZoneBody, response: { 201: ZoneView, ...errors } } },
      async (request, reply) => reply.status(201).send(await geo.createZone(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/zones/:id', { config: { permission: 'map.write' }, schema: { tags: ['map'], params: IdParams, body: UpdateZoneBody, response: { 200: ZoneView, ...errors } } },
      (request) => geo.updateZone(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.delete('/zones/:id', { config: { permission: 'map.write' }, schema: { tags: ['map'], params: IdParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await geo.deleteZone(requireActor(request.actor), request.params.id, auditContextOf(request));
        return reply.status(204).send(null);
      });
  };
}
