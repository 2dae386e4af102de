// The fast validation tier: every synthesized object is checked against the pinned upstream
// schemas — CRD openAPIV3Schema for custom resources, the Kubernetes 1.30 OpenAPI definitions for
// core kinds — with unknown fields rejected (as `kubectl apply --validate=strict` does).
// CEL rules and hand-written API validation are left to the real API server (test:cluster).
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const repo = path.resolve(__dirname, '..');

export function crdsDir(): string {
  const dir = path.resolve(process.env.EGRESS_CRDS_DIR ?? path.join(repo, '..', 'shared', 'crds'));
  if (!fs.existsSync(dir)) {
    throw new Error(`Schema validation needs the pinned CRDs: ${dir} does not exist. Set EGRESS_CRDS_DIR (see imports/SOURCES.json for the upstream URLs).`);
  }
  return dir;
}

/**
 * Close every object schema that lists properties (unknown fields become errors), except the
 * branches of allOf/anyOf/oneOf/not: in structural schemas those only add value constraints to
 * fields declared beside them.
 */
function closeObjects(schema: any, inJunctor = false): any {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, inJunctor));
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    const junctor = ['allOf', 'anyOf', 'oneOf', 'not'].includes(k);
    out[k] = closeObjects(v, junctor || (inJunctor && k !== 'properties' && k !== 'items' && k !== 'additionalProperties'));
  }
  if (!inJunctor && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * CRD patterns are Go RE2 syntax; translate the forms JS writes differently (`\pL` → `\p{L}`).
 * A pattern JS still cannot compile is listed in `untranslatable` and not enforced here (the
 * API-server tier enforces it).
 */
export const untranslatable: string[] = [];
function goRegExp(pattern: string, flags: string): RegExp {
  const js = pattern.replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}');
  try {
    return new RegExp(js, flags.includes('u') ? flags : `${flags}u`);
  } catch {
    untranslatable.push(pattern);
    return /[\s\S]*/;
  }
}

let validators: Map<string, () => ValidateFunction> | undefined;
const compiled = new Map<string, ValidateFunction>();

function load(): Map<string, () => ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp as any } });
  const map = new Map<string, () => ValidateFunction>();
  const dir = crdsDir();
  const sources = JSON.parse(fs.readFileSync(path.join(repo, 'imports', 'SOURCES.json'), 'utf-8'));
  for (const mod of sources.modules) {
    for (const c of mod.crds) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, c.file), 'utf-8'))) {
        const crd = doc.toJS();
        if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) {
          if (!v.served) continue;
          const key = `${crd.spec.group}/${v.name}|${crd.spec.names.kind}`;
          // Some CRDs (Istio) declare only spec/status at the root; every object has these three.
          const root = v.schema.openAPIV3Schema;
          const withMeta = { ...root, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...root.properties } };
          map.set(key, () => ajv.compile(closeObjects(withMeta)));
        }
      }
    }
  }
  const defs = JSON.parse(fs.readFileSync(path.join(dir, 'kubernetes', 'v1.30.0', '_definitions.json'), 'utf-8')).definitions;
  const closed = closeObjects(defs);
  ajv.addSchema({ $id: 'k8s', definitions: closed });
  for (const [name, def] of Object.entries<any>(defs)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      map.set(`${apiVersion}|${gvk.kind}`, () => ajv.getSchema(`k8s#/definitions/${name}`)!);
    }
  }
  validators = map;
  return map;
}

/** Schema errors of one manifest (empty when valid). */
export function schemaErrors(manifest: any): string[] {
  const key = `${manifest.apiVersion}|${manifest.kind}`;
  let fn = compiled.get(key);
  if (!fn) {
    const make = load().get(key);
    if (!make) return [`no pinned schema for ${key}: add its CRD to imports/SOURCES.json`];
    fn = make();
    compiled.set(key, fn);
  }
  if (fn(manifest)) return [];
  return (fn.errors ?? []).map((e) => `${manifest.kind}/${manifest.metadata?.name}: ${e.instancePath || '/'} ${e.message}${e.params && (e.params as any).additionalProperty ? ` (${(e.params as any).additionalProperty})` : ''}`);
}

/** Throws with every schema error of the manifests. */
export function expectValidManifests(manifests: any[]): void {
  const errors = manifests.flatMap(schemaErrors);
  if (errors.length > 0) throw new Error(`Emitted objects do not match the pinned upstream schemas:\n  ${errors.join('\n  ')}`);
}
