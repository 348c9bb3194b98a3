// The stand-in's whole server state: what iCloud "has", whether the session is signed in,
// which variant of the page it plays, and the faults tests have asked for. In-process tests read
// it directly (`standin.state.received`); other processes use the control API (control-api.mjs).
import { randomUUID } from 'node:crypto';
import { DEFAULT_VARIANT, mergeVariant } from './variant.mjs';

export { DEFAULT_VARIANT };

export function createState() {
  const state = {
    signedIn: true,
    // What every API/content request answers while signed out: 421 by default, or 401 (signOut's
    // status); the page must take either as an expired session.
    expiryStatus: 421,
    // Off: the account's web access is turned off (Advanced Data Protection): /photos/ explains.
    webAccess: true,
    variant: { ...DEFAULT_VARIANT },
    // REGISTERED photos only, one per distinct photo: {index, name, lastModDate, contentType, size,
    // bytes, sha256, photoGuid, receivedAt, protocol, cplMaster?, cplAsset?, uploadJobId?}.
    received: [],
    // Byte uploads the content host kept (today's flow), registered or not:
    // {index, uuid, size, contentType, bytes, sha256, receipt, singleFile, storedAt, registered}.
    stored: [],
    // Every request to an upload host (preflights aside), in order:
    // {kind, name?, size, status, at, doneAt?, stalled?, …}; status is an HTTP status, 'dropped',
    // 'stalled' (until a late answer replaces it; `stalled: true` stays) or 'aborted' (the page gave up).
    attempts: [],
    // Upload URLs handed out by createUploadUrl, by token: {uuid, size}.
    reservations: new Map(),
    // putAsset's upload jobs, by uploadJobId: {polls}.
    jobs: new Map(),
    // Bumped by reset so the library's sync token changes even when the item count does not.
    generation: 0,
    faultConfig: {},
    faults: normaliseFaults({}),
  };
  return state;
}

export function resetState(state) {
  state.signedIn = true;
  state.expiryStatus = 421;
  state.webAccess = true;
  state.variant = { ...DEFAULT_VARIANT };
  state.received.length = 0;
  state.stored.length = 0;
  state.attempts.length = 0;
  state.reservations.clear();
  state.jobs.clear();
  state.generation += 1;
  setFaults(state, {});
}

/** Merges `partial` into the variant; throws on an unknown key or value. */
export function setVariant(state, partial) {
  state.variant = mergeVariant(state.variant, partial);
  return state.variant;
}

/** Expires the session: every API/content request then answers `status` (421 or 401). */
export function signOut(state, { status = 421 } = {}) {
  if (status !== 421 && status !== 401) throw new Error(`signOut: status must be 421 or 401, not ${status}`);
  state.signedIn = false;
  state.expiryStatus = status;
}

/**
 * Replaces all fault settings (an empty object clears them). A *rule* is
 *   {status: 503} | {statuses: [500, 503]}   what to answer
 *   count: N      only the first N requests this rule hits (default: all)
 *   rate: 0.1     hit with this probability, drawn from a PRNG seeded by `seed` (default 1)
 *   names: [..]   only files with these names (not for `bytes`: the content host never learns names)
 *   sizes: [..]   only files of these byte sizes
 * and each setting takes one rule or a list of them, tried in order:
 *   failures:        legacy POST answers (the withdrawn host, variant protocol 'legacy')
 *   bytes:           byte POST answers (content host; also the 'unknown' flow's import POST)
 *   createUploadUrl: whole-request answers
 *   putAsset:        whole-request answers
 *   putAssetEntry:   one file's entry refused inside a 200 answer; the rule may add
 *                    isRetryable (default: status >= 500) and errorMessage
 *   stallMs:        N  → take the body, keep it, answer N ms later; 'forever' → never answer
 *   stallCount:     only the next N byte/legacy POSTs stall (default: all)
 *   dropConnection: true → cut the socket mid-body on every byte/legacy POST; N → only the next N.
 *                   Chromium silently resends a request once when a reused keep-alive socket is cut,
 *                   so a single drop may never reach the page: use true (or N ≥ 2) to make the page see it.
 *   bandwidthBytesPerSec: N → the bodies of byte/legacy POSTs are read at most this fast, all of them
 *                   together (one uplink): a 12 MB photo at 2 MB/s takes 6 s.
 * A stalled upload is kept before the (late or missing) answer: the page cannot tell whether the
 * server has it, which is exactly the case the extension's duplicate memory must handle.
 */
export function setFaults(state, config) {
  const faults = normaliseFaults(config ?? {}); // throws before anything changes
  state.faultConfig = structuredClone(config ?? {});
  state.faults = faults;
}

