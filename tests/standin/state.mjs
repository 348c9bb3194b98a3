// The stand-in's whole server state: what iCloud "has", whether the session is signed in,
// and the faults tests have asked for. In-process tests read it directly
// (`standin.state.received`); other processes use the control API (control-api.mjs).

export function createState() {
  const state = {
    signedIn: true,
    // Off: the account's web access is turned off (Advanced Data Protection): /photos/ explains.
    webAccess: true,
    // One entry per stored upload: {index, name, lastModDate, contentType, size, bytes, sha256, receivedAt}.
    received: [],
    // Every upload request that reached the server, including refused and faulted ones:
    // {name, size, status, at, stalled?} where status is an HTTP status, 'dropped' or 'stalled'
    // ('stalled' until a late answer replaces it; `stalled: true` stays).
    attempts: [],
    // Bumped by reset so the library's sync token changes even when the item count does not.
    generation: 0,
    faultConfig: {},
    faults: normaliseFaults({}),
  };
  return state;
}

export function resetState(state) {
  state.signedIn = true;
  state.webAccess = true;
  state.received.length = 0;
  state.attempts.length = 0;
  state.generation += 1;
  setFaults(state, {});
}

/**
 * Replaces all fault settings (an empty object clears them). Shape:
 *   failures:       rule or list of rules, tried in order for each upload:
 *                   {status: 503} | {statuses: [500, 503]}   what to answer
 *                   count: N      only the first N uploads this rule hits (default: all)
 *                   rate: 0.1     hit with this probability, drawn from a PRNG seeded by `seed` (default 1)
 *                   names: [..]   only uploads with these file names
 *   stallMs:        N  → take the body, store it, answer N ms later;
 *                   'forever' → take the body, store it, never answer
 *   stallCount:     only the next N uploads stall (default: all)
 *   dropConnection: true → destroy the socket mid-body on every upload; N → only the next N.
 *                   Chromium silently resends a request once when a reused keep-alive socket is cut,
 *                   so a single drop may never reach the page: use true (or N ≥ 2) to make the page see it.
 * A stalled upload is stored before the (late or missing) answer: the page cannot tell
 * whether the server kept it, which is exactly the case the extension's duplicate memory must handle.
 */
export function setFaults(state, config) {
  state.faultConfig = structuredClone(config ?? {});
  state.faults = normaliseFaults(state.faultConfig);
}

function normaliseFaults(config) {
  const rules = config.failures == null ? [] : [].concat(config.failures);
  return {
    failures: rules.map((rule) => ({
      statuses: rule.statuses ?? [rule.status ?? 503],
      remaining: rule.count ?? Infinity,
      rate: rule.rate ?? 1,
      names: rule.names ?? null,
      random: mulberry32(rule.seed ?? 1),
    })),
    stall: config.stallMs == null || config.stallMs === 0 ? null
      : { ms: config.stallMs === 'forever' ? Infinity : Number(config.stallMs), remaining: config.stallCount ?? Infinity },
    drop: !config.dropConnection ? null
      : { remaining: config.dropConnection === true ? Infinity : Number(config.dropConnection) },
  };
}

/** Consumes one use of the drop fault, if any applies. */
export function takeDrop(state) {
  const drop = state.faults.drop;
  if (!drop || drop.remaining <= 0) return false;
  drop.remaining -= 1;
  return true;
}

/** Returns the status a failure rule forces for this upload, or null. */
export function takeFailure(state, name) {
  for (const rule of state.faults.failures) {
    if (rule.remaining <= 0) continue;
    if (rule.names && !rule.names.includes(name)) continue;
    if (rule.rate < 1 && rule.random() >= rule.rate) continue;
    rule.remaining -= 1;
    return rule.statuses[Math.floor(rule.random() * rule.statuses.length) % rule.statuses.length];
  }
  return null;
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

/** The received list as the control API shows it: everything but the bytes. */
export function describeReceived(state) {
  return state.received.map(({ bytes, ...rest }) => rest);
}
