// Which version of the Photos page the stand-in plays. The page reads it from the server
// (site.mjs injects it as <script type="application/json" id="standin-variant">); the server's
// hosts read it from state.variant. Unknown keys and values are refused, so a typo in a test
// cannot silently run the default.
import { LOCALES } from './locales.mjs';

export const DEFAULT_VARIANT = Object.freeze({
  protocol: 'today', // how the app uploads: 'today' (four requests, two hosts), 'legacy', 'unknown'
  body: 'file', // what today's byte POST sends: the File, a Blob slice of it, or an ArrayBuffer
  realm: 'page', // where the byte POST runs: the app window or a dedicated Worker
  transport: 'xhr', // XMLHttpRequest (upload progress) or fetch
  reserve: 'selection', // createUploadUrl once per selection or once per file
  putAssetBatch: 0, // 0: one putAsset for the whole selection; N: chunks of at most N files
  indexingDelayMs: 15000, // registered → visible to library queries
  locale: 'en-us',
  buttonClasses: true,
  startView: 'library',
  appFrame: 'src',
});

const ALLOWED = {
  protocol: ['today', 'legacy', 'unknown'],
  body: ['file', 'blob', 'arraybuffer'],
  realm: ['page', 'worker'],
  transport: ['xhr', 'fetch'],
  reserve: ['selection', 'file'],
  putAssetBatch: (value) => Number.isInteger(value) && value >= 0,
  indexingDelayMs: (value) => Number.isFinite(value) && value >= 0,
  locale: LOCALES,
  buttonClasses: [true, false],
  startView: ['library', 'albums', 'memories'],
  appFrame: ['src', 'navigate'],
};

/** `current` with `partial` merged in; throws on an unknown key or value. */
export function mergeVariant(current, partial = {}) {
  for (const [key, value] of Object.entries(partial)) {
    const allowed = ALLOWED[key];
    if (!allowed) throw new Error(`variant: unknown key ${key}`);
    const ok = typeof allowed === 'function' ? allowed(value) : allowed.includes(value);
    if (!ok) throw new Error(`variant: ${key} cannot be ${JSON.stringify(value)}`);
  }
  return { ...current, ...partial };
}
