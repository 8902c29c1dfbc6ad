/**
 * Reads CloudFormation YAML (short-form intrinsics such as `!Ref` become their long JSON form) and
 * resolves the conditional parts of a template for given parameter values, so tests can check what
 * a stack would really get with and without the optional parameters.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Tags, YAMLMap, YAMLSeq } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  EachMemberEquals: 'Fn::EachMemberEquals',
  EachMemberIn: 'Fn::EachMemberIn',
  Contains: 'Fn::Contains',
  RefAll: 'Fn::RefAll',
  ValueOf: 'Fn::ValueOf',
  ValueOfAll: 'Fn::ValueOfAll',
};

const customTags: Tags = Object.entries(SHORT_FORMS).flatMap(([short, long]) => [
  {
    tag: `!${short}`,
    // `!GetAtt Resource.Attribute` is the one scalar short form that is a list in long form.
    resolve: (value: string) => ({ [long]: short === 'GetAtt' ? value.split(/\.(.*)/s, 2) : value }),
  },
  ...(['seq', 'map'] as const).map((collection) => ({
    tag: `!${short}`,
    collection,
    resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [long]: node.toJSON() }),
  })),
]);

function readCloudFormationYaml(path: string): JsonObject {
  return parse(readFileSync(path, 'utf8'), { customTags }) as JsonObject;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** A parameter's value as CloudFormation sees it: lists split on commas. */
function parameterValue(template: JsonObject, name: string, given: Record<string, string>): Json {
  const declaration = (template.Parameters as JsonObject)[name] as JsonObject | undefined;
  if (!declaration) throw new Error(`unknown parameter ${name}`);
  const raw = given[name] ?? (declaration.Default as string | number | undefined);
  if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`);
  const text = String(raw);
  return String(declaration.Type).includes('List') ? text.split(',') : text;
}

/**
 * Evaluates conditions, `Fn::If`, parameter `Ref`s and `Fn::Join`/`Fn::Equals`/`Fn::Not`/`Fn::And`/
 * `Fn::Or`; leaves everything else (`Fn::Sub`, `Fn::GetAtt`, pseudo parameters) as written.
 */
function resolveTemplate(template: JsonObject, parameters: Record<string, string>): JsonObject {
  const conditions = (template.Conditions ?? {}) as JsonObject;
  const cache = new Map<string, boolean>();

  const condition = (name: string): boolean => {
    if (!(name in conditions)) throw new Error(`unknown condition ${name}`);
    if (!cache.has(name)) cache.set(name, truth(walk(conditions[name] as Json)));
    return cache.get(name) as boolean;
  };

  const truth = (value: Json | typeof NO_VALUE): boolean => {
    if (typeof value !== 'boolean')
      throw new Error(`condition did not resolve to a boolean: ${String(value)}`);
    return value;
  };

  const walk = (node: Json): Json | typeof NO_VALUE => {
    if (Array.isArray(node)) {
      return node.map(walk).filter((item): item is Json => item !== NO_VALUE);
    }
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = node[key] as Json;
      switch (key) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          if (typeof arg === 'string' && (template.Parameters as JsonObject)[arg] !== undefined) {
            return parameterValue(template, arg, parameters);
          }
          return node;
        case 'Condition':
          return condition(arg as string);
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = arg as [string, Json, Json];
          return walk(condition(name) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = (arg as Json[]).map(walk);
          return JSON.stringify(a) === JSON.stringify(b);
        }
        case 'Fn::Not':
          return !truth(walk((arg as Json[])[0] as Json));
        case 'Fn::And':
          return (arg as Json[]).every((item) => truth(walk(item)));
        case 'Fn::Or':
          return (arg as Json[]).some((item) => truth(walk(item)));
        case 'Fn::Split': {
          const [separator, text] = arg as [string, Json];
          const value = walk(text);
          return typeof value === 'string' ? value.split(separator) : node;
        }
        case 'Fn::Join': {
          const [separator, list] = arg as [string, Json];
          const items = walk(list);
          if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) return node;
          return items.join(separator);
        }
      }
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const resolved = walk(value);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  };

  const resources: JsonObject = {};
  for (const [name, resource] of Object.entries(expandForEach(template.Resources as JsonObject, walk))) {
    const declared = resource as JsonObject;
    if (typeof declared.Condition === 'string' && !condition(declared.Condition)) continue;
    resources[name] = walk(declared) as JsonObject;
  }
  return { ...template, Resources: resources };
}

/**
 * AWS::LanguageExtensions' `Fn::ForEach::Name: [Identifier, Collection, {Key: Body}]`: one copy of
 * each body per value, `&{Identifier}` in keys (the value's letters and digits) and `${Identifier}`
 * replaced, `Ref: Identifier` becoming the value.
 */
function expandForEach(resources: JsonObject, walk: (node: Json) => Json | symbol): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(resources)) {
    if (!name.startsWith('Fn::ForEach::')) {
      out[name] = value;
      continue;
    }
    const [identifier, collection, body] = value as [string, Json, JsonObject];
    const items = walk(collection);
    if (!Array.isArray(items)) throw new Error(`${name}: the collection did not resolve to a list`);
    for (const item of items as string[]) {
      const substitute = (node: Json): Json => {
        if (Array.isArray(node)) return node.map(substitute);
        if (node === null || typeof node !== 'object') return node;
        if (Object.keys(node).length === 1 && node.Ref === identifier) return item;
        return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, substitute(child)]));
      };
      for (const [key, resource] of Object.entries(body)) {
        const resolvedKey = key
          .replaceAll(`&{${identifier}}`, item.replace(/[^A-Za-z0-9]/g, ''))
          .replaceAll(`\${${identifier}}`, item);
        out[resolvedKey] = substitute(resource);
      }
    }
  }
  return out;
}

export { readCloudFormationYaml, resolveTemplate };
export type { Json, JsonObject };
