import { Stage } from './model.js';
import type { SecretRecord, VersionRecord } from './model.js';

/**
 * Staging-label rules. A label sits on at most one version of a secret; a version left without
 * labels is deprecated. These functions are the only code that changes `stages`; they keep a
 * per-secret label index, so a write costs the same with 10 versions or 10,000.
 */

/** Deprecated versions kept per secret before the oldest are removed. */
const DEPRECATED_VERSION_LIMIT = 100;
/** The service never removes a deprecated version younger than this. */
const DEPRECATED_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/** label -> version holding it, per secret; built on first use. */
const labelIndexes = new WeakMap<SecretRecord, Map<string, VersionRecord>>();
/** Per secret: no deprecated version can be pruned before this time (all are younger). */
const nextPruneAt = new WeakMap<SecretRecord, number>();

function labelIndex(secret: SecretRecord): Map<string, VersionRecord> {
  let index = labelIndexes.get(secret);
  if (!index) {
    index = new Map();
    for (const version of secret.versions.values())
      for (const stage of version.stages) index.set(stage, version);
    labelIndexes.set(secret, index);
  }
  return index;
}

function holderOf(secret: SecretRecord, stage: string): VersionRecord | undefined {
  const index = labelIndex(secret);
  const holder = index.get(stage);
  // A version removed from the secret (a test-only rotation placeholder) takes its labels along.
  if (holder && (secret.versions.get(holder.id) !== holder || !holder.stages.includes(stage))) {
    index.delete(stage);
    return undefined;
  }
  return holder;
}

/** The one place a version's labels change. */
function setStages(secret: SecretRecord, version: VersionRecord, stages: string[]): void {
  const index = labelIndex(secret);
  for (const stage of version.stages)
    if (!stages.includes(stage) && index.get(stage) === version) index.delete(stage);
  for (const stage of stages) index.set(stage, version);
  version.stages = stages;
}

function detach(secret: SecretRecord, version: VersionRecord, stage: string): void {
  if (version.stages.includes(stage))
    setStages(
      secret,
      version,
      version.stages.filter((s) => s !== stage),
    );
}

function add(secret: SecretRecord, version: VersionRecord, stage: string): void {
  if (!version.stages.includes(stage)) setStages(secret, version, [...version.stages, stage]);
}

/** Puts `stage` on `version`, taking it off whichever version had it. */
function attach(secret: SecretRecord, version: VersionRecord, stage: string): void {
  const holder = holderOf(secret, stage);
  if (holder === version) return;
  if (holder) detach(secret, holder, stage);
  add(secret, version, stage);
}

/**
 * AWSCURRENT moving through PutSecretValue or UpdateSecret: the former holder keeps exactly
 * AWSPREVIOUS (its other labels go), the former AWSPREVIOUS holder loses that label.
 */
function promoteWithValue(secret: SecretRecord, version: VersionRecord): void {
  const current = holderOf(secret, Stage.Current);
  if (current === version) return;
  const previous = holderOf(secret, Stage.Previous);
  if (previous) detach(secret, previous, Stage.Previous);
  if (current) setStages(secret, current, [Stage.Previous]);
  detach(secret, version, Stage.Previous);
  add(secret, version, Stage.Current);
}

/**
 * AWSCURRENT moving through UpdateSecretVersionStage: the version it left gains AWSPREVIOUS, every
 * other version loses AWSPREVIOUS, and all other labels stay where they are.
 */
function moveCurrent(secret: SecretRecord, to: VersionRecord): void {
  const from = holderOf(secret, Stage.Current);
  if (from === to) return;
  const previous = holderOf(secret, Stage.Previous);
  if (previous && previous !== from) detach(secret, previous, Stage.Previous);
  if (from) {
    detach(secret, from, Stage.Current);
    add(secret, from, Stage.Previous);
  }
  add(secret, to, Stage.Current);
}

/**
 * Labels a newly written version: `stages` (default AWSCURRENT) plus AWSCURRENT when no version holds
 * it yet, so the first version of a secret is always current.
 */
function stageNewValue(
  secret: SecretRecord,
  version: VersionRecord,
  stages: readonly string[] | undefined,
): void {
  const wanted = new Set(stages ?? [Stage.Current]);
  if (!holderOf(secret, Stage.Current)) wanted.add(Stage.Current);
  for (const stage of wanted) {
    if (stage === Stage.Current) promoteWithValue(secret, version);
    else attach(secret, version, stage);
  }
}

function isDeprecated(version: VersionRecord): boolean {
  return version.stages.length === 0;
}

/**
 * Removes the oldest deprecated versions beyond the service's limit (never those under 24 hours
 * old). Scans only when the limit is exceeded and some deprecated version can be old enough.
 */
function pruneDeprecated(secret: SecretRecord, now: number): void {
  const labelled = new Set(labelIndex(secret).values()).size;
  if (secret.versions.size - labelled <= DEPRECATED_VERSION_LIMIT) return;
  if (now < (nextPruneAt.get(secret) ?? 0)) return;
  const deprecated = [...secret.versions.values()].filter(isDeprecated).sort((a, b) => a.created - b.created);
  let excess = deprecated.length - DEPRECATED_VERSION_LIMIT;
  let youngest = Infinity;
  for (const version of deprecated) {
    if (excess <= 0) break;
    if (now - version.created < DEPRECATED_MIN_AGE_MS) {
      youngest = Math.min(youngest, version.created);
      break;
    }
    secret.versions.delete(version.id);
    excess -= 1;
  }
  if (excess > 0 && youngest !== Infinity) nextPruneAt.set(secret, youngest + DEPRECATED_MIN_AGE_MS);
}

/** `{versionId: stages}` for the versions that are not deprecated; undefined when there are none. */
function versionsToStages(secret: SecretRecord): Record<string, string[]> | undefined {
  const entries = [...secret.versions.values()]
    .filter((v) => !isDeprecated(v))
    .map((v) => [v.id, [...v.stages]]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The version holding AWSPENDING without AWSCURRENT: a rotation that has not finished. */
function unfinishedRotation(secret: SecretRecord): VersionRecord | undefined {
  const pending = holderOf(secret, Stage.Pending);
  return pending && !pending.stages.includes(Stage.Current) ? pending : undefined;
}

export {
  DEPRECATED_MIN_AGE_MS,
  DEPRECATED_VERSION_LIMIT,
  attach,
  detach,
  holderOf,
  isDeprecated,
  moveCurrent,
  promoteWithValue,
  pruneDeprecated,
  stageNewValue,
  unfinishedRotation,
  versionsToStages,
};