function normaliseFaults(config) {
  const rate = config.bandwidthBytesPerSec;
  if (rate != null && !(Number(rate) > 0)) throw new Error('faults: bandwidthBytesPerSec must be a positive number');
  if ([].concat(config.bytes ?? []).some((rule) => rule.names)) {
    throw new Error('faults: a bytes rule cannot match names (the content host never learns them); use sizes');
  }
  return {
    failures: rules(config.failures),
    bytes: rules(config.bytes),
    createUploadUrl: rules(config.createUploadUrl),
    putAsset: rules(config.putAsset),
    putAssetEntry: rules(config.putAssetEntry),
    stall: config.stallMs == null || config.stallMs === 0 ? null
      : { ms: config.stallMs === 'forever' ? Infinity : Number(config.stallMs), remaining: config.stallCount ?? Infinity },
    drop: !config.dropConnection ? null
      : { remaining: config.dropConnection === true ? Infinity : Number(config.dropConnection) },
    // The uplink all byte bodies share: the time its next byte may be read.
    link: rate == null ? null : { bytesPerSec: Number(rate), nextFreeAt: 0 },
  };
}

function rules(config) {
  return (config == null ? [] : [].concat(config)).map((rule) => {
    const statuses = rule.statuses ?? [rule.status ?? 503];
    return {
      statuses,
      remaining: rule.count ?? Infinity,
      rate: rule.rate ?? 1,
      names: rule.names ?? null,
      sizes: rule.sizes ?? null,
      random: mulberry32(rule.seed ?? 1),
      isRetryable: rule.isRetryable,
      errorMessage: rule.errorMessage,
    };
  });
}

/**
 * The first rule of `kind` that hits (consuming one use), as {status, isRetryable, errorMessage},
 * or null. `files` is one {name?, size?} or, for a whole request, the list of its files: a rule
 * with names/sizes hits when one of them matches. A rule with `names` never hits an unnamed file.
 */
export function takeRule(state, kind, files = []) {
  const list = [].concat(files);
  for (const rule of state.faults[kind]) {
    if (rule.remaining <= 0) continue;
    if (rule.names && !list.some((file) => rule.names.includes(file.name))) continue;
    if (rule.sizes && !list.some((file) => rule.sizes.includes(file.size))) continue;
    if (rule.rate < 1 && rule.random() >= rule.rate) continue;
    rule.remaining -= 1;
    const status = rule.statuses[Math.floor(rule.random() * rule.statuses.length) % rule.statuses.length];
    return { status, isRetryable: rule.isRetryable ?? status >= 500, errorMessage: rule.errorMessage ?? `injected ${status}` };
  }
  return null;
}

/** Returns the status a `failures` rule forces for this legacy upload, or null. */
export function takeFailure(state, name) {
  return takeRule(state, 'failures', { name })?.status ?? null;
}

/** Consumes one use of the drop fault, if any applies. */
export function takeDrop(state) {
  const drop = state.faults.drop;
  if (!drop || drop.remaining <= 0) return false;
  drop.remaining -= 1;
  return true;
}

/** Returns how long to hold this upload's answer (Infinity = never), or 0. */
export function takeStall(state) {
  const stall = state.faults.stall;
  if (!stall || stall.remaining <= 0) return 0;
  stall.remaining -= 1;
  return stall.ms;
}

// A tiny seeded PRNG so a "10 % of uploads fail" run is reproducible.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The registered photo with these bytes, if any (iCloud keeps one of each). */
export function findRegistered(state, sha256) {
  return state.received.find((item) => item.sha256 === sha256) ?? null;
}

/** Registers a photo in the library; `fields` = {name, lastModDate, contentType, bytes, sha256, protocol, …}. */
export function registerPhoto(state, fields) {
  const item = {
    index: state.received.length,
    size: fields.bytes?.length ?? fields.size,
    photoGuid: fields.cplAsset ?? appleId(), // the library's record name
    receivedAt: Date.now(),
    ...fields,
  };
  state.received.push(item);
  return item;
}

/** Record and job ids shaped like Apple's: an uppercase UUID. */
export function appleId() {
  return randomUUID().toUpperCase();
}

/** Records visible to library queries: registered at least `indexingDelayMs` ago. */
export function indexedPhotos(state, now = Date.now()) {
  return state.received.filter((item) => now - item.receivedAt >= state.variant.indexingDelayMs);
}

/** The received list as the control API shows it: everything but the bytes. */
export function describeReceived(state) {
  return state.received.map(({ bytes, ...rest }) => rest);
}

/** The stored list as the control API shows it: everything but the bytes. */
export function describeStored(state) {
  return state.stored.map(({ bytes, ...rest }) => rest);
}
